"""Use cases for alerts: deciding what is due into the outbox, then delivering the outbox.

Deciding inserts with the database's own "on conflict do nothing" against the alert's unique key
(person, kind, threshold, due date), so two runs at once, or a run repeated, add nothing twice.
Delivering claims rows with a lease before sending and commits after each message, so two
senders never send the same row and a crash loses nothing and repeats nothing already recorded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Insert, func, or_, select, update
from sqlalchemy.orm import Session

from lms import clock
from lms.actor import Actor
from lms.alerts.mailer import Item, Sender, SendError, SmtpSettings, build_message
from lms.alerts.models import (
    Alert,
    AlertDelivery,
    AlertKind,
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
)
from lms.alerts.rules import (
    AlertDecision,
    AlertPolicy,
    CandidateFacts,
    Contact,
    Kind,
    MentorFacts,
    Recipient,
    RecipientRole,
    SupervisorFacts,
    decide,
    long_date,
    provisional_since,
)
from lms.auditlog.operations import record
from lms.auth.models import Role, User, UserRole
from lms.eligibility.models import Determination
from lms.staff.models import CLINICAL_POSITIONS, Person, Position, StaffStatus
from lms.training.models import TrainingCycle
from lms.training.rules import CyclePolicy, Employment, training_state

#: How long a sender holds the rows it claimed; a crashed sender's rows are retried after it.
LEASE = dt.timedelta(minutes=15)
#: Rows claimed at a time: few enough to send well within the lease even at the SMTP timeout.
CLAIM_BATCH = 20
FIRST_RETRY = dt.timedelta(minutes=5)
LONGEST_RETRY = dt.timedelta(hours=6)

DELIVERIES = AlertDelivery.__table__


@dataclass(frozen=True)
class AlertSettings:
    policy: AlertPolicy
    cycle_policy: CyclePolicy
    max_attempts: int
    timezone: str
    public_url: str
    organisation: str
    smtp: SmtpSettings

    @property
    def notifications_url(self) -> str:
        return f"{self.public_url}/notifications/"


def settings_from_config(config: Mapping[str, Any], organisation: str) -> AlertSettings:
    """Alert settings from the app config and the organisation's name (from
    lms.organisation.queries.organisation_settings, which the database may override)."""
    return AlertSettings(
        policy=AlertPolicy(
            due_days=tuple(config["ALERT_DUE_DAYS"]),
            repeat_days=int(config["ALERT_REPEAT_DAYS"]),
            licence_days=tuple(config["ALERT_LICENCE_DAYS"]),
            provisional_days=int(config["ALERT_PROVISIONAL_DAYS"]),
        ),
        cycle_policy=CyclePolicy(
            initial_training_days=int(config["INITIAL_TRAINING_DAYS"]),
            renewal_window_days=int(config["RENEWAL_WINDOW_DAYS"]),
        ),
        max_attempts=int(config["ALERT_MAX_ATTEMPTS"]),
        timezone=str(config["LMS_TIMEZONE"]),
        public_url=str(config["PUBLIC_URL"]),
        organisation=organisation,
        smtp=SmtpSettings.from_config(config),
    )


def retry_delay(attempts: int) -> dt.timedelta:
    """5 minutes after the first failure, doubling each time, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _day_start(day: dt.date, timezone: str) -> dt.datetime:
    """Midnight where the provider works, as a UTC instant."""
    return dt.datetime.combine(day, dt.time(0), ZoneInfo(timezone)).astimezone(dt.UTC)


# -- loading what the rules need ------------------------------------------------------------------


@dataclass(frozen=True)
class _Account:
    id: int
    email: str
    is_active: bool
    digest: bool


def contact_for(person_id: int | None, work_email: str | None, account: _Account | None) -> Contact:
    """Mail goes to the work email, else the sign-in email; the app reaches active accounts."""
    email = (work_email or (account.email if account else "") or "").strip().lower() or None
    user_id = account.id if account is not None and account.is_active else None
    if email:
        key = email
    elif user_id is not None:
        key = f"user:{user_id}"
    else:
        key = f"person:{person_id}"
    return Contact(key, user_id, email, bool(account and account.digest))


@dataclass(frozen=True)
class AlertFacts:
    mentors: list[MentorFacts]
    supervisors: list[SupervisorFacts]
    candidates: list[CandidateFacts]
    hr: list[Contact]
    alerted: dict[tuple[int, str, dt.date], int]


def _people(session: Session) -> list[tuple[Person, _Account | None]]:
    rows = session.execute(
        select(Person, User.id, User.email, User.is_active, User.alert_digest)
        .outerjoin(User, User.id == Person.user_id)
        .where(Person.status != StaffStatus.SEPARATED)
        .order_by(Person.id)
    ).all()
    return [
        (person, _Account(user_id, email, active, digest) if user_id is not None else None)
        for person, user_id, email, active, digest in rows
    ]


