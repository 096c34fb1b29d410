"""A mentor takes a short module in a real browser: fails the knowledge check, passes it on
the second attempt, signs the attestation; finishing both modules completes the cycle."""

import re

import pytest

from tests.e2e.conftest import check_accessibility, screenshot
from tests.e2e.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.e2e

# The loader tests' demo modules ask three questions; these are their right answers.
RIGHT = {"Which one?": ["This one"], "Which ones?": ["First", "Second"], "Is it so?": ["True"]}
WRONG = {"Which one?": ["That one"], "Which ones?": ["Third"], "Is it so?": ["False"]}


def answer(page, answers) -> None:
    for prompt, labels in answers.items():
        group = page.get_by_role("group", name=re.compile(re.escape(prompt)))
        for label in labels:
            group.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Submit answers").click()


def read_to_the_end(page) -> None:
    while page.get_by_role("link", name="Next").count():
        page.get_by_role("link", name="Next").click()


def take_module(page, title: str, fail_first: bool) -> None:
    page.get_by_role("link", name=title).click()
    check_accessibility(page)
    read_to_the_end(page)
    page.get_by_role("button", name="Start the knowledge check").click()
    check_accessibility(page)
    if fail_first:
        # Submitting with questions left blank uses no attempt and keeps what was chosen.
        answer(page, {"Which one?": ["That one"]})
        summary = page.locator(".error-summary").inner_text()
        assert "Answer every question before submitting" in summary
        assert "are not answered" in summary
        group = page.get_by_role("group", name=re.compile("Which one"))
        assert group.get_by_label("That one", exact=True).is_checked()
        assert "Attempt 1:" in page.locator("main").inner_text()
        check_accessibility(page)
        screenshot(page, "knowledge-check-unanswered")
        answer(page, WRONG)
        assert "Not passed" in page.locator("#result-heading").inner_text()
        check_accessibility(page)
        screenshot(page, "knowledge-check-failed")
        page.get_by_role("link", name=f"Back to {title}").click()
        page.get_by_role("button", name="Try the knowledge check again").click()
    answer(page, RIGHT)
    assert "Passed" in page.locator("#result-heading").inner_text()
    page.get_by_role("link", name=f"Back to {title}").click()
    page.get_by_label("Type your full name to sign").fill("Pat Mentor")
    check_accessibility(page)
    page.get_by_role("button", name="Sign and complete").click()


def test_mentor_completes_the_training(page, live_server):
    sign_in(page, live_server, "mentor@example.org")
    page.wait_for_url(f"{live_server}/training/")
    assert "Not started" in page.locator("#status-heading").inner_text()
    check_accessibility(page)
    take_module(page, "The alpha module", fail_first=True)
    page.get_by_text("Module complete.", exact=True).wait_for()
    take_module(page, "The beta module", fail_first=False)
    page.get_by_text("Module complete, and with it your training cycle. Well done.").wait_for()
    assert "Compliant" in page.locator("#status-heading").inner_text()
    history = page.locator("section[aria-labelledby=history-heading] table").inner_text()
    assert "Demo training 2030" in history
    check_accessibility(page)
    screenshot(page, "training-complete")
