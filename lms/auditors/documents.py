"""Auditors' reports as of a date: the roster compliance report (PDF and CSV) and the
certificate register (CSV). Everything is computed from records as they stood on the date:
determinations in force then, completions by then, certificates' status on that day."""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.auditors.queries import (
    LicenceLine,
    Verification,
    licence_on,
    licences_of,
    requirement_verifications,
)
from lms.certificates.models import Certificate
from lms.certificates.rules import CertificateState, certificate_status
from lms.compliance.queries import compliance_dashboard
from lms.csvfile import csv_text
from lms.curriculum.models import CurriculumEdition
from lms.eligibility.documents import STATUS_WORDS, result_on
from lms.eligibility.queries import determinations_in_force
from lms.eligibility.rules import PATHWAY_LABELS, is_evaluated
from lms.oncall.queries import coverage
from lms.oncall.rules import iso_local, local_dates
from lms.pdf import LightTable, numbered_canvas, styles
from lms.requirements.queries import compliance_matrix
from lms.requirements.rules import Requirement, RequirementStatus
from lms.staff.models import Position
from lms.staff.queries import held_on, position_history, position_history_of
from lms.supervision.queries import SessionInfo, mentor_weeks, mentors_in_order
from lms.supervision.rules import SessionOutcome, SupervisionSettings, WeekResult
from lms.training.rules import CyclePolicy

ROSTER_COLUMNS = (
    "person_id",
    "name",
    "hire_on",
    "eligibility_status",
    "pathway",
    "training_status",
    "training_due_or_expires_on",
    "certificate_serial",
    "certificate_status",
    "certificate_expires_on",
    "certificate_revoked_on",
)


@dataclass(frozen=True)
class RosterRow:
    person_id: int
    name: str
    hire_on: dt.date | None
    eligibility_status: str
    pathway: str
    training_status: str
    due_on: dt.date | None
    certificate: Certificate | None
    certificate_state: str

    def cells(self) -> list[str]:
        certificate = self.certificate
        return [
            str(self.person_id),
            self.name,
            _iso(self.hire_on),
            self.eligibility_status,
            self.pathway,
            self.training_status,
            _iso(self.due_on),
            certificate.serial if certificate else "",
            self.certificate_state,
            _iso(certificate.expires_on) if certificate else "",
            _iso(certificate.revoked_on) if certificate else "",
        ]


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def latest_certificates(
    session: Session, person_ids: Sequence[int], day: dt.date
) -> dict[int, Certificate]:
    """Each person's most recent certificate issued by ``day``: one query."""
    latest: dict[int, Certificate] = {}
    for certificate in session.execute(
        select(Certificate)
        .where(Certificate.person_id.in_(person_ids), Certificate.issued_on <= day)
        .order_by(Certificate.issued_on, Certificate.id)
    ).scalars():
        latest[certificate.person_id] = certificate
    return latest


def roster(session: Session, day: dt.date, policy: CyclePolicy, timezone: str) -> list[RosterRow]:
    """Every mentor employed on ``day``, worst training status first: seven queries."""
    dashboard = compliance_dashboard(session, day, policy, timezone=timezone, chart=False)
    ids = [row.record.person_id for row in dashboard.rows]
    determinations = determinations_in_force(session, ids, day, timezone)
    certificates = latest_certificates(session, ids, day)
    positions = position_history_of(session, ids)
    rows = []
    for row in dashboard.rows:
        person_id = row.record.person_id
        employment = row.record.employment_on(day)  # the hire in force then, not a later rehire
        determination = determinations.get(person_id)
        # Eligibility is judged by the position held on the date, not today's.
        evaluated = is_evaluated(
            held_on(positions.get(person_id, ()), day, Position.THERAPEUTIC_MENTOR).value
        )
        result = result_on(determination, day) if determination and evaluated else None
        certificate = certificates.get(person_id)
        rows.append(
            RosterRow(
                person_id=person_id,
                name=row.record.name,
                hire_on=employment.hired_on if employment else None,
                eligibility_status=(
                    STATUS_WORDS[result.status.value]
                    if result
                    else "No record"
                    if evaluated
                    else "Not evaluated"
                ),
                pathway=PATHWAY_LABELS[result.pathway] if result and result.pathway else "",
                training_status=row.state.status.label,
                due_on=row.state.due_on,
                certificate=certificate,
                certificate_state=certificate_status(certificate, day).label if certificate else "",
            )
        )
    return rows


