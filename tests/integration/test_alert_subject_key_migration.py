"""Migration 56d9fba43df9: alerts made before subject keys are keyed by their person, still
exactly once; on the way back, alerts the older schema cannot hold are dropped with their rows."""

import datetime as dt

import pytest
import sqlalchemy as sa

from lms.db import make_engine
from lms.migrate import downgrade, upgrade
from tests.support.databases import configured_url, scratch_database

BEFORE = "c4e7a1d9f2b6"
NOW = dt.datetime(2026, 11, 23, 15, tzinfo=dt.UTC)
PEOPLE = sa.table(
    "people",
    *(
        sa.column(name)
        for name in (
            "id",
            "legal_name",
            "date_of_birth",
            "position",
            "status",
            "created_at",
            "updated_at",
        )
    ),
)
ALERT_COLUMNS = (
    "person_id",
    "subject_key",
    "kind",
    "threshold",
    "due_on",
    "decided_on",
    "subject",
    "body",
    "created_at",
)


def insert_alert(connection, **values) -> None:
    row = {
        "threshold": 30,
        "due_on": dt.date(2026, 12, 23),
        "decided_on": dt.date(2026, 11, 23),
        "subject": "Training due in 30 days: Ana Lima",
        "body": "Ana Lima's training is due.",
        "created_at": NOW,
        **values,
    }
    table = sa.table("alerts", *(sa.column(name) for name in ALERT_COLUMNS if name in row))
    connection.execute(table.insert(), row)


def test_old_alerts_are_keyed_by_their_person_and_stay_exactly_once():
    with scratch_database(configured_url(), "alert_subject_keys") as url:
        engine = make_engine(url)
        try:
            upgrade(engine, BEFORE)
            with engine.begin() as connection:
                connection.execute(
                    PEOPLE.insert(),
                    {
                        "id": 7,
                        "legal_name": "Ana Lima",
                        "date_of_birth": dt.date(1990, 4, 2),
                        "position": "therapeutic_mentor",
                        "status": "active",
                        "created_at": NOW,
                        "updated_at": NOW,
                    },
                )
                insert_alert(connection, person_id=7, kind="training_due")
            upgrade(engine)
            with engine.connect() as connection:
                keys = connection.execute(sa.text("SELECT subject_key FROM alerts")).scalars()
                assert list(keys) == ["person:7"]
            with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
                insert_alert(connection, person_id=7, subject_key="person:7", kind="training_due")
            with engine.begin() as connection:
                # About no one, of a new kind: only possible now.
                insert_alert(connection, subject_key="oncall-gap:a/b", kind="oncall_gap")

            downgrade(engine, BEFORE)
            with engine.connect() as connection:
                kinds = connection.execute(sa.text("SELECT kind FROM alerts")).scalars()
                assert list(kinds) == ["training_due"]
        finally:
            engine.dispose()
