"""Use cases for alerts: deciding what is due into the outbox, and in-app notifications.

Deciding inserts with the database's own "on conflict do nothing" against the alert's unique key
(subject key, kind, threshold, due date), so two runs at once, or a run repeated, add nothing twice.
Delivering the outbox is ``lms.alerts.outbox``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert, select, update
from sqlalchemy.orm import Session

from lms import clock
from lms.actor import Actor
from lms.alerts.models import (
    Alert,
    AlertDelivery,
    AlertKind,
    DeliveryStatus,
    Notification,
)

#: How long a sender holds the rows it claimed; a crashed sender's rows are retried after it.
from lms.alerts.queries import plan_alerts
from lms.alerts.rules import (
    FIXED_DELIVERY_KINDS,
    OWN_ROLES,
    Recipient,
    RecipientRole,
)
from lms.alerts.settings import AlertSettings
from lms.auditlog.operations import record
from lms.auth.models import User

DELIVERIES = AlertDelivery.__table__


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
        # People get alerts about themselves one by one; the digest is for supervisors, HR and
        # admins, as they chose, unless the rule says (a missed week: the digest; a session
        # with no valid licence: at once).
        "digest": (
            False
            if recipient.role in OWN_ROLES
            else contact.digest
            if recipient.digest is None
            else recipient.digest
        ),
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
            table.c.id, table.c.subject_key, table.c.kind, table.c.threshold, table.c.due_on
        ),
        [
            {
                "person_id": decision.person_id,
                "subject_key": decision.subject_key,
                "kind": AlertKind(decision.kind.value),
                "threshold": decision.threshold,
                "due_on": decision.due_on,
                "decided_on": as_of,
                "subject": decision.subject,
                "body": decision.body,
                "own_subject": decision.own_subject,
                "own_body": decision.own_body,
                "created_at": now,
            }
            for decision in decisions
        ],
    ).all()
    ids = {(row.subject_key, row.kind.value, row.threshold, row.due_on): row.id for row in inserted}
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
    themselves, which always come one by one, nor to those whose rule says how HR gets them).
    """
    if user.alert_digest == digest:
        return False
    user.alert_digest = digest
    fixed = select(Alert.id).where(
        Alert.kind.in_([AlertKind(kind.value) for kind in FIXED_DELIVERY_KINDS])
    )
    session.execute(
        update(DELIVERIES)
        .where(
            DELIVERIES.c.recipient_user_id == user.id,
            DELIVERIES.c.status == DeliveryStatus.PENDING,
            DELIVERIES.c.role.not_in([role.value for role in OWN_ROLES]),
            ~((DELIVERIES.c.role == RecipientRole.HR.value) & DELIVERIES.c.alert_id.in_(fixed)),
        )
        .values(digest=digest)
    )
    session.flush()
    record(session, actor, "alerts.set_digest", "user", user.id, {"alert_digest": digest})
    return True
