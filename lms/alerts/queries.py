"""Read-only queries for the in-app notifications."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.alerts.models import Alert, Notification


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    alert: Alert

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def unread_count(session: Session, user_id: int) -> int:
    return session.execute(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ).scalar_one()


def notifications_for(
    session: Session, user_id: int, limit: int, offset: int = 0
) -> list[NotificationRow]:
    """One user's notifications with their alerts, newest first: one query."""
    rows = session.execute(
        select(Notification, Alert)
        .join(Alert, Alert.id == Notification.alert_id)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [NotificationRow(notification, alert) for notification, alert in rows]
