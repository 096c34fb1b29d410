"""Auditors' reports as of a date: the roster compliance report (PDF and CSV) and the
certificate register (CSV). Everything is computed from records as they stood on the date:
determinations in force then, completions by then, certificates' status on that day."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.certificates.models import Certificate
from lms.certificates.rules import CertificateState, certificate_status
from lms.compliance.queries import compliance_dashboard
from lms.csvfile import SafeWriter, csv_text
from lms.curriculum.documents import grid_style
from lms.curriculum.models import CurriculumEdition
from lms.eligibility.documents import STATUS_WORDS, result_on
from lms.eligibility.queries import determinations_in_force
from lms.eligibility.rules import PATHWAY_LABELS
from lms.pdf import numbered_canvas, styles
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
    """Every mentor employed on ``day``, worst training status first: six queries."""
    dashboard = compliance_dashboard(session, day, policy, timezone=timezone, chart=False)
    ids = [row.record.person_id for row in dashboard.rows]
    determinations = determinations_in_force(session, ids, day, timezone)
    certificates = latest_certificates(session, ids, day)
    rows = []
    for row in dashboard.rows:
        person_id = row.record.person_id
        employment = row.record.employment_on(day)  # the hire in force then, not a later rehire
        determination = determinations.get(person_id)
        result = result_on(determination, day) if determination else None
        certificate = certificates.get(person_id)
        rows.append(
            RosterRow(
                person_id=person_id,
                name=row.record.name,
                hire_on=employment.hired_on if employment else None,
                eligibility_status=STATUS_WORDS[result.status.value] if result else "No record",
                pathway=PATHWAY_LABELS[result.pathway] if result and result.pathway else "",
                training_status=row.state.status.label,
                due_on=row.state.due_on,
                certificate=certificate,
                certificate_state=certificate_status(certificate, day).label if certificate else "",
            )
        )
    return rows


def roster_csv(rows: Sequence[RosterRow]) -> bytes:
    return csv_text(ROSTER_COLUMNS, (row.cells() for row in rows), lineterminator="\n").encode(
        "utf-8"
    )


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
        "Due / expires",
        "Certificate",
        "Certificate status",
    )
    table_rows = [[Paragraph(f"<b>{h}</b>", sheet["Cell"]) for h in header]]
    for row in rows:
        cells = row.cells()
        table_rows.append(
            [
                Paragraph(escape(value), sheet["Cell"])
                for value in (
                    cells[1],
                    cells[2],
                    cells[3],
                    cells[4],
                    cells[5],
                    cells[6],
                    cells[7],
                    row.certificate_state + (f" (revoked {cells[10]})" if cells[10] else ""),
                )
            ]
        )
    table = Table(
        table_rows,
        repeatRows=1,
        hAlign="LEFT",
        colWidths=list(ROSTER_PDF_WIDTHS),
    )
    table.setStyle(grid_style())
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


def certificate_register_csv(session: Session, day: dt.date) -> bytes:
    """Every certificate issued by ``day``, with its status that day and any revocation, even
    one made later (the register says when)."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\n")
    writer.writerow(REGISTER_COLUMNS)
    for certificate, edition in session.execute(
        select(Certificate, CurriculumEdition)
        .join(CurriculumEdition, CurriculumEdition.id == Certificate.edition_id)
        .where(Certificate.issued_on <= day)
        .order_by(Certificate.issued_on, Certificate.id)
    ):
        status = certificate_status(certificate, day)
        writer.writerow(
            [
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
        )
    return buffer.getvalue().encode("utf-8")
