"""On-call blocks and gaps on the JSON API (/api/v1/oncall, lms/oncall underneath), nested in
the API's blueprint so that they share its bearer tokens, JSON errors and "api." endpoint names.

Kept in a module of its own so the staff API in views.py and this one change independently.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, current_app, request

from lms.api.authentication import api_actor
from lms.api.idempotency import idempotent
from lms.api.schemas import identifier
from lms.api.views import blueprint as api_blueprint
from lms.api.views import json_body
from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.extensions import csrf
from lms.oncall.models import OnCallBlock
from lms.oncall.operations import BlockDetails, add_block
from lms.oncall.queries import coverage
from lms.oncall.rules import MAX_REPORT_DAYS, iso_local, parse_date
from lms.provider_time import provider_timezone, provider_today
from lms.staff.models import Person
from lms.validation import InvalidInput
from lms.web import db_session

blueprint = Blueprint("oncall", __name__, url_prefix="/oncall")
csrf.exempt(blueprint)  # token-authenticated, like the rest of the API

READ_ROLES = (Role.HR, Role.ADMIN, Role.AUDITOR)
WRITE_ROLES = (Role.HR, Role.ADMIN)
RANGE_PARAMETERS = {"from", "to"}
BLOCK_FIELDS = ("starts_at", "ends_at", "clinician_id", "phone")


def block_json(block: OnCallBlock, counts: bool | None = None) -> dict[str, Any]:
    timezone = provider_timezone()
    body = {
        "id": block.id,
        "starts_at": iso_local(block.starts_at, timezone),
        "ends_at": iso_local(block.ends_at, timezone),
        "clinician_id": block.clinician_id,
        "clinician_email": block.clinician.work_email,
        "phone": block.phone,
    }
    if counts is not None:
        body["counts"] = counts
    return body


def _range() -> tuple[dt.date, dt.date]:
    """``from`` and ``to`` (inclusive local dates): the next 30 days by default."""
    unknown = sorted(set(request.args) - RANGE_PARAMETERS)
    if unknown:
        raise InvalidInput(f"{unknown[0]} is not a known query parameter.", unknown[0])
    today = provider_today()
    first = parse_date(request.args.get("from"), "from", today)
    last = parse_date(request.args.get("to"), "to", first + dt.timedelta(days=29))
    if last < first:
        raise InvalidInput("to must not be before from.", "to")
    if (last - first).days >= MAX_REPORT_DAYS:
        raise InvalidInput(f"Ask for at most {MAX_REPORT_DAYS} days at a time.", "to")
    return first, last


@blueprint.get("/blocks")
@requires(*READ_ROLES)
def list_oncall_blocks():
    first, last = _range()
    found = coverage(db_session(), current_app.config, first, last, provider_timezone())
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "items": [block_json(block, found.counts(block)) for block in found.blocks],
    }


@blueprint.post("/blocks")
@requires(*WRITE_ROLES)
@idempotent
def create_oncall_block():
    data = json_body()
    if not isinstance(data, dict):
        raise InvalidInput("The body must be a JSON object.", "body")
    unknown = sorted(set(data) - set(BLOCK_FIELDS))
    if unknown:
        raise InvalidInput(f"{unknown[0]} is not a field that can be set.", unknown[0])
    for name in BLOCK_FIELDS:
        if data.get(name) is None:
            raise InvalidInput(f"{name} is required.", name)
    for name in ("starts_at", "ends_at", "phone"):
        if not isinstance(data[name], str):
            raise InvalidInput(f"{name} must be a string.", name)
    clinician_id = identifier(data["clinician_id"], "clinician_id")  # 2**31 is 422, not 500
    clinician = db_session().get(Person, clinician_id)
    if clinician is None:
        raise InvalidInput("No person has this id.", "clinician_id")
    try:
        block = add_block(
            db_session(),
            api_actor(),
            BlockDetails(data["starts_at"], data["ends_at"], clinician, data["phone"]),
            provider_timezone(),
        )
    except InvalidInput as error:
        if error.field == "clinician":
            raise InvalidInput(error.message, "clinician_id") from None
        raise
    return block_json(block), 201


@blueprint.get("/gaps")
@requires(*READ_ROLES)
def oncall_gaps():
    first, last = _range()
    timezone = provider_timezone()
    found = coverage(db_session(), current_app.config, first, last, timezone)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "items": [gap.as_dict(timezone) for gap in found.gaps],
    }


# Once, when this module is first imported (create_app imports it before registering the API):
# the endpoints become api.oncall.*, under the API's token check and JSON error handlers.
api_blueprint.register_blueprint(blueprint)
