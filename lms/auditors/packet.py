"""The audit packet: one ZIP with everything an auditor needs for a date, and a manifest of
every file's SHA-256, size and meaning. Written entry by entry to a file, so memory stays
flat however many people it covers.

People are read in batches of :data:`BATCH_SIZE`: each batch's records (certificates, training,
employment, determinations, evidence) take :data:`STATEMENTS_PER_BATCH` statements whatever the
batch's size, and only one batch's records are held at a time; evidence files are streamed one
by one.

The whole-provider sections — the supervision log and on-call coverage for the 13 weeks to the
date, the requirements register on the date — are read in :data:`PERIOD_STATEMENTS` statements
whatever their size, and each is held whole while its PDF is drawn (the supervision log of
1,000 mentors with weekly supervision adds about 40 MiB while it is drawn: reportlab keeps a
document's pages until it is saved; ``lms.pdf.NumberedCanvas`` keeps them deflated). Their long
tables are drawn with ``lms.pdf.LightTable``, not platypus's Table."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from lms import clock
from lms.auditlog.operations import chain_head
from lms.auditors.documents import (
    certificate_register_csv,
    oncall_csv,
    oncall_pdf,
    oncall_report,
    requirements_register,
    requirements_register_csv,
    requirements_register_pdf,
    roster,
    roster_csv,
    roster_pdf,
    supervision_log,
    supervision_log_csv,
    supervision_log_pdf,
)
from lms.auditors.queries import module_history
from lms.certificates.queries import CertificateRow, certificate_rows, certificate_rows_of
from lms.curriculum.documents import (
    DeliveryPolicy,
    answer_key_pdf,
    curriculum_documentation_pdf,
)
from lms.curriculum.models import CurriculumEdition
from lms.eligibility.documents import eligibility_file_pdf
from lms.eligibility.models import EvidenceDocument
from lms.eligibility.queries import determinations_in_force
from lms.eligibility.rules import is_evaluated
from lms.service_hours.rules import DEFAULT_SERVICE_HOURS
from lms.staff.models import Person
from lms.staff.queries import (
    employed_between,
    employment_periods_of,
    held_on,
    position_history_of,
)
from lms.supervision.rules import SupervisionSettings
from lms.training.documents import CertificateLine, transcript_pdf, transcripts_data
from lms.training.operations import TrainingSettings
from lms.training.queries import edition_modules

#: People whose records are read together; memory holds one batch's records at a time.
BATCH_SIZE = 200
#: Statements that read one batch's records: certificates 1, training 6 (cycles, editions,
#: modules, progress, attempts, attestations), employment 1, determinations 1, positions held
#: 1, evidence 1.
STATEMENTS_PER_BATCH = 11
#: Evidence documents fetched from the database at a time while they are written.
EVIDENCE_FETCH = 8
#: Statements that read the whole-provider sections, whatever the number of people, mentors,
#: sessions and blocks: the supervision log (mentors, employment, positions held, leave,
#: sessions, the supervisors' licences for the rule and for print, training areas), on-call
#: coverage (settings versions, blocks, who qualifies, licences, positions held) and the
#: requirements register (catalogue, people, employment, positions held for the rule and for
#: print, policy versions, records, signatures, certificates, who verified, clinicians'
#: licences). Pinned in tests/integration/test_audit_period_documents.py.
PERIOD_STATEMENTS = 24
#: The period the supervision log and on-call coverage cover: the 13 weeks up to the as-of date.
PERIOD_WEEKS = 13


@dataclass(frozen=True)
class PacketOptions:
    as_of: dt.date
    organisation: str
    timezone: str
    settings: TrainingSettings
    person_ids: Sequence[int] | None = None  # None: everyone employed on the date
    supervision: SupervisionSettings = field(default_factory=SupervisionSettings)
    #: ``LMS_SERVICE_HOURS``: the service hours when no organisation setting says otherwise.
    service_hours: str = DEFAULT_SERVICE_HOURS

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        """The period of the supervision log and on-call coverage: the 13 weeks to the date."""
        return self.as_of - dt.timedelta(weeks=PERIOD_WEEKS) + dt.timedelta(days=1), self.as_of


@dataclass
class _Manifest:
    files: list[dict[str, Any]] = field(default_factory=list)


def _is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-")


class PacketWriter:
    """Adds files to the ZIP one at a time, hashing each as it goes."""

    def __init__(self, target: IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.manifest = _Manifest()

    def add(self, path: str, data: bytes, description: str) -> None:
        info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
        # A PDF's streams are compressed already: deflating it again costs time, saves nothing.
        info.compress_type = zipfile.ZIP_STORED if _is_pdf(data) else zipfile.ZIP_DEFLATED
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


def _no_edition_note(session: Session, options: PacketOptions) -> str:
    """Why the packet holds no curriculum documentation: said in the manifest, not left out."""
    day = options.as_of
    first = (
        session.execute(
            select(CurriculumEdition).order_by(CurriculumEdition.published_at, CurriculumEdition.id)
        )
        .scalars()
        .first()
    )
    if first is None:
        return f"No curriculum edition was published by {day.isoformat()}."
    name = f"{first.curriculum_key} {first.edition} v{first.version}"
    published = clock.local_date(first.published_at, options.timezone)
    if first.published_at >= clock.end_of_day(day, options.timezone):
        return (
            f"No curriculum edition was published by {day.isoformat()}: the first, {name}, was "
            f"published on {published.isoformat()} (in effect from "
            f"{first.effective_on.isoformat()})."
        )
    return (
        f"No curriculum edition was in force on {day.isoformat()}: the first, {name}, takes "
        f"effect on {first.effective_on.isoformat()}."
    )


def _curriculum_files(
    session: Session, writer: PacketWriter, options: PacketOptions
) -> dict[str, Any]:
    """The documentation of every edition in force by the date (and its answer key); the
    manifest's ``curriculum`` entry says which, or why there is none."""
    policy = DeliveryPolicy(
        options.settings.policy.initial_training_days,
        options.settings.policy.renewal_window_days,
        options.settings.max_attempts,
    )
    editions = _editions_on(session, options.as_of, options.timezone)
    if not editions:
        return {"editions": [], "note": _no_edition_note(session, options)}
    for edition in editions:
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
    in_force = editions[-1]
    return {
        "editions": [
            {
                "curriculum": edition.curriculum_key,
                "edition": edition.edition,
                "version": edition.version,
                "effective_on": edition.effective_on.isoformat(),
                "sha256": edition.sha256,
            }
            for edition in editions
        ],
        "in_force": f"{in_force.curriculum_key} {in_force.edition} v{in_force.version}",
    }


