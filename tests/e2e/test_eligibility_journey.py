"""HR takes a new candidate from nothing to an eligible determination in a real browser:
record the facts, attach evidence to each, verify each."""

import re

import pytest

from tests.e2e.conftest import check_accessibility, screenshot
from tests.e2e.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def attach_and_verify(page, block_id: str, file_path, method: str) -> None:
    block = page.locator(f"#{block_id}")
    block.get_by_text("Attach evidence").click()
    block.locator(f"#{block_id}-file").set_input_files(str(file_path))
    block.get_by_role("button", name="Upload").click()
    page.get_by_text("Evidence attached.", exact=True).wait_for()
    block = page.locator(f"#{block_id}")
    block.get_by_text("Verify", exact=True).click()
    block.get_by_label("How was it checked?").select_option(method)
    block.get_by_role("button", name="Mark as verified").click()
    page.locator(f"#{block_id}").get_by_text("Verified", exact=True).wait_for()


def test_hr_verifies_a_new_candidate_to_eligible(page, live_server, tmp_path):
    evidence = tmp_path / "scan.pdf"
    evidence.write_bytes(PDF)
    sign_in(page, live_server, "hr@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    check_accessibility(page)
    page.get_by_role("link", name="Add a person").click()
    check_accessibility(page)
    page.get_by_label("Legal name").fill("Maya Fernandes")
    page.get_by_label("Date of birth").fill("1998-04-02")
    page.get_by_role("button", name="Add person").click()
    page.get_by_text("Maya Fernandes added.").wait_for()
    person_url = page.url

    page.get_by_role("link", name="Add a credential").click()
    check_accessibility(page)
    page.get_by_label("Credential").select_option("bachelor")
    page.get_by_label("Field of study").fill("Psychology")
    page.get_by_label("School or institution").fill("Bridgewater State University")
    page.get_by_label("Conferred on").fill("2020-05-15")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Yes: the field is on our list").check()
    page.get_by_role("button", name="Add credential").click()

    page.get_by_role("link", name="Add experience").click()
    check_accessibility(page)
    page.get_by_label("Employer or program").fill("Boys & Girls Club of Worcester")
    page.get_by_label("Role").fill("Youth development staff")
    page.get_by_label("Start date").fill("2021-01-04")
    page.get_by_label("Hours per week").fill("40")
    page.get_by_label("Children, adolescents or transition-age youth").check()
    page.get_by_role("button", name="Add experience").click()
    assert "Provisional" in page.locator("#determination-heading").inner_text()
    check_accessibility(page)

    attach_and_verify(page, "identity", evidence, "government_id")
    credential_block = page.locator("[id^=credentials-]").first.get_attribute("id")
    attach_and_verify(page, credential_block, evidence, "transcript")
    job_block = page.locator("[id^=experience-]").first.get_attribute("id")
    attach_and_verify(page, job_block, evidence, "employer_reference")

    page.goto(person_url)
    heading = page.locator("#determination-heading").inner_text()
    assert re.search(r"Eligibility as of \d{4}-\d{2}-\d{2}:\s*Eligible", heading)
    assert "Bachelor's pathway met" in page.locator(".determination").inner_text()
    assert page.get_by_role("link", name="scan.pdf").count() == 3
    check_accessibility(page)
    screenshot(page, "person-eligible")
