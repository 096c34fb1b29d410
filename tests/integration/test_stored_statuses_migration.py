"""Migration 3926a71164ce creates the stored status periods; ``lms db upgrade`` fills them at the
head from the rules for the people already recorded (initial training due 30 days after hire;
nobody qualifies without credentials)."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lms.db import UTCDateTime, make_engine
from lms.migrate import upgrade
from lms.statuses.operations import fill_if_empty
from tests.support.databases import configured_url, scratch_database

BEFORE = "c4e7a1d9f2b6"
CREATED = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)

PEOPLE = sa.table(
    "people",
    sa.column("id", sa.Integer()),
    sa.column("legal_name", sa.String()),
    sa.column("date_of_birth", sa.Date()),
    sa.column("position", sa.String()),
    sa.column("status", sa.String()),
    sa.column("hire_on", sa.Date()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
PERIODS = sa.table(
    "employment_periods",
    sa.column("person_id", sa.Integer()),
    sa.column("hired_on", sa.Date()),
    sa.column("separated_on", sa.Date()),
    sa.column("created_at", UTCDateTime()),
)


def person(person_id, status, hire_on=None, position="therapeutic_mentor"):
    return {
        "id": person_id,
        "legal_name": f"Person {person_id}",
        "date_of_birth": dt.date(1995, 5, 5),
        "position": position,
        "status": status,
        "hire_on": hire_on,
        "created_at": CREATED,
        "updated_at": CREATED,
    }


def test_the_periods_are_filled_from_the_rules(monkeypatch):
    monkeypatch.setenv("LMS_CURRICULUM", "tm-core")
    monkeypatch.delenv("LMS_INITIAL_TRAINING_DAYS", raising=False)
    monkeypatch.delenv("LMS_RENEWAL_WINDOW_DAYS", raising=False)
    with scratch_database(configured_url(), "stored_statuses") as url:
        engine = make_engine(url)
        try:
            upgrade(engine, BEFORE)
            with engine.begin() as connection:
                connection.execute(
                    PEOPLE.insert(),
                    [
                        person(1, "active", dt.date(2030, 1, 6)),
                        person(2, "candidate"),
                        person(3, "active", dt.date(2030, 1, 6), position="licensed_clinician"),
                    ],
                )
                connection.execute(
                    PERIODS.insert(),
                    [
                        {"person_id": 1, "hired_on": dt.date(2030, 1, 6), "created_at": CREATED},
                        {"person_id": 3, "hired_on": dt.date(2030, 1, 6), "created_at": CREATED},
                    ],
                )
            upgrade(engine)
            with Session(engine) as session:
                assert fill_if_empty(session) == 3
                session.commit()
                assert fill_if_empty(session) == 0  # once: from then on the tracking keeps them
            with engine.connect() as connection:
                training = connection.execute(
                    sa.text(
                        "SELECT person_id, starts_on, ends_on, status, due_on"
                        " FROM training_status_periods ORDER BY person_id, starts_on"
                    )
                ).all()
                eligibility = connection.execute(
                    sa.text(
                        "SELECT person_id, starts_on, ends_on, status"
                        " FROM eligibility_status_periods ORDER BY person_id, starts_on"
                    )
                ).all()
        finally:
            engine.dispose()
    day = dt.date.fromisoformat
    as_dates = [
        tuple(day(v) if isinstance(v, str) and v[:2] in ("19", "20") else v for v in row)
        for row in training
    ]
    # Due 2030-02-05 (30 days after hire); overdue from the day after. The clinician's training
    # is followed too (the dashboard chooses whom to show); the candidate has no employment.
    assert as_dates == [
        (1, day("2030-01-06"), day("2030-02-05"), "not_started", day("2030-02-05")),
        (1, day("2030-02-06"), None, "overdue", day("2030-02-05")),
        (3, day("2030-01-06"), day("2030-02-05"), "not_started", day("2030-02-05")),
        (3, day("2030-02-06"), None, "overdue", day("2030-02-05")),
    ]
    # Only therapeutic mentors are evaluated; without credentials never eligible.
    assert [(row[0], str(row[1]), row[2], row[3]) for row in eligibility] == [
        (1, "1995-05-05", None, "not_eligible"),
        (2, "1995-05-05", None, "not_eligible"),
    ]
