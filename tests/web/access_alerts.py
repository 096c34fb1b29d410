"""Who may use the notification pages (merged into tests/web/test_permissions.py)."""

from __future__ import annotations

import datetime as dt

ROLES = {"admin", "hr", "supervisor", "mentor", "auditor"}

EXPECTED_ACCESS = {
    "notifications.index": ROLES,
    "notifications.read": ROLES,  # a user's own only: anyone else's is 404 in the view
    "notifications.read_all": ROLES,
    "notifications.preferences": {"supervisor", "hr"},
}


def sample_values(records) -> dict:
    """A notification of the mentor's, about their own training."""
    if "notification_id" not in records:
        from lms.alerts.models import Alert, AlertKind, Notification
        from lms.staff.models import Person

        db = records["db"]
        mentor = db.get(Person, records["mentor_person_id"])
        now = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
        alert = Alert(
            person_id=mentor.id,
            subject_key=f"person:{mentor.id}",
            kind=AlertKind.TRAINING_DUE,
            threshold=30,
            due_on=dt.date(2026, 12, 23),
            decided_on=dt.date(2026, 11, 23),
            subject="Training due in 30 days: Men Tor",
            body="Men Tor's initial training is due.",
            created_at=now,
        )
        db.add(alert)
        db.flush()
        notification = Notification(user_id=mentor.user_id, alert_id=alert.id, created_at=now)
        db.add(notification)
        db.commit()
        records["notification_id"] = notification.id
    return {"notification_id": records["notification_id"]}
