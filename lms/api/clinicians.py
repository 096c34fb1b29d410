"""The clinicians' part of the JSON API: read and record a clinician's licences.

Licence records (``lms.clinicians``) are the only place a licence is kept; the person bodies
of /staff carry no licence fields. Routes are added to the API blueprint (``api.*`` endpoints
under /api/v1, token-authenticated); ``lms/__init__.py`` imports this module before registering
the blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, url_for

from lms.api.authentication import api_actor
from lms.api.idempotency import idempotent
from lms.api.schemas import date_value, parse_fields, text
from lms.api.views import blueprint, created, json_body, today
from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.clinicians.models import Licence
from lms.clinicians.operations import LicenceDetails, add_licence
from lms.clinicians.queries import licences_of
from lms.clinicians.rules import licence_is_valid_on
from lms.staff.models import CLINICAL_POSITIONS, Person
from lms.validation import InvalidInput
from lms.web import db_session

READ_ROLES = (Role.HR, Role.ADMIN, Role.AUDITOR)
WRITE_ROLES = (Role.HR, Role.ADMIN)

LICENCE_FIELDS = {
    "licence_type": text(40),
    "licence_number": text(60),
    "issuing_state": text(2),
    "issuing_board": text(200),
    "issued_on": date_value,
    "expires_on": date_value,
}
LICENCE_REQUIRED = ("licence_type", "licence_number", "issuing_state", "issued_on", "expires_on")


def _instant(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def licence_json(licence: Licence, day) -> dict[str, Any]:
    return {
        "id": licence.id,
        "person_id": licence.person_id,
        "licence_type": licence.licence_type,
        "licence_number": licence.licence_number,
        "issuing_state": licence.issuing_state,
        "issuing_board": licence.issuing_board,
        "issued_on": licence.issued_on.isoformat(),
        "expires_on": licence.expires_on.isoformat(),
        "valid_today": licence_is_valid_on(licence, day),
        "verified": licence.verified,
        "verified_at": _instant(licence.verified_at),
        "verification_method": (
            licence.verification_method.value if licence.verification_method else None
        ),
        "migrated": licence.migrated,
    }


def _person_or_404(person_id: int) -> Person:
    return db_session().get(Person, person_id) or abort(404)


@blueprint.get("/staff/<int:person_id>/licences")
@requires(*READ_ROLES)
def licences(person_id: int):
    """The person's licence records, newest issue first (renewals keep the history)."""
    person = _person_or_404(person_id)
    day = today()
    return {"items": [licence_json(row, day) for row in licences_of(db_session(), person.id)]}


@blueprint.post("/staff/<int:person_id>/licences")
@requires(*WRITE_ROLES)
@idempotent
def add_staff_licence(person_id: int):
    """Record a licence (or a renewal) for a licensed or senior clinician, unverified: HR
    verifies it at the primary source on the clinician's page."""
    person = _person_or_404(person_id)
    values = parse_fields(json_body(), LICENCE_FIELDS)
    for name in LICENCE_REQUIRED:
        if values.get(name) is None:
            raise InvalidInput(f"{name} is required.", name)
    if person.position not in CLINICAL_POSITIONS:
        raise InvalidInput(
            "Only licensed and senior clinicians hold a licence on record.", "person_id"
        )
    row = add_licence(
        db_session(),
        api_actor(),
        person,
        LicenceDetails(
            values["licence_type"],
            values["licence_number"],
            values["issuing_state"],
            values.get("issuing_board"),
            values["issued_on"],
            values["expires_on"],
        ),
        tuple(current_app.config["LICENCE_TYPES"]),
        board_required=False,
        today=today(),
    )
    return created(licence_json(row, today()), url_for("api.licences", person_id=person.id))
