"""Date training cycles by the events that made them due, and assign the missing initial cycles.

Cycles used to be created when a mentor first opened the training page, dated that day: a
mentor hired 2026-11-14 who first signed in on 2026-12-04 had a cycle "assigned 2026-12-04",
and a mentor without an account had none at all. Now cycles are assigned on hire (and by the
daily job when a renewal window opens). This migration brings existing records in line:

- an initial cycle assigned after the hire that started its employment is dated by that hire;
- an annual cycle assigned after its renewal window opened is dated by the window's opening;
- an active therapeutic mentor with no cycle since their latest hire gets the initial cycle,
  dated by that hire, of the newest edition in force (when one is published).

Annual cycles whose window opened but that were never assigned are left to the daily job
(``lms alerts run`` / ``lms training assign``), which dates them the same way. The day counts come
from ``LMS_INITIAL_TRAINING_DAYS`` and ``LMS_RENEWAL_WINDOW_DAYS`` as the app reads them.

Revision ID: b8d4f0e2c3a5
Revises: 8d2b6e4f1a93
Create Date: 2026-12-05 02:20:00.000000
"""

import datetime as dt
import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lms.db

revision: str = "b8d4f0e2c3a5"
down_revision: str | None = "8d2b6e4f1a93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PEOPLE = sa.table(
    "people",
    sa.column("id", sa.Integer()),
    sa.column("position", sa.String()),
    sa.column("status", sa.String()),
)
PERIODS = sa.table(
    "employment_periods",
    sa.column("person_id", sa.Integer()),
    sa.column("hired_on", sa.Date()),
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
    sa.column("withdrawn_on", sa.Date()),
    sa.column("imported", sa.Boolean()),
    sa.column("created_at", lms.db.UTCDateTime(timezone=True)),
)
EDITIONS = sa.table(
    "curriculum_editions",
    sa.column("id", sa.Integer()),
    sa.column("curriculum_key", sa.String()),
    sa.column("effective_on", sa.Date()),
    sa.column("version", sa.Integer()),
)


def _days(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    return int(text) if text.isdigit() and int(text) >= 1 else default


def _hire_covering(hires: list[dt.date], day: dt.date) -> dt.date | None:
    """The latest hire on or before ``day`` (hires sorted oldest first)."""
    begun = [hired_on for hired_on in hires if hired_on <= day]
    return begun[-1] if begun else None


def upgrade() -> None:
    connection = op.get_bind()
    initial_days = _days("LMS_INITIAL_TRAINING_DAYS", 30)
    window_days = _days("LMS_RENEWAL_WINDOW_DAYS", 90)
    hires: dict[int, list[dt.date]] = {}
    for person_id, hired_on in connection.execute(
        sa.select(PERIODS.c.person_id, PERIODS.c.hired_on).order_by(
            PERIODS.c.person_id, PERIODS.c.hired_on
        )
    ):
        hires.setdefault(person_id, []).append(hired_on)

    cycles = connection.execute(
        sa.select(
            CYCLES.c.id, CYCLES.c.person_id, CYCLES.c.kind, CYCLES.c.assigned_on, CYCLES.c.due_on
        ).where(CYCLES.c.imported.is_(False))
    ).all()
    for cycle_id, person_id, kind, assigned_on, due_on in cycles:
        hired_on = _hire_covering(hires.get(person_id, []), assigned_on)
        if hired_on is None:
            continue
        if kind == "initial":
            dated = hired_on
        else:
            dated = max(hired_on, due_on - dt.timedelta(days=window_days))
        if dated < assigned_on:
            connection.execute(
                CYCLES.update().where(CYCLES.c.id == cycle_id).values(assigned_on=dated)
            )

    today = dt.date.today()
    curriculum = os.environ.get("LMS_CURRICULUM", "tm-core")
    edition_id = connection.execute(
        sa.select(EDITIONS.c.id)
        .where(EDITIONS.c.curriculum_key == curriculum, EDITIONS.c.effective_on <= today)
        .order_by(EDITIONS.c.effective_on.desc(), EDITIONS.c.version.desc())
        .limit(1)
    ).scalar()
    if edition_id is None:
        return  # nothing published yet: the daily job assigns once an edition is
    latest_cycle = {
        person_id: latest
        for person_id, latest in connection.execute(
            sa.select(CYCLES.c.person_id, sa.func.max(CYCLES.c.assigned_on)).group_by(
                CYCLES.c.person_id
            )
        )
    }
    mentors = connection.execute(
        sa.select(PEOPLE.c.id).where(
            PEOPLE.c.position == "therapeutic_mentor", PEOPLE.c.status == "active"
        )
    ).scalars()
    now = dt.datetime.now(dt.UTC)
    missing = []
    for person_id in mentors:
        if not hires.get(person_id):
            continue
        hired_on = hires[person_id][-1]
        latest = latest_cycle.get(person_id)
        if latest is not None and latest >= hired_on:
            continue
        # A cycle left open by an earlier employment ends with it, as a rehire does in the app.
        connection.execute(
            CYCLES.update()
            .where(
                CYCLES.c.person_id == person_id,
                CYCLES.c.completed_on.is_(None),
                CYCLES.c.withdrawn_on.is_(None),
            )
            .values(withdrawn_on=hired_on)
        )
        missing.append(
            {
                "person_id": person_id,
                "edition_id": edition_id,
                "kind": "initial",
                "assigned_on": hired_on,
                "due_on": hired_on + dt.timedelta(days=initial_days),
                "imported": False,
                "created_at": now,
            }
        )
    if missing:
        connection.execute(CYCLES.insert(), missing)


def downgrade() -> None:
    # The dates moved to the events that made the cycles due, and the cycles added, are true
    # records; going back to a schema that does not need them keeps them.
    pass
