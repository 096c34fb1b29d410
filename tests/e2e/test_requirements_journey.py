"""HR records a CORI check and a CPR card with evidence, publishes a policy version, the mentor
signs it on a phone, and the matrix turns green for the CORI and the policy; axe-clean pages."""

import datetime as dt

import pytest

from lms import clock
from tests.e2e.conftest import check_accessibility, screenshot
from tests.e2e.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n% e2e evidence\n"


def cell(page, requirement: str) -> str:
    """The status text in Pat Mentor's row under the column ``requirement``."""
    headers = [text.strip() for text in page.locator("table thead th").all_inner_texts()]
    index = next(i for i, text in enumerate(headers) if text.startswith(requirement))
    row = page.get_by_role("row").filter(has_text="Pat Mentor")
    return row.locator("th, td").nth(index).inner_text().strip()


def test_hr_records_a_policy_is_signed_on_a_phone_and_the_matrix_turns_green(
    page, phone_page, live_server, tmp_path
):
    today = clock.today()
    evidence = tmp_path / "cori.pdf"
    evidence.write_bytes(PDF)
    sign_in(page, live_server, "hr@example.org")
    page.wait_for_url(f"{live_server}/hr")
    page.get_by_role("link", name="Requirements by position").click()
    check_accessibility(page)
    assert cell(page, "CORI").startswith("Missing")
    page.get_by_role("link", name="Pat Mentor").click()
    check_accessibility(page)
    for requirement, expires in (("cori", None), ("cpr_first_aid", today + dt.timedelta(days=700))):
        page.get_by_role("link", name="Record a credential or check").click()
        page.get_by_label("Requirement").select_option(requirement)
        page.get_by_label("Issued or done on").fill(today.isoformat())
        if expires:
            page.get_by_label("Expires on").fill(expires.isoformat())
        page.get_by_label("How it was verified").select_option("other")
        page.get_by_label("Note").fill("Seen by HR")
        page.get_by_label("Evidence (PDF, PNG or JPEG, at most 10 MB)").set_input_files(evidence)
        check_accessibility(page)
        page.get_by_role("button", name="Record").click()
        page.get_by_text("recorded.").wait_for()
    page.goto(f"{live_server}/requirements/policies")
    page.get_by_label("Policy").select_option("code_of_conduct")
    page.get_by_label("Title").fill("Code of conduct")
    page.get_by_label("Takes effect on").fill(today.isoformat())
    page.get_by_label("Text").fill("Treat every young person with respect.")
    check_accessibility(page)
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("version 1 published").wait_for()

    sign_in(phone_page, live_server, "mentor@example.org")
    phone_page.get_by_role("link", name="Policies to sign").click()
    check_accessibility(phone_page)
    phone_page.get_by_label("Type your full name to sign").fill("Pat Mentor")
    phone_page.get_by_role("button", name="I have read and agree to this policy").click()
    phone_page.get_by_text("You signed Code of conduct, version 1.").wait_for()
    screenshot(phone_page, "requirements-signed-on-phone")

    page.goto(f"{live_server}/requirements/")
    assert cell(page, "CORI").startswith("Met")
    assert cell(page, "CPR and first aid").startswith("Met")
    assert cell(page, "Code of conduct").startswith("Met")
    check_accessibility(page)
    screenshot(page, "requirements-matrix")