def _completions(session: Session) -> dict[int, list[dt.date]]:
    found: dict[int, list[dt.date]] = defaultdict(list)
    rows = session.execute(
        select(TrainingCycle.person_id, TrainingCycle.completed_on)
        .join(Person, Person.id == TrainingCycle.person_id)
        .where(
            Person.status == StaffStatus.ACTIVE,
            Person.position == Position.THERAPEUTIC_MENTOR,
            TrainingCycle.completed_on.is_not(None),
        )
    )
    for person_id, completed_on in rows:
        found[person_id].append(completed_on)
    return found


def _provisional_streaks(session: Session, as_of: dt.date, timezone: str) -> dict[int, dt.date]:
    """Each current mentor's or candidate's provisional streak start, from their determinations."""
    history: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    rows = session.execute(
        select(Determination.person_id, Determination.status, Determination.determined_at)
        .join(Person, Person.id == Determination.person_id)
        .where(
            Person.status != StaffStatus.SEPARATED,
            Person.position == Position.THERAPEUTIC_MENTOR,
        )
        .order_by(Determination.person_id, Determination.determined_at, Determination.id)
    )
    for person_id, status, determined_at in rows:
        day = clock.local_date(determined_at, timezone)
        if day <= as_of:  # a past --as-of sees the history as it stood then
            history[person_id].append((day, status.value))
    streaks = {person_id: provisional_since(days) for person_id, days in history.items()}
    return {person_id: since for person_id, since in streaks.items() if since is not None}


def _hr_contacts(session: Session, as_of: dt.date) -> list[Contact]:
    rows = session.execute(
        select(
            User.id,
            User.email,
            User.alert_digest,
            User.access_starts_on,
            User.access_ends_on,
            Person.work_email,
        )
        .join(UserRole, UserRole.user_id == User.id)
        .outerjoin(Person, Person.user_id == User.id)
        .where(UserRole.role == Role.HR, User.is_active.is_(True))
        .order_by(User.id)
    )
    contacts = []
    for user_id, email, digest, starts_on, ends_on, work_email in rows:
        if (starts_on and starts_on > as_of) or (ends_on and ends_on < as_of):
            continue
        contacts.append(contact_for(None, work_email, _Account(user_id, email, True, digest)))
    return contacts


def _alerted(session: Session) -> dict[tuple[int, str, dt.date], int]:
    """The newest threshold alerted on each track of everyone still on record."""
    newest: dict[tuple[int, str, dt.date], int] = {}
    rows = session.execute(
        select(Alert.person_id, Alert.kind, Alert.due_on, func.min(Alert.threshold))
        .join(Person, Person.id == Alert.person_id)
        .where(Person.status != StaffStatus.SEPARATED)
        .group_by(Alert.person_id, Alert.kind, Alert.due_on)
    )
    for person_id, kind, due_on, threshold in rows:
        key = (person_id, Kind(kind.value).track, due_on)
        newest[key] = min(threshold, newest.get(key, threshold))
    return newest


def load_facts(session: Session, as_of: dt.date, settings: AlertSettings) -> AlertFacts:
    """Everything the rules need, in five queries however many people there are."""
    people = _people(session)
    completions = _completions(session)
    streaks = _provisional_streaks(session, as_of, settings.timezone)
    contacts = {
        person.id: contact_for(person.id, person.work_email, account) for person, account in people
    }
    mentors, supervisors, candidates = [], [], []
    for person, _account in people:
        if person.position is Position.THERAPEUTIC_MENTOR and person.id in streaks:
            candidates.append(CandidateFacts(person.id, person.legal_name, streaks[person.id]))
        if person.position in CLINICAL_POSITIONS and person.licence_expires_on is not None:
            supervisors.append(
                SupervisorFacts(
                    person.id,
                    person.legal_name,
                    person.licence_type,
                    person.licence_expires_on,
                    contacts[person.id],
                )
            )
        if (
            person.position is Position.THERAPEUTIC_MENTOR
            and person.status is StaffStatus.ACTIVE
            and person.hire_on is not None
        ):
            state = training_state(
                Employment(person.hire_on, person.separated_on),
                completions.get(person.id, []),
                as_of,
                settings.cycle_policy,
            )
            if state is not None:
                supervisor = contacts.get(person.supervisor_id) if person.supervisor_id else None
                mentors.append(
                    MentorFacts(
                        person.id, person.legal_name, state, contacts[person.id], supervisor
                    )
                )
    return AlertFacts(
        mentors, supervisors, candidates, _hr_contacts(session, as_of), _alerted(session)
    )


def plan_alerts(session: Session, as_of: dt.date, settings: AlertSettings) -> list[AlertDecision]:
    """The alerts due on ``as_of`` that are not in the outbox yet; writes nothing."""
    facts = load_facts(session, as_of, settings)
    decisions = decide(
        as_of,
        settings.policy,
        mentors=facts.mentors,
        supervisors=facts.supervisors,
        candidates=facts.candidates,
        hr=facts.hr,
        alerted=facts.alerted,
    )
    # One order everywhere, so concurrent runs take the unique-key locks in the same order.
    return sorted(decisions, key=lambda decision: decision.key)


# -- deciding: writing the outbox -------------------------------------------------------------


