"""A live server on 127.0.0.1 and Debian's Chromium driven by Playwright.

The server runs on its own scratch database (of the run's kind) seeded with one account per
role. axe-core comes from tests/e2e/node_modules, installed by ``make test``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from lms import clock, create_app
from lms.actor import Actor
from lms.auth.models import Role
from lms.auth.operations import create_user
from lms.migrate import upgrade
from lms.requirements.operations import ensure_catalogue
from tests.conftest import PASSWORD, TEST_ARGON2
from tests.support.databases import configured_url, scratch_database
from tests.support.factories import person_details

CHROMIUM = os.environ.get("LMS_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

#: Flags that keep a headless Chromium quiet on a machine without outside network access.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _missing(what: str, how: str):
    message = f"{what} is missing: {how}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with scratch_database(configured_url(), "e2e") as url:
        app = create_app({"DATABASE_URL": url, "CURRICULUM_KEY": "demo", **TEST_ARGON2})
        database = app.extensions["lms.db"]
        upgrade(database.engine)
        with app.app_context():
            session = database.session_factory()
            hasher = app.extensions["lms.auth"].hasher
            for role in Role:
                create_user(
                    session,
                    Actor.system("e2e-setup"),
                    hasher,
                    email=f"{role.value}@example.org",
                    full_name=f"Pat {role.label}",
                    password=PASSWORD,
                    roles=[role],
                    access_ends_on=dt.date(2099, 1, 1) if role is Role.AUDITOR else None,
                )
            _seed_training(session, tmp_path_factory.mktemp("curriculum"))
            # What `lms db upgrade` does after migrating: the shipped requirements catalogue.
            ensure_catalogue(session, Actor.system("e2e-setup"), clock.today())
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


def _seed_training(session, folder) -> None:
    """A short two-module edition (the loader tests' own) and a mentor hired today to take it."""
    from lms.curriculum.loader import load_edition
    from lms.curriculum.operations import plan_publication, publish_edition
    from lms.staff.models import Position, StaffStatus
    from lms.staff.operations import create_person
    from tests.support.editions import Folder

    actor = Actor.system("e2e-setup")
    edition, problems = load_edition(Folder(folder / "demo" / "2030").path)
    assert not problems
    edition = dataclasses.replace(edition, effective_on=dt.date(2020, 1, 1))
    publish_edition(session, actor, plan_publication(session, edition, {}))
    today = clock.today()
    create_person(
        session,
        actor,
        person_details(
            "Pat Mentor",
            date_of_birth=dt.date(1998, 1, 1),
            position=Position.THERAPEUTIC_MENTOR,
            status=StaffStatus.ACTIVE,
            hire_on=today,
            user_email="mentor@example.org",
        ),
        today,
    )


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing("Chromium", "run `make test` as root to install Debian's chromium, or apt-get it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A narrow, touch viewport like the phones mentors use between sessions."""
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


def check_accessibility(page) -> None:
    """Run axe-core on the current page; fail on any serious or critical violation."""
    if not AXE_SCRIPT.exists():
        _missing("axe-core", "run `make test` (it installs tests/e2e's npm packages)")
    page.evaluate(AXE_SCRIPT.read_text())
    results = page.evaluate("async () => await axe.run(document)")
    serious = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [node["target"] for node in v["nodes"]][:5],
        }
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{page.url}: {json.dumps(serious, indent=2)}"


def screenshot(page, name: str) -> None:
    """Keep a picture of what users see, for a person to look at (test-artifacts/)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