def certificate_lines(session: Session, person_id: int, day: dt.date) -> list[CertificateLine]:
    """The person's certificates issued by ``day`` as a transcript prints them."""
    return _certificate_lines(certificate_rows(session, person_id, day), day)


def _certificate_lines(rows: list[CertificateRow], day: dt.date) -> list[CertificateLine]:
    return [
        CertificateLine(
            row.certificate.serial,
            row.certificate.issued_on,
            row.certificate.expires_on,
            row.status.label.lower()
            + (f" (revoked {row.certificate.revoked_on})" if row.certificate.revoked_on else ""),
        )
        for row in rows
        if row.certificate.issued_on <= day
    ]


def _evidence_ids(determination) -> list[int]:
    """The evidence documents the determination lists."""
    if determination is None:
        return []
    record = determination.record
    ids = [item["id"] for item in record["identity"]["evidence"]]
    for fact in (*record["education"], *record["experience"]):
        ids += [item["id"] for item in fact["evidence"]]
    return ids


def _evidence_of(
    session: Session, people: Sequence[Person], determinations: dict[int, Any]
) -> Iterator[EvidenceDocument]:
    """The evidence the batch's determinations list, content loaded, in the batch's order (by
    person as ``people`` are, then by document): one statement, fetched a few rows at a time."""
    ids = [i for person in people for i in _evidence_ids(determinations.get(person.id))]
    result = session.execute(
        select(EvidenceDocument)
        .join(Person, Person.id == EvidenceDocument.person_id)
        .where(EvidenceDocument.id.in_(ids))
        .options(undefer(EvidenceDocument.content))
        .order_by(Person.legal_name, Person.id, EvidenceDocument.id)
        .execution_options(yield_per=EVIDENCE_FETCH)
    )
    try:
        yield from result.scalars()
    finally:
        result.close()


