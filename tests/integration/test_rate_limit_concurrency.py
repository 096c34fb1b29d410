"""The certificate-verify limit holds when many checks from one address arrive at once.

Twelve threads, each with its own connection and transaction, as several app servers would be,
count a miss at the same moment against a limit of 5: exactly 5 are within it, and the audit log
gets one row (the address refused), not twelve. PostgreSQL only, in a scratch database.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.certificates.operations import record_failed_verification, verify_limit
from lms.db import make_engine
from lms.migrate import upgrade
from lms.ratelimits.models import RateLimitCounter
from tests.support.databases import configured_url, scratch_database

TIMEOUT = 20
NOW = dt.datetime(2030, 2, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def engine():
    url = configured_url()
    if url is None or url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL (set LMS_TEST_DATABASE_URL): SQLite allows one writer")
    with scratch_database(url, "rate_limits") as scratch_url:
        engine = make_engine(scratch_url)
        upgrade(engine)
        yield engine
        engine.dispose()


def test_simultaneous_misses_from_one_address_never_exceed_the_limit(engine):
    limit = verify_limit(5, 10)
    actor = Actor.anonymous("203.0.113.9")
    barrier = threading.Barrier(12)
    answers: list[int | None] = []
    errors: list[BaseException] = []

    def thread_body():
        try:
            with Session(engine) as session:
                barrier.wait(TIMEOUT)
                answers.append(record_failed_verification(session, actor, limit, NOW))
                session.commit()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=thread_body) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == []
    assert answers.count(None) == 5  # within the limit: these get 404
    assert sorted(a for a in answers if a is not None) == [600] * 7  # refused: 429, 10 minutes
    with Session(engine) as session:
        assert session.execute(select(RateLimitCounter.count)).scalar_one() == 12
        throttled = session.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "certificate.verify_throttled")
        ).scalar_one()
        assert throttled == 1
