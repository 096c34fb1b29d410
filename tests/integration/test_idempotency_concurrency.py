"""Two simultaneous create requests with one Idempotency-Key create once, and answer alike.

Each request runs in its own thread through the whole app (its own connection and committed
transaction), as two app servers would. PostgreSQL only, in a scratch database of its own.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import clock, create_app
from lms.actor import Actor
from lms.api import idempotency
from lms.api.operations import create_token
from lms.auth.models import Role
from lms.db import make_engine
from lms.migrate import upgrade
from lms.staff.models import Person
from tests.conftest import TEST_ARGON2
from tests.support.databases import configured_url, scratch_database
from tests.web.test_api import PERSON

TIMEOUT = 20


@pytest.fixture(scope="module")
def database_url():
    url = configured_url()
    if url is None or url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL (set LMS_TEST_DATABASE_URL): SQLite allows one writer")
    with scratch_database(url, "idempotency") as scratch_url:
        engine = make_engine(scratch_url)
        upgrade(engine)
        engine.dispose()
        yield scratch_url


def test_two_simultaneous_requests_with_one_key_create_one_person(database_url, monkeypatch):
    app = create_app({"DATABASE_URL": database_url, **TEST_ARGON2})
    engine = app.extensions["lms.db"].engine
    with Session(engine) as session:
        token, secret = create_token(session, Actor(None, "test"), "Feed", Role.HR)
        # Used just now: neither request stamps (and so locks) the token row on its way in.
        token.last_used_at = clock.now()
        session.commit()
    # Both requests look for the key before either has stored it: both will try to claim it.
    barrier = threading.Barrier(2)
    looked = threading.local()
    original = idempotency._stored

    def both_find_nothing(session, token_id, key, now):
        found = original(session, token_id, key, now)
        if not getattr(looked, "met", False):
            looked.met = True
            barrier.wait(TIMEOUT)
        return found

    monkeypatch.setattr(idempotency, "_stored", both_find_nothing)
    answers: list[tuple[int, dict]] = []
    errors: list[BaseException] = []

    def thread_body():
        try:
            response = app.test_client().post(
                "/api/v1/staff",
                json=PERSON,
                headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "same-key"},
            )
            answers.append((response.status_code, response.get_json()))
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=thread_body) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == []
    assert [status for status, _ in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Person)).scalar_one() == 1
    engine.dispose()
