"""Every page a mentor can reach fits a 390 px phone: nothing wider than the screen and no table
scrolled sideways; signing a module off lands on its form and keeps a refused name beside it.

Two servers: the suite's own (a short two-module edition, which a new mentor completes here so
that certificates and completed training are listed), and the demo organisation with the real
course, whose every lesson page a demo mentor can open is checked too. Screenshots of each page
go to test-artifacts/screenshots/phone-*.png.
"""

from __future__ import annotations

import re
import threading
import uuid
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from lms import create_app
from lms.actor import Actor
from lms.migrate import upgrade
from tests.conftest import TEST_ARGON2
from tests.e2e.conftest import ARTIFACTS, screenshot
from tests.e2e.test_certificate_journey import create_mentor
from tests.e2e.test_sign_in_journeys import sign_in
from tests.e2e.test_training_journey import RIGHT, answer, read_to_the_end
from tests.support.databases import configured_url, scratch_database

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 390
PHONE = {"width": PHONE_WIDTH, "height": 844}
#: Links that are not pages: files, and signing out.
NOT_PAGES = re.compile(r"(\.pdf|\.csv|\.zip|/download|/transcript|/logout|/static/)")
#: Whatever overflows sideways: the page itself, or a table scrolled inside its wrapper.
OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth,
  scrolled: [...document.querySelectorAll('.table-wrap')]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => (e.querySelector('caption') || e).textContent.trim().slice(0, 60)),
})"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def assert_fits(page) -> None:
    found = page.evaluate(OVERFLOW)
    assert found == {"page": PHONE_WIDTH, "scrolled": []}, page.url


def in_view(locator) -> bool:
    box = locator.bounding_box()
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= PHONE["height"]
        and box["x"] + box["width"] <= PHONE_WIDTH
    )


def shot_name(base_url: str, url: str) -> str:
    parts = urlsplit(url)
    path = parts.path.strip("/").replace("/", "-") or "home"
    return re.sub(r"[^\w-]+", "-", f"{path}-{parts.query}".strip("-"))


def crawl(page, base_url: str, prefix: str, limit: int = 200) -> list[str]:
    """Open every page reachable by links from the current one, checking that each fits;
    the URLs visited, in order."""
    queue, seen = [page.url], []
    while queue and len(seen) < limit:
        url = queue.pop(0).split("#")[0]
        if url in seen or not url.startswith(base_url) or NOT_PAGES.search(url):
            continue
        seen.append(url)
        response = page.goto(url)
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        assert response.status < 400, url
        assert_fits(page)
        screenshot(page, f"phone-{prefix}-{shot_name(base_url, page.url)}")
        queue += page.eval_on_selector_all("main a[href], nav a[href]", "a => a.map(e => e.href)")
    return seen


def test_a_mentor_on_a_phone_signs_off_completes_and_every_page_fits(page, phone, live_server):
    name, email = "Robin Phone", f"robin.phone.{uuid.uuid4().hex[:6]}@example.org"
    create_mentor(page, live_server, name, email)

    sign_in(phone, live_server, email)
    phone.wait_for_url(f"{live_server}/training/")
    assert_fits(phone)

    phone.get_by_role("link", name="The alpha module").click()
    read_to_the_end(phone)
    phone.get_by_role("button", name="Start the knowledge check").click()
    assert_fits(phone)
    answer(phone, RIGHT)
    assert_fits(phone)
    screenshot(phone, "phone-knowledge-check-passed")

    # "Sign off the module" lands on the form, not at the top of the last section.
    phone.get_by_role("link", name="Sign off the module").click()
    phone.wait_for_url(re.compile(r"#sign-off$"))
    field = phone.get_by_label("Type your full name to sign")
    assert in_view(field)

    # A name that does not match: the error beside the field, the typed name kept, in view.
    field.fill("Someone Else")
    phone.get_by_role("button", name="Sign and complete").click()
    phone.wait_for_url(re.compile(r"/attestation#sign-off$"))
    field = phone.get_by_label("Type your full name to sign")
    assert field.input_value() == "Someone Else"
    assert field.get_attribute("aria-invalid") == "true"
    error = phone.locator("#typed_name-error")
    assert error.inner_text().strip()
    assert in_view(error) and in_view(field)
    assert_fits(phone)
    screenshot(phone, "phone-sign-off-refused")

    # From the training page, "Passed — sign to finish" opens the form, not section 1.
    phone.goto(f"{live_server}/training/")
    phone.get_by_role("link", name=re.compile("Passed — sign to finish")).click()
    phone.wait_for_url(re.compile(r"#sign-off$"))
    field = phone.get_by_label("Type your full name to sign")
    assert in_view(field)
    field.fill(name)
    phone.get_by_role("button", name="Sign and complete").click()
    phone.get_by_text("Module complete.", exact=True).wait_for()

    phone.get_by_role("link", name="The beta module").click()
    read_to_the_end(phone)
    phone.get_by_role("button", name="Start the knowledge check").click()
    answer(phone, RIGHT)
    phone.get_by_role("link", name="Sign off the module").click()
    phone.get_by_label("Type your full name to sign").fill(name)
    phone.get_by_role("button", name="Sign and complete").click()
    phone.get_by_text("Module complete, and with it your training cycle. Well done.").wait_for()

    # The certificate is listed as a card: its download link on the screen, not beside it.
    assert_fits(phone)
    download = phone.get_by_role("link", name=re.compile("Download PDF of certificate"))
    download.scroll_into_view_if_needed()
    assert in_view(download)
    screenshot(phone, "phone-training-complete")

    visited = crawl(phone, live_server, "new-mentor")
    paths = {urlsplit(url).path for url in visited}
    assert {"/training/", "/staff/me", "/notifications/", "/account/password"} <= paths
    assert any("/reread" in path for path in paths)
    # (the knowledge check and its result were checked on the way, above)