def roster_csv_rows(rows: Sequence[RosterRow]) -> Iterator[list[str]]:
    return (row.cells() for row in rows)


def roster_csv(rows: Sequence[RosterRow]) -> bytes:
    return csv_text(ROSTER_COLUMNS, roster_csv_rows(rows), lineterminator="\n").encode("utf-8")


#: Column widths of the roster PDF (landscape letter). The date columns fit a whole
#: YYYY-MM-DD without wrapping ("2025-11-1 / 4" was the old Hired column).
ROSTER_PDF_WIDTHS = tuple(width * inch for width in (1.6, 1.0, 0.9, 0.9, 0.9, 1.0, 1.5, 1.5))


def roster_pdf(rows: Sequence[RosterRow], day: dt.date, organisation: str) -> bytes:
    sheet = styles()
    header = (
        "Name",
        "Hired",
        "Eligibility",
        "Pathway",
        "Training",
        "Due /\nexpires",
        "Certificate",
        "Certificate status",
    )
    # Plain wrapped cells on a light grid: a roster of thousands draws in a fraction of the
    # time platypus's Table of Paragraphs takes.
    inches = [width / inch for width in ROSTER_PDF_WIDTHS]
    table_rows = []
    for row in rows:
        cells = row.cells()
        values = (
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            cells[5],
            cells[6],
            cells[7],
            row.certificate_state + (f" (revoked {cells[10]})" if cells[10] else ""),
        )
        table_rows.append(
            [_wrapped(value, width, 8.5) for value, width in zip(values, inches, strict=True)]
        )
    table = LightTable(
        header,
        table_rows,
        ROSTER_PDF_WIDTHS,
        size=8.5,
        leading=11,
    )
    story = [
        Paragraph("Roster compliance report", sheet["Title"]),
        Paragraph(
            f"{escape(organisation)} · every therapeutic mentor employed on {day.isoformat()}: "
            f"eligibility as determined on that date, training status on that date, and the "
            f"latest certificate issued by then "
            f"({len(rows):,} {'mentor' if len(rows) == 1 else 'mentors'}).",
            sheet["Body"],
        ),
        table,
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(LETTER),
        invariant=True,
        leftMargin=0.5 * inch,
        rightMargin=0.5 * inch,
        title=f"Roster compliance report {day}",
    )
    document.build(story, canvasmaker=numbered_canvas(f"Roster compliance report — {day}"))
    return buffer.getvalue()


REGISTER_COLUMNS = (
    "serial",
    "person_id",
    "holder_name",
    "curriculum",
    "edition",
    "edition_version",
    "edition_sha256",
    "issued_on",
    "expires_on",
    "status_on_date",
    "revoked_on",
    "revocation_reason",
)


def certificate_register_rows(session: Session, day: dt.date) -> Iterator[list[Any]]:
    """Every certificate issued by ``day``, with its status that day and any revocation, even
    one made later (the register says when): the rows under REGISTER_COLUMNS."""
    for certificate, edition in session.execute(
        select(Certificate, CurriculumEdition)
        .join(CurriculumEdition, CurriculumEdition.id == Certificate.edition_id)
        .where(Certificate.issued_on <= day)
        .order_by(Certificate.issued_on, Certificate.id)
    ):
        status = certificate_status(certificate, day)
        yield [
            certificate.serial,
            certificate.person_id,
            certificate.holder_name,
            edition.title,
            edition.edition,
            edition.version,
            edition.sha256,
            _iso(certificate.issued_on),
            _iso(certificate.expires_on),
            status.state.value if status.state is not CertificateState.NOT_YET_ISSUED else "",
            _iso(certificate.revoked_on),
            certificate.revocation_reason or "",
        ]


def certificate_register_csv(session: Session, day: dt.date) -> bytes:
    """The certificate register (:func:`certificate_register_rows`) as CSV."""
    return csv_text(
        REGISTER_COLUMNS, certificate_register_rows(session, day), lineterminator="\n"
    ).encode("utf-8")


# -- shared by the period documents -------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _true_false(value: bool) -> str:
    """The supervision CSVs' booleans, as ``lms supervision report`` writes them."""
    return "true" if value else "false"


