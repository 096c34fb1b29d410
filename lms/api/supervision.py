"""The supervision part of the JSON API: read and create sessions and leave.

Routes are added to the API blueprint (``api.*`` endpoints under /api/v1, token-authenticated);
``lms/__init__.py`` imports this module before registering the blueprint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, request
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from lms.api.authentication import api_actor
from lms.api.idempotency import idempotent
from lms.api.schemas import choice, date_value, email, parse_fields, text
from lms.api.views import blueprint, created, json_body, today
from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.staff.models import Person
from lms.supervision.models import LeavePeriod, LeaveReason, SupervisionSession
from lms.supervision.operations import SessionDetails, record_imported_session, record_leave
from lms.supervision.rules import Modality, SessionFormat
from lms.validation import InvalidInput
from lms.web import db_session

READ_ROLES = (Role.HR, Role.ADMIN, Role.AUDITOR)
WRITE_ROLES = (Role.HR, Role.ADMIN)
MAX_ITEMS = 5000


def minutes(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1440:
        raise InvalidInput(f"{name} must be a whole number from 1 to 1440.", name)
    return value


def topics(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(f"{name} must be a list of topics.", name)
    return tuple(value)


SESSION_FIELDS = {
    "mentor_email": email(254),
    "supervisor_email": email(254),
    "held_on": date_value,
    "minutes": minutes,
    "format": choice(SessionFormat),
    "modality": choice(Modality),
    "topics": topics,
    "note": text(4000),
}
SESSION_REQUIRED = ("mentor_email", "supervisor_email", "held_on", "minutes", "format", "modality")
LEAVE_FIELDS = {
    "person_email": email(254),
    "first_day": date_value,
    "last_day": date_value,
    "reason": choice(LeaveReason),
}
LEAVE_REQUIRED = tuple(LEAVE_FIELDS)


def _required(values: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if values.get(name) is None:
            raise InvalidInput(f"{name} is required.", name)


def _person_id(value: str, name: str) -> int:
    person_id = (
        db_session()
        .execute(select(Person.id).where(func.lower(Person.work_email) == value.strip().lower()))
        .scalar_one_or_none()
    )
    if person_id is None:
        raise InvalidInput(f"No person on record has the work email {value}.", name)
    return person_id


def _range() -> tuple[dt.date, dt.date]:
    first = date_value(request.args.get("from"), "from")
    last = date_value(request.args.get("to"), "to")
    if first is None or last is None:
        raise InvalidInput("from and to are required (YYYY-MM-DD).", "from" if not first else "to")
    if last < first:
        raise InvalidInput("to must not be before from.", "to")
    if (last - first).days > 400:
        raise InvalidInput("Ask for at most 400 days at a time.", "to")
    return first, last


#: The operations name people by id; the API takes their emails.
_AS_SENT = {
    "mentor_id": "mentor_email",
    "supervisor_id": "supervisor_email",
    "person_id": "person_email",
}


@contextmanager
def _fields_named_as_sent() -> Iterator[None]:
    try:
        yield
    except InvalidInput as error:
        raise InvalidInput(error.message, _AS_SENT.get(error.field, error.field)) from None


def _instant(value: dt.datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


@blueprint.get("/supervision/sessions")
@requires(*READ_ROLES)
def list_supervision_sessions():
    first, last = _range()
    mentor, supervisor = aliased(Person), aliased(Person)
    statement = (
        select(SupervisionSession, mentor.work_email, supervisor.work_email)
        .join(mentor, mentor.id == SupervisionSession.mentor_id)
        .join(supervisor, supervisor.id == SupervisionSession.supervisor_id)
        .where(SupervisionSession.held_on >= first, SupervisionSession.held_on <= last)
        .order_by(SupervisionSession.held_on, SupervisionSession.id)
        .limit(MAX_ITEMS)
    )
    if request.args.get("mentor_email"):
        statement = statement.where(
            func.lower(mentor.work_email) == request.args["mentor_email"].strip().lower()
        )
    rows = db_session().execute(statement).all()
    return {"items": [_session_json(row, m, s) for row, m, s in rows]}


def _session_json(row: SupervisionSession, mentor_email, supervisor_email) -> dict[str, Any]:
    return {
        "id": row.id,
        "mentor_email": mentor_email,
        "supervisor_email": supervisor_email,
        "held_on": row.held_on.isoformat(),
        "minutes": row.minutes,
        "format": row.format.value,
        "modality": row.modality.value,
        "topics": list(row.topics),
        "note": row.note,
        "imported": row.imported,
        "signed_at": _instant(row.signed_at),
        "signed_name": row.signed_name,
        "acknowledged_at": _instant(row.acknowledged_at),
        "supersedes_id": row.supersedes_id,
        "recorded_at": _instant(row.recorded_at),
    }


@blueprint.post("/supervision/sessions")
@requires(*WRITE_ROLES)
@idempotent
def create_supervision_session():
    values = parse_fields(json_body(), SESSION_FIELDS)
    _required(values, SESSION_REQUIRED)
    with _fields_named_as_sent():
        row = record_imported_session(
            db_session(),
            api_actor(),
            SessionDetails(
                mentor_id=_person_id(values["mentor_email"], "mentor_email"),
                supervisor_id=_person_id(values["supervisor_email"], "supervisor_email"),
                held_on=values["held_on"],
                minutes=values["minutes"],
                format=values["format"],
                modality=values["modality"],
                topics=values.get("topics") or (),
                note=values.get("note"),
            ),
            today(),
            tuple(current_app.config["SUPERVISION_TOPICS"]),
        )
    return created(
        _session_json(row, values["mentor_email"].strip().lower(), values["supervisor_email"])
    )


@blueprint.get("/supervision/leave")
@requires(*READ_ROLES)
def list_leave():
    first, last = _range()
    rows = db_session().execute(
        select(LeavePeriod, Person.work_email)
        .join(Person, Person.id == LeavePeriod.person_id)
        .where(LeavePeriod.first_day <= last, LeavePeriod.last_day >= first)
        .order_by(LeavePeriod.first_day, LeavePeriod.id)
        .limit(MAX_ITEMS)
    )
    return {"items": [_leave_json(row, person_email) for row, person_email in rows]}


def _leave_json(row: LeavePeriod, person_email: str | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "person_email": person_email,
        "first_day": row.first_day.isoformat(),
        "last_day": row.last_day.isoformat(),
        "reason": row.reason.value,
    }


@blueprint.post("/supervision/leave")
@requires(*WRITE_ROLES)
@idempotent
def create_leave():
    values = parse_fields(json_body(), LEAVE_FIELDS)
    _required(values, LEAVE_REQUIRED)
    with _fields_named_as_sent():
        row = record_leave(
            db_session(),
            api_actor(),
            _person_id(values["person_email"], "person_email"),
            values["first_day"],
            values["last_day"],
            values["reason"],
        )
    return created(_leave_json(row, values["person_email"].strip().lower()))
