"""The JSON API under /api/v1, authenticated by bearer tokens.

Each request is one operation and one commit; on any error the session is rolled back, so a
refused request writes nothing. Writes are for HR tokens; HR, admin and auditor tokens read.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, request, url_for
from werkzeug.exceptions import BadRequest

from lms.api.authentication import api_actor, ignore_session_user
from lms.api.errors import json_error
from lms.api.idempotency import idempotent
from lms.api.openapi import openapi_document
from lms.api.queries import (
    credentials_of,
    experience_of,
    latest_determination,
    people_page,
    person_with_email,
    person_with_facts,
)
from lms.api.schemas import (
    CREDENTIAL_DEFAULTS,
    CREDENTIAL_FIELDS,
    CREDENTIAL_REQUIRED,
    EXPERIENCE_DEFAULTS,
    EXPERIENCE_FIELDS,
    EXPERIENCE_REQUIRED,
    PERSON_DEFAULTS,
    PERSON_FIELDS,
    PERSON_REQUIRED,
    REQUIREMENT_RECORD_FIELDS,
    REQUIREMENT_RECORD_REQUIRED,
    choice,
    credential_details,
    credential_json,
    determination_json,
    experience_details,
    experience_json,
    merge,
    parse_fields,
    parse_person_fields,
    person_details,
    person_json,
    requirement_record_json,
)
from lms.auth.models import Role
from lms.auth.permissions import public, requires
from lms.eligibility.facts_json import FactsError, parse_facts
from lms.eligibility.models import EducationCredential, ExperienceRecord
from lms.eligibility.operations import (
    CredentialDetails,
    ExperienceDetails,
    add_credential,
    add_experience,
    update_credential,
    update_experience,
)
from lms.eligibility.rules import NOT_EVALUATED_REASON, evaluate
from lms.eligibility.snapshot import evaluate_person
from lms.extensions import csrf
from lms.provider_time import provider_today
from lms.staff.models import Person, Position, StaffStatus
from lms.staff.operations import PersonDetails, create_person, update_person
from lms.staff.queries import position_held_on
from lms.validation import InvalidInput, check_text
from lms.web import db_session

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
# Token-authenticated, never cookie-authenticated: CSRF cannot apply, so it is not checked.
csrf.exempt(blueprint)
blueprint.url_value_preprocessor(ignore_session_user)

WRITE_ROLES = (Role.HR,)
READ_ROLES = (Role.HR, Role.ADMIN, Role.AUDITOR)
EVALUATE_ROLES = (Role.HR, Role.ADMIN)
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000  # past any real roster, and inside every database's integer range
LIST_PARAMETERS = {"status", "position", "limit", "offset"}


@blueprint.errorhandler(InvalidInput)
def invalid_input(error: InvalidInput):
    return json_error(422, error.message, error.field)


@blueprint.errorhandler(FactsError)
def invalid_facts(error: FactsError):
    return json_error(422, str(error), error.field)  # the same line the CLI prints


def today():
    return provider_today()


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def json_body() -> Any:
    """The decoded body; decimals stay exact (``Decimal``), so 17.5 hours is exactly 17.5."""
    raw = request.get_data(cache=False)
    try:
        body = json.loads(raw, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise BadRequest(
            f"The body is not valid JSON ({error.msg} at line {error.lineno},"
            f" column {error.colno})."
        ) from None
    except (ValueError, RecursionError):
        raise BadRequest("The body is not valid JSON.") from None
    try:
        _check_strings(body, "")
    except RecursionError:
        raise BadRequest("The body is nested too deeply.") from None
    return body


def _check_strings(value: Any, where: str) -> None:
    """Refuse (422, naming the field) any text in the body that cannot be stored: JSON's
    ``\\u0000`` and unpaired ``\\ud800`` escapes decode to exactly such text."""
    if isinstance(value, str):
        check_text(value, where or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, where or "body", "A field name")
            _check_strings(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_strings(item, f"{where}[{index}]")


def created(body: dict[str, Any], location: str | None = None):
    return body, 201, {"Location": location} if location else {}


# -- the rules engine ---------------------------------------------------------------------------


@blueprint.get("/openapi.json")
@public
def openapi():
    return openapi_document()


@blueprint.post("/eligibility/evaluate")
@requires(*EVALUATE_ROLES)
def evaluate_facts():
    return evaluate(parse_facts(json_body(), today())).as_dict()


# -- people -------------------------------------------------------------------------------------


def _integer_parameter(name: str, default: int, minimum: int, maximum: int) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or not minimum <= int(value) <= maximum:
        raise InvalidInput(f"{name} must be a whole number from {minimum} to {maximum}.", name)
    return int(value)


def _list_filter(name: str, enum_class):
    return choice(enum_class)(request.args.get(name) or None, name)


@blueprint.get("/staff")
@requires(*READ_ROLES)
def list_staff():
    unknown = sorted(set(request.args) - LIST_PARAMETERS)
    if unknown:
        raise InvalidInput(f"{unknown[0]} is not a known query parameter.", unknown[0])
    status = _list_filter("status", StaffStatus)
    position = _list_filter("position", Position)
    limit = _integer_parameter("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _integer_parameter("offset", 0, 0, MAX_OFFSET)
    total, rows = people_page(
        db_session(), status=status, position=position, limit=limit, offset=offset
    )
    return {
        "items": [person_json(person, user_email) for person, user_email in rows],
        "total": total,
        "limit": limit,
        "offset": offset,
    }


def _person_or_404(person_id: int) -> tuple[Person, str | None]:
    return person_with_email(db_session(), person_id) or abort(404)


@blueprint.post("/staff")
@requires(*WRITE_ROLES)
@idempotent
def create_staff():
    given = parse_person_fields(json_body())
    values = merge({**dict.fromkeys(PERSON_FIELDS), **PERSON_DEFAULTS}, given, PERSON_REQUIRED)
    database = db_session()
    person = create_person(database, api_actor(), PersonDetails(**values), today())
    return created(
        person_json(*_person_or_404(person.id)), url_for("api.person", person_id=person.id)
    )


@blueprint.get("/staff/<int:person_id>")
@requires(*READ_ROLES)
def person(person_id: int):
    return person_json(*_person_or_404(person_id))


@blueprint.patch("/staff/<int:person_id>")
@requires(*WRITE_ROLES)
def update_staff(person_id: int):
    person, user_email = _person_or_404(person_id)
    given = parse_person_fields(json_body())
    values = merge(person_details(person, user_email), given, PERSON_REQUIRED)
    database = db_session()
    update_person(database, api_actor(), person, PersonDetails(**values), today())
    return person_json(*_person_or_404(person_id))


@blueprint.get("/staff/<int:person_id>/eligibility")
@requires(*READ_ROLES)
def eligibility(person_id: int):
    database = db_session()
    person = person_with_facts(database, person_id) or abort(404)
    as_of = today()
    result = evaluate_person(person, as_of, position_held_on(database, person, as_of))
    if result is None:
        raise InvalidInput(NOT_EVALUATED_REASON, "position")
    return {
        "person_id": person.id,
        "as_of": as_of.isoformat(),
        **result.as_dict(),
        "latest_determination": determination_json(latest_determination(database, person.id)),
    }


# -- education and experience -------------------------------------------------------------------


def _fact_or_404(model, person: Person, fact_id: int):
    fact = db_session().get(model, fact_id)
    if fact is None or fact.person_id != person.id:
        abort(404)
    return fact


@blueprint.get("/staff/<int:person_id>/credentials")
@requires(*READ_ROLES)
def credentials(person_id: int):
    person, _ = _person_or_404(person_id)
    return {"items": [credential_json(c) for c in credentials_of(db_session(), person.id)]}


@blueprint.post("/staff/<int:person_id>/credentials")
@requires(*WRITE_ROLES)
@idempotent
def add_staff_credential(person_id: int):
    person, _ = _person_or_404(person_id)
    given = parse_fields(json_body(), CREDENTIAL_FIELDS)
    defaults = {**dict.fromkeys(CREDENTIAL_FIELDS), **CREDENTIAL_DEFAULTS}
    values = merge(defaults, given, CREDENTIAL_REQUIRED)
    database = db_session()
    credential = add_credential(database, api_actor(), person, CredentialDetails(**values), today())
    return created(credential_json(credential))


@blueprint.patch("/staff/<int:person_id>/credentials/<int:credential_id>")
@requires(*WRITE_ROLES)
def update_staff_credential(person_id: int, credential_id: int):
    person, _ = _person_or_404(person_id)
    credential = _fact_or_404(EducationCredential, person, credential_id)
    given = parse_fields(json_body(), CREDENTIAL_FIELDS)
    values = merge(credential_details(credential), given, CREDENTIAL_REQUIRED)
    database = db_session()
    update_credential(
        database, api_actor(), person, credential, CredentialDetails(**values), today()
    )
    return credential_json(credential)


@blueprint.get("/staff/<int:person_id>/experience")
@requires(*READ_ROLES)
def experience(person_id: int):
    person, _ = _person_or_404(person_id)
    return {"items": [experience_json(e) for e in experience_of(db_session(), person.id)]}


@blueprint.post("/staff/<int:person_id>/experience")
@requires(*WRITE_ROLES)
@idempotent
def add_staff_experience(person_id: int):
    person, _ = _person_or_404(person_id)
    given = parse_fields(json_body(), EXPERIENCE_FIELDS)
    defaults = {**dict.fromkeys(EXPERIENCE_FIELDS), **EXPERIENCE_DEFAULTS}
    values = merge(defaults, given, EXPERIENCE_REQUIRED)
    database = db_session()
    entry = add_experience(database, api_actor(), person, ExperienceDetails(**values), today())
    return created(experience_json(entry))


@blueprint.patch("/staff/<int:person_id>/experience/<int:experience_id>")
@requires(*WRITE_ROLES)
def update_staff_experience(person_id: int, experience_id: int):
    person, _ = _person_or_404(person_id)
    entry = _fact_or_404(ExperienceRecord, person, experience_id)
    given = parse_fields(json_body(), EXPERIENCE_FIELDS)
    values = merge(experience_details(entry), given, EXPERIENCE_REQUIRED)
    database = db_session()
    update_experience(database, api_actor(), person, entry, ExperienceDetails(**values), today())
    return experience_json(entry)


# -- requirements by position -------------------------------------------------------------------


@blueprint.get("/staff/<int:person_id>/requirements")
@requires(*READ_ROLES)
def person_requirements(person_id: int):
    """Each applicable requirement's status on ``as_of`` (default today), and clearance."""
    import datetime as dt

    from lms.requirements.queries import (
        MatrixFilters,
        catalogue_versions,
        compliance_matrix,
        requirements_on,
    )
    from lms.requirements.rules import RequirementStatus

    person, _ = _person_or_404(person_id)
    text = request.args.get("as_of") or ""
    try:
        as_of = dt.date.fromisoformat(text) if text else today()
    except ValueError:
        raise InvalidInput("as_of must be a date (YYYY-MM-DD).", "as_of") from None
    database = db_session()
    matrix = compliance_matrix(database, as_of, MatrixFilters(person_id=person.id))
    catalogue = requirements_on(catalogue_versions(database), as_of)
    row = matrix.rows[0] if matrix.rows else None
    items = []
    for requirement in catalogue.values():
        result = row.statuses[requirement.key] if row else None
        if result is None or result.status is RequirementStatus.NOT_APPLICABLE:
            continue
        items.append(
            {
                "requirement": requirement.key,
                "name": requirement.name,
                "kind": requirement.kind.value,
                "status": result.status.value,
                "valid_until": result.valid_until.isoformat() if result.valid_until else None,
                "due_on": result.due_on.isoformat() if result.due_on else None,
                "blocks_work": requirement.blocks_work,
            }
        )
    return {
        "person_id": person.id,
        "as_of": as_of.isoformat(),
        "catalogue_version": matrix.catalogue_version,
        "cleared_to_work": bool(row and row.clearance.cleared),
        "items": items,
    }


