"""Time the compliance dashboard's supervision columns and filter (issue 10) on a throw-away
SQLite database with N synthetic mentors (default 5,000) and 13 weeks of weekly sessions.

.venv/bin/python -m bench.compliance_supervision [N]

The supervision filter compares the stored runs of unsupervised weeks (``supervision_gaps``)
with the last 4 or 13 weeks in SQL; the page's rows then get their missed weeks from the weekly
rule (six queries). Each figure is the median of interleaved
rounds, with its ratio to the unfiltered first page measured in the same run. The CSV's rows
are timed through ``stream_rows_with_missed`` directly: through the test client on a SQLite file
the streamed export's own read transaction meets "database is locked" (before this change
too), which the pages do not.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

os.environ.setdefault("LMS_ENV", "testing")
os.environ.setdefault("LMS_SECRET_KEY", "bench-only")
os.environ["LMS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lms-bench-compliance-supervision-")

import statistics

from sqlalchemy import event

from bench.supervision import PASSWORD, add_sessions, app_with_hr
from bench.synthetic import add_mentors
from lms import clock
from lms.compliance.queries import ComplianceFilters, stream_rows_with_missed
from lms.statuses.operations import rebuild, settings_from
from lms.supervision.settings import supervision_settings

ROUNDS = 5
PATHS = (
    "/compliance/",
    "/compliance/?missed_supervision=4",
    "/compliance/?missed_supervision=13",
)


def main(count: int) -> None:
    app, engine = app_with_hr()
    today = clock.today()
    with app.app_context():
        session = app.extensions["lms.db"].session_factory()
        started = time.perf_counter()
        add_mentors(session, count, today)
        sessions = add_sessions(session, today, days=13 * 7)
        rebuild(session, settings_from(app.config))
        session.commit()
        session.close()
        print(
            f"inserted {count} mentors and {sessions} sessions (13 weeks) in "
            f"{time.perf_counter() - started:.1f}s"
        )
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = login.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(
        "/login", data={"email": "hr@bench.example", "password": PASSWORD, "csrf_token": token}
    )
    timings: dict[str, list[float]] = {path: [] for path in PATHS}
    counted: dict[str, tuple[int, int]] = {}
    for path in PATHS:
        client.get(path)  # warm up
    for _ in range(ROUNDS):  # interleaved, so a slow moment of the machine hits every path
        for path in PATHS:
            statements.clear()
            started = time.perf_counter()
            response = client.get(path)
            timings[path].append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
            counted[path] = (len(statements), len(response.data))
    base = statistics.median(timings[PATHS[0]])
    for path in PATHS:
        median = statistics.median(timings[path])
        number, size = counted[path]
        print(
            f"{path:<45} {count} mentors: median {median * 1000:.0f} ms "
            f"(x{median / base:.1f} the unfiltered page), {number} SQL statements, "
            f"{size // 1024} KiB"
        )
    time_csv_rows(app, count, statements)


def time_csv_rows(app, count: int, statements: list[str]) -> None:
    """Every row of the CSV with its supervision columns, unfiltered and filtered."""
    settings = supervision_settings(app.config)
    with app.app_context():
        session = app.extensions["lms.db"].session_factory()
        for missed in (None, 13):
            statements.clear()
            started = time.perf_counter()
            rows = list(
                stream_rows_with_missed(
                    session,
                    clock.today(),
                    settings,
                    filters=ComplianceFilters(missed_supervision=missed),
                )
            )
            print(
                f"CSV rows, missed_supervision={missed}, {count} mentors: {len(rows)} rows in "
                f"{(time.perf_counter() - started) * 1000:.0f} ms, {len(statements)} SQL "
                "statements"
            )
        session.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
