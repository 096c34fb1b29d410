"""Time the pages that list people, on a throw-away SQLite database with N synthetic mentors.

.venv/bin/python -m bench.pages [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

os.environ.setdefault("LMS_ENV", "testing")
os.environ.setdefault("LMS_SECRET_KEY", "bench-only")
os.environ["LMS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lms-bench-")

from sqlalchemy import event

from bench.synthetic import add_mentors, add_requirement_records
from lms import clock, create_app
from lms.actor import Actor
from lms.auth.operations import create_user
from lms.migrate import upgrade

PAGES = (
    "/staff/",
    "/staff/?page=30",  # deep in the list: OFFSET must not cost much more than the first page
    "/staff/?eligibility=eligible",  # evaluates every mentor to decide who matches
    "/staff/?eligibility=eligible&page=5",
    "/training/team",
    "/training/team?page=30",
    "/training/team?q=silva",  # a name search: LIKE over every active mentor
    "/training/team?status=overdue",  # evaluates every mentor's training to decide who matches
    "/training/team?status=overdue&page=5",
    "/requirements/",  # every person by 15 requirements, computed; one page shown
    "/requirements/?status=missing&page=5",
    "/requirements/export.csv",  # every person and applicable requirement
)
PASSWORD = "quiet lantern meadow river"  # noqa: S105 - a throw-away bench account


def main(count: int) -> None:
    url = f"sqlite:///{os.environ['LMS_INSTANCE_PATH']}/bench.sqlite3"
    app = create_app(
        {
            "DATABASE_URL": url,
            "ARGON2_MEMORY_KIB": 19456,
            "ARGON2_TIME_COST": 2,
            "ARGON2_PARALLELISM": 1,
        }
    )
    engine = app.extensions["lms.db"].engine
    upgrade(engine)
    with app.app_context():
        session = app.extensions["lms.db"].session_factory()
        create_user(
            session,
            Actor.system("bench"),
            app.extensions["lms.auth"].hasher,
            email="hr@bench.example",
            full_name="Bench HR",
            password=PASSWORD,
            roles=["hr"],
        )
        started = time.perf_counter()
        people = add_mentors(session, count, clock.today())
        records = add_requirement_records(session, people, clock.today())
        session.commit()
        session.close()
        elapsed = time.perf_counter() - started
        print(f"inserted {count} mentors and {records} requirement records in {elapsed:.1f}s")
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = login.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(
        "/login", data={"email": "hr@bench.example", "password": PASSWORD, "csrf_token": token}
    )
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    for path in PAGES:
        statements.clear()
        client.get(path)  # warm up
        timings = []
        for _ in range(3):
            statements.clear()
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        print(
            f"{path:<38} {count} mentors: best {min(timings) * 1000:.0f} ms, "
            f"{len(statements)} SQL statements, {len(response.data) // 1024} KiB"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
