"""A new mentor completes the short training, downloads their certificate from the training
page, and anyone, signed out, checks its serial on the public page; HR revokes it, and the
public page says so.

The mentor is this test's own (an administrator creates the account, HR the staff record), so
the test does not depend on the shared mentor account or on the order tests run in.
"""

import re
import uuid

import pytest
from pypdf import PdfReader

from lms import clock
from tests.conftest import PASSWORD
from tests.e2e.conftest import check_accessibility, screenshot
from tests.e2e.test_sign_in_journeys import sign_in
from tests.e2e.test_training_journey import RIGHT, answer, read_to_the_end

pytestmark = pytest.mark.e2e

SERIAL = re.compile(r"TM-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def signed_in(page, base_url: str, email: str) -> None:
    """Sign in and wait for the home page, so the next navigation cannot cut the sign-in off."""
    sign_in(page, base_url, email)
    page.wait_for_url(lambda url: "/login" not in url)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))


def create_mentor(page, base_url: str, name: str, email: str) -> None:
    """An administrator opens the account; HR records the hire and links the account."""
    signed_in(page, base_url, "admin@example.org")
    page.goto(f"{base_url}/admin/users/new")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Mentor", exact=True).check()
    page.get_by_label("Initial password").fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_text(f"Account created for {email}.").wait_for()
    sign_out(page)

    signed_in(page, base_url, "hr@example.org")
    page.goto(f"{base_url}/staff/new")
    page.get_by_label("Legal name").fill(name)
    page.get_by_label("Date of birth").fill("1997-08-14")
    page.get_by_label("Position").select_option("therapeutic_mentor")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Hire date").fill(clock.today().isoformat())
    page.get_by_label("Sign-in account").fill(email)
    page.get_by_role("button", name="Add person").click()
    page.get_by_text(f"{name} added.").wait_for()
    sign_out(page)


def take_module(page, title: str, name: str) -> None:
    page.get_by_role("link", name=title).click()
    read_to_the_end(page)
    page.get_by_role("button", name="Start the knowledge check").click()
    answer(page, RIGHT)
    page.get_by_role("link", name=f"Back to {title}").click()
    page.get_by_label("Type your full name to sign").fill(name)
    page.get_by_role("button", name="Sign and complete").click()


def test_mentor_downloads_a_certificate_and_anyone_can_check_it(page, live_server, tmp_path):
    suffix = uuid.uuid4().hex[:6]
    name, email = "Jordan Okafor", f"jordan.okafor.{suffix}@example.org"
    create_mentor(page, live_server, name, email)

    sign_in(page, live_server, email)
    page.wait_for_url(f"{live_server}/training/")
    take_module(page, "The alpha module", name)
    page.get_by_text("Module complete.", exact=True).wait_for()
    take_module(page, "The beta module", name)
    page.get_by_text("Module complete, and with it your training cycle. Well done.").wait_for()

    certificates = page.locator("section[aria-labelledby=certificates-heading]")
    assert "Valid" in certificates.inner_text()
    listed = SERIAL.search(certificates.inner_text()).group(0)
    check_accessibility(page)
    screenshot(page, "certificate-listed")
    with page.expect_download() as download_info:
        certificates.get_by_role("link", name=f"Download PDF of certificate {listed}").click()
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)
    text = PdfReader(pdf_path).pages[0].extract_text()
    assert name in text
    assert "Certificate of completion" in text
    serial = SERIAL.search(text).group(0)
    assert serial == listed
    sign_out(page)

    # Signed out: anyone with the serial, typed loosely, finds the certificate valid.
    page.goto(f"{live_server}/verify")
    check_accessibility(page)
    page.get_by_label("Serial number").fill(serial.lower().replace("-", " "))
    page.get_by_role("button", name="Check").click()
    page.wait_for_url(f"{live_server}/verify/{serial}")
    assert page.locator("#certificate-status").inner_text() == "Valid"
    assert name in page.locator("main").inner_text()
    check_accessibility(page)
    screenshot(page, "certificate-verified")

    # HR revokes it with a reason; the public page says so at once.
    signed_in(page, live_server, "hr@example.org")
    page.goto(f"{live_server}/training/team")
    page.get_by_role("link", name=name).first.click()
    page.get_by_text("Revoke…").click()
    page.get_by_label(f"Reason for revoking {serial}").fill("Issued in error during a test.")
    check_accessibility(page)
    screenshot(page, "certificate-revoke-form")
    page.get_by_role("button", name="Revoke certificate").click()
    page.get_by_text(f"Certificate {serial} is revoked from today").wait_for()
    check_accessibility(page)
    screenshot(page, "certificate-revoked-by-hr")
    sign_out(page)
    page.goto(f"{live_server}/verify/{serial}")
    assert page.locator("#certificate-status").inner_text() == "Revoked"
    check_accessibility(page)
    screenshot(page, "certificate-verified-revoked")

    page.goto(f"{live_server}/verify")
    page.get_by_label("Serial number").fill("TM-2000-0000-0000")
    page.get_by_role("button", name="Check").click()
    assert page.get_by_role("heading", level=1).inner_text() == "No such certificate"
    check_accessibility(page)
