"""The OpenAPI 3.1 description of /api/v1, written by hand and served at /api/v1/openapi.json.

Tests hold it to the code: every route on the blueprint appears here with the roles it
declares (``x-roles``), and the request schemas list exactly the fields the parsers accept.
"""

from __future__ import annotations

from typing import Any

from lms.certificates.rules import CertificateState
from lms.eligibility.models import HumanServicesBasis
from lms.eligibility.rules import (
    RULESET,
    CredentialLevel,
    EligibilityStatus,
    Pathway,
    Population,
)
from lms.staff.models import Position, StaffStatus, VerificationMethod
from lms.supervision.models import LeaveReason
from lms.supervision.rules import Modality, SessionFormat
from lms.validation import EARLIEST_DATE, MAX_ID


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _values(enum_class) -> list[str]:
    return [member.value for member in enum_class]


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


#: Every date the API reads or writes lies in 1900-2999 (most fields narrow this further, to a
#: year from today: see DATE_BOUNDS); the pattern states the years a schema can.
DATE = {
    "type": "string",
    "format": "date",
    "pattern": "^(19[0-9]{2}|2[0-9]{3})-[0-9]{2}-[0-9]{2}$",
    "examples": ["2026-11-23"],
}
INSTANT = {"type": "string", "format": "date-time", "examples": ["2026-11-23T15:00:00Z"]}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
#: NUL is refused in every text field (so are unpaired surrogates, which a UTF-16 pattern
#: cannot tell from pairs: the document's description says so).
STORABLE_TEXT = "^[^\\u0000]*$"
DATE_BOUNDS = f"Between {EARLIEST_DATE.isoformat()} and a year from today."
HOURS = {"type": "number", "exclusiveMinimum": 0, "maximum": 168}


def _text(max_length: int, description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": ["string", "null"],
        "maxLength": max_length,
        "pattern": STORABLE_TEXT,
    }
    if description:
        schema["description"] = description
    return schema


# -- request and response bodies ----------------------------------------------------------------

PERSON_INPUT = {
    "legal_name": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": STORABLE_TEXT},
    "preferred_name": _text(200),
    "date_of_birth": DATE,
    "work_email": {**_text(254), "format": "email"},
    "hire_on": _nullable(DATE)
    | {"description": f"Required once the status is active. {DATE_BOUNDS}"},
    "position": {"type": "string", "enum": _values(Position)},
    "status": {
        "type": "string",
        "enum": _values(StaffStatus),
        "description": "Defaults to candidate when a person is created.",
    },
    "separated_on": _nullable(DATE)
    | {"description": f"Only, and always, for separated staff. {DATE_BOUNDS}"},
    "supervisor_id": _nullable(ID) | {"description": "A licensed clinician still on staff."},
    "user_email": _text(254, "Email of the person's existing user account, to link it."),
}

LICENCE_INPUT = {
    "licence_type": {
        "type": "string",
        "maxLength": 40,
        "description": "One of the configured licence types (LMS_LICENCE_TYPES): LICSW, LCSW, "
        "LMHC, LMFT, Psychologist, Psychiatric nurse (APRN) by default.",
    },
    "licence_number": {"type": "string", "minLength": 1, "maxLength": 60},
    "issuing_state": {"type": "string", "pattern": "^[A-Za-z]{2}$", "examples": ["MA"]},
    "issuing_board": _text(200, "The licensing board (optional)."),
    "issued_on": DATE,
    "expires_on": DATE
    | {"description": "After issued_on; the licence is valid up to the day before."},
}

CREDENTIAL_INPUT = {
    "level": {"type": "string", "enum": _values(CredentialLevel)},
    "institution": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": STORABLE_TEXT},
    "conferred_on": DATE
    | {"description": "Not in the future: record a degree once conferred. From 1900-01-01."},
    "accredited": {"type": "boolean", "description": "Defaults to false."},
    "field_of_study": _text(200),
    "accreditation_checked_how": _text(200, "For example: DAPIP look-up."),
    "human_services_basis": {
        "type": ["string", "null"],
        "enum": [*_values(HumanServicesBasis), None],
        "description": "null: not a human services field; listed: the field is on the "
        "provider's list; judgement: HR's judgement, with a justification.",
    },
    "human_services_justification": _text(2000, "Required (20+ characters) for judgement."),
}

