"""The audit packet: one ZIP with everything an auditor needs for a date, and a manifest of
every file's SHA-256, size and meaning. Written entry by entry to a file, so memory stays
flat however many people it covers: the process grows about as much for 1,000 mentors as for
200 (``bench.packet``).

People are read in batches of :data:`BATCH_SIZE`: each batch's records (certificates, training,
employment, determinations, evidence) take :data:`STATEMENTS_PER_BATCH` statements whatever the
batch's size, and only one batch's records are held at a time; evidence files are streamed one
by one.

The whole-provider sections — the supervision log and on-call coverage for the 13 weeks to the
date, the requirements register on the date — are read in :data:`PERIOD_STATEMENTS` statements,
plus :data:`SUPERVISION_STATEMENTS_PER_PART` per part (:data:`PART_SIZE` mentors) of the
supervision log, whatever their size. reportlab keeps a whole document until it is saved, so a
PDF of everyone grows with everyone: the supervision log (read a part's mentors at a time) and
the requirements register are drawn as one PDF per :data:`PART_SIZE` people, in name order,
named ``…-part-02-of-05.pdf`` (a single PDF, named as before, when one part holds everyone),
each saying which part it is and whom it covers, and so does its manifest entry. Their CSVs
stay one file each; every CSV of the packet is written into the ZIP row by row (the log's
spooled to a temporary file while its PDFs go in). Their long tables are drawn with
``lms.pdf.LightTable``, not platypus's Table."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from lms import clock
from lms.auditlog.operations import chain_head
from lms.auditors.documents import (
    ONCALL_COLUMNS,
    REGISTER_COLUMNS,
    REQUIREMENTS_REGISTER_COLUMNS,
    ROSTER_COLUMNS,
    SUPERVISION_LOG_COLUMNS,
    Part,
    certificate_register_rows,
    oncall_pdf,
    oncall_report,
    oncall_rows,
    requirements_register,
    requirements_register_pdf,
    requirements_register_rows,
    roster,
    roster_csv_rows,
    roster_pdf,
    supervision_log,
    supervision_log_mentors,
    supervision_log_pdf,
    supervision_log_rows,
)
from lms.auditors.queries import module_history
from lms.certificates.queries import CertificateRow, certificate_rows, certificate_rows_of
from lms.csvfile import Cell, SafeWriter
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
#: People in each part of the supervision log's and requirements register's PDFs (the log is
#: read a part's mentors at a time): reportlab holds a document whole until it is saved, so a
#: part's pages are what memory holds, however many people the packet covers.
PART_SIZE = 200
#: Evidence documents fetched from the database at a time while they are written.
EVIDENCE_FETCH = 8
#: Statements that read the whole-provider sections apart from the supervision log's parts,
#: whatever the number of people, mentors, sessions and blocks: the supervision log's mentors in
#: order, on-call coverage (settings versions, blocks, who qualifies, licences, positions held)
#: and the requirements register (catalogue, people, employment, positions held for the rule and
#: for print, policy versions, records, signatures, certificates, who verified, clinicians'
#: licences, read whether or not the catalogue has a course or a licence requirement). Pinned in
#: tests/integration/test_audit_period_documents.py.
PERIOD_STATEMENTS = 19
#: Statements that read one part of the supervision log's mentors (one part when there are
#: none): their details, employment, positions held, leave, sessions, the supervisors' licences
#: for the rule and for print, training areas. Read per part so that only one part's weeks
#: and sessions are held while its PDF is drawn.
SUPERVISION_STATEMENTS_PER_PART = 8
#: Bytes copied at a time from a temporary file into the ZIP.
_COPY_CHUNK = 1024 * 1024
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


#: Bytes of CSV text gathered before they go to the ZIP (and the hash) in one write.
_CSV_CHUNK = 64 * 1024


class _Entry:
    """A file being written into the ZIP: every write is hashed and counted on its way."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.stream.write(data)


