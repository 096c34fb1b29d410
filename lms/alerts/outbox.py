"""The outbox's delivery side: claim rows with a lease, send, record each outcome at once.

This is the one place outside a request or command boundary that commits, and it does so on
purpose: a lease must be visible to other senders before anything is sent, and each message's
outcome is recorded as soon as it is known, so a crash neither resends nor loses a message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from lms import clock
from lms.actor import Actor
from lms.alerts.mailer import Item, Sender, SendError, build_message
from lms.alerts.models import (
    Alert,
    AlertDelivery,
    DeliveryAttempt,
    DeliveryStatus,
)
from lms.alerts.rules import (
    OWN_ROLES,
    Kind,
    RecipientRole,
    long_date,
    worded_for_its_subject,
)

#: How long a sender holds the rows it claimed; a crashed sender's rows are retried after it.
from lms.alerts.settings import AlertSettings, _day_start, retry_delay
from lms.auditlog.operations import record

LEASE = dt.timedelta(minutes=15)
#: Rows claimed at a time: few enough to send well within the lease even at the SMTP timeout.
CLAIM_BATCH = 20
DELIVERIES = AlertDelivery.__table__


# -- delivering the outbox --------------------------------------------------------------------


@dataclass
class DeliveryReport:
    messages_sent: int = 0  # emails accepted by the server (a digest counts once)
    deliveries_sent: int = 0  # outbox rows now sent
    digests_sent: int = 0
    messages_failed: int = 0  # emails refused or not sent this run
    gave_up: int = 0  # rows now marked failed for good
    deferred: int = 0  # digest rows held until tomorrow: one digest per recipient per day
    errors: list[str] = field(default_factory=list)
    next_retry_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.messages_failed == 0


def _due(now: dt.datetime, digest: bool) -> list[ColumnElement[bool]]:
    """Rows ready to send: pending, their time has come, and no sender holds them."""
    return [
        DELIVERIES.c.status == DeliveryStatus.PENDING,
        DELIVERIES.c.digest.is_(digest),
        or_(DELIVERIES.c.next_attempt_at.is_(None), DELIVERIES.c.next_attempt_at <= now),
        or_(DELIVERIES.c.claimed_until.is_(None), DELIVERIES.c.claimed_until <= now),
    ]


def _claim(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    lease_until: dt.datetime,
    limit: int | None = None,
) -> list[int]:
    """Take a lease on the rows matching ``where``; the ids this sender now holds.

    The candidates are read first (on PostgreSQL locked, skipping rows another sender is
    claiming this instant), then leased by an UPDATE that repeats the conditions, so a row
    another sender leased in between matches nothing: only what RETURNING gives back is ours.
    (One UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED) is not enough on
    PostgreSQL: the planner may rescan the subquery and lease far more than n rows.)
    """
    candidates = select(DELIVERIES.c.id).where(*where).order_by(DELIVERIES.c.id)
    if limit is not None:
        candidates = candidates.limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(session.execute(candidates).scalars())
    if not ids:
        return []
    claimed = session.execute(
        update(DELIVERIES)
        .where(DELIVERIES.c.id.in_(ids), *where)
        .values(claimed_until=lease_until)
        .returning(DELIVERIES.c.id)
    )
    return sorted(claimed.scalars())


def _claimed_rows(session: Session, ids: Iterable[int]) -> list[tuple[AlertDelivery, Alert]]:
    return [
        (delivery, alert)
        for delivery, alert in session.execute(
            select(AlertDelivery, Alert)
            .join(Alert, Alert.id == AlertDelivery.alert_id)
            .where(AlertDelivery.id.in_(list(ids)))
            .order_by(Alert.created_at, Alert.id)
            .execution_options(populate_existing=True)
        ).all()
    ]


def _defer_second_digests(session: Session, now: dt.datetime, settings: AlertSettings) -> int:
    """Hold digest rows until tomorrow for recipients who already had today's digest."""
    today = clock.local_date(now, settings.timezone)
    day_start = _day_start(today, settings.timezone)
    sent_today = (
        select(DELIVERIES.c.recipient_key)
        .where(
            DELIVERIES.c.digest.is_(True),
            DELIVERIES.c.status == DeliveryStatus.SENT,
            DELIVERIES.c.sent_at >= day_start,
        )
        .distinct()
    )
    result = session.execute(
        update(DELIVERIES)
        .where(*_due(now, True), DELIVERIES.c.recipient_key.in_(sent_today))
        .values(next_attempt_at=_day_start(today + dt.timedelta(days=1), settings.timezone))
    )
    return result.rowcount or 0