def _batch_files(
    session: Session,
    writer: PacketWriter,
    people: Sequence[Person],
    options: PacketOptions,
    progress: Callable[[Person], None],
) -> None:
    """Every file of ``people`` (one batch), their records read in STATEMENTS_PER_BATCH."""
    day, timezone = options.as_of, options.timezone
    ids = [person.id for person in people]
    certificates = certificate_rows_of(session, ids, day)
    transcripts = transcripts_data(session, ids, as_of=day, timezone=timezone)
    periods = employment_periods_of(session, ids)
    determinations = determinations_in_force(session, ids, day, timezone)
    positions = position_history_of(session, ids)
    evidence = _evidence_of(session, people, determinations)
    pending = next(evidence, None)
    for person in people:
        folder = f"people/{person.id}-{_slug(person.legal_name)}"
        writer.add(
            f"{folder}/transcript.pdf",
            transcript_pdf(
                person,
                transcripts.get(person.id, []),
                _certificate_lines(certificates[person.id], day),
                day,
                options.organisation,
                [period.employment for period in periods[person.id]],
            ),
            f"Training transcript of {person.legal_name}",
        )
        writer.add(
            f"{folder}/eligibility-file.pdf",
            eligibility_file_pdf(
                person.legal_name,
                day,
                determinations.get(person.id),
                options.organisation,
                # judged by the position held on the date, not today's
                evaluated=is_evaluated(
                    held_on(positions.get(person.id, ()), day, person.position).value
                ),
            ),
            f"Eligibility file of {person.legal_name}",
        )
        while pending is not None and pending.person_id == person.id:
            writer.add(
                f"{folder}/evidence/{pending.id}-{pending.filename}",
                pending.content,
                f"Evidence for {person.legal_name} ({pending.subject.value})",
            )
            session.expunge(pending)  # its content is written; do not keep megabytes
            pending = next(evidence, None)
        progress(person)
    for document in evidence:  # none are left; closes the result
        session.expunge(document)


def _period_files(session: Session, writer: PacketWriter, options: PacketOptions) -> dict:
    """The supervision log and on-call coverage for the period, and the requirements register
    on the date: each a PDF and a CSV, read in a constant number of statements."""
    first, last = options.period
    day = options.as_of
    log = supervision_log(session, first, last, day, options.supervision, options.person_ids)
    name = f"supervision/supervision-log-{first}-to-{last}"
    writer.add(
        f"{name}.pdf",
        supervision_log_pdf(log, options.organisation),
        f"Supervision log {first} to {last}: every mentor's every week, each session with its "
        "supervisor and the licence valid that day (PDF)",
    )
    writer.add(f"{name}.csv", supervision_log_csv(log), f"Supervision log {first} to {last} (CSV)")
    del log
    config = {"SERVICE_HOURS": options.service_hours}
    oncall = oncall_report(session, config, first, last, day, options.timezone)
    name = f"oncall/oncall-coverage-{first}-to-{last}"
    writer.add(
        f"{name}.pdf",
        oncall_pdf(oncall, options.organisation),
        f"On-call coverage {first} to {last}: blocks and gaps in service hours (PDF)",
    )
    writer.add(f"{name}.csv", oncall_csv(oncall), f"On-call coverage {first} to {last} (CSV)")
    register = requirements_register(session, day, options.timezone, options.person_ids)
    name = f"requirements/requirements-register-{day}"
    writer.add(
        f"{name}.pdf",
        requirements_register_pdf(register, options.organisation),
        "Requirements register: every person and applicable requirement with its status on "
        "the date, evidence SHA-256 and verification (PDF)",
    )
    writer.add(
        f"{name}.csv",
        requirements_register_csv(register),
        "Requirements register on the date (CSV)",
    )
    return {"from": first.isoformat(), "to": last.isoformat(), "weeks": PERIOD_WEEKS}


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
    curriculum = _curriculum_files(session, writer, options)
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
    period = _period_files(session, writer, options)
    progress(2, total)
    done = 2

    def one_more(_person: Person) -> None:
        nonlocal done
        done += 1
        progress(done, total)

    for start in range(0, len(people), BATCH_SIZE):
        _batch_files(session, writer, people[start : start + BATCH_SIZE], options, one_more)
    sequence, head = chain_head(session)
    header = {
        "generated_at": clock.now().isoformat(),
        "as_of": options.as_of.isoformat(),
        "organisation": options.organisation,
        "app_version": app_version(),
        "audit_log_head": {"sequence": sequence, "sha256": head},
        "curriculum": curriculum,
        "period": period,
        "people": [{"id": p.id, "name": p.legal_name} for p in people],
    }
    writer.close(header)
    return header