def _period_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float]
) -> LightTable:
    """A grid of plain cells (lines broken with ``\n``), drawn straight on the canvas: the long
    registers are thousands of rows, which platypus's Table lays out many times slower."""
    return LightTable(header, rows, [width * inch for width in widths])


def _landscape_pdf(story: list, title: str, part: str = "") -> bytes:
    """``story`` on landscape letter pages whose footer is ``title`` (and ``part``: "part 2 of
    5")."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(LETTER),
        invariant=True,
        leftMargin=0.5 * inch,
        rightMargin=0.5 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.6 * inch,
        title=f"{title}, {part}" if part else title,
    )
    document.build(story, canvasmaker=numbered_canvas(f"{title}, {part}" if part else title))
    return buffer.getvalue()


@lru_cache(maxsize=4096)
def _wrapped(text: str, inches: float, size: float = 8) -> str:
    """``text`` broken into lines that fit a column ``inches`` wide at ``size`` points.

    A plain string with line breaks, not a Paragraph: a table of plain strings is laid out many
    times faster, which matters for a log of thousands of rows."""
    chars = max(8, int((inches * 72 - 12) / (4.6 * size / 8)))
    return "\n".join(
        textwrap.fill(part, chars, break_long_words=True, break_on_hyphens=False)
        for part in text.split("\n")
    )


# -- the supervision log ------------------------------------------------------------------------

SUPERVISION_LOG_COLUMNS = (
    "mentor_id",
    "mentor_name",
    "mentor_email",
    "week_starts_on",
    "week_ends_on",
    "status",
    "required",
    "duty_weekdays",
    "session_id",
    "held_on",
    "supervisor_name",
    "supervisor_email",
    "minutes",
    "format",
    "counts",
    "reason",
    "late_entry",
    "recorded_on",
    "signed",
    "imported",
    "superseded",
    "corrects_session_id",
    "licence_type",
    "licence_number",
    "licence_expires_on",
    "licence_verified",
)


@dataclass(frozen=True)
class SupervisionLine:
    """One session of a mentor's week as the log prints it."""

    outcome: SessionOutcome
    info: SessionInfo
    licence: LicenceLine | None


@dataclass(frozen=True)
class SupervisionLogWeek:
    mentor_id: int
    mentor_name: str
    mentor_email: str | None
    week: WeekResult
    lines: tuple[SupervisionLine, ...]


@dataclass(frozen=True)
class SupervisionLog:
    first: dt.date
    last: dt.date
    as_of: dt.date
    weeks: list[SupervisionLogWeek]


def supervision_log(
    session: Session,
    first: dt.date,
    last: dt.date,
    as_of: dt.date,
    settings: SupervisionSettings,
    person_ids: Sequence[int] | None = None,
) -> SupervisionLog:
    """Every therapeutic mentor's every week from ``first`` to ``last`` as of ``as_of``, each
    session with the supervisor's licence valid that day: eight queries, however many mentors.

    As issue 10 defines "as the records stood" for supervision: the sessions held by the as-of
    date, whenever they were recorded (a late entry is flagged, with the day it was recorded)."""
    mentors = mentor_weeks(
        session, first=first, last=last, as_of=as_of, settings=settings, mentor_ids=person_ids
    )
    supervisors = {info.supervisor_id for m in mentors for info in m.sessions.values()}
    licences = licences_of(session, supervisors)
    weeks = []
    for mentor in mentors:
        for week in mentor.weeks:
            lines = []
            for outcome in week.sessions:
                info = mentor.sessions[outcome.session.key]
                licence = licence_on(licences.get(info.supervisor_id, ()), outcome.session.held_on)
                lines.append(SupervisionLine(outcome, info, licence))
            weeks.append(
                SupervisionLogWeek(mentor.mentor_id, mentor.name, mentor.email, week, tuple(lines))
            )
    return SupervisionLog(first, last, as_of, weeks)


def supervision_log_mentors(
    session: Session,
    first: dt.date,
    last: dt.date,
    settings: SupervisionSettings,
    person_ids: Sequence[int] | None = None,
) -> list[int]:
    """The people :func:`supervision_log` may list from ``first`` to ``last``, in its order (by
    name): one query. The packet reads and draws the log a batch of them at a time."""
    return mentors_in_order(
        session, first=first, last=last, settings=settings, mentor_ids=person_ids
    )


@dataclass(frozen=True)
class Part:
    """Which part of a long document, split by people in name order, a PDF is."""

    number: int
    total: int


