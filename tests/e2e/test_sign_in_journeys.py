"""Each role signs in through a real browser, lands on its home page, and signs out."""

import re

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import check_accessibility, screenshot

pytestmark = pytest.mark.e2e

HOMES = {
    "admin": ("/admin", "Administration"),
    "hr": ("/hr", "HR"),
    "supervisor": ("/training/team", "My team"),
    "mentor": ("/training/", "My training"),
    "auditor": ("/auditor", "Audit"),
}


def sign_in(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("role", list(HOMES))
def test_role_signs_in_lands_home_and_signs_out(page, live_server, role):
    path, heading = HOMES[role]
    page.goto(f"{live_server}/login")
    check_accessibility(page)

    sign_in(page, live_server, f"{role}@example.org")
    page.wait_for_url(f"{live_server}{path}")
    assert page.get_by_role("heading", level=1).inner_text() == heading
    check_accessibility(page)
    screenshot(page, f"home-{role}")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/login$"))
    assert page.get_by_text("You have signed out.").is_visible()
    page.goto(f"{live_server}{path}")
    assert "/login" in page.url  # the old session is gone


def test_wrong_password_shows_an_error_and_gives_no_session(page, live_server):
    sign_in(page, live_server, "mentor@example.org", "not the right password")
    alert = page.get_by_role("alert")
    assert "Email or password is incorrect." in alert.inner_text()
    check_accessibility(page)
    screenshot(page, "login-wrong-password")
    page.goto(f"{live_server}/mentor")
    assert "/login" in page.url


def test_admin_creates_a_user_through_the_form(page, live_server):
    sign_in(page, live_server, "admin@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    check_accessibility(page)
    page.get_by_role("link", name="Add a user").click()
    check_accessibility(page)
    page.get_by_label("Email").fill("new.mentor@example.org")
    page.get_by_label("Full name").fill("Noor Mentor")
    page.get_by_label("Mentor").check()
    page.get_by_label("Initial password").fill("lilac tugboat orchard")
    page.get_by_label("Repeat the password").fill("lilac tugboat orchard")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_text("Account created for new.mentor@example.org.").is_visible()
    check_accessibility(page)
    screenshot(page, "admin-user-detail")


def test_form_errors_are_announced_and_linked(page, live_server):
    sign_in(page, live_server, "admin@example.org")
    page.goto(f"{live_server}/admin/users/new")
    page.get_by_role("button", name="Create account").click()
    summary = page.get_by_role("alert")
    assert "Enter an email address." in summary.inner_text()
    check_accessibility(page)
    screenshot(page, "admin-new-user-errors")


def test_mentor_on_a_phone(phone_page, live_server):
    sign_in(phone_page, live_server, "mentor@example.org")
    phone_page.wait_for_url(f"{live_server}/training/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the page scrolls sideways on a phone"
    check_accessibility(phone_page)
    screenshot(phone_page, "phone-mentor-home")
