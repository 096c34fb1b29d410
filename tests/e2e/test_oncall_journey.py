"""HR puts a senior clinician on call; a mentor opens "Who is on call now" on a phone."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import check_accessibility, screenshot
from tests.e2e.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.e2e


def test_hr_rosters_a_clinician_and_a_mentor_finds_whom_to_call(page, phone_page, live_server):
    sign_in(page, live_server, "hr@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Legal name").fill("Noor Haddad")
    page.get_by_label("Date of birth").fill("1978-06-01")
    page.get_by_label("Position").select_option("senior_clinician")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Hire date").fill("2020-01-06")
    page.get_by_role("button", name="Add person").click()
    page.get_by_text("Noor Haddad added.").wait_for()
    # The licence is a record of its own, added from the clinician page the staff page links to.
    page.get_by_role("link", name="Add, renew or verify licences and specialised training").click()
    page.get_by_label("Licence type").select_option("LICSW")
    page.get_by_label("Licence number").fill("112233")
    page.get_by_label("Issuing state").fill("MA")
    page.get_by_label("Licensing board").fill("Board of Registration of Social Workers")
    page.get_by_label("Issued on").fill("2020-01-01")
    page.get_by_label("Expires on").fill("2099-01-01")
    page.get_by_role("button", name="Record licence").click()
    page.get_by_text("Licence recorded.").wait_for()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="On call").click()
    page.get_by_role("link", name="Open the on-call roster").click()
    assert page.get_by_role("heading", level=1).inner_text() == "On-call roster"
    check_accessibility(page)

    # A block from an hour ago to twelve hours from now, in the provider's local time.
    now = dt.datetime.now(ZoneInfo("America/New_York")).replace(second=0, microsecond=0)
    starts, ends = now - dt.timedelta(hours=1), now + dt.timedelta(hours=12)
    page.get_by_role("button", name="Add block").click()  # nothing filled in: refused
    page.get_by_role("alert").filter(has_text="There is a problem").wait_for()
    check_accessibility(page)
    page.get_by_label("Senior clinician").select_option(label="Noor Haddad")
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill(ends.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Number to call").fill("617-555-0142")
    page.get_by_role("button", name="Add block").click()
    page.get_by_text("Noor Haddad is on call from").wait_for()
    check_accessibility(page)
    screenshot(page, "oncall-roster")

    sign_in(phone_page, live_server, "mentor@example.org")
    phone_page.get_by_role("navigation", name="Main").get_by_role("link", name="On call").click()
    assert phone_page.get_by_role("heading", level=1).inner_text() == "Who is on call now"
    call = phone_page.get_by_role("link", name="Call 617-555-0142")
    assert call.get_attribute("href") == "tel:6175550142"
    assert phone_page.get_by_role("heading", name="Noor Haddad").is_visible()
    check_accessibility(phone_page)
    screenshot(phone_page, "oncall-now")