def _part_words(part: Part | None) -> str:
    """ "part 2 of 5", or nothing for a document in one part."""
    return "" if part is None or part.total == 1 else f"part {part.number} of {part.total}"


def _part_title(title: str, part: Part | None) -> str:
    return f"{title}, {_part_words(part)}" if _part_words(part) else title


def _in_part(part: Part | None) -> str:
    return "" if part is None or part.total == 1 else " in this part"


def _part_note(part: Part | None, noun: str, first: str, last: str) -> str:
    """The sentence saying which people this part covers, and that the parts make the whole."""
    if part is None or part.total == 1:
        return ""
    who = escape(first) if first == last else f"{escape(first)} to {escape(last)}"
    return (
        f" This is part {part.number} of {part.total}: {who}; the parts, in order, together "
        f"list every {noun} by name."
    )


def _session_cells(line: SupervisionLine | None) -> list[str]:
    if line is None:
        return [""] * 18
    outcome, info, licence = line.outcome, line.info, line.licence
    facts = outcome.session
    return [
        str(info.id),
        facts.held_on.isoformat(),
        info.supervisor_name,
        info.supervisor_email or "",
        str(facts.minutes),
        facts.format.value,
        _true_false(outcome.counts),
        outcome.reason,
        _true_false(outcome.late_entry),
        _iso(facts.recorded_on),
        _true_false(info.signed),
        _true_false(info.imported),
        _true_false(info.superseded),
        str(info.supersedes_id) if info.supersedes_id else "",
        licence.licence_type if licence else "",
        licence.licence_number if licence else "",
        licence.expires_on.isoformat() if licence else "",
        _true_false(licence.verified) if licence else "",
    ]


def supervision_log_rows(log: SupervisionLog) -> Iterator[list[str]]:
    """One row per session (a week without sessions is one row with the session cells empty),
    under SUPERVISION_LOG_COLUMNS."""
    for item in log.weeks:
        week = item.week
        head = [
            str(item.mentor_id),
            item.mentor_name,
            item.mentor_email or "",
            week.starts_on.isoformat(),
            week.ends_on.isoformat(),
            week.status.value,
            "true" if week.required else "false",
            str(week.duty_weekdays),
        ]
        for line in item.lines or (None,):
            yield [*head, *_session_cells(line)]


def supervision_log_csv(log: SupervisionLog) -> bytes:
    return csv_text(SUPERVISION_LOG_COLUMNS, supervision_log_rows(log), lineterminator="\n").encode(
        "utf-8"
    )


SUPERVISION_LOG_WIDTHS = (0.85, 0.8, 1.05, 1.4, 0.45, 0.7, 2.25, 2.45)


def _session_row(line: SupervisionLine) -> list[object]:
    outcome, info, licence = line.outcome, line.info, line.licence
    facts = outcome.session
    counts = "Counts" if outcome.counts else f"Does not count: {outcome.reason}"
    notes = []
    if info.supersedes_id:
        notes.append(f"correction of session #{info.supersedes_id}")
    if outcome.late_entry:
        notes.append(f"late entry, recorded {_iso(facts.recorded_on)}")
    if info.imported:
        notes.append("imported from a paper log")
    elif not info.signed:
        notes.append("not signed")
    if notes:
        counts += " (" + "; ".join(notes) + ")"
    licence_text = licence.describe() if licence else "No licence valid that day"
    return [
        f"{facts.held_on.isoformat()}\n#{info.id}",
        _wrapped(info.supervisor_name, SUPERVISION_LOG_WIDTHS[3]),
        str(facts.minutes),
        facts.format.label,
        _wrapped(counts, SUPERVISION_LOG_WIDTHS[6]),
        _wrapped(licence_text, SUPERVISION_LOG_WIDTHS[7]),
    ]