OWN_ROLE_VALUES = frozenset(role.value for role in OWN_ROLES)


def _worded(delivery: AlertDelivery, alert: Alert) -> Item:
    """The alert's text for this recipient: the person it is about reads it in the second
    person ("Your training…", "Your LICSW licence…"), everyone else in the third."""
    kind = Kind(alert.kind.value)
    own = delivery.role in OWN_ROLE_VALUES or (
        delivery.role == RecipientRole.SUPERVISOR.value and kind is Kind.LICENCE_EXPIRING
    )
    if not own:
        return Item(alert.subject, alert.body)
    if alert.own_subject and alert.own_body:
        return Item(alert.own_subject, alert.own_body)
    return Item(*worded_for_its_subject(kind, alert.subject, alert.body))  # older rows


def _message(
    settings: AlertSettings,
    recipient: str,
    rows: Sequence[tuple[AlertDelivery, Alert]],
    digest: bool,
    now,
) -> EmailMessage:
    items = [_worded(delivery, alert) for delivery, alert in rows]
    if digest:
        count = f"{len(items)} alert" if len(items) == 1 else f"{len(items)} alerts"
        day = long_date(clock.local_date(now, settings.timezone))
        subject = f"Training records digest for {day}: {count}"
    else:
        subject = items[0].subject
    return build_message(
        sender=settings.smtp.sender,
        recipient=recipient,
        subject=subject,
        items=items,
        link=settings.notifications_url,
        organisation=settings.organisation,
    )


def _record_outcome(
    session: Session,
    settings: AlertSettings,
    now: dt.datetime,
    deliveries: Sequence[AlertDelivery],
    error: SendError | None,
    report: DeliveryReport,
) -> None:
    for delivery in deliveries:
        delivery.attempts += 1
        delivery.claimed_until = None
        session.add(
            DeliveryAttempt(
                delivery_id=delivery.id,
                attempted_at=now,
                succeeded=error is None,
                error=None if error is None else str(error)[:2000],
            )
        )
        if error is None:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = now
            delivery.next_attempt_at = None
            delivery.last_error = None
            report.deliveries_sent += 1
            continue
        delivery.last_error = str(error)[:2000]
        if error.permanent or delivery.attempts >= settings.max_attempts:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            report.gave_up += 1
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            if report.next_retry_at is None or delivery.next_attempt_at < report.next_retry_at:
                report.next_retry_at = delivery.next_attempt_at


def _send_group(
    session: Session,
    settings: AlertSettings,
    now: dt.datetime,
    sender: Sender,
    rows: Sequence[tuple[AlertDelivery, Alert]],
    report: DeliveryReport,
) -> None:
    """Send one message for ``rows`` (one row, or one recipient's digest) and commit."""
    deliveries = [delivery for delivery, _ in rows]
    first = deliveries[0]
    error: SendError | None = None
    try:
        sender.send(_message(settings, first.recipient_email, rows, first.digest, now))
    except SendError as failure:
        error = failure
    except (ValueError, UnicodeError) as failure:  # e.g. an address no message can carry
        error = SendError(f"the message could not be built: {failure}", permanent=True)
    _record_outcome(session, settings, now, deliveries, error, report)
    session.commit()  # recorded at once: a crash later must neither resend nor lose this
    if error is None:
        report.messages_sent += 1
        report.digests_sent += int(first.digest)
    else:
        report.messages_failed += 1
        if str(error) not in report.errors:
            report.errors.append(str(error))


