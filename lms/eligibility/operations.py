"""Use cases for eligibility facts: education, experience, evidence, verification, and the
determination stored after every change."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.auditlog.operations import record
from lms.eligibility.models import (
    Determination,
    EducationCredential,
    EvidenceDocument,
    EvidenceSubject,
    ExperienceRecord,
    HumanServicesBasis,
    HumanServicesField,
    PersonRecord,
)
from lms.eligibility.queries import verifier_names
from lms.eligibility.rules import (
    CredentialLevel,
    Population,
    VerificationMethod,
    is_evaluated,
    verification_problem,
)
from lms.eligibility.snapshot import evaluate_document, facts_document, record_document
from lms.uniqueness import refusing_duplicates
from lms.validation import InvalidInput, check_date

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
TOO_LARGE_MESSAGE = "The file is larger than 10 MB."
MIN_JUSTIFICATION_LENGTH = 20


# -- determinations -----------------------------------------------------------------------------


def _load_facts(session: Session, person: PersonRecord):
    credentials = (
        session.execute(
            select(EducationCredential)
            .where(EducationCredential.person_id == person.id)
            .order_by(EducationCredential.conferred_on, EducationCredential.id)
        )
        .scalars()
        .all()
    )
    experiences = (
        session.execute(
            select(ExperienceRecord)
            .where(ExperienceRecord.person_id == person.id)
            .order_by(ExperienceRecord.start_on, ExperienceRecord.id)
        )
        .scalars()
        .all()
    )
    return credentials, experiences


def record_determination(
    session: Session, actor: Actor, person: PersonRecord, trigger: str, as_of: dt.date
) -> Determination | None:
    """Evaluate the person's facts as they now stand and append the result to their history.

    Only therapeutic mentors are determined: the qualifications are a mentor's, and a
    "not eligible" on a clinician's file would mislead an auditor.
    """
    if not is_evaluated(person.position):
        return None
    session.flush()
    credentials, experiences = _load_facts(session, person)
    inputs = facts_document(person, credentials, experiences, as_of)
    evidence = (
        session.execute(
            select(EvidenceDocument)
            .where(EvidenceDocument.person_id == person.id)
            .order_by(EvidenceDocument.id)
        )
        .scalars()
        .all()
    )
    record_snapshot = record_document(
        person,
        credentials,
        experiences,
        evidence,
        verifier_names(session, person, credentials, experiences),
    )
    result = evaluate_document(inputs)
    determination = Determination(
        person_id=person.id,
        determined_at=actor.now(),
        as_of=as_of,
        ruleset=result.ruleset,
        status=result.status,
        pathway=result.pathway,
        eligible_from=result.eligible_from,
        inputs=inputs,
        result=result.as_dict(),
        trigger=trigger,
        record=record_snapshot,
        actor_user_id=actor.user_id,
        actor_label=actor.label,
    )
    session.add(determination)
    session.flush()
    return determination


# -- education ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialDetails:
    level: CredentialLevel
    institution: str
    conferred_on: dt.date
    accredited: bool
    field_of_study: str | None = None
    accreditation_checked_how: str | None = None
    human_services_basis: HumanServicesBasis | None = None
    human_services_justification: str | None = None


#: Changing any of these changes what the rules see, so it clears the verification.
_CREDENTIAL_FACTS = (
    "level",
    "institution",
    "conferred_on",
    "accredited",
    "field_of_study",
    "human_services_basis",
)


def human_services_fields(session: Session) -> list[str]:
    return list(
        session.execute(select(HumanServicesField.name).order_by(HumanServicesField.name)).scalars()
    )


def add_human_services_field(session: Session, actor: Actor, name: str) -> None:
    """Add a field of study to the provider's list of human services fields."""
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise InvalidInput("Give a field name of 1 to 120 characters.", "name")
    if name.lower() in {existing.lower() for existing in human_services_fields(session)}:
        raise InvalidInput("That field is already on the list.", "name")
    with refusing_duplicates(session):  # the same name added at the same moment
        session.add(HumanServicesField(name=name))
    record(session, actor, "human_services_field.add", "human_services_field", None, {"name": name})


