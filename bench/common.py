"""What the benches share: a throw-away database of either kind, an app on it, a signed-in
client, and medians.

A bench database is SQLite in a temporary folder, or a scratch PostgreSQL database created beside
the test suite's (``LMS_TEST_DATABASE_URL``, or the local server) and dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator

os.environ.setdefault("LMS_ENV", "testing")
os.environ.setdefault("LMS_SECRET_KEY", "bench-only")
os.environ.setdefault("LMS_INSTANCE_PATH", tempfile.mkdtemp(prefix="lms-bench-"))

from flask import Flask

from lms import create_app
from lms.actor import Actor
from lms.auth.operations import create_user
from lms.migrate import upgrade
from tests.support.databases import DEFAULT_POSTGRES_URL, scratch_database

PASSWORD = "quiet lantern meadow river"  # noqa: S105 - a throw-away bench account
#: The cheapest password hashing the app accepts: benches sign in, they do not time sign-in.
FAST_HASHING = {"ARGON2_MEMORY_KIB": 19456, "ARGON2_TIME_COST": 2, "ARGON2_PARALLELISM": 1}
KINDS = ("sqlite", "postgresql")


@contextlib.contextmanager
def bench_database(kind: str) -> Iterator[str]:
    """A new, empty, migrated database of ``kind`` ('sqlite' or 'postgresql'), removed after."""
    base = None
    if kind == "postgresql":
        configured = os.environ.get("LMS_TEST_DATABASE_URL", "").strip()
        base = configured if configured not in ("", "sqlite") else DEFAULT_POSTGRES_URL
    with scratch_database(base, "bench") as url:
        yield url


def bench_app(url: str) -> Flask:
    app = create_app({"DATABASE_URL": url, **FAST_HASHING})
    upgrade(app.extensions["lms.db"].engine)
    return app


def settle(app: Flask) -> None:
    """On PostgreSQL, what autovacuum would do after a bench's bulk load: plans need
    statistics, index-only scans a visibility map, and rows updated through the load (the
    counters' month and year sums) would otherwise be read through their dead versions."""
    engine = app.extensions["lms.db"].engine
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def add_account(app: Flask, email: str, roles: list[str]) -> None:
    with app.app_context():
        session = app.extensions["lms.db"].session_factory()
        create_user(
            session,
            Actor.system("bench"),
            app.extensions["lms.auth"].hasher,
            email=email,
            full_name="Bench " + roles[0].title(),
            password=PASSWORD,
            roles=roles,
        )
        session.commit()
        session.close()


def signed_in(app: Flask, email: str, password: str = PASSWORD):
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = login.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, f"sign-in as {email} failed"
    return client


def median_ms(
    action: Callable[[], object], repeat: int, warm_up: int = 1, clock=time.perf_counter
) -> float:
    """The median time of ``action`` over ``repeat`` runs, in milliseconds: wall time, or with
    ``clock=time.process_time`` this process's CPU time (steadier on a busy machine)."""
    for _ in range(warm_up):
        action()
    timings = []
    for _ in range(repeat):
        started = clock()
        action()
        timings.append(clock() - started)
    return statistics.median(timings) * 1000
