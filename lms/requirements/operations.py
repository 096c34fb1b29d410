"""Use cases for requirements: catalogue versions, HR's records, policy versions, signatures and
the CSV import. Operations flush and never commit."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.auditlog.operations import record
from lms.eligibility.rules import verification_problem
from lms.requirements.catalogue import (
    DEFAULT_PATH,
    Catalogue,
    load_catalogue_file,
    requirement_as_dict,
)
from lms.requirements.models import (
    CatalogueVersion,
    PolicyDocument,
    PolicySignature,
    RequirementRecord,
)
from lms.requirements.queries import catalogue_versions, requirements_on
from lms.requirements.rules import Requirement, RequirementKind
from lms.staff.models import Person, VerificationMethod
from lms.uniqueness import refusing_duplicates, take_turns
from lms.validation import InvalidInput

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
#: File signatures: the type is read from the bytes, never from the name or the browser's word.
_SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
RECORDED_KINDS = frozenset({RequirementKind.CREDENTIAL, RequirementKind.CHECK})


# -- the catalogue ------------------------------------------------------------------------------


def load_catalogue(
    session: Session, actor: Actor, catalogue: Catalogue, source: str, today: dt.date
) -> CatalogueVersion | None:
    """Store ``catalogue`` as a new version in force from ``today``, unless it is the same as
    the latest; None when nothing changed. Earlier dates keep the versions in force then.
    Loads take turns: a doubled load stores one version and the second finds nothing changed."""
    take_turns(session, "requirements.catalogue")
    versions = catalogue_versions(session)
    latest = versions[-1] if versions else None
    if latest is not None and latest.sha256 == catalogue.sha256:
        return None
    if latest is not None and today < latest.effective_on:
        raise InvalidInput("A newer catalogue version takes effect after this date.", "date")
    definitions = [requirement_as_dict(r) for r in catalogue.requirements]
    version = CatalogueVersion(
        version=(latest.version + 1) if latest else 1,
        effective_on=today,
        sha256=catalogue.sha256,
        definitions=definitions,
        source=source[:255],
        loaded_at=actor.now(),
        loaded_by_id=actor.user_id,
    )
    session.add(version)
    session.flush()
    before = {d["key"]: d for d in (latest.definitions if latest else [])}
    after = {d["key"]: d for d in definitions}
    record(
        session,
        actor,
        "requirements.catalogue.load",
        "requirement_catalogue",
        version.version,
        {
            "effective_on": today.isoformat(),
            "sha256": catalogue.sha256,
            "source": version.source,
            "added": sorted(after.keys() - before.keys()),
            "removed": sorted(before.keys() - after.keys()),
            "changed": sorted(k for k in after.keys() & before.keys() if after[k] != before[k]),
        },
    )
    return version


def ensure_catalogue(session: Session, actor: Actor, today: dt.date) -> None:
    """On first use, load the shipped default catalogue."""
    if session.execute(select(func.count()).select_from(CatalogueVersion)).scalar_one() == 0:
        catalogue = load_catalogue_file(DEFAULT_PATH)
        try:
            with session.begin_nested():
                load_catalogue(session, actor, catalogue, "requirements/default.yaml", today)
        except IntegrityError:
            pass  # another request loaded it first (version 1 is unique): theirs stands


def requirement_for(session: Session, key: str, day: dt.date) -> Requirement:
    """The requirement ``key`` as the catalogue in force on ``day`` defines it."""
    requirement = requirements_on(catalogue_versions(session), day).get(key)
    if requirement is None:
        raise InvalidInput(f"There is no requirement “{key[:80]}” in the catalogue.", "requirement")
    return requirement


# -- HR's records of credentials and checks -----------------------------------------------------


@dataclass(frozen=True)
class ItemDetails:
    done_on: dt.date
    expires_on: dt.date | None
    reference: str | None
    method: VerificationMethod
    note: str | None


@dataclass(frozen=True)
class Evidence:
    filename: str
    data: bytes


def sniff_media_type(data: bytes) -> tuple[str, str] | None:
    """(media type, usual extension) of a PDF, PNG or JPEG, judged from its first bytes."""
    for signature, media_type, extension in _SIGNATURES:
        if data.startswith(signature):
            return media_type, extension
    return None


def _safe_filename(filename: str, extension: str) -> str:
    name = PurePath(filename.replace("\\", "/")).name.strip() or "evidence"
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')[:200]
    return f"{PurePath(name).stem or 'evidence'}{extension}"


def check_item(requirement: Requirement, details: ItemDetails, today: dt.date) -> ItemDetails:
    """The details cleaned, or InvalidInput naming the field."""
    if requirement.kind not in RECORDED_KINDS:
        raise InvalidInput(
            f"{requirement.name} is a {requirement.kind.value}; HR records only credentials "
            "and checks.",
            "requirement",
        )
    if requirement.records == "clinician_licences":
        raise InvalidInput(
            f"{requirement.name} is met by the clinician's licence records: record the licence "
            "on the clinician's page (Clinicians), where it is verified at the board.",
            "requirement",
        )
    if details.done_on > today:
        raise InvalidInput("The date cannot be in the future.", "done_on")
    if requirement.kind is RequirementKind.CREDENTIAL:
        if details.expires_on is None:
            raise InvalidInput("Enter the date the credential expires.", "expires_on")
        if details.expires_on <= details.done_on:
            raise InvalidInput("The expiry date must be after the issue date.", "expires_on")
    elif details.expires_on is not None:
        raise InvalidInput(
            "A check has no expiry date of its own; its re-check interval is in the catalogue.",
            "expires_on",
        )
    note = (details.note or "").strip() or None
    if details.method is VerificationMethod.OTHER and note is None:
        raise InvalidInput("Say how it was verified.", "note")
    reference = (details.reference or "").strip() or None
    if reference is not None and len(reference) > 120:
        raise InvalidInput("The reference is longer than 120 characters.", "reference")
    return ItemDetails(details.done_on, details.expires_on, reference, details.method, note)


def check_basis(
    details: ItemDetails,
    has_evidence: bool,
    document_field: str = "file",
    note_field: str = "note",
) -> None:
    """A record is verified on its document or on a note saying how, whom and when; a missing
    document is reported on ``document_field`` (the upload, or the evidence hash of an import or
    the API), a missing note on ``note_field``."""
    problem = verification_problem(
        details.method.value, details.method.label, has_evidence, details.note
    )
    if problem is not None:
        raise InvalidInput(problem[1], document_field if problem[0] == "method" else note_field)


def record_item(
    session: Session,
    actor: Actor,
    person: Person,
    requirement: Requirement,
    details: ItemDetails,
    evidence: Evidence | None,
    today: dt.date,
    evidence_sha256: str | None = None,
    document_field: str = "file",
    note_field: str = "note",
) -> RequirementRecord:
    """Record a credential or a cleared check for ``person``, verified by ``actor`` now, with a
    PDF, PNG or JPEG as evidence (or, for imported records, only the evidence's SHA-256)."""
    details = check_item(requirement, details, today)
    has_evidence = evidence is not None or evidence_sha256 is not None
    check_basis(details, has_evidence, document_field, note_field)
    row = RequirementRecord(
        person_id=person.id,
        requirement_key=requirement.key,
        kind=requirement.kind,
        done_on=details.done_on,
        expires_on=details.expires_on,
        reference=details.reference,
        verified_at=actor.now(),
        verified_by_id=actor.user_id,
        verification_method=details.method,
        verification_note=details.note,
        recorded_at=actor.now(),
        recorded_by_id=actor.user_id,
    )
    if evidence is not None:
        data = evidence.data
        if not data:
            raise InvalidInput("The file is empty.", "file")
        if len(data) > MAX_EVIDENCE_BYTES:
            raise InvalidInput("The file is larger than 10 MB.", "file")
        sniffed = sniff_media_type(data)
        if sniffed is None:
            raise InvalidInput("Only PDF, PNG and JPEG files can be attached.", "file")
        row.evidence_filename = _safe_filename(evidence.filename, sniffed[1])
        row.evidence_media_type = sniffed[0]
        row.evidence_size_bytes = len(data)
        row.evidence_sha256 = hashlib.sha256(data).hexdigest()
        row.evidence_content = data
    elif evidence_sha256 is not None:
        row.evidence_sha256 = evidence_sha256
    session.add(row)
    session.flush()
    record(
        session,
        actor,
        "requirement.record",
        "requirement_record",
        row.id,
        {
            "person_id": person.id,
            "requirement": requirement.key,
            "done_on": details.done_on.isoformat(),
            "expires_on": details.expires_on.isoformat() if details.expires_on else None,
            "method": details.method.value,
            "evidence_sha256": row.evidence_sha256,
        },
    )
    return row


# -- policies and signatures --------------------------------------------------------------------


def publish_policy(
    session: Session,
    actor: Actor,
    requirement: Requirement,
    title: str,
    text: str,
    effective_on: dt.date,
    today: dt.date,
) -> PolicyDocument:
    """Publish the next version of the policy behind an acknowledgment requirement."""
    if requirement.kind is not RequirementKind.ACKNOWLEDGMENT:
        raise InvalidInput(f"{requirement.name} is not a policy acknowledgment.", "requirement")
    title, text = title.strip(), text.strip()
    if not title:
        raise InvalidInput("Enter the policy's title.", "title")
    if not text:
        raise InvalidInput("Enter the policy's text.", "text")
    if effective_on < today:
        # A version taking effect in the past would change statuses already reported.
        raise InvalidInput("The effective date cannot be in the past.", "effective_on")
    take_turns(session, f"policy:{requirement.key}")  # a doubled publish meets the check below
    latest = session.execute(
        select(PolicyDocument)
        .where(PolicyDocument.requirement_key == requirement.key)
        .order_by(PolicyDocument.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    if latest is not None and effective_on <= latest.effective_on:
        raise InvalidInput(
            f"Version {latest.version} takes effect on {latest.effective_on:%d %B %Y}; a new "
            "version must take effect after it.",
            "effective_on",
        )
    document = PolicyDocument(
        requirement_key=requirement.key,
        version=latest.version + 1 if latest else 1,
        title=title[:200],
        effective_on=effective_on,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        published_at=actor.now(),
        published_by_id=actor.user_id,
    )
    with refusing_duplicates(session):  # another version published at the same moment
        session.add(document)
    record(
        session,
        actor,
        "policy.publish",
        "policy_document",
        document.id,
        {
            "requirement": requirement.key,
            "version": document.version,
            "effective_on": effective_on.isoformat(),
            "sha256": document.sha256,
        },
    )
    return document


def _normalised(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def sign_policy(
    session: Session,
    actor: Actor,
    person: Person,
    document: PolicyDocument,
    typed_name: str,
    today: dt.date,
) -> PolicySignature:
    """The person signs one policy version themselves, typing their name."""
    if actor.user_id is None or person.user_id != actor.user_id:
        raise InvalidInput("Only the person themselves can sign.")
    typed = " ".join(typed_name.split())
    names = {_normalised(person.legal_name)}
    if person.preferred_name:
        names.add(_normalised(person.preferred_name))
    if not typed:
        raise InvalidInput("Type your name to sign.", "typed_name")
    if _normalised(typed) not in names:
        raise InvalidInput("Type your name as it is on your staff record.", "typed_name")
    already = session.execute(
        select(PolicySignature.id).where(
            PolicySignature.person_id == person.id, PolicySignature.document_id == document.id
        )
    ).scalar_one_or_none()
    if already is not None:
        raise InvalidInput(f"You have already signed version {document.version}.")
    signature = PolicySignature(
        person_id=person.id,
        document_id=document.id,
        user_id=actor.user_id,
        requirement_key=document.requirement_key,
        version=document.version,
        document_sha256=document.sha256,
        typed_name=typed[:200],
        signed_at=actor.now(),
        signed_on=today,
    )
    with refusing_duplicates(session):  # a doubled signature
        session.add(signature)
    record(
        session,
        actor,
        "policy.sign",
        "policy_signature",
        signature.id,
        {
            "person_id": person.id,
            "requirement": document.requirement_key,
            "version": document.version,
            "sha256": document.sha256,
            "typed_name": signature.typed_name,
        },
    )
    return signature


# -- the CSV import -----------------------------------------------------------------------------

IMPORT_COLUMNS = (
    "work_email",
    "requirement",
    "done_on",
    "expires_on",
    "reference",
    "verification_method",
    "verification_note",
    "evidence_sha256",
)
REQUIRED_COLUMNS = ("work_email", "requirement", "done_on", "verification_method")


@dataclass(frozen=True)
class ImportProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportRefused(ValueError):
    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _date(text: str, column: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"“{text[:20]}” is not a date (YYYY-MM-DD).", column) from None


def import_records(session: Session, actor: Actor, text: str, today: dt.date) -> int:
    """Record every row of a CSV of credentials and checks, or none: ImportRefused lists every
    problem with its line. Returns how many records were made."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in IMPORT_COLUMNS]
    problems = [ImportProblem(1, f"the column “{c}” is missing") for c in missing]
    problems += [ImportProblem(1, f"unknown column “{c[:40]}”") for c in unknown]
    if problems:
        raise ImportRefused(problems)
    people = {
        email.casefold(): person
        for email, person in session.execute(
            select(Person.work_email, Person).where(Person.work_email.is_not(None))
        ).all()
    }
    catalogue = requirements_on(catalogue_versions(session), today)
    methods = {method.value: method for method in VerificationMethod}
    planned: list[tuple[Person, Requirement, ItemDetails, str | None]] = []
    count = 0
    for row in reader:
        count += 1
        line = reader.line_num
        try:
            values = {column: (row.get(column) or "").strip() for column in IMPORT_COLUMNS}
            person = people.get(values["work_email"].casefold())
            if person is None:
                raise InvalidInput(f"no person has the work email “{values['work_email'][:80]}”")
            requirement = catalogue.get(values["requirement"])
            if requirement is None:
                raise InvalidInput(
                    f"“{values['requirement'][:80]}” is not a requirement in the catalogue",
                    "requirement",
                )
            done_on = _date(values["done_on"], "done_on")
            if done_on is None:
                raise InvalidInput("the date is empty", "done_on")
            method = methods.get(values["verification_method"])
            if method is None:
                raise InvalidInput(f"must be one of {', '.join(methods)}", "verification_method")
            sha = values["evidence_sha256"].lower() or None
            if sha is not None and (
                len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)
            ):
                raise InvalidInput("must be 64 hexadecimal digits", "evidence_sha256")
            details = check_item(
                requirement,
                ItemDetails(
                    done_on,
                    _date(values["expires_on"], "expires_on"),
                    values["reference"],
                    method,
                    values["verification_note"],
                ),
                today,
            )
            check_basis(details, sha is not None, "evidence_sha256", "verification_note")
            planned.append((person, requirement, details, sha))
        except InvalidInput as error:
            problems.append(ImportProblem(line, str(error)))
    if count == 0:
        problems.append(ImportProblem(1, "the file has no rows"))
    if problems:
        raise ImportRefused(problems)
    for person, requirement, details, sha in planned:
        record_item(session, actor, person, requirement, details, None, today, sha)
    record(session, actor, "requirement.import", None, None, {"rows": len(planned)})
    return len(planned)
