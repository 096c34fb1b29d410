"""An administrator corrects the organisation's details in a real browser."""

import pytest

from tests.e2e.conftest import check_accessibility, screenshot
from tests.e2e.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.e2e


def test_admin_updates_the_organisation_settings(page, live_server):
    sign_in(page, live_server, "admin@example.org")
    page.get_by_role("link", name="Organisation settings").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Organisation settings"
    check_accessibility(page)

    name = page.get_by_label("Organisation name")
    kept = name.input_value()
    name.fill("")
    page.get_by_role("button", name="Save settings").click()
    assert "Enter the organisation's name." in page.get_by_role("alert").inner_text()
    check_accessibility(page)
    screenshot(page, "organisation-settings-errors")

    # The same name as before: other journeys share this server and its header.
    name.fill(kept)
    page.get_by_label("On-call phone").fill("617-555-0100 (answered 24 hours)")
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_text("Organisation settings saved.").is_visible()
    assert page.get_by_label("On-call phone").input_value() == "617-555-0100 (answered 24 hours)"
    check_accessibility(page)
    screenshot(page, "organisation-settings")
