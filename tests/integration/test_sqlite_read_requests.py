"""On SQLite, read-only requests begin DEFERRED: page views never queue for the write lock, and a
page view that writes (an audit row) still commits, rerun once if its snapshot went stale.

These run on a scratch SQLite file whatever the run's database (the locking is SQLite's own),
through a real app whose requests each open their own session, with two test-only pages.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from flask import request
from sqlalchemy import func, select

from lms import create_app
from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.auditlog.operations import record
from lms.auth.permissions import public
from lms.migrate import upgrade
from lms.web import db_session

WAIT = 5.0  # seconds: far longer than any step here takes unless it is blocked


def _app(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'requests.sqlite3'}"})
    engine = app.extensions["lms.db"].engine
    upgrade(engine)
    return app, engine


def _audit_rows(app, action: str) -> int:
    with app.extensions["lms.db"].session_factory() as session:
        return session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        ).scalar_one()


def test_a_page_view_holding_its_read_open_does_not_block_another(tmp_path):
    app, engine = _app(tmp_path)
    reading, release = threading.Event(), threading.Event()

    @public
    def held_read():
        db_session().execute(select(AuditEvent.id)).all()  # the transaction has begun
        if request.args.get("hold"):
            reading.set()
            release.wait(WAIT)
        return "read"

    app.add_url_rule("/test/read", "held_read", held_read)
    statuses: list[int] = []
    first = threading.Thread(
        target=lambda: statuses.append(app.test_client().get("/test/read?hold=1").status_code)
    )
    first.start()
    try:
        assert reading.wait(WAIT)
        started = time.monotonic()
        second = app.test_client().get("/test/read")
        elapsed = time.monotonic() - started
        # Under BEGIN IMMEDIATE the second page view queued behind the first (busy_timeout 5 s).
        assert second.status_code == 200
        assert elapsed < 1.0
        # A writer (a sign-in, a form) is not blocked by the open read either.
        with app.extensions["lms.db"].session_factory() as writer:
            started = time.monotonic()
            record(writer, Actor.system("writer"), "test.write")
            writer.commit()
            assert time.monotonic() - started < 1.0
    finally:
        release.set()
        first.join(WAIT)
    assert statuses == [200]
    engine.dispose()


def test_a_page_view_that_writes_commits_even_when_its_snapshot_went_stale(tmp_path):
    app, engine = _app(tmp_path)
    runs: list[str] = []

    @public
    def viewed():
        database = db_session()
        database.execute(select(AuditEvent.id)).all()  # a snapshot is taken here
        runs.append("run")
        if len(runs) == 1:
            # Another connection commits after the snapshot: this transaction may no longer
            # write, and SQLite refuses at once rather than waiting.
            with app.extensions["lms.db"].session_factory() as other:
                record(other, Actor.system("other"), "test.other")
                other.commit()
        record(database, Actor.system("viewer"), "test.viewed")  # like an auditor's page view
        return "viewed"

    app.add_url_rule("/test/viewed", "viewed", viewed)
    response = app.test_client().get("/test/viewed")

    assert response.status_code == 200
    assert response.get_data(as_text=True) == "viewed"
    assert runs == ["run", "run"]  # the stale first run was discarded and the request rerun
    assert _audit_rows(app, "test.viewed") == 1
    assert _audit_rows(app, "test.other") == 1
    engine.dispose()


def test_a_page_view_that_writes_without_contention_runs_once(tmp_path):
    app, engine = _app(tmp_path)
    runs: list[str] = []

    @public
    def viewed():
        runs.append("run")
        record(db_session(), Actor.system("viewer"), "test.viewed")
        return "viewed"

    app.add_url_rule("/test/viewed", "viewed", viewed)
    assert app.test_client().get("/test/viewed").status_code == 200
    assert runs == ["run"]
    assert _audit_rows(app, "test.viewed") == 1
    engine.dispose()


def test_a_streamed_csv_download_does_not_hold_the_write_lock(tmp_path):
    """The compliance CSV is read while it is sent, after the request's transaction ended: that
    read begins DEFERRED and ends with the download, so a sign-in meanwhile (or after) is not
    refused with "database is locked"."""
    from lms.auth.models import Role
    from lms.auth.operations import create_user
    from tests.conftest import PASSWORD, TEST_ARGON2, csrf_token
    from tests.support.factories import insert_people

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'requests.sqlite3'}", **TEST_ARGON2})
    engine = app.extensions["lms.db"].engine
    upgrade(engine)
    with app.app_context(), app.extensions["lms.db"].session_factory() as session:
        create_user(
            session,
            Actor.system("test"),
            app.extensions["lms.auth"].hasher,
            email="hr@example.org",
            full_name="Pat HR",
            password=PASSWORD,
            roles=[Role.HR],
        )
        names = [f"Mentor {number:03}" for number in range(30)]
        insert_people(session, names, hire_on=dt.date(2025, 1, 6))
        session.commit()
    client = app.test_client()
    client.post(
        "/login",
        data={"email": "hr@example.org", "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    response = client.get("/compliance/export.csv", buffered=False)
    chunks = iter(response.response)
    first = next(chunks)  # the download has begun: its read transaction is open
    with app.extensions["lms.db"].session_factory() as writer:
        started = time.monotonic()
        record(writer, Actor.system("writer"), "test.write")
        writer.commit()
        assert time.monotonic() - started < 1.0
    sent = b"".join(c if isinstance(c, bytes) else c.encode() for c in (first, *chunks))
    response.close()
    assert sent.count(b"\n") == 31  # the header and the 30 mentors
    engine.dispose()