EXPERIENCE_INPUT = {
    "employer": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": STORABLE_TEXT},
    "role": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": STORABLE_TEXT},
    "start_on": DATE,
    "end_on": _nullable(DATE) | {"description": "null: ongoing. Not before start_on."},
    "hours_per_week": HOURS | {"description": "At most two decimals."},
    "population": {"type": "string", "enum": _values(Population)},
    "target_population": {
        "type": "boolean",
        "description": "Youth with behavioural-health needs; only with population youth. "
        "Defaults to false.",
    },
}

SESSION_INPUT = {
    "mentor_email": {
        "type": "string",
        "format": "email",
        "maxLength": 254,
        "description": "A therapeutic mentor.",
    },
    "supervisor_email": {"type": "string", "format": "email", "maxLength": 254},
    "held_on": DATE | {"description": "Not in the future."},
    "minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
    "format": {"type": "string", "enum": _values(SessionFormat)},
    "modality": {"type": "string", "enum": _values(Modality)},
    "topics": {"type": "array", "items": {"type": "string"}, "description": "From the checklist."},
    "note": _text(4000, "No youth names, dates of birth or record numbers."),
}

LEAVE_INPUT = {
    "person_email": {
        "type": "string",
        "format": "email",
        "maxLength": 254,
        "description": "A therapeutic mentor.",
    },
    "first_day": DATE,
    "last_day": DATE | {"description": "Not before first_day."},
    "reason": {"type": "string", "enum": _values(LeaveReason)},
}

VERIFICATION = {
    "verified": {"type": "boolean"},
    "verified_at": _nullable(INSTANT),
    "verification_method": {
        "type": ["string", "null"],
        "enum": [*_values(VerificationMethod), None],
    },
}


def _record(inputs: dict[str, Any], extra: dict[str, Any], description: str) -> dict[str, Any]:
    properties = {"id": ID, **inputs, **extra}
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
    }


def _input(inputs: dict[str, Any], required: list[str], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": inputs,
        "required": required,
        "additionalProperties": False,
    }


def _patch(inputs: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": inputs,
        "additionalProperties": False,
    }


def _list(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"items": {"type": "array", "items": _ref(item)}},
        "required": ["items"],
    }


FACTS_EDUCATION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["credential", "conferred_on"],
    "properties": {
        "credential": {"type": "string", "enum": _values(CredentialLevel)},
        "field": _text(200),
        "institution": _text(200),
        "human_services_field": {"type": ["boolean", "null"]},
        "accredited": {"type": ["boolean", "null"]},
        "conferred_on": DATE,
        "verified": {"type": ["boolean", "null"]},
    },
}

FACTS_EXPERIENCE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["start", "hours_per_week", "population"],
    "properties": {
        "start": DATE,
        "end": _nullable(DATE),
        "hours_per_week": HOURS,
        "population": {"type": "string", "enum": _values(Population)},
        "target_population": {"type": ["boolean", "null"]},
        "verified": {"type": ["boolean", "null"]},
        "employer": _text(200),
        "role": _text(200),
    },
}

FACTS = {
    "type": "object",
    "description": "The same document `lms eligibility evaluate` reads. A missing flag is false.",
    "additionalProperties": False,
    "required": ["date_of_birth"],
    "properties": {
        "as_of": DATE | {"description": "Defaults to today (the provider's time zone)."},
        "date_of_birth": DATE,
        "identity_verified": {"type": ["boolean", "null"]},
        "education": {"type": ["array", "null"], "items": _ref("FactsEducation")},
        "experience": {"type": ["array", "null"], "items": _ref("FactsExperience")},
    },
}

ELIGIBILITY_RESULT = {
    "type": "object",
    "required": [
        "status",
        "pathway",
        "eligible_from",
        "age_years",
        "youth_experience_days",
        "target_experience_days",
        "reasons",
        "ruleset",
    ],
    "properties": {
        "status": {"type": "string", "enum": _values(EligibilityStatus)},
        "pathway": {
            "type": ["string", "null"],
            "enum": [*_values(Pathway), None],
            "description": "The first pathway that holds on all facts; null when none does.",
        },
        "eligible_from": _nullable(DATE)
        | {"description": "First day the requirements hold on all facts (projected if future)."},
        "age_years": {"type": "integer"},
        "youth_experience_days": {"type": "number", "description": "Full days, one decimal."},
        "target_experience_days": {"type": "number", "description": "Full days, one decimal."},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "ruleset": {"type": "string", "const": RULESET},
    },
}