def remove_human_services_field(session: Session, actor: Actor, name: str) -> None:
    """Take a field off the list; credentials already classified keep their classification."""
    wanted = " ".join(name.split()).lower()
    field = next(
        (
            f
            for f in session.execute(select(HumanServicesField)).scalars()
            if f.name.lower() == wanted
        ),
        None,
    )
    if field is None:
        raise InvalidInput("That field is not on the list.", "name")
    session.delete(field)
    session.flush()
    record(
        session,
        actor,
        "human_services_field.remove",
        "human_services_field",
        None,
        {"name": field.name},
    )


def _check_credential(session: Session, details: CredentialDetails, today: dt.date):
    field_of_study = (details.field_of_study or "").strip() or None
    justification = (details.human_services_justification or "").strip() or None
    institution = details.institution.strip()
    if not institution:
        raise InvalidInput("Enter the school or institution.", "institution")
    if details.conferred_on > today:
        raise InvalidInput("Record a degree once it is conferred, not before.", "conferred_on")
    check_date(details.conferred_on, "conferred_on", "The conferral date", today)
    basis = details.human_services_basis
    if basis is HumanServicesBasis.LISTED:
        listed = {name.lower() for name in human_services_fields(session)}
        if field_of_study is None or field_of_study.lower() not in listed:
            raise InvalidInput(
                "That field is not on the list of human services fields; choose "
                "'by judgement' and explain why it counts, or 'not a human services field'.",
                "human_services_basis",
            )
    if basis is HumanServicesBasis.JUDGEMENT and (
        justification is None or len(justification) < MIN_JUSTIFICATION_LENGTH
    ):
        raise InvalidInput(
            "Explain in a sentence or two why this field counts as human services.",
            "human_services_justification",
        )
    if basis is None:
        justification = None
    return CredentialDetails(
        level=details.level,
        institution=institution,
        conferred_on=details.conferred_on,
        accredited=details.accredited,
        field_of_study=field_of_study,
        accreditation_checked_how=(details.accreditation_checked_how or "").strip() or None,
        human_services_basis=basis,
        human_services_justification=justification,
    )


def _credential_audit(credential: EducationCredential) -> dict[str, object]:
    return {
        "level": credential.level.value,
        "institution": credential.institution,
        "field_of_study": credential.field_of_study,
        "conferred_on": credential.conferred_on.isoformat(),
        "accredited": credential.accredited,
        "accreditation_checked_how": credential.accreditation_checked_how,
        "human_services_basis": credential.human_services_basis
        and credential.human_services_basis.value,
        "human_services_justification": credential.human_services_justification,
    }


def add_credential(
    session: Session, actor: Actor, person: PersonRecord, details: CredentialDetails, today: dt.date
) -> EducationCredential:
    details = _check_credential(session, details, today)
    credential = EducationCredential(
        person_id=person.id, created_at=actor.now(), **details.__dict__
    )
    session.add(credential)
    session.flush()
    record(
        session,
        actor,
        "credential.add",
        "credential",
        credential.id,
        {"person_id": person.id, **_credential_audit(credential)},
    )
    record_determination(session, actor, person, "credential.add", today)
    return credential


def update_credential(
    session: Session,
    actor: Actor,
    person: PersonRecord,
    credential: EducationCredential,
    details: CredentialDetails,
    today: dt.date,
) -> None:
    """Change a credential; changing a fact the rules use clears its verification."""
    details = _check_credential(session, details, today)
    before = _credential_audit(credential)
    facts_changed = any(
        getattr(credential, name) != getattr(details, name) for name in _CREDENTIAL_FACTS
    )
    for name, value in details.__dict__.items():
        setattr(credential, name, value)
    after = _credential_audit(credential)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return
    cleared = facts_changed and credential.verified
    if facts_changed:
        credential.clear_verification()
    session.flush()
    record(
        session,
        actor,
        "credential.update",
        "credential",
        credential.id,
        {"person_id": person.id, "changes": changes, "verification_cleared": cleared},
    )
    record_determination(session, actor, person, "credential.update", today)


# -- experience ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExperienceDetails:
    employer: str
    role: str
    start_on: dt.date
    end_on: dt.date | None
    hours_per_week: Decimal
    population: Population
    target_population: bool