def deliver(
    session_factory: Callable[[], Session],
    settings: AlertSettings,
    now: dt.datetime,
    sender: Sender,
) -> DeliveryReport:
    """Send every outbox row that is due: one message per row, or one daily digest per
    recipient who asked for it. Commits after each message."""
    report = DeliveryReport()
    lease_until = now + LEASE
    session = session_factory()
    try:
        report.deferred = _defer_second_digests(session, now, settings)
        session.commit()
        while ids := _claim(session, _due(now, False), lease_until, CLAIM_BATCH):
            session.commit()  # the lease is visible to other senders before anything is sent
            for row in _claimed_rows(session, ids):
                _send_group(session, settings, now, sender, [row], report)
        keys = session.execute(
            select(DELIVERIES.c.recipient_key).where(*_due(now, True)).distinct()
        ).scalars()
        for key in sorted(keys):
            ids = _claim(
                session, [*_due(now, True), DELIVERIES.c.recipient_key == key], lease_until
            )
            session.commit()
            rows = _claimed_rows(session, ids)
            if rows:
                _send_group(session, settings, now, sender, rows, report)
    finally:
        session.close()
    return report


# -- looking at the outbox ----------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    single: int  # messages that would go out one per row
    digests: int  # digest messages that would go out
    rows: list[tuple[str, str]]  # (recipient, subject) of the rows waiting


def preview_deliveries(session: Session, now: dt.datetime) -> Preview:
    """What ``deliver`` would send now, without claiming anything."""
    rows = session.execute(
        select(DELIVERIES.c.recipient_key, DELIVERIES.c.digest, Alert.subject)
        .join(Alert, Alert.id == DELIVERIES.c.alert_id)
        .where(
            DELIVERIES.c.status == DeliveryStatus.PENDING,
            or_(DELIVERIES.c.next_attempt_at.is_(None), DELIVERIES.c.next_attempt_at <= now),
            or_(DELIVERIES.c.claimed_until.is_(None), DELIVERIES.c.claimed_until <= now),
        )
        .order_by(DELIVERIES.c.id)
    ).all()
    single = sum(1 for row in rows if not row.digest)
    digests = len({row.recipient_key for row in rows if row.digest})
    return Preview(single, digests, [(row.recipient_key, row.subject) for row in rows])


@dataclass(frozen=True)
class OutboxStatus:
    counts: dict[str, int]  # status -> rows
    due_now: int  # pending rows whose time has come
    failed: list[tuple[str, str, int, str | None]]  # recipient, subject, attempts, last error


def outbox_status(session: Session, now: dt.datetime, failed_limit: int = 20) -> OutboxStatus:
    counts = {status.value: 0 for status in DeliveryStatus}
    for status, count in session.execute(
        select(AlertDelivery.status, func.count()).group_by(AlertDelivery.status)
    ):
        counts[status.value] = count
    due_now = session.execute(
        select(func.count())
        .select_from(DELIVERIES)
        .where(
            DELIVERIES.c.status == DeliveryStatus.PENDING,
            or_(DELIVERIES.c.next_attempt_at.is_(None), DELIVERIES.c.next_attempt_at <= now),
        )
    ).scalar_one()
    failed = session.execute(
        select(
            AlertDelivery.recipient_key,
            Alert.subject,
            AlertDelivery.attempts,
            AlertDelivery.last_error,
        )
        .join(Alert, Alert.id == AlertDelivery.alert_id)
        .where(AlertDelivery.status == DeliveryStatus.FAILED)
        .order_by(AlertDelivery.id.desc())
        .limit(failed_limit)
    ).all()
    return OutboxStatus(counts, due_now, [tuple(row) for row in failed])


def retry_failed(session: Session, actor: Actor, now: dt.datetime) -> int:
    """Put every row that gave up back in the queue, with a fresh allowance of attempts."""
    result = session.execute(
        update(DELIVERIES)
        .where(DELIVERIES.c.status == DeliveryStatus.FAILED)
        .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, claimed_until=None)
    )
    count = result.rowcount or 0
    if count:
        record(session, actor, "alerts.retry_failed", details={"deliveries": count})
    session.flush()
    return count
