"""A person's recorded facts in the JSON shape the CLI and API take.

Stored determinations keep exactly this document as their inputs, and every evaluation goes
through ``parse_facts`` on it, so the web, the API and the CLI share one path to the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from lms.eligibility.facts_json import parse_facts
from lms.eligibility.models import (
    EducationCredential,
    EvidenceDocument,
    ExperienceRecord,
    PersonRecord,
)
from lms.eligibility.rules import EligibilityResult, evaluate, is_evaluated


def _number(value: Decimal) -> int | float:
    """JSON has one number type; whole hours stay integers, others keep their two decimals."""
    return int(value) if value == value.to_integral_value() else float(value)


def facts_document(
    person: PersonRecord,
    credentials: Iterable[EducationCredential],
    experiences: Iterable[ExperienceRecord],
    as_of: dt.date,
) -> dict[str, Any]:
    return {
        "as_of": as_of.isoformat(),
        "date_of_birth": person.date_of_birth.isoformat(),
        "identity_verified": person.identity_verified,
        "education": [
            {
                "credential": credential.level.value,
                "field": credential.field_of_study,
                "institution": credential.institution,
                "human_services_field": credential.human_services_field,
                "accredited": credential.accredited,
                "conferred_on": credential.conferred_on.isoformat(),
                "verified": credential.verified,
            }
            for credential in credentials
        ],
        "experience": [
            {
                "employer": entry.employer,
                "role": entry.role,
                "start": entry.start_on.isoformat(),
                "end": entry.end_on.isoformat() if entry.end_on else None,
                "hours_per_week": _number(entry.hours_per_week),
                "population": entry.population.value,
                "target_population": entry.target_population,
                "verified": entry.verified,
            }
            for entry in experiences
        ],
    }


def evaluate_document(document: dict[str, Any]) -> EligibilityResult:
    """Evaluate a facts document; ``as_of`` is always present in stored documents."""
    as_of = dt.date.fromisoformat(document["as_of"])
    return evaluate(parse_facts(document, as_of))


def evaluate_person(
    person: PersonRecord, as_of: dt.date, position: str | None = None
) -> EligibilityResult | None:
    """Evaluate a person whose credentials and experiences are loaded; None for anyone the
    mentor qualifications do not apply to on ``as_of`` (``rules.is_evaluated``).

    ``position`` is the position held on ``as_of`` (``lms.staff.queries.position_held_on``);
    None takes the record's, which is the one held today: a caller evaluating a past date
    passes the position held then."""
    if not is_evaluated(position if position is not None else person.position):
        return None
    return evaluate_document(facts_document(person, person.credentials, person.experiences, as_of))


def _verification(verified_at, verified_by_id, method, note, names: Mapping[int, str]):
    if verified_at is None:
        return None
    return {
        "verified_at": verified_at.isoformat(),
        "verified_by": names.get(verified_by_id, "unknown user"),
        "method": method.value if method else None,
        "note": note,
    }


def _evidence(documents: Iterable[EvidenceDocument]) -> list[dict[str, Any]]:
    return [
        {
            "id": d.id,
            "filename": d.filename,
            "sha256": d.sha256,
            "size_bytes": d.size_bytes,
            "uploaded_at": d.uploaded_at.isoformat(),
        }
        for d in documents
    ]


def record_document(
    person: PersonRecord,
    credentials: Sequence[EducationCredential],
    experiences: Sequence[ExperienceRecord],
    evidence: Sequence[EvidenceDocument],
    verifier_names: Mapping[int, str],
) -> dict[str, Any]:
    """Who verified what and with which evidence, in the order of ``facts_document``'s lists."""
    return {
        "person": {
            "legal_name": person.legal_name,
            "position": person.position.value,
            "status": person.status.value,
            "hire_on": person.hire_on.isoformat() if person.hire_on else None,
        },
        "identity": {
            "verification": _verification(
                person.identity_verified_at,
                person.identity_verified_by_id,
                person.identity_verification_method,
                person.identity_verification_note,
                verifier_names,
            ),
            "evidence": _evidence(d for d in evidence if d.subject == "identity"),
        },
        "education": [
            {
                "institution": c.institution,
                "accreditation_checked_how": c.accreditation_checked_how,
                "human_services_basis": c.human_services_basis and c.human_services_basis.value,
                "human_services_justification": c.human_services_justification,
                "verification": _verification(
                    c.verified_at,
                    c.verified_by_id,
                    c.verification_method,
                    c.verification_note,
                    verifier_names,
                ),
                "evidence": _evidence(d for d in evidence if d.credential_id == c.id),
            }
            for c in credentials
        ],
        "experience": [
            {
                "verification": _verification(
                    e.verified_at,
                    e.verified_by_id,
                    e.verification_method,
                    e.verification_note,
                    verifier_names,
                ),
                "evidence": _evidence(d for d in evidence if d.experience_id == e.id),
            }
            for e in experiences
        ],
    }
