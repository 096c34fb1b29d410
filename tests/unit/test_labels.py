"""Words people read instead of codes (issue 14's walkthrough): expected values from the issue."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth

from lms import clock
from lms.actor import by_whom
from lms.auditors.documents import ROSTER_PDF_WIDTHS, RosterRow, roster_pdf
from lms.eligibility.models import trigger_label
from lms.eligibility.rules import CredentialLevel, credential_label, whole_days_text
from lms.pdf import styles


def test_ged_is_not_written_ged_in_title_case():
    assert credential_label(CredentialLevel.GED) == "GED"
    assert credential_label(CredentialLevel.BACHELOR) == "Bachelor's degree"
    assert credential_label(CredentialLevel.HIGH_SCHOOL) == "High-school diploma"


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (427.0, "427 days"),
        (364.96, "364 days"),  # not rounded up to a year not yet reached
        (1.0, "1 day"),
        (0.4, "0 days"),
        (1234.5, "1,234 days"),
    ],
)
def test_days_are_whole(days, text):
    assert whole_days_text(days) == text


def test_triggers_in_words():
    assert trigger_label("experience.add") == "Experience added"
    assert trigger_label("person.verify_identity") == "Identity verified"


def test_command_line_actors_in_words():
    assert by_whom("cli:root") == "from the command line (account root)"
    assert by_whom("hr@example.org") == "by hr@example.org"


def test_instants_in_local_time_with_the_zone():
    instant = dt.datetime(2026, 11, 23, 14, 5, tzinfo=dt.UTC)  # 09:05 in Boston (EST)
    assert clock.local_time(instant, "America/New_York") == "2026-11-23 09:05 EST"
    summer = dt.datetime(2026, 7, 1, 14, 5)  # naive from SQLite: UTC all the same
    assert clock.local_time(summer, "America/New_York") == "2026-07-01 10:05 EDT"


def test_the_roster_pdf_date_columns_fit_a_whole_date():
    cell = styles()["Cell"]
    padding = 12  # reportlab's default cell padding, 6 points a side
    needed = stringWidth("2025-11-14", cell.fontName, cell.fontSize) + padding
    hired, due = ROSTER_PDF_WIDTHS[1], ROSTER_PDF_WIDTHS[5]
    assert hired >= needed and due >= needed
    assert sum(ROSTER_PDF_WIDTHS) <= 11 * inch - 1.0 * inch  # landscape letter, margins


def roster_text(rows) -> str:
    data = roster_pdf(rows, dt.date(2026, 11, 23), "Agency")
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_the_roster_counts_one_mentor_in_the_singular():
    row = RosterRow(
        1,
        "Ann Example",
        dt.date(2025, 11, 14),
        "Eligible",
        "Bachelor's",
        "Compliant",
        dt.date(2026, 12, 14),
        None,
        "",
    )
    one = roster_text([row])
    assert "(1 mentor)." in one
    assert "2025-11-14" in one  # on one line, not "2025-11-1" and "4"
    assert "(2 mentors)." in roster_text([row, row])