DETERMINATION_SUMMARY = {
    "type": "object",
    "required": ["id", "determined_at", "as_of", "status", "trigger"],
    "properties": {
        "id": ID,
        "determined_at": INSTANT,
        "as_of": DATE,
        "status": {"type": "string", "enum": _values(EligibilityStatus)},
        "trigger": {"type": "string"},
    },
}

PERSON_ELIGIBILITY = {
    "allOf": [
        _ref("EligibilityResult"),
        {
            "type": "object",
            "required": ["person_id", "as_of", "latest_determination"],
            "properties": {
                "person_id": ID,
                "as_of": DATE,
                "latest_determination": _nullable(_ref("DeterminationSummary")),
            },
        },
    ]
}

CERTIFICATE_VERIFICATION = {
    "type": "object",
    "description": "What the public verification page shows, and nothing more about the holder.",
    "required": [
        "serial",
        "status",
        "as_of",
        "holder_name",
        "curriculum_title",
        "edition",
        "issued_on",
        "expires_on",
        "revoked_on",
    ],
    "properties": {
        "serial": {
            "type": "string",
            "description": "The serial as issued (canonical form).",
            "examples": ["TM-2026-7F3K-9QXQ"],
        },
        "status": {
            "type": "string",
            "enum": _values(CertificateState),
            "description": "On `as_of`: revoked from the revocation date, expired from the "
            "expiry date, otherwise valid.",
        },
        "as_of": DATE | {"description": "Today, in the provider's time zone."},
        "holder_name": {"type": "string"},
        "curriculum_title": {"type": "string"},
        "edition": {"type": "string"},
        "issued_on": DATE,
        "expires_on": DATE,
        "revoked_on": _nullable(DATE),
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "What went wrong, for a person to read."},
        "field": {
            "type": "string",
            "description": "The input to blame (422), e.g. hire_on or "
            "experience[0].hours_per_week.",
        },
    },
}

