"""The audit packet: one ZIP with everything an auditor needs for a date, and a manifest of
every file's SHA-256, size and meaning. Written entry by entry to a file, so memory stays
flat however many people it covers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.auditlog.operations import chain_head
from lms.auditors.documents import certificate_register_csv, roster, roster_csv, roster_pdf
from lms.auditors.queries import module_history
from lms.certificates.queries import certificate_rows
from lms.curriculum.documents import (
    DeliveryPolicy,
    answer_key_pdf,
    curriculum_documentation_pdf,
)
from lms.curriculum.models import CurriculumEdition
from lms.eligibility.documents import eligibility_file_pdf
from lms.eligibility.models import EvidenceDocument
from lms.eligibility.queries import determination_in_force
from lms.staff.models import Person
from lms.staff.queries import employed_between, employment_periods
from lms.training.documents import CertificateLine, transcript_data, transcript_pdf
from lms.training.operations import TrainingSettings
from lms.training.queries import edition_modules


@dataclass(frozen=True)
class PacketOptions:
    as_of: dt.date
    organisation: str
    timezone: str
    settings: TrainingSettings
    person_ids: Sequence[int] | None = None  # None: everyone employed on the date


@dataclass
class _Manifest:
    files: list[dict[str, Any]] = field(default_factory=list)


class PacketWriter:
    """Adds files to the ZIP one at a time, hashing each as it goes."""

    def __init__(self, target: IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.manifest = _Manifest()

    def add(self, path: str, data: bytes, description: str) -> None:
        info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        self.manifest.files.append(
            {
                "path": path,
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "description": description,
            }
        )

    def close(self, header: dict[str, Any]) -> None:
        manifest = {**header, "files": self.manifest.files}
        data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        info = zipfile.ZipInfo("manifest.json", date_time=(1980, 1, 1, 0, 0, 0))
        self.zip.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        self.zip.close()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "person"


def people_on(session: Session, day: dt.date, person_ids: Sequence[int] | None) -> list[Person]:
    """The chosen people, or everyone employed on ``day`` (hired by then, not yet gone)."""
    statement = select(Person).order_by(Person.legal_name, Person.id)
    if person_ids is not None:
        statement = statement.where(Person.id.in_(person_ids))
    else:
        statement = statement.where(employed_between(day, day))
    return list(session.execute(statement).scalars())


def _editions_on(session: Session, day: dt.date, timezone: str) -> list[CurriculumEdition]:
    end = clock.end_of_day(day, timezone)
    return list(
        session.execute(
            select(CurriculumEdition)
            .where(CurriculumEdition.effective_on <= day, CurriculumEdition.published_at < end)
            .order_by(CurriculumEdition.effective_on, CurriculumEdition.version)
        ).scalars()
    )


def _curriculum_files(session: Session, writer: PacketWriter, options: PacketOptions) -> None:
    policy = DeliveryPolicy(
        options.settings.policy.initial_training_days,
        options.settings.policy.renewal_window_days,
        options.settings.max_attempts,
    )
    for edition in _editions_on(session, options.as_of, options.timezone):
        modules = edition_modules(session, edition.id)
        name = f"{edition.curriculum_key}-{edition.edition}-v{edition.version}"
        history = module_history(session, [m.module_key for m in modules])
        writer.add(
            f"curriculum/{name}-documentation.pdf",
            curriculum_documentation_pdf(edition, modules, history, policy, options.organisation),
            f"Curriculum documentation: {edition.title} {edition.edition} v{edition.version}",
        )
        writer.add(
            f"curriculum/{name}-answer-key.pdf",
            answer_key_pdf(edition, modules, options.organisation),
            "Knowledge-check answer key (restricted)",
        )


def certificate_lines(session: Session, person_id: int, day: dt.date) -> list[CertificateLine]:
    """The person's certificates issued by ``day`` as a transcript prints them."""
    return [
        CertificateLine(
            row.certificate.serial,
            row.certificate.issued_on,
            row.certificate.expires_on,
            row.status.label.lower()
            + (f" (revoked {row.certificate.revoked_on})" if row.certificate.revoked_on else ""),
        )
        for row in certificate_rows(session, person_id, day)
        if row.certificate.issued_on <= day
    ]


def _person_files(
    session: Session, writer: PacketWriter, person: Person, options: PacketOptions
) -> None:
    day, folder = options.as_of, f"people/{person.id}-{_slug(person.legal_name)}"
    certificates = certificate_lines(session, person.id, day)
    lines = transcript_data(session, person.id, as_of=day, timezone=options.timezone)
    writer.add(
        f"{folder}/transcript.pdf",
        transcript_pdf(
            person,
            lines,
            certificates,
            day,
            options.organisation,
            [period.employment for period in employment_periods(session, person.id)],
        ),
        f"Training transcript of {person.legal_name}",
    )
    determination = determination_in_force(session, person.id, day, options.timezone)
    writer.add(
        f"{folder}/eligibility-file.pdf",
        eligibility_file_pdf(person.legal_name, day, determination, options.organisation),
        f"Eligibility file of {person.legal_name}",
    )
    for document in _evidence_in(session, determination):
        writer.add(
            f"{folder}/evidence/{document.id}-{document.filename}",
            document.content,
            f"Evidence for {person.legal_name} ({document.subject.value})",
        )
        session.expunge(document)  # its content is written; do not keep megabytes per person


def _evidence_in(session: Session, determination) -> list[EvidenceDocument]:
    """The evidence documents the determination in force lists (one query, content loaded)."""
    if determination is None:
        return []
    record = determination.record
    ids = [item["id"] for item in record["identity"]["evidence"]]
    for fact in (*record["education"], *record["experience"]):
        ids += [item["id"] for item in fact["evidence"]]
    if not ids:
        return []
    from sqlalchemy.orm import undefer

    return list(
        session.execute(
            select(EvidenceDocument)
            .where(EvidenceDocument.id.in_(ids))
            .options(undefer(EvidenceDocument.content))
            .order_by(EvidenceDocument.id)
        ).scalars()
    )


def app_version() -> str:
    try:
        return metadata.version("tm-lms")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_packet(
    session: Session,
    target: IO[bytes],
    options: PacketOptions,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> dict[str, Any]:
    """Write the whole packet to ``target``; returns the manifest header."""
    writer = PacketWriter(target)
    people = people_on(session, options.as_of, options.person_ids)
    total = len(people) + 2
    _curriculum_files(session, writer, options)
    progress(1, total)
    rows = roster(session, options.as_of, options.settings.policy, options.timezone)
    writer.add(
        f"roster/roster-{options.as_of}.pdf",
        roster_pdf(rows, options.as_of, options.organisation),
        "Roster compliance report (PDF)",
    )
    writer.add(
        f"roster/roster-{options.as_of}.csv", roster_csv(rows), "Roster compliance report (CSV)"
    )
    writer.add(
        f"certificates/register-{options.as_of}.csv",
        certificate_register_csv(session, options.as_of),
        "Certificate register with each certificate's status on the date",
    )
    progress(2, total)
    for number, person in enumerate(people, start=3):
        _person_files(session, writer, person, options)
        progress(number, total)
    sequence, head = chain_head(session)
    header = {
        "generated_at": clock.now().isoformat(),
        "as_of": options.as_of.isoformat(),
        "organisation": options.organisation,
        "app_version": app_version(),
        "audit_log_head": {"sequence": sequence, "sha256": head},
        "people": [{"id": p.id, "name": p.legal_name} for p in people],
    }
    writer.close(header)
    return header
