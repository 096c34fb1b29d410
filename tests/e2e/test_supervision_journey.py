"""Supervision in a real browser: HR adds a clinician and records their licence, the supervisor
records the team's week on a phone and signs it, the mentor acknowledges, and HR sees a missed
week. axe-core scans every page on the way."""

import datetime as dt
import re

import pytest

from lms import clock
from tests.e2e.conftest import check_accessibility, screenshot
from tests.e2e.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.e2e


def add_person(page, base_url, name, born, position, hired, account="", supervisor=None) -> int:
    page.goto(f"{base_url}/staff/new")
    page.get_by_label("Legal name").fill(name)
    page.get_by_label("Date of birth").fill(born)
    page.get_by_label("Position").select_option(label=position)
    page.get_by_label("Status").select_option(label="Active")
    page.get_by_label("Hire date").fill(hired)
    if supervisor:
        page.get_by_label("Supervisor").select_option(label=supervisor)
    if account:
        page.get_by_label("Sign-in account").fill(account)
    page.get_by_role("button", name="Add person").click()
    page.wait_for_url(re.compile(r".*/staff/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def test_a_week_of_supervision_from_record_to_missed(page, phone_page, live_server):
    today = clock.today()
    sign_in(page, live_server, "hr@example.org")
    page.wait_for_url(f"{live_server}/hr")
    clinician = add_person(
        page,
        live_server,
        "Dana Clinician",
        "1980-01-01",
        "Licensed clinician / supervisor",
        "2020-01-06",
        account="supervisor@example.org",
    )
    add_person(
        page,
        live_server,
        "Drew Mentee",
        "1995-01-01",
        "Therapeutic mentor",
        (today - dt.timedelta(days=30)).isoformat(),
        supervisor="Dana Clinician",
    )
    # Pat Mentor (the mentor account) joins Dana's team.
    page.goto(f"{live_server}/staff/")
    page.get_by_role("link", name="Pat Mentor").click()
    page.get_by_role("link", name="Edit record").click()
    page.get_by_label("Supervisor").select_option(label="Dana Clinician")
    page.get_by_role("button", name="Save changes").click()

    page.goto(f"{live_server}/clinicians/{clinician}")
    page.get_by_label("Licence type").select_option("LICSW")
    page.get_by_label("Licence number").fill("LICSW-4411")
    page.get_by_label("Issuing state").fill("MA")
    page.get_by_label("Licensing board").fill("Board of Registration of Social Workers")
    page.get_by_label("Issued on").fill("2020-01-01")
    page.get_by_label("Expires on").fill("2030-01-01")
    page.get_by_role("button", name="Record licence").click()
    assert page.get_by_text("Licence recorded.").is_visible()
    assert "Not verified" in page.get_by_role("row").filter(has_text="LICSW-4411").inner_text()
    check_accessibility(page)
    screenshot(page, "clinician-licences")

    # The supervisor, on a phone, records Pat's session and signs the week.
    sign_in(phone_page, live_server, "supervisor@example.org")
    phone_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Supervision"
    ).click()
    check_accessibility(phone_page)
    phone_page.get_by_role("link", name="Record the team's week").click()
    pat = phone_page.get_by_role("group", name="Pat Mentor")
    pat.get_by_label("Held").check()
    pat.get_by_label("Minutes").fill("45")
    phone_page.get_by_label("Case review").check()
    phone_page.get_by_label("Sign: type your full name").fill("Dana Clinician")
    check_accessibility(phone_page)
    screenshot(phone_page, "supervision-record-week-phone")
    phone_page.get_by_role("button", name="Save the week").click()
    assert phone_page.get_by_text("1 session recorded.").is_visible()
    cards = phone_page.get_by_role("listitem").filter(has=phone_page.get_by_role("heading"))
    assert "Met" in cards.filter(has_text="Pat Mentor").first.inner_text()
    assert "Pending" in cards.filter(has_text="Drew Mentee").first.inner_text()
    check_accessibility(phone_page)
    screenshot(phone_page, "supervision-week-phone")

    # The mentor acknowledges it.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "mentor@example.org")
    page.get_by_role("link", name="My supervision").click()
    assert "Signed by Dana Clinician" in page.get_by_role("table").nth(1).inner_text()
    check_accessibility(page)
    page.get_by_role("button", name=re.compile("^Acknowledge")).click()
    assert page.get_by_text("Acknowledged.").is_visible()

    # HR sees Drew's missed weeks.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "hr@example.org")
    page.goto(f"{live_server}/supervision/missed")
    assert page.get_by_role("heading", level=1).inner_text() == "Missed supervision weeks"
    assert page.get_by_role("row").filter(has_text="Drew Mentee").count() >= 3
    assert page.get_by_role("row").filter(has_text="Pat Mentor").count() == 0
    check_accessibility(page)
    screenshot(page, "supervision-missed")