SCHEMAS = {
    "Error": ERROR,
    "Facts": FACTS,
    "FactsEducation": FACTS_EDUCATION,
    "FactsExperience": FACTS_EXPERIENCE,
    "EligibilityResult": ELIGIBILITY_RESULT,
    "DeterminationSummary": DETERMINATION_SUMMARY,
    "PersonEligibility": PERSON_ELIGIBILITY,
    "CertificateVerification": CERTIFICATE_VERIFICATION,
    "Person": _record(
        PERSON_INPUT,
        {
            "identity_verified": {"type": "boolean"},
            "identity_verified_at": _nullable(INSTANT),
            "created_at": INSTANT,
            "updated_at": INSTANT,
        },
        "A candidate or member of staff. A clinician's licences are records of their own: "
        "/staff/{person_id}/licences.",
    ),
    "PersonInput": _input(
        PERSON_INPUT,
        ["legal_name", "date_of_birth", "position"],
        "A new person. Unknown fields are refused, the retired licence_type, licence_number "
        "and licence_expires_on too (record licences at /staff/{person_id}/licences).",
    ),
    "PersonPatch": _patch(
        PERSON_INPUT,
        "Fields to change; the rest stay as they are. A new date of birth clears the "
        "identity verification.",
    ),
    "PersonList": {
        "type": "object",
        "required": ["items", "total", "limit", "offset"],
        "properties": {
            "items": {"type": "array", "items": _ref("Person")},
            "total": {"type": "integer", "description": "How many match the filters."},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
        },
    },
    "Credential": _record(
        CREDENTIAL_INPUT,
        {
            "person_id": ID,
            "human_services_field": {"type": "boolean"},
            **VERIFICATION,
            "created_at": INSTANT,
        },
        "An education credential.",
    ),
    "CredentialInput": _input(
        CREDENTIAL_INPUT,
        ["level", "institution", "conferred_on"],
        "A new credential. Unknown fields are refused.",
    ),
    "CredentialPatch": _patch(
        CREDENTIAL_INPUT, "Fields to change; changing a fact clears its verification."
    ),
    "CredentialList": _list("Credential"),
    "Licence": _record(
        LICENCE_INPUT,
        {
            "person_id": ID,
            "valid_today": {
                "type": "boolean",
                "description": "issued_on <= today < expires_on (provider's local date).",
            },
            "verified": {
                "type": "boolean",
                "description": "Verified by HR at the primary source (on the clinician's page).",
            },
            "verified_at": _nullable(INSTANT),
            "verification_method": _nullable({"type": "string"}),
            "migrated": {
                "type": "boolean",
                "description": "Copied from the licence columns people once had; issue date "
                "not known.",
            },
        },
        "One licence a clinician holds; a renewal is a new record, so the history stays.",
    ),
    "LicenceInput": _input(
        LICENCE_INPUT,
        ["licence_type", "licence_number", "issuing_state", "issued_on", "expires_on"],
        "A licence (or renewal) of a licensed or senior clinician, recorded unverified. "
        "Unknown fields are refused.",
    ),
    "LicenceList": _list("Licence"),
    "Experience": _record(
        EXPERIENCE_INPUT,
        {"person_id": ID, **VERIFICATION, "created_at": INSTANT},
        "An experience entry.",
    ),
    "ExperienceInput": _input(
        EXPERIENCE_INPUT,
        ["employer", "role", "start_on", "hours_per_week", "population"],
        "A new experience entry. Unknown fields are refused.",
    ),
    "ExperiencePatch": _patch(
        EXPERIENCE_INPUT, "Fields to change; any change clears the entry's verification."
    ),
    "ExperienceList": _list("Experience"),
    "SupervisionSession": _record(
        SESSION_INPUT,
        {
            "imported": {
                "type": "boolean",
                "description": "Reported through the API or a paper-log import: counts as signed.",
            },
            "signed_at": _nullable(INSTANT),
            "signed_name": _nullable({"type": "string"}),
            "acknowledged_at": _nullable(INSTANT),
            "supersedes_id": _nullable(ID)
            | {"description": "The session this one corrects, if any."},
            "recorded_at": INSTANT,
        },
        "A supervision session. No youth data: the note is about the mentor's supervision.",
    ),
    "SupervisionSessionInput": _input(
        SESSION_INPUT,
        ["mentor_email", "supervisor_email", "held_on", "minutes", "format", "modality"],
        "A session held (recorded as imported by the token). Unknown fields are refused.",
    ),
    "SupervisionSessionList": _list("SupervisionSession"),
    "Leave": _record(LEAVE_INPUT, {}, "A mentor's leave: first and last day, inclusive."),
    "LeaveInput": _input(LEAVE_INPUT, list(LEAVE_INPUT), "Leave to record."),
    "LeaveList": _list("Leave"),
    "RequirementRecord": _record(
        {
            "person_id": ID,
            "requirement": _text(80, "The requirement's key in the catalogue."),
            "kind": {"type": "string", "enum": ["credential", "check"]},
            "done_on": DATE,
            "expires_on": _nullable(DATE),
            "reference": _nullable(_text(120)),
            "verified_at": INSTANT,
            "verification_method": {"type": "string", "enum": _values(VerificationMethod)},
            "verification_note": _nullable(_text(2000)),
            "evidence_sha256": _nullable(_text(64)),
        },
        {"recorded_at": INSTANT},
        "A credential or a cleared check recorded by HR (never a check's content).",
    ),
    "RequirementRecordInput": _input(
        {
            "requirement": _text(80, "The requirement's key (a credential or a check)."),
            "done_on": DATE,
            "expires_on": _nullable(DATE),
            "reference": _nullable(_text(120)),
            "verification_method": {"type": "string", "enum": _values(VerificationMethod)},
            "verification_note": _nullable(_text(2000)),
            "evidence_sha256": _nullable(_text(64)),
        },
        ["requirement", "done_on", "verification_method"],
        "A credential (expires_on required) or a cleared check (no expires_on).",
    ),
    "RequirementRecordList": _list("RequirementRecord"),
    "PersonRequirements": {
        "type": "object",
        "properties": {
            "person_id": ID,
            "as_of": DATE,
            "catalogue_version": {"type": ["integer", "null"]},
            "cleared_to_work": {"type": "boolean"},
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "requirement": {"type": "string"},
                        "name": {"type": "string"},
                        "kind": {
                            "type": "string",
                            "enum": ["credential", "check", "acknowledgment", "course"],
                        },
                        "status": {
                            "type": "string",
                            "enum": ["met", "due_soon", "expired", "missing", "pending"],
                        },
                        "valid_until": _nullable(DATE),
                        "due_on": _nullable(DATE),
                        "blocks_work": {"type": "boolean"},
                    },
                },
            },
        },
        "required": ["person_id", "as_of", "catalogue_version", "cleared_to_work", "items"],
    },
}