def supervision_log_pdf(log: SupervisionLog, organisation: str, part: Part | None = None) -> bytes:
    """Per mentor, per week: status, whether required, and every session with its supervisor,
    length, format, whether it counts (or why not), late entries, corrections and the
    supervisor's licence valid that day. With ``part``, the log holds one part's mentors and
    the PDF says which part it is."""
    sheet = styles()
    header = (
        "Week of",
        "Status",
        "Session",
        "Supervisor",
        "Min",
        "Format",
        "Counts",
        "Licence that day",
    )
    mentors = len({item.mentor_id for item in log.weeks})
    names = [item.mentor_name for item in log.weeks[:1] + log.weeks[-1:]]
    story: list = [
        Paragraph(_part_title("Supervision log", part), sheet["Title"]),
        Paragraph(
            f"{escape(organisation)} · every therapeutic mentor's every week from "
            f"{log.first.isoformat()} to {log.last.isoformat()}, as the records stood on "
            f"{log.as_of.isoformat()}: sessions held by that date, whenever they were recorded "
            f"(late entries flagged); a superseded session and its correction both shown "
            f"({mentors:,} {'mentor' if mentors == 1 else 'mentors'}{_in_part(part)})."
            + (_part_note(part, "mentor", names[0], names[-1]) if names else ""),
            sheet["Body"],
        ),
    ]
    if not log.weeks:
        story.append(
            Paragraph(
                "No therapeutic mentor was employed in the period"
                + ("." if part is None or part.total == 1 else " in this part."),
                sheet["Body"],
            )
        )
    current: int | None = None
    rows: list[list[object]] = []

    def flush() -> None:
        if rows:
            story.append(_period_table(header, rows, SUPERVISION_LOG_WIDTHS))

    for item in log.weeks:
        if item.mentor_id != current:
            flush()
            rows = []
            current = item.mentor_id
            email = f" · {item.mentor_email}" if item.mentor_email else ""
            story.append(Paragraph(escape(f"{item.mentor_name}{email}"), sheet["H3"]))
        week = item.week
        week_cells = [
            f"{week.starts_on.isoformat()}",
            f"{week.status.label}" + ("" if week.required else "\n(not required)"),
        ]
        if not item.lines:
            rows.append([*week_cells, "No session", "", "", "", "", ""])
        for number, line in enumerate(item.lines):
            rows.append([*(week_cells if number == 0 else ["", ""]), *_session_row(line)])
    flush()
    return _landscape_pdf(
        story,
        f"Supervision log {log.first} to {log.last} as of {log.as_of}",
        _part_words(part),
    )


# -- on-call coverage ---------------------------------------------------------------------------

ONCALL_COLUMNS = (
    "record",
    "starts_at",
    "ends_at",
    "clinician",
    "clinician_email",
    "senior",
    "licence_valid",
    "phone",
    "counts",
)


@dataclass(frozen=True)
class OnCallLine:
    starts_at: str
    ends_at: str
    clinician: str
    email: str
    senior: bool
    licence_valid: bool
    phone: str
    counts: bool


@dataclass(frozen=True)
class OnCallReport:
    first: dt.date
    last: dt.date
    as_of: dt.date
    timezone: str
    blocks: list[OnCallLine]
    gaps: list[dict[str, str]]


def oncall_report(
    session: Session,
    config: Mapping[str, Any],
    first: dt.date,
    last: dt.date,
    as_of: dt.date,
    timezone: str,
) -> OnCallReport:
    """The on-call blocks and gaps from ``first`` to ``last`` as the roster stood at the end of
    ``as_of`` (blocks entered by then and not yet removed): five queries."""
    recorded_by = clock.end_of_day(as_of, timezone)
    found = coverage(session, config, first, last, timezone, recorded_by)
    licences = licences_of(session, {block.clinician_id for block in found.blocks})
    positions = position_history(session)
    lines = []
    for block in found.blocks:
        clinician = block.clinician
        days = local_dates(block.starts_at, block.ends_at, timezone)
        records = licences.get(clinician.id, [])
        licensed = bool(records) and all(licence_on(records, day) is not None for day in days)
        lines.append(
            OnCallLine(
                iso_local(block.starts_at, timezone),
                iso_local(block.ends_at, timezone),
                clinician.legal_name,
                clinician.work_email or "",
                all(  # the position held on each day of the block, not today's
                    held_on(positions.get(clinician.id, ()), day, clinician.position)
                    is Position.SENIOR_CLINICIAN
                    for day in days
                ),
                licensed,
                block.phone,
                found.counts(block),
            )
        )
    gaps = [gap.as_dict(timezone) for gap in found.gaps]
    return OnCallReport(first, last, as_of, timezone, lines, gaps)


