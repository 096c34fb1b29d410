"""Migration 5e8a3c1f7b20: everyone's current position becomes their position history, from
their first hire (a rehired person's first period, not the rehire); a candidate never hired,
from the day their record was made."""

import datetime as dt

import sqlalchemy as sa

from lms.db import UTCDateTime, make_engine
from lms.migrate import upgrade
from tests.support.databases import configured_url, scratch_database

BEFORE = "13c7dc3ec799"
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
CHANGES = sa.table(
    "position_changes",
    sa.column("person_id", sa.Integer()),
    sa.column("position", sa.String()),
    sa.column("effective_on", sa.Date()),
)


def person(person_id, position, status, hire_on=None):
    return {
        "id": person_id,
        "legal_name": f"Person {person_id}",
        "date_of_birth": dt.date(1995, 5, 5),
        "position": position,
        "status": status,
        "hire_on": hire_on,
        "separated_on": None,
        "created_at": CREATED,
        "updated_at": CREATED,
    }


def test_each_person_gets_their_current_position_from_their_first_hire():
    with scratch_database(configured_url(), "position_changes") as url:
        engine = make_engine(url)
        try:
            upgrade(engine, BEFORE)
            with engine.begin() as connection:
                connection.execute(
                    PEOPLE.insert(),
                    [
                        person(1, "therapeutic_mentor", "active", dt.date(2024, 1, 15)),
                        person(2, "senior_clinician", "active", dt.date(2025, 2, 3)),
                        person(3, "therapeutic_mentor", "candidate"),
                    ],
                )
                connection.execute(
                    PERIODS.insert(),
                    [
                        {
                            "person_id": 1,
                            "hired_on": dt.date(2024, 1, 15),
                            "separated_on": None,
                            "created_at": CREATED,
                        },
                        # Person 2 was rehired: their first hire was in 2019.
                        {
                            "person_id": 2,
                            "hired_on": dt.date(2019, 6, 3),
                            "separated_on": dt.date(2021, 8, 31),
                            "created_at": CREATED,
                        },
                        {
                            "person_id": 2,
                            "hired_on": dt.date(2025, 2, 3),
                            "separated_on": None,
                            "created_at": CREATED,
                        },
                    ],
                )
            upgrade(engine)
            with engine.connect() as connection:
                rows = connection.execute(sa.select(CHANGES).order_by(CHANGES.c.person_id)).all()
        finally:
            engine.dispose()
    assert [tuple(row) for row in rows] == [
        (1, "therapeutic_mentor", dt.date(2024, 1, 15)),
        (2, "senior_clinician", dt.date(2019, 6, 3)),
        (3, "therapeutic_mentor", dt.date(2026, 11, 1)),
    ]
