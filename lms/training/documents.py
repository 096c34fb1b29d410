"""A person's training transcript as a PDF: every cycle, module and version, every attempt's
score, time spent, attestations and certificates. For mentors, supervisors, HR and auditors."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.curriculum.documents import grid_style
from lms.curriculum.models import CurriculumEdition, EditionModule, ModuleVersion
from lms.pdf import estimated_length, format_duration, numbered_canvas, study_time, styles
from lms.staff.models import Person
from lms.staff.rules import Employment
from lms.training.models import Attestation, KnowledgeCheckAttempt, ModuleProgress, TrainingCycle
from lms.training.rules import sections_read


@dataclass(frozen=True)
class CertificateLine:
    """A certificate as the transcript prints it (kept apart from the certificates package)."""

    serial: str
    issued_on: dt.date
    expires_on: dt.date
    status: str  # e.g. "valid", "expired on 2027-01-28", "revoked on 2026-12-01"


@dataclass
class ModuleLine:
    module: ModuleVersion
    progress: ModuleProgress | None
    attempts: list[KnowledgeCheckAttempt] = field(default_factory=list)
    attestation: Attestation | None = None


@dataclass
class CycleLine:
    cycle: TrainingCycle
    edition: CurriculumEdition | None
    modules: list[ModuleLine] = field(default_factory=list)
    #: As the records stood on the transcript's date: a cycle completed later is still open.
    completed_on: dt.date | None = None
    expires_on: dt.date | None = None
    as_of: dt.date | None = None


def transcript_data(
    session: Session, person_id: int, as_of: dt.date | None = None, timezone: str = "UTC"
) -> list[CycleLine]:
    """Every cycle of the person, in six queries; with ``as_of``, only what had happened by the
    end of that day (in ``timezone``): later cycles, attempts and attestations are left out."""
    return transcripts_data(session, [person_id], as_of, timezone).get(person_id, [])


def transcripts_data(
    session: Session,
    person_ids: Sequence[int],
    as_of: dt.date | None = None,
    timezone: str = "UTC",
) -> dict[int, list[CycleLine]]:
    """:func:`transcript_data` for several people at once, in the same six queries whatever
    their number; people without a cycle are left out."""
    statement = select(TrainingCycle).where(TrainingCycle.person_id.in_(person_ids))
    if as_of is not None:
        statement = statement.where(TrainingCycle.assigned_on <= as_of)
    cycles = (
        session.execute(statement.order_by(TrainingCycle.assigned_on, TrainingCycle.id))
        .scalars()
        .all()
    )
    edition_ids = {c.edition_id for c in cycles if c.edition_id}
    editions = {
        e.id: e
        for e in session.execute(
            select(CurriculumEdition).where(CurriculumEdition.id.in_(edition_ids))
        ).scalars()
    }
    modules_by_edition: dict[int, list[ModuleVersion]] = defaultdict(list)
    for edition_id, module in session.execute(
        select(EditionModule.edition_id, ModuleVersion)
        .join(ModuleVersion, ModuleVersion.id == EditionModule.module_version_id)
        .where(EditionModule.edition_id.in_(edition_ids))
        .order_by(EditionModule.edition_id, EditionModule.position)
    ):
        modules_by_edition[edition_id].append(module)
    progress = (
        session.execute(
            select(ModuleProgress).where(ModuleProgress.cycle_id.in_([c.id for c in cycles]))
        )
        .scalars()
        .all()
    )
    progress_ids = [p.id for p in progress]
    attempts: dict[int, list[KnowledgeCheckAttempt]] = defaultdict(list)
    for attempt in session.execute(
        select(KnowledgeCheckAttempt)
        .where(KnowledgeCheckAttempt.progress_id.in_(progress_ids))
        .order_by(KnowledgeCheckAttempt.number)
    ).scalars():
        attempts[attempt.progress_id].append(attempt)
    attestations = {
        a.progress_id: a
        for a in session.execute(
            select(Attestation).where(Attestation.progress_id.in_(progress_ids))
        ).scalars()
    }
    by_cycle_module = {(p.cycle_id, p.module_version_id): p for p in progress}
    cutoff = _end_of(as_of, timezone)
    lines: dict[int, list[CycleLine]] = defaultdict(list)
    for cycle in cycles:
        done = cycle.completed_on is not None and (as_of is None or cycle.completed_on <= as_of)
        line = CycleLine(
            cycle,
            editions.get(cycle.edition_id),
            completed_on=cycle.completed_on if done else None,
            expires_on=cycle.expires_on if done else None,
            as_of=as_of,
        )
        for module in modules_by_edition.get(cycle.edition_id, []):
            entry = by_cycle_module.get((cycle.id, module.id))
            line.modules.append(_module_line(module, entry, attempts, attestations, cutoff))
        lines[cycle.person_id].append(line)
    return dict(lines)


def _module_line(module, entry, attempts, attestations, cutoff) -> ModuleLine:
    """One module's line, leaving out whatever happened after ``cutoff``."""
    if entry is None or (cutoff is not None and entry.started_at >= cutoff):
        return ModuleLine(module, None)
    attestation = attestations.get(entry.id)
    if attestation is not None and cutoff is not None and attestation.attested_at >= cutoff:
        attestation = None
    kept = [a for a in attempts.get(entry.id, []) if cutoff is None or a.started_at < cutoff]
    return ModuleLine(module, entry, kept, attestation)


