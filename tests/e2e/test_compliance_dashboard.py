"""HR opens the compliance dashboard in a real browser, looks at an earlier day, and downloads the
list as CSV. The mentors are added first through HR's own spreadsheet import."""

import csv
import datetime as dt
import io

import pytest

from lms import clock
from lms.staffimport.import_plan import COLUMNS
from tests.e2e.conftest import check_accessibility, screenshot
from tests.e2e.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.e2e


def staff_file(today: dt.date) -> str:
    """A clinician and three mentors hired 400, 200 and 10 days ago; none has trained yet."""
    people = [
        ("Morgan Clinician", "morgan.c@example.org", "licensed_clinician", 3000, ""),
        ("Sky Earlier", "sky.e@example.org", "therapeutic_mentor", 400, "morgan.c@example.org"),
        ("Quinn Middle", "quinn.m@example.org", "therapeutic_mentor", 200, "morgan.c@example.org"),
        ("Robin Recent", "robin.r@example.org", "therapeutic_mentor", 10, ""),
    ]
    output = io.StringIO()
    writer = csv.DictWriter(output, [column.name for column in COLUMNS])
    writer.writeheader()
    for name, email, position, days_ago, supervisor in people:
        writer.writerow(
            {
                "record": "person",
                "person_ref": email,
                "legal_name": name,
                "date_of_birth": "1990-05-05",
                "work_email": email,
                "position": position,
                "status": "active",
                "hire_on": (today - dt.timedelta(days=days_ago)).isoformat(),
                "supervisor_email": supervisor,
            }
        )
    return output.getvalue()


def row_of(page, name: str) -> list[str]:
    cells = page.get_by_role("row").filter(has_text=name).get_by_role("cell")
    return [text.strip() for text in cells.all_inner_texts()]


def test_hr_checks_compliance_on_an_earlier_day_and_exports_it(page, live_server, tmp_path):
    today = clock.today()
    path = tmp_path / "compliance-staff.csv"
    path.write_text(staff_file(today), encoding="utf-8")
    sign_in(page, live_server, "hr@example.org")
    page.wait_for_url(f"{live_server}/hr")
    page.get_by_role("link", name="Import people from a spreadsheet (CSV)").click()
    page.get_by_label("CSV file").set_input_files(path)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import 4 people").click()
    page.wait_for_url(f"{live_server}/staff/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compliance").click()
    page.wait_for_url(f"{live_server}/compliance/")
    assert page.get_by_role("heading", level=1).inner_text() == "Compliance dashboard"
    assert row_of(page, "Sky Earlier")[:2] == ["Sky Earlier", "Overdue"]
    assert row_of(page, "Quinn Middle")[:2] == ["Quinn Middle", "Overdue"]
    assert row_of(page, "Robin Recent")[1:4] == [
        "Not started",
        (today + dt.timedelta(days=20)).isoformat(),
        "20",
    ]
    assert row_of(page, "Quinn Middle")[4] == "Morgan Clinician"
    check_accessibility(page)
    screenshot(page, "compliance-dashboard")

    # 190 days ago: Quinn was in his first 30 days, Robin not yet hired, Sky already overdue.
    earlier = today - dt.timedelta(days=190)
    page.get_by_label("As of").fill(earlier.isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"{live_server}/compliance/?as_of={earlier.isoformat()}*")
    assert row_of(page, "Quinn Middle")[1:4] == [
        "Not started",
        (today - dt.timedelta(days=170)).isoformat(),
        "20",
    ]
    assert page.get_by_role("row").filter(has_text="Robin Recent").count() == 0
    assert row_of(page, "Sky Earlier")[1] == "Overdue"
    page.get_by_text("figures as a table, month by month").click()
    table = page.get_by_role("table", name="Share of mentors current on their training, by month")
    assert table.get_by_role("row").count() >= 13  # the header and 12 or 13 months
    check_accessibility(page)
    screenshot(page, "compliance-dashboard-earlier")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this list (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"compliance-{earlier.isoformat()}.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert rows[0] == [
        "Mentor",
        "Status",
        "Due or expiry date",
        "Days left",
        "Supervisor",
        "Position",
        "Supervision weeks missed (last 4)",
        "Supervision weeks missed (last 13)",
    ]
    # Nobody has supervision sessions: at most 4 and 13 weeks missed, as whole numbers.
    assert all(0 <= int(row[6]) <= 4 and int(row[6]) <= int(row[7]) <= 13 for row in rows[1:])
    shown = page.locator("table.compliance-list tbody tr")
    assert len(rows) - 1 == shown.count()
    assert [
        "Quinn Middle",
        "Not started",
        (today - dt.timedelta(days=170)).isoformat(),
        "20",
        "Morgan Clinician",
        "Therapeutic mentor",
    ] in [row[:6] for row in rows]
