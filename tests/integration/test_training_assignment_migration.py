"""Migration b8d4f0e2c3a5: cycles dated by the hire or window that made them due, and an initial
cycle for each active mentor who had none since their latest hire (issue: training assigned at
first sign-in instead of on hire)."""

import datetime as dt

import sqlalchemy as sa

from lms.db import UTCDateTime, make_engine
from lms.migrate import upgrade
from tests.support.databases import configured_url, scratch_database

BEFORE = "a7c3e9d1b2f4"
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
EDITIONS = sa.table(
    "curriculum_editions",
    sa.column("id", sa.Integer()),
    sa.column("curriculum_key", sa.String()),
    sa.column("edition", sa.String()),
    sa.column("version", sa.Integer()),
    sa.column("title", sa.String()),
    sa.column("effective_on", sa.Date()),
    sa.column("pass_mark", sa.Integer()),
    sa.column("crosswalk", sa.JSON()),
    sa.column("sha256", sa.String()),
    sa.column("source_sha256", sa.String()),
    sa.column("placeholder_values", sa.JSON()),
    sa.column("published_at", UTCDateTime()),
    sa.column("published_by_label", sa.String()),
)
CYCLES = sa.table(
    "training_cycles",
    sa.column("id", sa.Integer()),
    sa.column("person_id", sa.Integer()),
    sa.column("edition_id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("assigned_on", sa.Date()),
    sa.column("due_on", sa.Date()),
    sa.column("completed_on", sa.Date()),
    sa.column("expires_on", sa.Date()),
    sa.column("withdrawn_on", sa.Date()),
    sa.column("imported", sa.Boolean()),
    sa.column("created_at", UTCDateTime()),
)


def person(person_id, hire_on, status="active", position="therapeutic_mentor"):
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


def cycle(person_id, kind, assigned_on, due_on, **more):
    # No explicit id: PostgreSQL's sequence must number the cycle the migration adds.
    values = {
        "person_id": person_id,
        "edition_id": 1,
        "kind": kind,
        "assigned_on": assigned_on,
        "due_on": due_on,
        "completed_on": None,
        "expires_on": None,
        "withdrawn_on": None,
        "imported": False,
        "created_at": CREATED,
    }
    values.update(more)
    return values


def test_cycles_are_dated_by_their_events_and_missing_ones_assigned(monkeypatch):
    monkeypatch.setenv("LMS_CURRICULUM", "tm-core")
    monkeypatch.delenv("LMS_INITIAL_TRAINING_DAYS", raising=False)
    monkeypatch.delenv("LMS_RENEWAL_WINDOW_DAYS", raising=False)
    with scratch_database(configured_url(), "training_assignment") as url:
        engine = make_engine(url)
        try:
            upgrade(engine, BEFORE)
            with engine.begin() as connection:
                connection.execute(
                    PEOPLE.insert(),
                    [
                        person(1, dt.date(2026, 11, 14)),  # signed in on 4 December
                        person(2, dt.date(2024, 3, 1)),  # renewal assigned late
                        person(3, dt.date(2026, 10, 1)),  # rehired, no account: no cycle
                        person(4, dt.date(2026, 9, 1), position="licensed_clinician"),
                    ],
                )
                connection.execute(
                    PERIODS.insert(),
                    [
                        {"person_id": 1, "hired_on": dt.date(2026, 11, 14), "created_at": CREATED},
                        {"person_id": 2, "hired_on": dt.date(2024, 3, 1), "created_at": CREATED},
                        {
                            "person_id": 3,
                            "hired_on": dt.date(2023, 1, 9),
                            "separated_on": dt.date(2024, 6, 30),
                            "created_at": CREATED,
                        },
                        {"person_id": 3, "hired_on": dt.date(2026, 10, 1), "created_at": CREATED},
                        {"person_id": 4, "hired_on": dt.date(2026, 9, 1), "created_at": CREATED},
                    ],
                )
                connection.execute(
                    EDITIONS.insert(),
                    [
                        {
                            "id": 1,
                            "curriculum_key": "tm-core",
                            "edition": "2026",
                            "version": 1,
                            "title": "Core",
                            "effective_on": dt.date(2026, 1, 1),
                            "pass_mark": 80,
                            "crosswalk": {},
                            "sha256": "0" * 64,
                            "source_sha256": "0" * 64,
                            "placeholder_values": {},
                            "published_at": CREATED,
                            "published_by_label": "test",
                        }
                    ],
                )
                connection.execute(
                    CYCLES.insert(),
                    [
                        cycle(1, "initial", dt.date(2026, 12, 4), dt.date(2026, 12, 14)),
                        # Completed 2025-03-01 (expires 2026-03-01); renewal assigned on the
                        # mentor's visit of 2026-02-20 although the window opened 2025-12-01.
                        cycle(
                            2,
                            "initial",
                            dt.date(2024, 3, 1),
                            dt.date(2024, 3, 31),
                            completed_on=dt.date(2025, 3, 1),
                            expires_on=dt.date(2026, 3, 1),
                        ),
                        cycle(2, "annual", dt.date(2026, 2, 20), dt.date(2026, 3, 1)),
                        # Left open by person 3's first employment.
                        cycle(3, "initial", dt.date(2023, 1, 20), dt.date(2023, 2, 8)),
                    ],
                )
            upgrade(engine)
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.select(
                        CYCLES.c.person_id,
                        CYCLES.c.kind,
                        CYCLES.c.assigned_on,
                        CYCLES.c.due_on,
                        CYCLES.c.withdrawn_on,
                    ).order_by(CYCLES.c.person_id, CYCLES.c.assigned_on)
                ).all()
        finally:
            engine.dispose()
    assert [tuple(row) for row in rows] == [
        # The initial cycle is dated by the hire, not the first sign-in.
        (1, "initial", dt.date(2026, 11, 14), dt.date(2026, 12, 14), None),
        (2, "initial", dt.date(2024, 3, 1), dt.date(2024, 3, 31), None),
        # 90 days before 2026-03-01 is 2025-12-01.
        (2, "annual", dt.date(2025, 12, 1), dt.date(2026, 3, 1), None),
        # The first employment's open cycle ends on the rehire; the rehire gets its own cycle,
        # due 30 days after 2026-10-01. The clinician gets none.
        (3, "initial", dt.date(2023, 1, 9), dt.date(2023, 2, 8), dt.date(2026, 10, 1)),
        (3, "initial", dt.date(2026, 10, 1), dt.date(2026, 10, 31), None),
    ]
