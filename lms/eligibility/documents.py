"""An auditor's eligibility file for one person on one date, as a PDF: the determination in
force that day, the facts it rested on, who verified each and how, and the evidence files'
names and SHA-256 hashes."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lms.actor import by_whom
from lms.eligibility.models import Determination, trigger_label
from lms.eligibility.rules import (
    NOT_EVALUATED_REASON,
    PATHWAY_LABELS,
    CredentialLevel,
    EligibilityResult,
    VerificationMethod,
    credential_label,
    evidence_statement,
    whole_days_text,
)
from lms.eligibility.snapshot import evaluate_document
from lms.pdf import numbered_canvas, styles

STATUS_WORDS = {
    "eligible": "Eligible",
    "provisional": "Provisional",
    "not_eligible": "Not eligible",
}


def result_on(determination: Determination, day: dt.date) -> EligibilityResult:
    """The stored facts evaluated as of ``day``: the answer those facts gave that day."""
    return evaluate_document({**determination.inputs, "as_of": day.isoformat()})


def _method_label(method: str | None) -> str:
    """A verification method in words ("Government-issued photo ID", not "government id")."""
    if not method:
        return ""
    try:
        return VerificationMethod(method).label
    except ValueError:
        return method.replace("_", " ")


def _verification_text(verification: dict[str, Any] | None) -> str:
    if not verification:
        return "Not verified"
    note = f" — {verification['note']}" if verification.get("note") else ""
    method = _method_label(verification.get("method"))
    return (
        f"Verified {verification['verified_at'][:10]} by {verification['verified_by']}: "
        f"{method}{note}"
    )


def _evidence_text(evidence: list[dict[str, Any]], verification: dict[str, Any] | None) -> str:
    statement = evidence_statement(bool(verification), bool(evidence))
    if statement is not None:
        return escape(statement)
    return "<br/>".join(
        f"{escape(item['filename'])} ({item['size_bytes']:,} bytes), SHA-256 "
        f"<font size=7>{item['sha256']}</font>"
        for item in evidence
    )


def _fact_table(rows: list[tuple[str, str]], sheet) -> Table:
    table = Table(
        [
            [Paragraph(f"<b>{escape(k)}</b>", sheet["Cell"]), Paragraph(v, sheet["Cell"])]
            for k, v in rows
        ],
        colWidths=[1.7 * inch, 5.3 * inch],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#c9d1d9")]
        )
    )
    return table


def _human_services_text(basis: str | None, extra: dict[str, Any]) -> str:
    if not basis:
        return "No"
    if basis == "listed":
        return "Yes, on the provider's list"
    return f"Yes, by judgement: {escape(extra.get('human_services_justification') or '')}"


def eligibility_file_pdf(
    name: str,
    day: dt.date,
    determination: Determination | None,
    organisation: str,
    evaluated: bool = True,
) -> bytes:
    """``evaluated``: whether the position held on ``day`` is one the mentor qualifications
    apply to (``rules.is_evaluated``); if not, the file says so instead of a status."""
    sheet = styles()
    story = [
        Paragraph(f"Eligibility file: {escape(name)}", sheet["Title"]),
        Paragraph(f"{escape(organisation)} · as of {day.isoformat()}", sheet["Body"]),
    ]
    if not evaluated:
        story.append(
            Paragraph(f"Not evaluated on this date. {escape(NOT_EVALUATED_REASON)}", sheet["Body"])
        )
    elif determination is None:
        story.append(
            Paragraph("No determination was on record on or before this date.", sheet["Body"])
        )
    else:
        story += _determination_section(determination, day, sheet)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        invariant=True,
        title=f"Eligibility file: {name}",
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
    )
    document.build(story, canvasmaker=numbered_canvas(f"Eligibility file — {name} — {day}"))
    return buffer.getvalue()


def _determination_section(determination: Determination, day: dt.date, sheet) -> list:
    result = result_on(determination, day)
    inputs, record = determination.inputs, determination.record
    out = [
        Paragraph("Determination in force", sheet["H1"]),
        _fact_table(
            [
                ("Status on this date", f"<b>{STATUS_WORDS[result.status.value]}</b>"),
                (
                    "Pathway",
                    escape(PATHWAY_LABELS[result.pathway]) if result.pathway else "None",
                ),
                (
                    "Eligible from",
                    result.eligible_from.isoformat() if result.eligible_from else "—",
                ),
                ("Age", str(result.age_years)),
                ("Youth experience", whole_days_text(result.youth_experience_days)),
                ("Target-population experience", whole_days_text(result.target_experience_days)),
                ("Ruleset", escape(result.ruleset)),
                (
                    "Recorded",
                    f"{determination.determined_at:%Y-%m-%d %H:%M} UTC "
                    f"{escape(by_whom(determination.actor_label))} "
                    f"({escape(trigger_label(determination.trigger).lower())})",
                ),
            ],
            sheet,
        ),
        Paragraph("Reasons", sheet["H3"]),
        *[Paragraph(f"• {escape(reason)}", sheet["Body"]) for reason in result.reasons],
        Paragraph("Identity and date of birth", sheet["H2"]),
        _fact_table(
            [
                ("Date of birth", inputs["date_of_birth"]),
                ("Verification", escape(_verification_text(record["identity"]["verification"]))),
                (
                    "Evidence",
                    _evidence_text(
                        record["identity"]["evidence"], record["identity"]["verification"]
                    ),
                ),
            ],
            sheet,
        ),
        Paragraph("Education", sheet["H2"]),
    ]
    if not inputs["education"]:
        out.append(Paragraph("None recorded.", sheet["Body"]))
    for fact, extra in zip(inputs["education"], record["education"], strict=True):
        level = credential_label(CredentialLevel(fact["credential"]))
        basis = extra.get("human_services_basis")
        out += [
            Spacer(1, 4),
            _fact_table(
                [
                    (
                        "Credential",
                        escape(f"{level} in {fact['field']}" if fact.get("field") else level),
                    ),
                    (
                        "Institution",
                        escape(extra.get("institution") or fact.get("institution") or ""),
                    ),
                    ("Conferred on", fact["conferred_on"]),
                    (
                        "Accredited",
                        ("Yes" if fact["accredited"] else "No")
                        + (
                            f" ({escape(extra['accreditation_checked_how'])})"
                            if extra.get("accreditation_checked_how")
                            else ""
                        ),
                    ),
                    ("Human services field", _human_services_text(basis, extra)),
                    ("Verification", escape(_verification_text(extra["verification"]))),
                    ("Evidence", _evidence_text(extra["evidence"], extra["verification"])),
                ],
                sheet,
            ),
        ]
    out.append(Paragraph("Experience", sheet["H2"]))
    if not inputs["experience"]:
        out.append(Paragraph("None recorded.", sheet["Body"]))
    for fact, extra in zip(inputs["experience"], record["experience"], strict=True):
        population = (
            "youth with behavioral-health needs (target population)"
            if fact["target_population"]
            else "children, adolescents or transition-age youth"
            if fact["population"] == "youth"
            else "not with youth"
        )
        out += [
            Spacer(1, 4),
            _fact_table(
                [
                    ("Employer and role", escape(f"{fact.get('employer')}, {fact.get('role')}")),
                    ("Dates", f"{fact['start']} to {fact['end'] or 'ongoing'}"),
                    ("Hours per week", str(fact["hours_per_week"])),
                    ("Population", population),
                    ("Verification", escape(_verification_text(extra["verification"]))),
                    ("Evidence", _evidence_text(extra["evidence"], extra["verification"])),
                ],
                sheet,
            ),
        ]
    return out
