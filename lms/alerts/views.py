"""In-app notifications: every alert also appears here for each recipient with an account."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from lms import clock
from lms.alerts.models import AlertKind, Notification
from lms.alerts.operations import mark_all_read, mark_read, set_alert_digest
from lms.alerts.queries import NotificationRow, notifications_for, unread_count
from lms.alerts.rules import Kind, worded_for_its_subject
from lms.auth.models import Role
from lms.auth.permissions import SIGNED_IN, requires
from lms.staff.queries import person_for_user
from lms.web import current_actor, db_session

blueprint = Blueprint("notifications", __name__, url_prefix="/notifications")

PAGE_SIZE = 50
TRAINING_KINDS = frozenset(
    {AlertKind.TRAINING_DUE, AlertKind.TRAINING_OVERDUE, AlertKind.TRAINING_LAPSED}
)
DIGEST_ROLES = (Role.SUPERVISOR, Role.HR)
DELIVERY_CHOICES = {"each": False, "digest": True}


@blueprint.app_context_processor
def _unread_notifications() -> dict[str, object]:
    """``unread_notifications()`` for the navigation: one COUNT, only when a page asks."""

    def count() -> int | None:
        if not current_user.is_authenticated:
            return None
        try:
            return unread_count(db_session(), current_user.id)
        except SQLAlchemyError:  # an error page must still render when the database cannot
            return None

    return {"unread_notifications": count}


REQUIREMENT_KINDS = frozenset(
    {AlertKind.REQUIREMENT_DUE, AlertKind.REQUIREMENT_LAPSED, AlertKind.CHECK_DUE}
)


def _link(row: NotificationRow, my_person_id: int | None) -> str | None:
    """Where to act on a notification: the mentor's own training, the supervisor's week, the
    roster, the person's requirements, or the person's record."""
    person_id, kind = row.alert.person_id, row.alert.kind
    if kind is AlertKind.ONCALL_GAP:
        if current_user.has_role(Role.HR, Role.ADMIN):
            return url_for("oncall.roster")
        return url_for("oncall.report")
    if kind is AlertKind.SUPERVISION_PENDING and current_user.has_role(Role.SUPERVISOR):
        return url_for("supervision.week")
    if kind is AlertKind.SUPERVISION_MISSED and current_user.has_role(
        Role.HR, Role.ADMIN, Role.AUDITOR
    ):
        return url_for("supervision.missed")
    if kind is AlertKind.UNLICENSED_SUPERVISION and current_user.has_role(
        Role.HR, Role.ADMIN, Role.AUDITOR
    ):
        return url_for("clinicians.show", clinician_id=person_id)
    if kind is AlertKind.POLICY_TO_SIGN and person_id == my_person_id:
        return url_for("requirements.sign")
    if kind in REQUIREMENT_KINDS or kind is AlertKind.POLICY_TO_SIGN:
        return url_for("requirements.person", person_id=person_id)
    if person_id is None:
        return None
    if kind in TRAINING_KINDS:
        if person_id == my_person_id and current_user.has_role(Role.MENTOR):
            return url_for("training.index")
        if current_user.has_role(Role.SUPERVISOR, Role.HR, Role.ADMIN, Role.AUDITOR):
            return url_for("training.person", person_id=person_id)
    return url_for("staff.show", person_id=person_id)


def _worded(row: NotificationRow, my_person_id: int | None) -> tuple[str, str]:
    """Subject and body as this reader reads them: "your licence" when it is their own."""
    if my_person_id is None or row.alert.person_id != my_person_id:
        return row.alert.subject, row.alert.body
    if row.alert.own_subject and row.alert.own_body:
        return row.alert.own_subject, row.alert.own_body
    return worded_for_its_subject(Kind(row.alert.kind.value), row.alert.subject, row.alert.body)


def _render_index(error: str | None = None, status: int = 200):
    database = db_session()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows = notifications_for(database, current_user.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    person = person_for_user(database, current_user.id)
    my_person_id = person.id if person is not None else None
    shown = rows[:PAGE_SIZE]
    zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])
    return (
        render_template(
            "alerts/notifications.html",
            rows=[
                (
                    row,
                    _link(row, my_person_id),
                    row.notification.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                    _worded(row, my_person_id),
                )
                for row in shown
            ],
            unread=sum(1 for row in shown if row.unread),
            page=page,
            has_more=len(rows) > PAGE_SIZE,
            may_choose_digest=current_user.has_role(*DIGEST_ROLES),
            error=error,
        ),
        status,
    )


@blueprint.route("/")
@requires(SIGNED_IN)
def index():
    return _render_index()


@blueprint.route("/<int:notification_id>/read", methods=["POST"])
@requires(SIGNED_IN)
def read(notification_id: int):
    database = db_session()
    notification = database.get(Notification, notification_id) or abort(404)
    if notification.user_id != current_user.id:
        abort(404)  # someone else's notification: as if it did not exist
    mark_read(database, notification, clock.now())
    return redirect(url_for("notifications.index", page=request.form.get("page", type=int)))


@blueprint.route("/read-all", methods=["POST"])
@requires(SIGNED_IN)
def read_all():
    database = db_session()
    count = mark_all_read(database, current_user.id, clock.now())
    flash(f"Marked {count} notification(s) as read.", "success")
    return redirect(url_for("notifications.index"))


@blueprint.route("/preferences", methods=["POST"])
@requires(*DIGEST_ROLES)
def preferences():
    choice = request.form.get("delivery", "")
    if choice not in DELIVERY_CHOICES:
        return _render_index("Choose how to receive alert emails: one per alert or a digest.", 422)
    database = db_session()
    changed = set_alert_digest(
        database, current_actor(), current_user._get_current_object(), DELIVERY_CHOICES[choice]
    )
    if changed:
        flash(
            "You will get one digest email a day."
            if DELIVERY_CHOICES[choice]
            else "You will get one email per alert.",
            "success",
        )
    return redirect(url_for("notifications.index"))
