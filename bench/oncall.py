"""Time the on-call pages and gaps over a year of blocks, on a throw-away SQLite database.

.venv/bin/python -m bench.oncall [N]   (N mentors, default 5000; they do not change the figures
but make the database the size the issue asks about)

Each day has a day block and an overnight block by one of 20 senior clinicians (about 900
blocks over the year before and the 60 days after today); every 10th day's day block is left
out so there are gaps to find, and one clinician's licence lapses mid-year.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time

os.environ.setdefault("LMS_ENV", "testing")
os.environ.setdefault("LMS_SECRET_KEY", "bench-only")
os.environ["LMS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lms-bench-")

from sqlalchemy import event

from bench.synthetic import add_mentors
from lms import clock, create_app
from lms.actor import Actor
from lms.auth.operations import create_user
from lms.clinicians.models import Licence
from lms.migrate import upgrade
from lms.oncall.models import OnCallBlock
from lms.oncall.queries import coverage
from lms.oncall.rules import parse_local_datetime
from lms.staff.models import Person, Position, StaffStatus

PASSWORD = "quiet lantern meadow river"  # noqa: S105 - a throw-away bench account
TIMEZONE = "America/New_York"


def add_roster(session, today: dt.date) -> int:
    now = clock.now()
    clinicians = []
    for number in range(20):
        person = Person(
            legal_name=f"Senior Clinician {number:02}",
            date_of_birth=dt.date(1970, 1, 1),
            work_email=f"senior{number:02}@bench.example",
            position=Position.SENIOR_CLINICIAN,
            status=StaffStatus.ACTIVE,
            hire_on=today - dt.timedelta(days=3000),
            created_at=now,
            updated_at=now,
        )
        session.add(person)
        clinicians.append(person)
    session.flush()
    for number, person in enumerate(clinicians):
        # Clinician 00's licence lapsed half a year ago: the blocks they hold count for nothing.
        expires_on = today + dt.timedelta(days=-180 if number == 0 else 700)
        session.add(
            Licence(
                person_id=person.id,
                licence_type="LICSW",
                licence_number=str(number),
                issuing_state="MA",
                issued_on=today - dt.timedelta(days=3000),
                expires_on=expires_on,
                migrated=False,
                created_at=now,
                updated_at=now,
            )
        )
    session.flush()
    blocks = 0
    day = today - dt.timedelta(days=365)
    while day <= today + dt.timedelta(days=60):
        following = day + dt.timedelta(days=1)
        shifts = [(f"{day}T20:00", f"{following}T08:00")]
        if day.toordinal() % 10:
            shifts.append((f"{day}T08:00", f"{day}T20:00"))
        for number, (start, end) in enumerate(shifts):
            clinician = clinicians[(day.toordinal() + number) % len(clinicians)]
            session.add(
                OnCallBlock(
                    clinician_id=clinician.id,
                    starts_at=parse_local_datetime(start, TIMEZONE, "starts_at"),
                    ends_at=parse_local_datetime(end, TIMEZONE, "ends_at"),
                    starts_local=start,
                    ends_local=end,
                    phone="617-555-0100",
                    created_at=now,
                    created_by_label="bench",
                )
            )
            blocks += 1
        day = following
    return blocks


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
    today = clock.today(TIMEZONE)
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
        add_mentors(session, count, today)
        blocks = add_roster(session, today)
        session.commit()
        print(f"{count} mentors, {blocks} on-call blocks")
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = login.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(
        "/login", data={"email": "hr@bench.example", "password": PASSWORD, "csrf_token": token}
    )
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    first = today - dt.timedelta(days=92)
    pages = (
        "/oncall/now",
        "/oncall/roster",
        f"/oncall/report?from={first}&to={today - dt.timedelta(days=1)}&at={first}T20:15",
    )
    for path in pages:
        client.get(path)  # warm up
        timings = []
        for _ in range(3):
            statements.clear()
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        print(
            f"{path[:60]:<60} best {min(timings) * 1000:.0f} ms, "
            f"{len(statements)} SQL statements, {len(response.data) // 1024} KiB"
        )
    with app.app_context():
        session = app.extensions["lms.db"].session_factory()
        statements.clear()
        started = time.perf_counter()
        found = coverage(
            session,
            app.config,
            today - dt.timedelta(days=365),
            today - dt.timedelta(days=1),
            TIMEZONE,
        )
        elapsed = time.perf_counter() - started
        print(
            f"{'lms oncall gaps over the past year':<60} {elapsed * 1000:.0f} ms, "
            f"{len(statements)} SQL statements, {len(found.gaps)} gaps"
        )
        session.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
