"""Migration c41d7e2a9b63: the counters' month and year sums are computed from the day rows
already stored (hand-worked below), on both counter tables; a downgrade keeps the day rows."""

import datetime as dt

import sqlalchemy as sa

from lms.db import make_engine
from lms.migrate import downgrade, upgrade
from tests.support.databases import configured_url, revision_before, scratch_database

REVISION = "c41d7e2a9b63"
D = dt.date

STATUS_TALLIES = sa.table(
    "status_tallies",
    sa.column("kind", sa.String()),
    sa.column("position", sa.String()),
    sa.column("staff_status", sa.String()),
    sa.column("status", sa.String()),
    sa.column("day", sa.Date()),
    sa.column("change", sa.Integer()),
)
REQUIREMENT_TALLIES = sa.table(
    "requirement_tallies",
    sa.column("requirement_key", sa.String()),
    sa.column("position", sa.String()),
    sa.column("status", sa.String()),
    sa.column("day", sa.Date()),
    sa.column("change", sa.Integer()),
)


def training(status, day, change):
    return {
        "kind": "training",
        "position": "mentor",
        "staff_status": "active",
        "status": status,
        "day": day,
        "change": change,
    }


def requirement(status, day, change):
    return {
        "requirement_key": "cpr_first_aid",
        "position": "mentor",
        "status": status,
        "day": day,
        "change": change,
    }


def as_date(value):
    return D.fromisoformat(value) if isinstance(value, str) else value  # SQLite: text


def rows(connection, table, scope):
    return sorted(
        (row.status, row.span, as_date(row.day), row.change)
        for row in connection.execute(
            sa.text(f"SELECT {scope}, status, span, day, change FROM {table}")  # noqa: S608
        )
    )


def test_month_and_year_sums_are_computed_from_the_day_rows():
    with scratch_database(configured_url(), "tally_sums") as url:
        engine = make_engine(url)
        try:
            before = revision_before(engine, REVISION)
            upgrade(engine, before)
            with engine.begin() as connection:
                connection.execute(
                    STATUS_TALLIES.insert(),
                    [
                        training("current", D(2025, 3, 4), 2),
                        training("current", D(2025, 3, 31), 1),
                        training("current", D(2025, 11, 1), -1),
                        training("current", D(2026, 1, 1), 5),
                        training("overdue", D(2025, 3, 4), 1),
                        training("overdue", D(2025, 3, 20), -1),  # the month sums to nothing
                    ],
                )
                connection.execute(
                    REQUIREMENT_TALLIES.insert(),
                    [requirement("met", D(2024, 12, 31), 3), requirement("met", D(2025, 1, 1), -1)],
                )
            upgrade(engine, REVISION)
            with engine.connect() as connection:
                assert rows(connection, "status_tallies", "kind") == sorted(
                    [
                        ("current", "day", D(2025, 3, 4), 2),
                        ("current", "day", D(2025, 3, 31), 1),
                        ("current", "day", D(2025, 11, 1), -1),
                        ("current", "day", D(2026, 1, 1), 5),
                        ("current", "month", D(2025, 3, 1), 3),
                        ("current", "month", D(2025, 11, 1), -1),
                        ("current", "month", D(2026, 1, 1), 5),
                        ("current", "year", D(2025, 1, 1), 2),
                        ("current", "year", D(2026, 1, 1), 5),
                        ("overdue", "day", D(2025, 3, 4), 1),
                        ("overdue", "day", D(2025, 3, 20), -1),
                    ]
                )
                assert rows(connection, "requirement_tallies", "requirement_key") == sorted(
                    [
                        ("met", "day", D(2024, 12, 31), 3),
                        ("met", "day", D(2025, 1, 1), -1),
                        ("met", "month", D(2024, 12, 1), 3),
                        ("met", "month", D(2025, 1, 1), -1),
                        ("met", "year", D(2024, 1, 1), 3),
                        ("met", "year", D(2025, 1, 1), -1),
                    ]
                )

            downgrade(engine, before)
            with engine.connect() as connection:
                kept = connection.execute(
                    sa.text("SELECT status, day, change FROM status_tallies")
                ).all()
            assert sorted((status, as_date(day), change) for status, day, change in kept) == sorted(
                [
                    ("current", D(2025, 3, 4), 2),
                    ("current", D(2025, 3, 31), 1),
                    ("current", D(2025, 11, 1), -1),
                    ("current", D(2026, 1, 1), 5),
                    ("overdue", D(2025, 3, 4), 1),
                    ("overdue", D(2025, 3, 20), -1),
                ]
            )
            upgrade(engine)
        finally:
            engine.dispose()