def _check_experience(details: ExperienceDetails, today: dt.date) -> ExperienceDetails:
    employer, role = details.employer.strip(), details.role.strip()
    if not employer:
        raise InvalidInput("Enter the employer or program.", "employer")
    if not role:
        raise InvalidInput("Enter the role or job title.", "role")
    if details.start_on > today:
        # Experience counts toward eligibility once it has happened; a future job is a plan.
        raise InvalidInput("The start date cannot be in the future.", "start_on")
    check_date(details.start_on, "start_on", "The start date", today)
    if details.end_on is not None:
        check_date(details.end_on, "end_on", "The end date", today)

    if details.end_on is not None and details.end_on < details.start_on:
        raise InvalidInput("The end date is before the start date.", "end_on")
    hours = Decimal(details.hours_per_week)
    if not hours.is_finite() or hours <= 0 or hours > 168:
        raise InvalidInput("Hours per week must be more than 0 and at most 168.", "hours_per_week")
    if hours != hours.quantize(Decimal("0.01")):
        raise InvalidInput("Give hours per week to at most two decimals.", "hours_per_week")
    if details.target_population and details.population is not Population.YOUTH:
        raise InvalidInput(
            "Work with the target population is always work with youth.", "target_population"
        )
    return ExperienceDetails(
        employer,
        role,
        details.start_on,
        details.end_on,
        hours,
        details.population,
        details.target_population,
    )


_EXPERIENCE_FACTS = ("start_on", "end_on", "hours_per_week", "population", "target_population")


def _experience_audit(entry: ExperienceRecord) -> dict[str, object]:
    return {
        "employer": entry.employer,
        "role": entry.role,
        "start_on": entry.start_on.isoformat(),
        "end_on": entry.end_on.isoformat() if entry.end_on else None,
        "hours_per_week": str(Decimal(entry.hours_per_week).normalize()),
        "population": entry.population.value,
        "target_population": entry.target_population,
    }


def add_experience(
    session: Session, actor: Actor, person: PersonRecord, details: ExperienceDetails, today: dt.date
) -> ExperienceRecord:
    details = _check_experience(details, today)
    entry = ExperienceRecord(person_id=person.id, created_at=actor.now(), **details.__dict__)
    session.add(entry)
    session.flush()
    record(
        session,
        actor,
        "experience.add",
        "experience",
        entry.id,
        {"person_id": person.id, **_experience_audit(entry)},
    )
    record_determination(session, actor, person, "experience.add", today)
    return entry


def update_experience(
    session: Session,
    actor: Actor,
    person: PersonRecord,
    entry: ExperienceRecord,
    details: ExperienceDetails,
    today: dt.date,
) -> None:
    """Change an experience entry; changing what the rules use clears its verification.

    The employer's name and the role are descriptive, but they are what a reference
    confirmed, so changing them clears the verification too.
    """
    details = _check_experience(details, today)
    before = _experience_audit(entry)
    for name, value in details.__dict__.items():
        setattr(entry, name, value)
    after = _experience_audit(entry)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return
    cleared = entry.verified
    entry.clear_verification()
    session.flush()
    record(
        session,
        actor,
        "experience.update",
        "experience",
        entry.id,
        {"person_id": person.id, "changes": changes, "verification_cleared": cleared},
    )
    record_determination(session, actor, person, "experience.update", today)


# -- verification -------------------------------------------------------------------------------


def verify_fact(
    session: Session,
    actor: Actor,
    person: PersonRecord,
    fact: EducationCredential | ExperienceRecord,
    method: VerificationMethod,
    note: str | None,
    today: dt.date,
) -> None:
    """Record who checked a credential or an experience entry, when and how."""
    if fact.person_id != person.id:
        raise InvalidInput("That fact belongs to another person.")
    note = (note or "").strip() or None
    if method is VerificationMethod.OTHER and note is None:
        raise InvalidInput("Say how the fact was checked.", "note")
    problem = verification_problem(method.value, method.label, _has_evidence(session, fact), note)
    if problem is not None:
        field, message = problem
        raise InvalidInput(message, field)
    fact.verified_at = actor.now()
    fact.verified_by_id = actor.user_id
    fact.verification_method = method
    fact.verification_note = note
    session.flush()
    kind = "credential" if isinstance(fact, EducationCredential) else "experience"
    record(
        session,
        actor,
        f"{kind}.verify",
        kind,
        fact.id,
        {"person_id": person.id, "method": method.value, "note": note},
    )
    record_determination(session, actor, person, f"{kind}.verify", today)