# -- responses, parameters and operations -------------------------------------------------------


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
    }


RESPONSES = {
    "BadRequest": _error_response("The body is not valid JSON."),
    "Unauthorized": {
        **_error_response("No token, or a token that is unknown, revoked or expired."),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}},
    },
    "Forbidden": _error_response("The token's role may not use this endpoint."),
    "NotFound": _error_response("No such person or record."),
    "TooLarge": _error_response("The body is larger than the app accepts."),
    "Unprocessable": _error_response(
        "Bad input, nothing written: `error` says what is wrong and `field` names the input."
    ),
    "ServerError": _error_response("Something went wrong; nothing was written."),
    "NoSuchCertificate": _error_response(
        "No such certificate: the same answer for an unknown serial and a malformed one."
    ),
    "TooManyRequests": {
        **_error_response(
            "Too many serials matching no certificate were checked from this address recently."
        ),
        "headers": {
            "Retry-After": {
                "schema": {"type": "integer", "minimum": 1},
                "description": "Seconds until this address may check again.",
            }
        },
    },
}

PARAMETERS = {
    "PersonId": {"name": "person_id", "in": "path", "required": True, "schema": ID},
    "CredentialId": {"name": "credential_id", "in": "path", "required": True, "schema": ID},
    "ExperienceId": {"name": "experience_id", "in": "path", "required": True, "schema": ID},
    "Serial": {
        "name": "serial",
        "in": "path",
        "required": True,
        "description": "As printed on the certificate; case, spaces and dashes are ignored, "
        "and O, I and L are read as 0, 1 and 1.",
        "schema": {"type": "string", "examples": ["TM-2026-7F3K-9QXQ"]},
    },
    "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "A key of the client's choosing (a UUID is a good choice) that makes the "
        "request safe to retry: a retry with the same key from the same token, to the same "
        "address with the same body, within 24 hours, answers with the first response (status, "
        "body and `Location`, with `Idempotent-Replayed: true`) and creates nothing again. The "
        "same key with a different request is a 422 naming `Idempotency-Key`. A refused "
        "request keeps nothing, so its corrected version may reuse the key.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    },
}


def _parameter(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _operation(
    operation_id: str,
    summary: str,
    roles: tuple[str, ...],
    ok: tuple[int, str, str],
    *,
    body: str | None = None,
    parameters: list[str] | None = None,
    not_found: bool = False,
    bad_query: bool = False,
    idempotent: bool = False,
) -> dict[str, Any]:
    status, schema, description = ok
    errors = {"401": "Unauthorized", "403": "Forbidden", "500": "ServerError"}
    if body is not None:
        errors |= {"400": "BadRequest", "413": "TooLarge", "422": "Unprocessable"}
    if not_found:
        errors["404"] = "NotFound"
    if bad_query:
        errors["422"] = "Unprocessable"
    responses: dict[str, Any] = {str(status): _json(schema, description)}
    for code, name in sorted(errors.items()):
        responses[code] = {"$ref": f"#/components/responses/{name}"}
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "description": f"Token roles allowed: {', '.join(roles)}.",
        "x-roles": list(roles),
        "responses": responses,
    }
    if parameters or idempotent:
        names = [*(parameters or []), *(["IdempotencyKey"] if idempotent else [])]
        operation["parameters"] = [_parameter(name) for name in names]
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(body)}},
        }
    return operation