@dataclass
class DecideCounts:
    alerts: int = 0
    deliveries: int = 0  # to be sent by email
    no_address: int = 0  # recipients with no email: in the app only
    notifications: int = 0


def _insert_ignoring_duplicates(session: Session, table) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING in the dialect at hand."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the app runs on PostgreSQL and SQLite only
        raise NotImplementedError(dialect)
    return insert(table).on_conflict_do_nothing()


def _delivery_row(alert_id: int, recipient: Recipient, now: dt.datetime) -> dict[str, Any]:
    contact = recipient.contact
    return {
        "alert_id": alert_id,
        "recipient_key": contact.key,
        "recipient_user_id": contact.user_id,
        "recipient_email": contact.email,
        "role": recipient.role.value,
        # Mentors get their own training alerts one by one; the digest is for supervisors and HR.
        "digest": contact.digest and recipient.role is not RecipientRole.MENTOR,
        "status": DeliveryStatus.PENDING if contact.email else DeliveryStatus.NO_ADDRESS,
        "attempts": 0,
        "next_attempt_at": now if contact.email else None,
    }


def decide_alerts(
    session: Session, actor: Actor, as_of: dt.date, settings: AlertSettings
) -> DecideCounts:
    """Write the alerts due on ``as_of`` to the outbox with their deliveries and notifications.

    A constant number of statements however many people; an alert another run already wrote
    is skipped with everything that hangs off it. Flushes; the caller commits.
    """
    decisions = plan_alerts(session, as_of, settings)
    counts = DecideCounts()
    if not decisions:
        return counts
    now = clock.now()
    table = Alert.__table__
    inserted = session.execute(
        _insert_ignoring_duplicates(session, table).returning(
            table.c.id, table.c.person_id, table.c.kind, table.c.threshold, table.c.due_on
        ),
        [
            {
                "person_id": decision.person_id,
                "kind": AlertKind(decision.kind.value),
                "threshold": decision.threshold,
                "due_on": decision.due_on,
                "decided_on": as_of,
                "subject": decision.subject,
                "body": decision.body,
                "created_at": now,
            }
            for decision in decisions
        ],
    ).all()
    ids = {(row.person_id, row.kind.value, row.threshold, row.due_on): row.id for row in inserted}
    deliveries, notifications = [], []
    for decision in decisions:
        alert_id = ids.get(decision.key)
        if alert_id is None:
            continue  # another run wrote it first, with its deliveries
        counts.alerts += 1
        for recipient in decision.recipients:
            deliveries.append(_delivery_row(alert_id, recipient, now))
            if recipient.contact.user_id is not None:
                notifications.append(
                    {"user_id": recipient.contact.user_id, "alert_id": alert_id, "created_at": now}
                )
    if deliveries:
        session.execute(_insert_ignoring_duplicates(session, DELIVERIES), deliveries)
    if notifications:
        session.execute(_insert_ignoring_duplicates(session, Notification.__table__), notifications)
    counts.no_address = sum(1 for row in deliveries if row["recipient_email"] is None)
    counts.deliveries = len(deliveries) - counts.no_address
    counts.notifications = len(notifications)
    if counts.alerts:
        record(
            session,
            actor,
            "alerts.decide",
            details={"as_of": as_of.isoformat(), **counts.__dict__},
        )
    session.flush()
    return counts


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


def _message(
    settings: AlertSettings, recipient: str, alerts: Sequence[Alert], digest: bool, now
) -> EmailMessage:
    items = [Item(alert.subject, alert.body) for alert in alerts]
    if digest:
        count = f"{len(items)} alert" if len(items) == 1 else f"{len(items)} alerts"
        day = long_date(clock.local_date(now, settings.timezone))
        subject = f"Training records digest for {day}: {count}"
    else:
        subject = alerts[0].subject
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
        sender.send(
            _message(settings, first.recipient_email, [a for _, a in rows], first.digest, now)
        )
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


# -- in-app notifications -------------------------------------------------------------------------


def mark_read(session: Session, notification: Notification, now: dt.datetime) -> None:
    """Mark one notification read; reading it again keeps the first time."""
    if notification.read_at is None:
        notification.read_at = now
    session.flush()


def mark_all_read(session: Session, user_id: int, now: dt.datetime) -> int:
    """Mark every unread notification of one user read; how many there were."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return result.rowcount or 0


def set_alert_digest(session: Session, actor: Actor, user: User, digest: bool) -> bool:
    """Choose one daily digest (True) or one email per alert; whether anything changed.

    Applies to the user's rows still waiting in the outbox too (but never to alerts about
    themselves, which always come one by one).
    """
    if user.alert_digest == digest:
        return False
    user.alert_digest = digest
    session.execute(
        update(DELIVERIES)
        .where(
            DELIVERIES.c.recipient_user_id == user.id,
            DELIVERIES.c.status == DeliveryStatus.PENDING,
            DELIVERIES.c.role != RecipientRole.MENTOR.value,
        )
        .values(digest=digest)
    )
    session.flush()
    record(session, actor, "alerts.set_digest", "user", user.id, {"alert_digest": digest})
    return True
