"""The API's JSON shapes: strict parsing of request bodies, and records as JSON.

Names follow the models (``start_on``, ``level``); dates are ``YYYY-MM-DD``; hours are numbers.
Unknown fields are refused rather than ignored, so a misspelt field cannot silently do nothing.
Every problem is an ``InvalidInput`` naming the field, answered as 422.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from email_validator import EmailNotValidError, validate_email

from lms.eligibility.models import (
    Determination,
    EducationCredential,
    ExperienceRecord,
    HumanServicesBasis,
)
from lms.eligibility.rules import CredentialLevel, Population
from lms.requirements.models import RequirementRecord
from lms.staff.models import Person, Position, StaffStatus, VerificationMethod
from lms.validation import MAX_ID, InvalidInput, check_text

Parser = Callable[[Any, str], Any]


# -- single values ------------------------------------------------------------------------------


def text(max_length: int) -> Parser:
    def parse(value: Any, name: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise InvalidInput(f"{name} must be text.", name)
        if len(value) > max_length:
            raise InvalidInput(f"{name} must be at most {max_length} characters.", name)
        return check_text(value, name)

    return parse


def email(max_length: int) -> Parser:
    as_text = text(max_length)

    def parse(value: Any, name: str) -> str | None:
        value = as_text(value, name)
        if value is None or not value.strip():
            return value
        try:
            validate_email(value.strip(), check_deliverability=False)
        except EmailNotValidError:
            raise InvalidInput(f"{name} is not a valid email address.", name) from None
        return value

    return parse


def date_value(value: Any, name: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(f"{name} must be a date as YYYY-MM-DD.", name)


def choice(enum_class: type[enum.StrEnum]) -> Parser:
    def parse(value: Any, name: str) -> enum.StrEnum | None:
        if value is None:
            return None
        try:
            return enum_class(value)
        except ValueError:
            choices = ", ".join(member.value for member in enum_class)
            raise InvalidInput(f"{name} must be one of {choices}.", name) from None

    return parse


def flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be true or false.", name)
    return value


def identifier(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise InvalidInput(
            f"{name} must be the id of a record (a whole number from 1 to {MAX_ID}).", name
        )
    return value


def hours(value: Any, name: str) -> Decimal:
    # Bodies are decoded with parse_float=Decimal, so 17.5 arrives exactly as 17.5.
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise InvalidInput(f"{name} must be a number of hours.", name)
    return Decimal(value)


# -- records ------------------------------------------------------------------------------------

PERSON_FIELDS: dict[str, Parser] = {
    "legal_name": text(200),
    "preferred_name": text(200),
    "date_of_birth": date_value,
    "work_email": email(254),
    "hire_on": date_value,
    "position": choice(Position),
    "status": choice(StaffStatus),
    "separated_on": date_value,
    "supervisor_id": identifier,
    "user_email": text(254),
}
#: Fields a person body once had: a licence is now a record of its own (issue 10).
RETIRED_PERSON_FIELDS = ("licence_type", "licence_number", "licence_expires_on")
PERSON_REQUIRED = ("legal_name", "date_of_birth", "position", "status")
PERSON_DEFAULTS: dict[str, Any] = {"status": StaffStatus.CANDIDATE}

CREDENTIAL_FIELDS: dict[str, Parser] = {
    "level": choice(CredentialLevel),
    "institution": text(200),
    "conferred_on": date_value,
    "accredited": flag,
    "field_of_study": text(200),
    "accreditation_checked_how": text(200),
    "human_services_basis": choice(HumanServicesBasis),
    "human_services_justification": text(2000),
}
CREDENTIAL_REQUIRED = ("level", "institution", "conferred_on", "accredited")
CREDENTIAL_DEFAULTS: dict[str, Any] = {"accredited": False}

EXPERIENCE_FIELDS: dict[str, Parser] = {
    "employer": text(200),
    "role": text(200),
    "start_on": date_value,
    "end_on": date_value,
    "hours_per_week": hours,
    "population": choice(Population),
    "target_population": flag,
}
EXPERIENCE_REQUIRED = ("employer", "role", "start_on", "hours_per_week", "population")
EXPERIENCE_DEFAULTS: dict[str, Any] = {"target_population": False}


def parse_person_fields(data: Any) -> dict[str, Any]:
    """A person body's fields; the retired licence fields are refused with where to go instead."""
    if isinstance(data, dict):
        for name in RETIRED_PERSON_FIELDS:
            if name in data:
                raise InvalidInput(
                    f"{name} is no longer a field of a person: record licences with "
                    "POST /api/v1/staff/{id}/licences.",
                    name,
                )
    return parse_fields(data, PERSON_FIELDS)


