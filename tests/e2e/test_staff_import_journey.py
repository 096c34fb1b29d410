"""HR imports people from the CSV template through a real browser: a dry run that lists a
mistake, then a clean dry run, the confirmation, and the people in the staff list."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import check_accessibility, screenshot

pytestmark = pytest.mark.e2e


def sign_in(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_hr_imports_the_template_after_a_dry_run(page, live_server, tmp_path):
    sign_in(page, live_server, "hr@example.org")
    page.wait_for_url(f"{live_server}/hr")
    page.get_by_role("link", name="Import people from a spreadsheet (CSV)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Import candidates and staff"
    check_accessibility(page)
    screenshot(page, "staff-import-upload")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the template (CSV)").click()
    template = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(template)

    # The template's rows are examples (their record starts with #): unchanged, it adds no one.
    page.get_by_label("CSV file").set_input_files(template)
    page.get_by_role("button", name="Check the file").click()
    assert page.get_by_text("rows whose record starts with # are examples").is_visible()

    # HR fills it in: here, by turning the examples into real rows.
    filled = tmp_path / "people.csv"
    filled.write_bytes(template.read_bytes().replace(b"\n#", b"\n"))

    # First a copy with a mistake: the dry run lists it and imports nothing.
    broken = tmp_path / "broken.csv"
    broken.write_bytes(filled.read_bytes().replace(b",30,youth,", b",thirty,youth,"))
    page.get_by_label("CSV file").set_input_files(broken)
    page.get_by_role("button", name="Check the file").click()
    assert page.get_by_role("heading", level=1).inner_text() == "1 problem in broken.csv"
    problems = page.get_by_role("table", name="Problems in broken.csv")
    assert "hours_per_week" in problems.get_by_role("row").nth(1).inner_text()
    check_accessibility(page)
    screenshot(page, "staff-import-problems")

    page.get_by_label("CSV file").set_input_files(filled)
    page.get_by_role("button", name="Check the file").click()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Ready to import people.csv"
    summary = (
        "2 people, 1 credential, 1 experience entry, 1 licence, 1 leave period, "
        "1 past employment period"
    )
    assert page.get_by_text(summary).is_visible()
    check_accessibility(page)
    screenshot(page, "staff-import-ready")

    page.get_by_role("button", name="Import 2 people").click()
    page.wait_for_url(f"{live_server}/staff/")
    assert page.get_by_text(f"Imported {summary}").is_visible()
    assert page.get_by_role("link", name="Jordan (Jordan Alex Rivera)").is_visible()
    check_accessibility(page)
    screenshot(page, "staff-import-done")
