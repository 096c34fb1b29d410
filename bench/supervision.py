"""Time the supervision report and HR's missed-weeks page on a throw-away SQLite database with N
synthetic mentors (default 5,000) and a year of weekly sessions (about 260,000).

.venv/bin/python -m bench.supervision [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

os.environ.setdefault("LMS_ENV", "testing")
os.environ.setdefault("LMS_SECRET_KEY", "bench-only")
os.environ["LMS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lms-bench-supervision-")

import datetime as dt
import random

from sqlalchemy import event, insert, select

from bench.synthetic import add_mentors
from lms import clock, create_app
from lms.actor import Actor
from lms.auth.operations import create_user
from lms.clinicians.models import Licence
from lms.migrate import upgrade
from lms.staff.models import Person, Position
from lms.supervision.models import SupervisionSession
from lms.supervision.queries import mentor_weeks
from lms.supervision.report import report_csv, report_json, report_records
from lms.supervision.rules import week_start
from lms.supervision.settings import supervision_settings

PASSWORD = "quiet lantern meadow river"  # noqa: S105 - a throw-away bench account


def add_sessions(session, today: dt.date, seed: int = 11, days: int = 364) -> int:
    """One session a week for every mentor for the last year, or ``days`` (from their hire),
    most of them individual and signed; a few group, unsigned or late, so every reason is
    exercised."""
    rng = random.Random(seed)
    now = clock.now()
    supervisor = session.execute(
        select(Person).where(Person.position == Position.LICENSED_CLINICIAN)
    ).scalar_one()
    session.add(
        Licence(
            person_id=supervisor.id,
            licence_type="LICSW",
            licence_number="BENCH-1",
            issuing_state="MA",
            issuing_board="Board",
            issued_on=today - dt.timedelta(days=3000),
            expires_on=today + dt.timedelta(days=200),
            migrated=False,
            verified_at=now,
            created_at=now,
            updated_at=now,
        )
    )
    mentors = session.execute(
        select(Person.id, Person.hire_on).where(Person.position == Position.THERAPEUTIC_MENTOR)
    ).all()
    first_week = week_start(today - dt.timedelta(days=days))
    rows = []
    for mentor_id, hire_on in mentors:
        week = max(first_week, week_start(hire_on))
        while week <= today:
            held_on = min(week + dt.timedelta(days=rng.randint(1, 5)), today)
            roll = rng.random()
            rows.append(
                {
                    "mentor_id": mentor_id,
                    "supervisor_id": supervisor.id,
                    "held_on": held_on,
                    "minutes": 60,
                    "format": "group" if roll < 0.03 else "individual",
                    "modality": "in_person",
                    "topics": [],
                    "recorded_at": now,
                    "recorded_by_label": "bench",
                    "imported": False,
                    "signed_at": None if 0.03 <= roll < 0.05 else now,
                    "signed_name": None if 0.03 <= roll < 0.05 else "Bench Supervisor",
                }
            )
            week += dt.timedelta(days=7)
    for start in range(0, len(rows), 20_000):
        session.execute(insert(SupervisionSession), rows[start : start + 20_000])
    return len(rows)


def app_with_hr():
    """An app on a migrated SQLite file in ``LMS_INSTANCE_PATH`` with an HR account
    (``hr@bench.example``, ``PASSWORD``) committed, and its engine."""
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
    with app.app_context(), app.extensions["lms.db"].session_factory() as session:
        create_user(
            session,
            Actor.system("bench"),
            app.extensions["lms.auth"].hasher,
            email="hr@bench.example",
            full_name="Bench HR",
            password=PASSWORD,
            roles=["hr"],
        )
        session.commit()
    return app, engine


def main(count: int) -> None:
    app, engine = app_with_hr()
    today = clock.today()
    with app.app_context():
        session = app.extensions["lms.db"].session_factory()
        started = time.perf_counter()
        add_mentors(session, count, today)
        sessions = add_sessions(session, today)
        session.commit()
        print(
            f"inserted {count} mentors and {sessions} sessions in "
            f"{time.perf_counter() - started:.1f}s"
        )
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        settings = supervision_settings(app.config)
        for label, first in (("13 weeks", today - dt.timedelta(weeks=13)), ("a year", None)):
            first = first or today - dt.timedelta(days=364)
            statements.clear()
            started = time.perf_counter()
            mentors = mentor_weeks(session, first=first, last=today, as_of=today, settings=settings)
            queried = time.perf_counter() - started
            records = report_records(mentors)
            json_text, csv_text = report_json(records), report_csv(records)
            print(
                f"supervision report, {label:<8} {count} mentors: {len(records)} weeks, "
                f"query+rule {queried * 1000:.0f} ms, with JSON and CSV "
                f"{(time.perf_counter() - started) * 1000:.0f} ms, {len(statements)} SQL "
                f"statements, {len(json_text) // 1024} KiB JSON, {len(csv_text) // 1024} KiB CSV"
            )
        session.close()
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = login.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(
        "/login", data={"email": "hr@bench.example", "password": PASSWORD, "csrf_token": token}
    )
    for path in ("/supervision/missed", "/supervision/missed?format=csv"):
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
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