READ = ("admin", "auditor", "hr")
WRITE = ("hr",)
SUPERVISION_WRITE = ("admin", "hr")
MENTOR_EMAIL_PARAMETER = {"name": "mentor_email", "in": "query", "schema": {"type": "string"}}
RANGE_PARAMETERS = [
    {"name": name, "in": "query", "required": True, "schema": DATE} for name in ("from", "to")
]

LIST_PARAMETERS = [
    {"name": "status", "in": "query", "schema": {"type": "string", "enum": _values(StaffStatus)}},
    {"name": "position", "in": "query", "schema": {"type": "string", "enum": _values(Position)}},
    {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
    },
    {
        "name": "offset",
        "in": "query",
        "schema": {"type": "integer", "minimum": 0, "maximum": 1_000_000_000, "default": 0},
    },
]

PATHS = {
    "/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI 3.1 description of this API.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
    "/certificates/{serial}/verification": {
        "get": {
            "operationId": "verification",
            "summary": "Check a certificate: valid, expired or revoked (public, no token)",
            "description": "Anyone may call this. Each serial matching no certificate counts "
            "against the caller's address; after too many within a few minutes (by default "
            "30 in 10) the address gets 429, for every serial, until the window has passed.",
            "security": [],
            "parameters": [_parameter("Serial")],
            "responses": {
                "200": _json("CertificateVerification", "The certificate's status today."),
                "404": {"$ref": "#/components/responses/NoSuchCertificate"},
                "429": {"$ref": "#/components/responses/TooManyRequests"},
                "500": {"$ref": "#/components/responses/ServerError"},
            },
        }
    },
    "/supervision/sessions": {
        "get": {
            **_operation(
                "list_supervision_sessions",
                "Supervision sessions held in a range of dates (at most 400 days)",
                READ,
                (200, "SupervisionSessionList", "The sessions, oldest first."),
                bad_query=True,
            ),
            "parameters": [*RANGE_PARAMETERS, MENTOR_EMAIL_PARAMETER],
        },
        "post": _operation(
            "create_supervision_session",
            "Report a session held (recorded as imported; it counts as signed)",
            SUPERVISION_WRITE,
            (201, "SupervisionSession", "Created."),
            body="SupervisionSessionInput",
            idempotent=True,
        ),
    },
    "/supervision/leave": {
        "get": {
            **_operation(
                "list_leave",
                "Leave overlapping a range of dates (at most 400 days)",
                READ,
                (200, "LeaveList", "The leave, by first day."),
                bad_query=True,
            ),
            "parameters": RANGE_PARAMETERS,
        },
        "post": _operation(
            "create_leave",
            "Record a mentor's leave",
            SUPERVISION_WRITE,
            (201, "Leave", "Created."),
            body="LeaveInput",
            idempotent=True,
        ),
    },
    "/eligibility/evaluate": {
        "post": _operation(
            "evaluate_facts",
            "Evaluate a set of facts under ruleset ma-tm-2023 (stores nothing)",
            ("admin", "hr"),
            (200, "EligibilityResult", "The determination, as `lms eligibility evaluate`."),
            body="Facts",
        )
    },
    "/staff": {
        "get": {
            **_operation(
                "list_staff",
                "List people, by name, filtered and paginated",
                READ,
                (200, "PersonList", "One page of people."),
                bad_query=True,
            ),
            "parameters": LIST_PARAMETERS,
        },
        "post": _operation(
            "create_staff",
            "Add a candidate or member of staff",
            WRITE,
            (201, "Person", "Created; `Location` is the new person's address."),
            body="PersonInput",
            idempotent=True,
        ),
    },
    "/staff/{person_id}": {
        "get": _operation(
            "person",
            "One person",
            READ,
            (200, "Person", "The person."),
            parameters=["PersonId"],
            not_found=True,
        ),
        "patch": _operation(
            "update_staff",
            "Change some of a person's fields",
            WRITE,
            (200, "Person", "The person as now recorded."),
            body="PersonPatch",
            parameters=["PersonId"],
            not_found=True,
        ),
    },
    "/staff/{person_id}/eligibility": {
        "get": _operation(
            "eligibility",
            "The person's eligibility today, and their latest stored determination",
            READ,
            (200, "PersonEligibility", "Evaluated live on the recorded facts."),
            parameters=["PersonId"],
            not_found=True,
            bad_query=True,  # 422 (field position): only therapeutic mentors are evaluated
        )
    },
    "/staff/{person_id}/requirements": {
        "get": {
            **_operation(
                "person_requirements",
                "Each applicable requirement's status on a date, and whether cleared to work",
                READ,
                (200, "PersonRequirements", "Statuses on as_of (default today)."),
                parameters=["PersonId"],
                not_found=True,
                bad_query=True,
            ),
            "parameters": [
                _parameter("PersonId"),
                {
                    "name": "as_of",
                    "in": "query",
                    "description": "The date the statuses are for (default: today).",
                    "schema": DATE,
                },
            ],
        }
    },
    "/staff/{person_id}/requirement-records": {
        "get": _operation(
            "requirement_records",
            "A person's recorded credentials and checks",
            READ,
            (200, "RequirementRecordList", "Newest first."),
            parameters=["PersonId"],
            not_found=True,
        ),
        "post": _operation(
            "add_requirement_record",
            "Record a credential or a cleared check",
            WRITE,
            (201, "RequirementRecord", "Created and audited."),
            body="RequirementRecordInput",
            parameters=["PersonId"],
            not_found=True,
            idempotent=True,
        ),
    },
    "/staff/{person_id}/licences": {
        "get": _operation(
            "licences",
            "A clinician's licence records (a person's only licence information)",
            READ,
            (200, "LicenceList", "Newest issue first, history included."),
            parameters=["PersonId"],
            not_found=True,
        ),
        "post": _operation(
            "add_staff_licence",
            "Record a clinician's licence or renewal",
            SUPERVISION_WRITE,
            (201, "Licence", "Created unverified and audited; HR verifies it on the web."),
            body="LicenceInput",
            idempotent=True,
            parameters=["PersonId"],
            not_found=True,
        ),
    },
    "/staff/{person_id}/credentials": {
        "get": _operation(
            "credentials",
            "A person's education credentials",
            READ,
            (200, "CredentialList", "Oldest conferral first."),
            parameters=["PersonId"],
            not_found=True,
        ),
        "post": _operation(
            "add_staff_credential",
            "Record an education credential",
            WRITE,
            (201, "Credential", "Created; a new determination is stored."),
            body="CredentialInput",
            idempotent=True,
            parameters=["PersonId"],
            not_found=True,
        ),
    },
    "/staff/{person_id}/credentials/{credential_id}": {
        "patch": _operation(
            "update_staff_credential",
            "Change some of a credential's fields",
            WRITE,
            (200, "Credential", "The credential as now recorded."),
            body="CredentialPatch",
            parameters=["PersonId", "CredentialId"],
            not_found=True,
        )
    },
    "/staff/{person_id}/experience": {
        "get": _operation(
            "experience",
            "A person's experience entries",
            READ,
            (200, "ExperienceList", "Earliest start first."),
            parameters=["PersonId"],
            not_found=True,
        ),
        "post": _operation(
            "add_staff_experience",
            "Record an experience entry",
            WRITE,
            (201, "Experience", "Created; a new determination is stored."),
            body="ExperienceInput",
            idempotent=True,
            parameters=["PersonId"],
            not_found=True,
        ),
    },
    "/staff/{person_id}/experience/{experience_id}": {
        "patch": _operation(
            "update_staff_experience",
            "Change some of an experience entry's fields",
            WRITE,
            (200, "Experience", "The entry as now recorded."),
            body="ExperiencePatch",
            parameters=["PersonId", "ExperienceId"],
            not_found=True,
        )
    },
}

