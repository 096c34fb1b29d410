"""Migration 217929611ded: each person's licence columns become one unverified licence record,
issued (for want of a known date) on the hire date, or the day the person was recorded; no
expiry date, no record, since a licence always has one."""

import datetime as dt

import sqlalchemy as sa

from lms.db import UTCDateTime, make_engine
from lms.migrate import upgrade
from tests.support.databases import configured_url, scratch_database

BEFORE_LICENCES = "f1a2b3c4d5e6"
CREATED = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)

PEOPLE = sa.table(
    "people",
    sa.column("id", sa.Integer()),
    sa.column("legal_name", sa.String()),
    sa.column("date_of_birth", sa.Date()),
    sa.column("position", sa.String()),
    sa.column("status", sa.String()),
    sa.column("hire_on", sa.Date()),
    sa.column("licence_type", sa.String()),
    sa.column("licence_number", sa.String()),
    sa.column("licence_expires_on", sa.Date()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
LICENCES = sa.table(
    "clinician_licences",
    sa.column("person_id", sa.Integer()),
    sa.column("licence_type", sa.String()),
    sa.column("licence_number", sa.String()),
    sa.column("issued_on", sa.Date()),
    sa.column("expires_on", sa.Date()),
    sa.column("migrated", sa.Boolean()),
    sa.column("verified_at", UTCDateTime()),
)


def person(person_id, hire_on, licence_type, number, expires_on, status="active"):
    return {
        "id": person_id,
        "legal_name": f"Clinician {person_id}",
        "date_of_birth": dt.date(1980, 5, 5),
        "position": "licensed_clinician",
        "status": status,
        "hire_on": hire_on,
        "licence_type": licence_type,
        "licence_number": number,
        "licence_expires_on": expires_on,
        "created_at": CREATED,
        "updated_at": CREATED,
    }


def test_licence_columns_become_licence_records():
    with scratch_database(configured_url(), "licence_records") as url:
        engine = make_engine(url)
        try:
            upgrade(engine, BEFORE_LICENCES)
            with engine.begin() as connection:
                connection.execute(
                    PEOPLE.insert(),
                    [
                        person(1, dt.date(2024, 1, 15), "LICSW", "123", dt.date(2027, 1, 1)),
                        person(2, None, "LMHC", None, dt.date(2027, 6, 30), status="candidate"),
                        person(3, dt.date(2024, 1, 15), "LMFT", "9", None),
                        person(4, dt.date(2026, 11, 20), "LCSW", "7", dt.date(2026, 11, 10)),
                    ],
                )
            upgrade(engine)
            with engine.connect() as connection:
                rows = connection.execute(sa.select(LICENCES).order_by(LICENCES.c.person_id)).all()
        finally:
            engine.dispose()
    assert [tuple(row) for row in rows] == [
        (1, "LICSW", "123", dt.date(2024, 1, 15), dt.date(2027, 1, 1), True, None),
        (2, "LMHC", "Not recorded", dt.date(2026, 11, 1), dt.date(2027, 6, 30), True, None),
        # Hired after the printed expiry: issued the day before it, so never valid after.
        (4, "LCSW", "7", dt.date(2026, 11, 9), dt.date(2026, 11, 10), True, None),
    ]
