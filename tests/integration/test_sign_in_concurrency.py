"""Sign-in throttling holds under concurrency (issue 13): many wrong passwords sent at the same
moment from one address get at most the address's limit of password checks; the rest are
throttled. Each thread has its own connection and transaction, as app servers would."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.auth.models import LoginAttempt, LoginOutcome
from lms.auth.operations import AuthSettings, sign_in
from lms.auth.rules import ThrottlePolicy
from lms.db import make_engine
from lms.migrate import upgrade
from tests.support.databases import configured_url, scratch_database

LIMIT = 5
THREADS = 16
ADDRESS = "203.0.113.9"
POLICY = ThrottlePolicy(LIMIT, dt.timedelta(minutes=15), dt.timedelta(minutes=15))
# Cheap hashing: the test is about counting, not about the hash (below the app's minimum).
SETTINGS = AuthSettings(
    PasswordHasher(time_cost=1, memory_cost=8, parallelism=1), POLICY, POLICY, "UTC"
)


@pytest.fixture
def engine():
    with scratch_database(configured_url(), "signin") as url:
        engine = make_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


def test_concurrent_failures_from_one_address_stop_at_the_limit(engine):
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def attempt(number: int) -> None:
        try:
            with Session(engine) as session:
                barrier.wait(timeout=20)
                sign_in(session, SETTINGS, f"guess{number}@example.org", "wrong", ADDRESS)
                session.commit()
        except BaseException as error:  # reported below, with the thread's own traceback
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with Session(engine) as session:
        outcomes = dict(
            session.execute(
                select(LoginAttempt.outcome, func.count()).group_by(LoginAttempt.outcome)
            ).all()
        )
    assert outcomes == {LoginOutcome.FAILED: LIMIT, LoginOutcome.THROTTLED: THREADS - LIMIT}