# -- on-call coverage (lms/api/oncall.py) --------------------------------------------------------

LOCAL_INPUT = {
    "type": "string",
    "description": "Local wall-clock date and time where the provider works (LMS_TIMEZONE). A "
    "time skipped when clocks spring forward is refused; one that happens twice is the first.",
    "examples": ["2026-03-08T18:00"],
}
LOCAL_OUTPUT = {
    "type": "string",
    "format": "date-time",
    "description": "Local time with seconds and the UTC offset.",
    "examples": ["2026-03-10T12:00:00-04:00"],
}
RANGE_PARAMETERS = [
    {
        "name": "from",
        "in": "query",
        "description": "First local date (default: today).",
        "schema": DATE,
    },
    {
        "name": "to",
        "in": "query",
        "description": "Last local date, inclusive (default: 29 days after from; at most 92 days).",
        "schema": DATE,
    },
]
SCHEMAS |= {
    "OnCallBlockInput": {
        "type": "object",
        "description": "A senior clinician on call over [starts_at, ends_at), which may cross "
        "midnight. Unknown fields are refused.",
        "required": ["starts_at", "ends_at", "clinician_id", "phone"],
        "additionalProperties": False,
        "properties": {
            "starts_at": LOCAL_INPUT,
            "ends_at": {**LOCAL_INPUT, "description": "Must be after starts_at."},
            "clinician_id": {**ID, "description": "A person in the senior clinician position."},
            "phone": _text(40, "The number mentors call."),
        },
    },
    "OnCallBlock": {
        "type": "object",
        "required": ["id", "starts_at", "ends_at", "clinician_id", "clinician_email", "phone"],
        "properties": {
            "id": ID,
            "starts_at": LOCAL_OUTPUT,
            "ends_at": LOCAL_OUTPUT,
            "clinician_id": ID,
            "clinician_email": _nullable({"type": "string"}),
            "phone": {"type": "string"},
            "counts": {
                "type": "boolean",
                "description": "Whether the clinician is senior with a valid licence on every "
                "local date the block touches (listing only).",
            },
        },
    },
    "OnCallBlockList": {
        "type": "object",
        "required": ["from", "to", "items"],
        "properties": {
            "from": DATE,
            "to": DATE,
            "items": {"type": "array", "items": _ref("OnCallBlock")},
        },
    },
    "OnCallGapList": {
        "type": "object",
        "required": ["from", "to", "items"],
        "properties": {
            "from": DATE,
            "to": DATE,
            "items": {
                "type": "array",
                "description": "Maximal stretches of service hours no qualifying block covers.",
                "items": {
                    "type": "object",
                    "required": ["starts_at", "ends_at"],
                    "properties": {"starts_at": LOCAL_OUTPUT, "ends_at": LOCAL_OUTPUT},
                },
            },
        },
    },
}
PATHS |= {
    "/oncall/blocks": {
        "get": {
            **_operation(
                "list_oncall_blocks",
                "On-call blocks overlapping a range of local dates",
                READ,
                (200, "OnCallBlockList", "Earliest start first."),
                bad_query=True,
            ),
            "parameters": RANGE_PARAMETERS,
        },
        "post": _operation(
            "create_oncall_block",
            "Put a senior clinician on call",
            ("admin", "hr"),
            (201, "OnCallBlock", "Created."),
            body="OnCallBlockInput",
            idempotent=True,
        ),
    },
    "/oncall/gaps": {
        "get": {
            **_operation(
                "oncall_gaps",
                "Service hours with no qualifying senior clinician on call",
                READ,
                (200, "OnCallGapList", "In time order, as `lms oncall gaps`."),
                bad_query=True,
            ),
            "parameters": RANGE_PARAMETERS,
        }
    },
}