def oncall_rows(report: OnCallReport) -> Iterator[list[str]]:
    """The blocks, then the gaps, under ONCALL_COLUMNS."""
    for line in report.blocks:
        yield [
            "block",
            line.starts_at,
            line.ends_at,
            line.clinician,
            line.email,
            _yes_no(line.senior),
            _yes_no(line.licence_valid),
            line.phone,
            _yes_no(line.counts),
        ]
    for gap in report.gaps:
        yield ["gap", gap["starts_at"], gap["ends_at"], "", "", "", "", "", ""]


def oncall_csv(report: OnCallReport) -> bytes:
    return csv_text(ONCALL_COLUMNS, oncall_rows(report), lineterminator="\n").encode("utf-8")


def oncall_pdf(report: OnCallReport, organisation: str) -> bytes:
    sheet = styles()
    story: list = [
        Paragraph("On-call coverage", sheet["Title"]),
        Paragraph(
            f"{escape(organisation)} · senior licensed clinicians on call from "
            f"{report.first.isoformat()} to {report.last.isoformat()} (local time, "
            f"{escape(report.timezone)}, with the UTC offset), as the roster stood at the end of "
            f"{report.as_of.isoformat()}. A block counts when its clinician held the senior "
            f"position and a licence valid on every day it covers. Gaps are the times within "
            f"service hours that no counting block covers.",
            sheet["Body"],
        ),
        Paragraph(f"Gaps ({len(report.gaps):,})", sheet["H2"]),
    ]
    if report.gaps:
        story.append(
            _period_table(
                ("From", "Until"),
                [[gap["starts_at"], gap["ends_at"]] for gap in report.gaps],
                (2.2, 2.2),
            )
        )
    else:
        story.append(Paragraph("None: every instant of service hours was covered.", sheet["Body"]))
    story.append(Paragraph(f"Blocks ({len(report.blocks):,})", sheet["H2"]))
    if report.blocks:
        story.append(
            _period_table(
                ("From", "Until", "Clinician", "Senior", "Licence\nvalid", "Phone", "Counts"),
                [
                    [
                        line.starts_at,
                        line.ends_at,
                        _wrapped(line.clinician + (f" · {line.email}" if line.email else ""), 2.45),
                        _yes_no(line.senior),
                        _yes_no(line.licence_valid),
                        line.phone,
                        _yes_no(line.counts),
                    ]
                    for line in report.blocks
                ],
                (1.7, 1.7, 2.45, 0.6, 0.9, 1.45, 0.7),
            )
        )
    else:
        story.append(Paragraph("No block was on the roster for the period.", sheet["Body"]))
    return _landscape_pdf(
        story, f"On-call coverage {report.first} to {report.last} as of {report.as_of}"
    )


# -- the requirements register ------------------------------------------------------------------

REQUIREMENTS_REGISTER_COLUMNS = (
    "person_id",
    "name",
    "work_email",
    "position",
    "cleared_to_work",
    "requirement",
    "requirement_name",
    "kind",
    "status",
    "valid_until",
    "due_on",
    "evidence_sha256",
    "verification",
)


@dataclass(frozen=True)
class RegisterLine:
    person_id: int
    name: str
    work_email: str
    position: str
    cleared: bool
    requirement: Requirement
    status: str
    valid_until: dt.date | None
    due_on: dt.date | None
    verifications: tuple[Verification, ...]

    @property
    def hashes(self) -> list[str]:
        return [item.sha256 for item in self.verifications if item.sha256]

    def verification_text(self, timezone: str) -> str:
        return " | ".join(
            f"{'signed' if item.what == 'signature' else 'done'} {item.done_on.isoformat()}; "
            f"{'by' if item.what == 'signature' else 'verified by'} {item.by} at "
            f"{clock.local_time(item.at, timezone)}; how: {item.how}"
            for item in self.verifications
        )


@dataclass(frozen=True)
class RequirementsRegister:
    as_of: dt.date
    catalogue_version: int | None
    lines: list[RegisterLine]
    timezone: str