def _end_of(day: dt.date | None, timezone: str) -> dt.datetime | None:
    if day is None:
        return None
    return clock.end_of_day(day, timezone)


def _cycle_heading(line: CycleLine) -> str:
    cycle = line.cycle
    kind = "Initial training" if cycle.kind.value == "initial" else "Annual renewal"
    if line.completed_on:
        state = f"completed {line.completed_on}, valid until {line.expires_on}"
    elif cycle.withdrawn_on and (line.as_of is None or cycle.withdrawn_on <= line.as_of):
        state = f"closed unfinished on {cycle.withdrawn_on} (earlier employment ended)"
    else:
        state = f"open, due {cycle.due_on.isoformat()}"
    return f"{kind}: assigned {cycle.assigned_on.isoformat()}, {state}"


def _module_rows(line: CycleLine, sheet, min_section_seconds: int) -> list[list[Paragraph]]:
    rows = [
        [
            Paragraph(f"<b>{h}</b>", sheet["Cell"])
            for h in (
                "Module (version)",
                "Estimated length / study time recorded",
                "Knowledge-check attempts",
                "Attestation",
            )
        ]
    ]
    for item in line.modules:
        attempts = (
            "<br/>".join(
                f"#{a.number} {a.started_at:%Y-%m-%d}: "
                + (
                    f"{a.score_percent}% {'passed' if a.passed else 'not passed'}"
                    if a.submitted_at
                    else "not submitted"
                )
                for a in item.attempts
            )
            or "—"
        )
        attestation = (
            f"{escape(item.attestation.typed_name)}, {item.attestation.attested_at:%Y-%m-%d %H:%M} "
            f"UTC"
            if item.attestation
            else "—"
        )
        recorded = (
            format_duration(item.progress.seconds_spent)
            + " recorded<br/>"
            + _sections_read(item, min_section_seconds)
            if item.progress
            else "not opened"
        )
        rows.append(
            [
                Paragraph(
                    f"{escape(item.module.title)} (v{item.module.version}, "
                    f"{item.module.sha256[:10]})",
                    sheet["Cell"],
                ),
                Paragraph(
                    f"est. {item.module.estimated_minutes} min<br/>{recorded}", sheet["Cell"]
                ),
                Paragraph(attempts, sheet["Cell"]),
                Paragraph(attestation, sheet["Cell"]),
            ]
        )
    return rows