DESCRIPTION = """\
Staff records, education, experience and the mentor-eligibility rules (ruleset ma-tm-2023) of
a Massachusetts Therapeutic Mentoring provider, for HR systems that feed the app.

Authenticate every request with `Authorization: Bearer <token>` (except this document and
certificate verification, which are public). An administrator creates tokens under
Admin → API tokens; each is scoped to one role, shown once, and expires after the lifetime
chosen when it was created. Session cookies do not authenticate the API. Every error is
JSON: `{"error": "…"}`, plus `"field"` on 422. Dates are `YYYY-MM-DD`; each request is one
transaction, and a refused one writes nothing. Create requests (`POST`) accept an
`Idempotency-Key` header that makes a retry safe: within 24 hours, the same key from the same
token answers with the first response and creates nothing again.

Bounds: ids are whole numbers from 1 to 2147483647 (a larger id in a path is a 404, in a body
a 422); text may not contain NUL or an unpaired surrogate (422 naming the field); hire,
separation and conferral dates lie between 1900-01-01 and a year from today.
"""


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document for /api/v1."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Therapeutic Mentoring training and qualification records",
            "version": "1",
            "description": DESCRIPTION,
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token created by an administrator (tmlms_…).",
                }
            },
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": RESPONSES,
        },
    }