def requirements_register(
    session: Session, as_of: dt.date, timezone: str, person_ids: Sequence[int] | None = None
) -> RequirementsRegister:
    """Every person and applicable requirement with its status on ``as_of``, as the records stood
    at the end of that day, with the evidence hashes and verifications behind it, each person with
    the position held that day."""
    recorded_by = clock.end_of_day(as_of, timezone)
    matrix = compliance_matrix(session, as_of, recorded_by=recorded_by)
    verifications = requirement_verifications(session, as_of, recorded_by)
    chosen = set(person_ids) if person_ids is not None else None
    positions = position_history(session)
    lines = []
    for row in matrix.rows:
        if chosen is not None and row.person.id not in chosen:
            continue
        position = held_on(positions.get(row.person.id, ()), as_of, row.person.position)
        for requirement in matrix.requirements:
            result = row.statuses[requirement.key]
            if result.status is RequirementStatus.NOT_APPLICABLE:
                continue
            lines.append(
                RegisterLine(
                    row.person.id,
                    row.person.legal_name,
                    row.person.work_email or "",
                    position.value,
                    row.clearance.cleared,
                    requirement,
                    result.status.value,
                    result.valid_until,
                    result.due_on,
                    tuple(verifications.get((row.person.id, requirement.key), ())),
                )
            )
    return RequirementsRegister(as_of, matrix.catalogue_version, lines, timezone)


def requirements_register_rows(register: RequirementsRegister) -> Iterator[list[str]]:
    """One row per person and applicable requirement, under REQUIREMENTS_REGISTER_COLUMNS."""
    return (
        [
            str(line.person_id),
            line.name,
            line.work_email,
            line.position,
            "true" if line.cleared else "false",
            line.requirement.key,
            line.requirement.name,
            line.requirement.kind.value,
            line.status,
            _iso(line.valid_until),
            _iso(line.due_on),
            " ".join(line.hashes),
            line.verification_text(register.timezone),
        ]
        for line in register.lines
    )


def requirements_register_csv(register: RequirementsRegister) -> bytes:
    return csv_text(
        REQUIREMENTS_REGISTER_COLUMNS, requirements_register_rows(register), lineterminator="\n"
    ).encode("utf-8")


REGISTER_PDF_WIDTHS = (1.7, 0.8, 0.8, 0.8, 2.4, 3.5)


def requirements_register_pdf(
    register: RequirementsRegister, organisation: str, part: Part | None = None
) -> bytes:
    """Per person, each applicable requirement. With ``part``, the register holds one part's
    people and the PDF says which part it is."""
    sheet = styles()
    header = ("Requirement", "Status", "Valid\nuntil", "Due on", "Evidence SHA-256", "Verification")
    people = len({line.person_id for line in register.lines})
    version = (
        f"catalogue version {register.catalogue_version}"
        if register.catalogue_version is not None
        else "no catalogue loaded by then"
    )
    names = [line.name for line in register.lines[:1] + register.lines[-1:]]
    story: list = [
        Paragraph(_part_title("Requirements register", part), sheet["Title"]),
        Paragraph(
            f"{escape(organisation)} · every person and each requirement that applied to them on "
            f"{register.as_of.isoformat()} ({version}), with its status that day as the records "
            f"stood at the end of it, the SHA-256 of each piece of evidence and signed policy "
            f"text, and who verified or signed it, when and how "
            f"({people:,} {'person' if people == 1 else 'people'}{_in_part(part)})."
            + (_part_note(part, "person", names[0], names[-1]) if names else ""),
            sheet["Body"],
        ),
    ]
    if not register.lines:
        story.append(Paragraph("No requirement applied to anyone on the date.", sheet["Body"]))
    current: int | None = None
    rows: list[list[object]] = []

    def flush() -> None:
        if rows:
            story.append(_period_table(header, rows, REGISTER_PDF_WIDTHS))

    for line in register.lines:
        if line.person_id != current:
            flush()
            rows = []
            current = line.person_id
            cleared = "cleared to work" if line.cleared else "NOT cleared to work"
            email = f" · {line.work_email}" if line.work_email else ""
            story.append(
                Paragraph(
                    escape(f"{line.name}{email} · {line.position.replace('_', ' ')} · {cleared}"),
                    sheet["H3"],
                )
            )
        rows.append(
            [
                _wrapped(line.requirement.name, REGISTER_PDF_WIDTHS[0]),
                RequirementStatus(line.status).label,
                _iso(line.valid_until),
                _iso(line.due_on),
                "\n".join(f"{sha[:32]}\n{sha[32:]}" for sha in line.hashes) or "none",
                _wrapped(
                    line.verification_text(register.timezone) or "none recorded",
                    REGISTER_PDF_WIDTHS[5],
                ),
            ]
        )
    flush()
    return _landscape_pdf(
        story,
        f"Requirements register as of {register.as_of}",
        _part_words(part),
    )