def _sections_read(item: ModuleLine, min_section_seconds: int) -> str:
    total = len(item.module.sections)
    counted = sections_read(
        item.progress.section_seconds, item.progress.furthest_section, total, min_section_seconds
    )
    text = f"sections read: {counted.read} of {total}"
    if counted.under_minimum:
        text += (
            f" ({counted.under_minimum} opened for less than the {min_section_seconds} s "
            "minimum, not counted)"
        )
    return text


def _time_summary(line: CycleLine) -> str:
    """The course's estimate and the time recorded, each named for what it is."""
    estimated = sum(item.module.estimated_minutes for item in line.modules)
    spent = sum(item.progress.seconds_spent for item in line.modules if item.progress)
    return f"{estimated_length(estimated)} · {study_time(spent)}"


def employment_summary(periods: Sequence[Employment], as_of: dt.date) -> str:
    """The periods of employment begun by ``as_of``, as they stood that day: "employed
    2024-01-15 to 2025-03-31 and from 2026-06-01"; a later rehire is not yet known then."""
    spans = []
    for period in sorted(periods, key=lambda p: p.hired_on):
        if period.hired_on > as_of:
            continue
        ended = period.separated_on
        if ended is not None and ended <= as_of:
            spans.append(f"{period.hired_on.isoformat()} to {ended.isoformat()}")
        else:
            spans.append(f"from {period.hired_on.isoformat()}")
    return "employed " + " and ".join(spans) if spans else "not employed by then"


def transcript_pdf(
    person: Person,
    lines: Sequence[CycleLine],
    certificates: Sequence[CertificateLine],
    as_of: dt.date,
    organisation: str,
    employments: Sequence[Employment] = (),
    min_section_seconds: int = 0,
) -> bytes:
    """The transcript PDF. With ``min_section_seconds``, sections opened for less than that
    are reported as not counted as read (LMS_MIN_SECTION_SECONDS)."""
    sheet = styles()
    story = [
        Paragraph(f"Training transcript: {escape(person.legal_name)}", sheet["Title"]),
        Paragraph(
            f"{escape(organisation)} · {employment_summary(employments, as_of)} · "
            f"as of {as_of.isoformat()}",
            sheet["Body"],
        ),
    ]
    if not lines:
        story.append(Paragraph("No training recorded.", sheet["Body"]))
    for line in lines:
        title = (
            f"{line.edition.title} {line.edition.edition} v{line.edition.version} "
            f"(SHA-256 {line.edition.sha256[:16]}…)"
            if line.edition
            else f"Imported record: {line.cycle.import_note or 'completed before this system'}"
        )
        block = [
            Paragraph(escape(_cycle_heading(line)), sheet["H2"]),
            Paragraph(escape(title), sheet["Small"]),
        ]
        if line.modules:
            block.append(Paragraph(escape(_time_summary(line)), sheet["Small"]))
            table = Table(
                _module_rows(line, sheet, min_section_seconds),
                colWidths=[2.6 * inch, 0.8 * inch, 2.0 * inch, 1.6 * inch],
                repeatRows=1,
                hAlign="LEFT",
            )
            table.setStyle(grid_style())
            block.append(table)
        story += [KeepTogether(block[:2]), *block[2:], Spacer(1, 8)]
    story.append(Paragraph("Certificates", sheet["H2"]))
    if not certificates:
        story.append(Paragraph("None issued.", sheet["Body"]))
    for certificate in certificates:
        story.append(
            Paragraph(
                f"{escape(certificate.serial)}: issued {certificate.issued_on.isoformat()}, "
                f"expires {certificate.expires_on.isoformat()}: "
                f"<b>{escape(certificate.status)}</b>",
                sheet["Body"],
            )
        )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=LETTER, invariant=True, title=f"Training transcript: {person.legal_name}"
    )
    document.build(
        story, canvasmaker=numbered_canvas(f"Training transcript — {person.legal_name} — {as_of}")
    )
    return buffer.getvalue()