class _TextSink:
    """What ``csv.writer`` writes to: text gathered into chunks, encoded as UTF-8 and passed on
    (one write per row would cost a hash and a deflate call per row)."""

    def __init__(self, target: Any) -> None:
        self.target = target
        self.parts: list[str] = []
        self.length = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        if self.length >= _CSV_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.target.write("".join(self.parts).encode("utf-8"))
            self.parts, self.length = [], 0


def write_csv(target: Any, header: Sequence[str], rows: Iterable[Iterable[Cell]]) -> None:
    """``header`` and ``rows`` written to ``target`` (anything with ``write(bytes)``) as the
    packet's CSVs are: UTF-8, ``\n`` line ends, every text cell made inert."""
    sink = _TextSink(target)
    writer = SafeWriter(sink, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    sink.flush()


class PacketWriter:
    """Adds files to the ZIP one at a time, hashing each as it goes. A file is either given
    whole (:meth:`add`) or written into the ZIP piece by piece (:meth:`open`, :meth:`add_csv`),
    so that a long CSV is never held whole."""

    def __init__(self, target: IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.manifest = _Manifest()

    def add(self, path: str, data: bytes, description: str) -> None:
        info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
        # A PDF's streams are compressed already: deflating it again costs time, saves nothing.
        info.compress_type = zipfile.ZIP_STORED if _is_pdf(data) else zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        self._listed(path, hashlib.sha256(data).hexdigest(), len(data), description)

    @contextlib.contextmanager
    def open(self, path: str, description: str) -> Iterator[_Entry]:
        """A file written (deflated) into the ZIP as it is made; listed once it is complete."""
        info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        # The size is unknown until the end: ZIP64 sizes, in case it passes 2 GiB.
        with self.zip.open(info, "w", force_zip64=True) as stream:
            entry = _Entry(stream)
            yield entry
        self._listed(path, entry.digest.hexdigest(), entry.size, description)

    def add_csv(
        self, path: str, header: Sequence[str], rows: Iterable[Iterable[Cell]], description: str
    ) -> None:
        with self.open(path, description) as entry:
            write_csv(entry, header, rows)

    def add_file(self, path: str, source: IO[bytes], description: str) -> None:
        """The content of ``source`` (from where it stands), copied in chunks."""
        with self.open(path, description) as entry:
            while chunk := source.read(_COPY_CHUNK):
                entry.write(chunk)

    def _listed(self, path: str, sha256: str, size: int, description: str) -> None:
        self.manifest.files.append(
            {"path": path, "sha256": sha256, "bytes": size, "description": description}
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


def _parts(items: Sequence[Any]) -> list[Sequence[Any]]:
    """``items`` in parts of PART_SIZE; none at all is one empty part (its document says there
    is nobody)."""
    return [items[start : start + PART_SIZE] for start in range(0, len(items), PART_SIZE)] or [[]]


def _part_name(name: str, part: Part) -> str:
    """A part's file name: ``name`` alone when the document is one part, else ``name``
    followed by ``-part-02-of-12`` (numbers padded so that the names sort in order)."""
    if part.total == 1:
        return name
    return f"{name}-part-{part.number:0{len(str(part.total))}d}-of-{part.total}"


def _part_of(part: Part, names: Sequence[str]) -> str:
    """What a part's manifest description adds: which part, from whom to whom."""
    if part.total == 1:
        return ""
    people = ""
    if names:
        people = f" ({names[0]})" if names[0] == names[-1] else f" ({names[0]} to {names[-1]})"
    return f", part {part.number} of {part.total}{people}"


def _supervision_files(session: Session, writer: PacketWriter, options: PacketOptions) -> None:
    """The supervision log for the period: one PDF per PART_SIZE mentors (by name), read and
    drawn a part at a time, and one CSV of every mentor, spooled to a temporary file while the
    PDFs go into the ZIP."""
    first, last = options.period
    day = options.as_of
    mentors = supervision_log_mentors(session, first, last, options.supervision, options.person_ids)
    parts = _parts(mentors)
    name = f"supervision/supervision-log-{first}-to-{last}"
    with tempfile.TemporaryFile() as spool:
        sink = _TextSink(spool)
        rows = SafeWriter(sink, lineterminator="\n")
        rows.writerow(SUPERVISION_LOG_COLUMNS)
        for number, chosen in enumerate(parts, start=1):
            log = supervision_log(session, first, last, day, options.supervision, chosen)
            part = Part(number, len(parts))
            names = [week.mentor_name for week in log.weeks[:1] + log.weeks[-1:]]
            writer.add(
                f"{_part_name(name, part)}.pdf",
                supervision_log_pdf(log, options.organisation, part),
                f"Supervision log {first} to {last}{_part_of(part, names)}: every mentor's every "
                "week, each session with its supervisor and the licence valid that day (PDF)",
            )
            rows.writerows(supervision_log_rows(log))
            del log
        sink.flush()
        spool.seek(0)
        writer.add_file(f"{name}.csv", spool, f"Supervision log {first} to {last} (CSV)")


def _register_files(session: Session, writer: PacketWriter, options: PacketOptions) -> None:
    """The requirements register on the date, read whole in a constant number of statements
    (its lines for 1,000 people are a few MiB; it was the PDF's pages that grew with everyone),
    drawn as one PDF per PART_SIZE people (by name) and written as one CSV."""
    day = options.as_of
    register = requirements_register(session, day, options.timezone, options.person_ids)
    people = [
        list(lines) for _, lines in itertools.groupby(register.lines, lambda line: line.person_id)
    ]
    parts = _parts(people)
    name = f"requirements/requirements-register-{day}"
    for number, chosen in enumerate(parts, start=1):
        part = Part(number, len(parts))
        lines = [line for person in chosen for line in person]
        names = [line.name for line in lines[:1] + lines[-1:]]
        writer.add(
            f"{_part_name(name, part)}.pdf",
            requirements_register_pdf(
                dataclasses.replace(register, lines=lines), options.organisation, part
            ),
            f"Requirements register{_part_of(part, names)}: every person and applicable "
            "requirement with its status on the date, evidence SHA-256 and verification (PDF)",
        )
    del people, parts
    writer.add_csv(
        f"{name}.csv",
        REQUIREMENTS_REGISTER_COLUMNS,
        requirements_register_rows(register),
        "Requirements register on the date (CSV)",
    )


def _period_files(session: Session, writer: PacketWriter, options: PacketOptions) -> dict:
    """The supervision log and on-call coverage for the period, and the requirements register
    on the date: each a CSV and a PDF (in parts, for the log and the register, when they cover
    more than PART_SIZE people)."""
    first, last = options.period
    _supervision_files(session, writer, options)
    config = {"SERVICE_HOURS": options.service_hours}
    oncall = oncall_report(session, config, first, last, options.as_of, options.timezone)
    name = f"oncall/oncall-coverage-{first}-to-{last}"
    writer.add(
        f"{name}.pdf",
        oncall_pdf(oncall, options.organisation),
        f"On-call coverage {first} to {last}: blocks and gaps in service hours (PDF)",
    )
    writer.add_csv(
        f"{name}.csv",
        ONCALL_COLUMNS,
        oncall_rows(oncall),
        f"On-call coverage {first} to {last} (CSV)",
    )
    del oncall
    _register_files(session, writer, options)
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
    writer.add_csv(
        f"roster/roster-{options.as_of}.csv",
        ROSTER_COLUMNS,
        roster_csv_rows(rows),
        "Roster compliance report (CSV)",
    )
    del rows
    writer.add_csv(
        f"certificates/register-{options.as_of}.csv",
        REGISTER_COLUMNS,
        certificate_register_rows(session, options.as_of),
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
