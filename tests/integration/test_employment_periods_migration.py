"""Migration c25fb4410cb9: each person hired before periods existed gets one period from the hire
and separation dates on record; candidates never hired get none."""

import datetime as dt

import sqlalchemy as sa

from lms.db import UTCDateTime, make_engine
from lms.migrate import upgrade
from tests.support.databases import configured_url, scratch_database

BEFORE_PERIODS = "402b6c323da9"
CREATED = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)

PEOPLE = sa.table(
    "people",
    sa.column("id", sa.Integer()),
    sa.column("legal_name", sa.String()),
    sa.column("date_of_birth", sa.Date()),
    sa.column("position", sa.String()),
    sa.column("status", sa.String()),
    sa.column("hire_on", sa.Date()),
    sa.column("separated_on", sa.Date()),
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


def person(person_id, status, hire_on=None, separated_on=None):
    return {
        "id": person_id,
        "legal_name": f"Person {person_id}",
        "date_of_birth": dt.date(1995, 5, 5),
        "position": "therapeutic_mentor",
        "status": status,
        "hire_on": hire_on,
        "separated_on": separated_on,
        "created_at": CREATED,
        "updated_at": CREATED,
    }


def test_each_hired_person_gets_one_period_from_their_dates():
    with scratch_database(configured_url(), "employment_periods") as url:
        engine = make_engine(url)
        try:
            upgrade(engine, BEFORE_PERIODS)
            with engine.begin() as connection:
                connection.execute(
                    PEOPLE.insert(),
                    [
                        person(1, "active", dt.date(2024, 1, 15)),
                        person(2, "separated", dt.date(2023, 3, 1), dt.date(2025, 6, 30)),
                        person(3, "candidate"),
                    ],
                )
            upgrade(engine)
            with engine.connect() as connection:
                rows = connection.execute(sa.select(PERIODS).order_by(PERIODS.c.person_id)).all()
        finally:
            engine.dispose()
    assert [tuple(row) for row in rows] == [
        (1, dt.date(2024, 1, 15), None, CREATED),
        (2, dt.date(2023, 3, 1), dt.date(2025, 6, 30), CREATED),
    ]
