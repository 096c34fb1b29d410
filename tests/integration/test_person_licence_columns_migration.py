"""Migration bbc56b24c0cb: the person's licence columns are retired. Values no licence record
holds are first copied into records (idempotent with the first copy, 217929611ded), then the
columns go; a downgrade restores them from each person's licence that expires last."""

import datetime as dt

import sqlalchemy as sa

from lms.db import UTCDateTime, make_engine
from lms.migrate import downgrade, upgrade
from tests.support.databases import configured_url, revision_before, scratch_database

REVISION = "bbc56b24c0cb"
CREATED = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
D = dt.date

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
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)


def person(person_id, hire_on, licence_type, number, expires_on):
    return {
        "id": person_id,
        "legal_name": f"Clinician {person_id}",
        "date_of_birth": D(1980, 5, 5),
        "position": "licensed_clinician",
        "status": "active",
        "hire_on": hire_on,
        "licence_type": licence_type,
        "licence_number": number,
        "licence_expires_on": expires_on,
        "created_at": CREATED,
        "updated_at": CREATED,
    }


def record(person_id, licence_type, number, issued_on, expires_on, verified=False):
    return {
        "person_id": person_id,
        "licence_type": licence_type,
        "licence_number": number,
        "issued_on": issued_on,
        "expires_on": expires_on,
        "migrated": False,
        "verified_at": CREATED if verified else None,
        "created_at": CREATED,
        "updated_at": CREATED,
    }


def licence_rows(connection):
    return [
        tuple(row)
        for row in connection.execute(
            sa.select(
                LICENCES.c.person_id,
                LICENCES.c.licence_type,
                LICENCES.c.licence_number,
                LICENCES.c.issued_on,
                LICENCES.c.expires_on,
                LICENCES.c.migrated,
            ).order_by(LICENCES.c.person_id, LICENCES.c.expires_on)
        )
    ]


EXPECTED_RECORDS = [
    # 1: the columns' licence is a record already: nothing added.
    (1, "LICSW", "123", D(2024, 1, 15), D(2027, 1, 1), False),
    # 2: a renewal typed into the old fields after the first copy: added from the old expiry.
    (2, "LMHC", "9", D(2024, 6, 30), D(2026, 6, 30), False),
    (2, "LMHC", "9", D(2026, 6, 30), D(2028, 6, 30), True),
    # 3: a clinician added through the staff form since: issued (for want of a date) on hire.
    (3, "LCSW", "7", D(2024, 2, 1), D(2027, 3, 1), True),
    # 5: a later renewal is on record already: the older column value adds nothing.
    (5, "LICSW", "55", D(2025, 12, 1), D(2029, 1, 1), False),
    # 6: hired after the printed expiry: issued the day before it, so never valid after.
    (6, "LCSW", "66", D(2026, 11, 9), D(2026, 11, 10), True),
]


def test_person_licence_values_become_records_and_the_columns_go():
    with scratch_database(configured_url(), "person_licences") as url:
        engine = make_engine(url)
        try:
            before = revision_before(engine, REVISION)
            upgrade(engine, before)
            with engine.begin() as connection:
                connection.execute(
                    PEOPLE.insert(),
                    [
                        person(1, D(2024, 1, 15), "LICSW", "123", D(2027, 1, 1)),
                        person(2, D(2024, 6, 30), "LMHC", "9", D(2028, 6, 30)),
                        person(3, D(2024, 2, 1), "LCSW", "7", D(2027, 3, 1)),
                        person(4, D(2024, 2, 1), "LMFT", None, None),  # no expiry: no record
                        person(5, D(2024, 2, 1), "LICSW", "55", D(2026, 1, 1)),
                        person(6, D(2026, 12, 1), "LCSW", "66", D(2026, 11, 10)),
                    ],
                )
                connection.execute(
                    LICENCES.insert(),
                    [
                        record(1, "LICSW", "123", D(2024, 1, 15), D(2027, 1, 1), verified=True),
                        record(2, "LMHC", "9", D(2024, 6, 30), D(2026, 6, 30)),
                        record(5, "LICSW", "55", D(2025, 12, 1), D(2029, 1, 1)),
                    ],
                )
            upgrade(engine, REVISION)
            with engine.connect() as connection:
                assert licence_rows(connection) == EXPECTED_RECORDS
                columns = {
                    column["name"] for column in sa.inspect(connection).get_columns("people")
                }
            assert not columns & {"licence_type", "licence_number", "licence_expires_on"}

            # Down: the columns come back, filled from each person's latest-expiring licence.
            downgrade(engine, before)
            with engine.connect() as connection:
                restored = connection.execute(
                    sa.select(
                        PEOPLE.c.id,
                        PEOPLE.c.licence_type,
                        PEOPLE.c.licence_number,
                        PEOPLE.c.licence_expires_on,
                    ).order_by(PEOPLE.c.id)
                ).all()
                assert licence_rows(connection) == EXPECTED_RECORDS  # records are kept
            assert [tuple(row) for row in restored] == [
                (1, "LICSW", "123", D(2027, 1, 1)),
                (2, "LMHC", "9", D(2028, 6, 30)),
                (3, "LCSW", "7", D(2027, 3, 1)),
                (4, None, None, None),
                (5, "LICSW", "55", D(2029, 1, 1)),
                (6, "LCSW", "66", D(2026, 11, 10)),
            ]

            # Up again: every restored value is held by a record, so nothing is copied twice.
            upgrade(engine)
            with engine.connect() as connection:
                assert licence_rows(connection) == EXPECTED_RECORDS
        finally:
            engine.dispose()