@pytest.fixture(scope="module")
def demo_server():
    """The demo organisation, as `make run` loads it, with the real course."""
    from lms import clock
    from lms.demo import load_demo
    from lms.organisation.queries import organisation_settings
    from lms.training.operations import settings_from_config

    with scratch_database(configured_url(), "phone") as url:
        app = create_app({"DATABASE_URL": url, **TEST_ARGON2})
        database = app.extensions["lms.db"]
        upgrade(database.engine)
        with app.app_context():
            session = database.session_factory()
            load_demo(
                session,
                Actor.system("e2e-setup"),
                app.extensions["lms.auth"].hasher,
                clock.today(),
                organisation_settings(session, app.config).curriculum_placeholders,
                settings_from_config(app.config),
            )
            session.commit()
            session.close()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            database.engine.dispose()


@pytest.mark.parametrize("account", ["mentor", "mentor2", "mentor3"])
def test_every_page_a_demo_mentor_reaches_fits_a_phone(phone, demo_server, account):
    from lms.demo import DEMO_PASSWORD

    sign_in(phone, demo_server, f"{account}@demo.example", DEMO_PASSWORD)
    phone.wait_for_url(f"{demo_server}/training/")
    visited = crawl(phone, demo_server, account, limit=400)
    assert f"{demo_server}/training/" in visited


#: Pages staff open about a mentor or an account, each checked at 390 px: the admin's users
#: table and each mentor's training table are cards there, not tables scrolled sideways.
STAFF_PAGES = {
    "admin": ["/admin/users", "/admin/users?role=mentor", "/training/item-analysis"],
    "hr": ["/training/team", "/staff/", "/requirements/", "/staff/import/"],
    "supervisor": ["/training/team"],
}


@pytest.mark.parametrize("account", list(STAFF_PAGES))
def test_staff_tables_fit_a_phone(phone, demo_server, account):
    from lms.demo import DEMO_PASSWORD

    sign_in(phone, demo_server, f"{account}@demo.example", DEMO_PASSWORD)
    phone.wait_for_load_state()
    for path in STAFF_PAGES[account]:
        response = phone.goto(f"{demo_server}{path}")
        assert response.status == 200, path
        assert_fits(phone)
        screenshot(phone, f"phone-{account}-{shot_name(demo_server, phone.url)}")
    if account == "admin":
        # The item-analysis tables of every edition: each question a card.
        phone.goto(f"{demo_server}/training/item-analysis")
        editions = phone.eval_on_selector_all(
            "main a[href*='/item-analysis/editions/']:not([href$='.csv'])",
            "links => links.map(a => a.href)",
        )
        assert editions, "the item analysis lists the editions"
        for url in dict.fromkeys(editions):
            phone.goto(url)
            assert phone.locator("main table.card-table").count() > 0, url
            assert_fits(phone)
            # The page is some 90,000 px tall on a phone: a picture of its first table's start.
            phone.locator("main table").first.scroll_into_view_if_needed()
            phone.screenshot(
                path=str(ARTIFACTS / f"phone-{account}-{shot_name(demo_server, url)}.png")
            )
        return
    # Every mentor's training page (each module a card), reached from the team list.
    phone.goto(f"{demo_server}/training/team")
    people = phone.eval_on_selector_all(
        "main a[href*='/training/people/']", "links => links.map(a => a.href)"
    )
    assert people, "the team list links to each mentor's training"
    for url in dict.fromkeys(people):
        phone.goto(url)
        assert_fits(phone)
        screenshot(phone, f"phone-{account}-{shot_name(demo_server, phone.url)}")


def test_the_requirements_grid_is_one_card_per_person_listing_what_is_not_met(
    phone, browser, demo_server
):
    """On a phone the people-by-requirement grid shows each person with only the requirements
    not met; on a wide screen it is the full grid."""
    from lms.demo import DEMO_PASSWORD

    sign_in(phone, demo_server, "hr@demo.example", DEMO_PASSWORD)
    phone.wait_for_load_state()
    phone.goto(f"{demo_server}/requirements/")
    assert_fits(phone)
    rows = phone.locator("table.requirements-matrix tbody tr")
    assert rows.count() > 0
    for index in range(rows.count()):
        row = rows.nth(index)
        shown = row.locator("td:visible")
        labels = [shown.nth(i).get_attribute("data-label") for i in range(shown.count())]
        assert labels[0] == "Cleared to work", labels
        # Only the requirements that are not met (nor not applicable) are listed on the card.
        listed = row.locator("td:visible:not([data-label='Cleared to work'])")
        assert listed.locator(".status--req-met").count() == 0, labels
        assert (
            listed.count()
            == row.locator(
                "td:not([data-label='Cleared to work']) .status:not(.status--req-met)"
            ).count()
        ), labels
    screenshot(phone, "phone-hr-requirements-cards")
    wide = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = wide.new_page()
    sign_in(desk, demo_server, "hr@demo.example", DEMO_PASSWORD)
    desk.wait_for_load_state()
    desk.goto(f"{demo_server}/requirements/")
    header = desk.locator("table.requirements-matrix thead th")
    assert header.first.is_visible() and header.count() > 3
    screenshot(desk, "desktop-hr-requirements-grid")
    wide.close()