def parse_fields(data: Any, fields: Mapping[str, Parser]) -> dict[str, Any]:
    """The fields given in a JSON object, each parsed; unknown fields are refused."""
    if not isinstance(data, dict):
        raise InvalidInput("The body must be a JSON object.", "body")
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise InvalidInput(f"{unknown[0]} is not a field that can be set.", unknown[0])
    return {name: fields[name](value, name) for name, value in data.items()}


def merge(
    current: Mapping[str, Any], given: Mapping[str, Any], required: tuple[str, ...]
) -> dict[str, Any]:
    """``given`` over ``current``; every required field must end up with a value."""
    merged = {**current, **given}
    for name in required:
        if merged.get(name) is None:
            raise InvalidInput(f"{name} is required.", name)
    return merged


def person_details(person: Person, user_email: str | None) -> dict[str, Any]:
    """A person's current record as the fields PATCH merges over."""
    values = {name: getattr(person, name) for name in PERSON_FIELDS if name != "user_email"}
    return {**values, "user_email": user_email}


def credential_details(credential: EducationCredential) -> dict[str, Any]:
    return {name: getattr(credential, name) for name in CREDENTIAL_FIELDS}


def experience_details(entry: ExperienceRecord) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in EXPERIENCE_FIELDS}


# -- records as JSON ----------------------------------------------------------------------------


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _instant(value: dt.datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _enum(value: enum.StrEnum | None) -> str | None:
    return value.value if value is not None else None


def number(value: Decimal) -> int | float:
    """Whole hours stay integers; others keep their (at most two) decimals."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def person_json(person: Person, user_email: str | None) -> dict[str, Any]:
    return {
        "id": person.id,
        "legal_name": person.legal_name,
        "preferred_name": person.preferred_name,
        "date_of_birth": _date(person.date_of_birth),
        "work_email": person.work_email,
        "hire_on": _date(person.hire_on),
        "position": person.position.value,
        "status": person.status.value,
        "separated_on": _date(person.separated_on),
        "supervisor_id": person.supervisor_id,
        "user_email": user_email,
        "identity_verified": person.identity_verified,
        "identity_verified_at": _instant(person.identity_verified_at),
        "created_at": _instant(person.created_at),
        "updated_at": _instant(person.updated_at),
    }


def _verification(fact: EducationCredential | ExperienceRecord) -> dict[str, Any]:
    return {
        "verified": fact.verified,
        "verified_at": _instant(fact.verified_at),
        "verification_method": _enum(fact.verification_method),
    }


def credential_json(credential: EducationCredential) -> dict[str, Any]:
    return {
        "id": credential.id,
        "person_id": credential.person_id,
        "level": credential.level.value,
        "institution": credential.institution,
        "conferred_on": _date(credential.conferred_on),
        "accredited": credential.accredited,
        "field_of_study": credential.field_of_study,
        "accreditation_checked_how": credential.accreditation_checked_how,
        "human_services_basis": _enum(credential.human_services_basis),
        "human_services_justification": credential.human_services_justification,
        "human_services_field": credential.human_services_field,
        **_verification(credential),
        "created_at": _instant(credential.created_at),
    }


def experience_json(entry: ExperienceRecord) -> dict[str, Any]:
    return {
        "id": entry.id,
        "person_id": entry.person_id,
        "employer": entry.employer,
        "role": entry.role,
        "start_on": _date(entry.start_on),
        "end_on": _date(entry.end_on),
        "hours_per_week": number(entry.hours_per_week),
        "population": entry.population.value,
        "target_population": entry.target_population,
        **_verification(entry),
        "created_at": _instant(entry.created_at),
    }


def determination_json(determination: Determination | None) -> dict[str, Any] | None:
    if determination is None:
        return None
    return {
        "id": determination.id,
        "determined_at": _instant(determination.determined_at),
        "as_of": _date(determination.as_of),
        "status": determination.status.value,
        "trigger": determination.trigger,
    }


# -- requirements by position -------------------------------------------------------------------

REQUIREMENT_RECORD_FIELDS: dict[str, Parser] = {
    "requirement": text(80),
    "done_on": date_value,
    "expires_on": date_value,
    "reference": text(120),
    "verification_method": choice(VerificationMethod),
    "verification_note": text(2000),
    "evidence_sha256": text(64),
}
REQUIREMENT_RECORD_REQUIRED = ("requirement", "done_on", "verification_method")


def requirement_record_json(row: RequirementRecord) -> dict[str, Any]:
    return {
        "id": row.id,
        "person_id": row.person_id,
        "requirement": row.requirement_key,
        "kind": row.kind.value,
        "done_on": _date(row.done_on),
        "expires_on": _date(row.expires_on),
        "reference": row.reference,
        "verified_at": _instant(row.verified_at),
        "verification_method": _enum(row.verification_method),
        "verification_note": row.verification_note,
        "evidence_sha256": row.evidence_sha256,
        "recorded_at": _instant(row.recorded_at),
    }