def _has_evidence(session: Session, fact: EducationCredential | ExperienceRecord) -> bool:
    column = (
        EvidenceDocument.credential_id
        if isinstance(fact, EducationCredential)
        else EvidenceDocument.experience_id
    )
    found = session.execute(select(EvidenceDocument.id).where(column == fact.id).limit(1))
    return found.first() is not None


def remove_fact(
    session: Session,
    actor: Actor,
    person: PersonRecord,
    fact: EducationCredential | ExperienceRecord,
    today: dt.date,
) -> None:
    """Remove a fact entered in error: only while unverified and without evidence."""
    kind = "credential" if isinstance(fact, EducationCredential) else "experience"
    if fact.person_id != person.id:
        raise InvalidInput("That fact belongs to another person.")
    if fact.verified:
        raise InvalidInput("A verified fact cannot be removed; correct it instead.")
    column = (
        EvidenceDocument.credential_id if kind == "credential" else EvidenceDocument.experience_id
    )
    has_evidence = session.execute(
        select(func.count()).select_from(EvidenceDocument).where(column == fact.id)
    ).scalar_one()
    if has_evidence:
        raise InvalidInput("Evidence is attached to this fact; it cannot be removed.")
    details = _credential_audit(fact) if kind == "credential" else _experience_audit(fact)
    session.delete(fact)
    session.flush()
    record(session, actor, f"{kind}.remove", kind, fact.id, {"person_id": person.id, **details})
    record_determination(session, actor, person, f"{kind}.remove", today)


# -- evidence -----------------------------------------------------------------------------------

#: File signatures: the type is read from the bytes, never from the name or the browser's word.
_SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


def sniff_media_type(data: bytes) -> tuple[str, str] | None:
    """(media type, usual extension) of a PDF, PNG or JPEG, judged from its first bytes."""
    for signature, media_type, extension in _SIGNATURES:
        if data.startswith(signature):
            return media_type, extension
    return None


def _safe_filename(filename: str, extension: str) -> str:
    name = PurePath(filename.replace("\\", "/")).name.strip() or "evidence"
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')[:200]
    stem = PurePath(name).stem or "evidence"
    return f"{stem}{extension}"


def attach_evidence(
    session: Session,
    actor: Actor,
    person: PersonRecord,
    subject: EvidenceSubject,
    fact: EducationCredential | ExperienceRecord | None,
    filename: str,
    data: bytes,
) -> EvidenceDocument:
    """Store a PDF, PNG or JPEG (at most 10 MB) as evidence for one fact of ``person``."""
    if not data:
        raise InvalidInput("The file is empty.", "file")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise InvalidInput(TOO_LARGE_MESSAGE, "file")
    sniffed = sniff_media_type(data)
    if sniffed is None:
        raise InvalidInput("Only PDF, PNG and JPEG files can be attached.", "file")
    if subject is EvidenceSubject.IDENTITY and fact is not None:
        raise InvalidInput("Identity evidence is not attached to a credential or job.")
    if subject is not EvidenceSubject.IDENTITY and (fact is None or fact.person_id != person.id):
        raise InvalidInput("Choose which of this person's facts the evidence supports.", "target")
    media_type, extension = sniffed
    document = EvidenceDocument(
        person_id=person.id,
        subject=subject,
        credential_id=fact.id if isinstance(fact, EducationCredential) else None,
        experience_id=fact.id if isinstance(fact, ExperienceRecord) else None,
        filename=_safe_filename(filename, extension),
        media_type=media_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_at=actor.now(),
        uploaded_by_id=actor.user_id,
    )
    session.add(document)
    session.flush()
    record(
        session,
        actor,
        "evidence.attach",
        "evidence",
        document.id,
        {
            "person_id": person.id,
            "subject": subject.value,
            "fact_id": fact.id if fact else None,
            "filename": document.filename,
            "sha256": document.sha256,
            "size_bytes": len(data),
        },
    )
    return document