@blueprint.get("/staff/<int:person_id>/requirement-records")
@requires(*READ_ROLES)
def requirement_records(person_id: int):
    from lms.requirements.queries import person_records

    person, _ = _person_or_404(person_id)
    return {"items": [requirement_record_json(r) for r in person_records(db_session(), person.id)]}


@blueprint.post("/staff/<int:person_id>/requirement-records")
@requires(*WRITE_ROLES)
@idempotent
def add_requirement_record(person_id: int):
    """Record a credential or a cleared check (evidence by its SHA-256 only)."""
    from lms.requirements.operations import (
        ItemDetails,
        ensure_catalogue,
        record_item,
        requirement_for,
    )

    person, _ = _person_or_404(person_id)
    given = parse_fields(json_body(), REQUIREMENT_RECORD_FIELDS)
    values = merge(dict.fromkeys(REQUIREMENT_RECORD_FIELDS), given, REQUIREMENT_RECORD_REQUIRED)
    sha = values["evidence_sha256"]
    if sha is not None and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)):
        raise InvalidInput(
            "evidence_sha256 must be 64 lower-case hexadecimal digits.", "evidence_sha256"
        )
    database, actor, day = db_session(), api_actor(), today()
    ensure_catalogue(database, actor, day)
    row = record_item(
        database,
        actor,
        person,
        requirement_for(database, values["requirement"], day),
        ItemDetails(
            values["done_on"],
            values["expires_on"],
            values["reference"],
            values["verification_method"],
            values["verification_note"],
        ),
        None,
        day,
        evidence_sha256=sha,
        document_field="evidence_sha256",
        note_field="verification_note",
    )
    return created(requirement_record_json(row))
