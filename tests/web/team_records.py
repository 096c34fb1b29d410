"""Mentors and their training for the team-progress tests, inserted directly: setup, not the
behaviour under test. Dates are relative to ``TODAY``, the day the ``frozen_clock`` fixture
stands on (2026-11-23 in Massachusetts); initial training is due 30 days after hire and the
renewal window opens 90 days before expiry (the defaults)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from lms import clock
from lms.curriculum.models import EditionModule
from lms.staff.models import Person, Position, StaffStatus
from lms.training.models import CycleKind, ModuleProgress, TrainingCycle
from lms.training.rules import TrainingStatus
from tests.support.factories import insert_people, publish_small_edition

TODAY = dt.date(2026, 11, 23)
DAY = dt.timedelta(days=1)


def add_mentors(
    db,
    names,
    *,
    supervisor: Person | None = None,
    hire_on: dt.date = TODAY - 5 * DAY,
    preferred_name: str | None = None,
    position: Position = Position.THERAPEUTIC_MENTOR,
    status: StaffStatus = StaffStatus.ACTIVE,
    user_id: int | None = None,
) -> list[Person]:
    """One person per name, each (but a candidate) with the matching period of employment."""
    people = insert_people(
        db,
        names,
        position,
        preferred_name=preferred_name,
        date_of_birth=dt.date(1990, 4, 2),
        status=status,
        hire_on=hire_on,
        separated_on=TODAY - DAY if status is StaffStatus.SEPARATED else None,
        supervisor_id=supervisor.id if supervisor else None,
        user_id=user_id,
    )
    db.commit()
    return people


def add_supervisor(db, name: str, user_id: int | None = None) -> Person:
    return add_mentors(
        db,
        [name],
        position=Position.LICENSED_CLINICIAN,
        hire_on=dt.date(2015, 1, 5),
        user_id=user_id,
    )[0]


def add_completion(db, people, completed_on: dt.date) -> None:
    """A completed (imported) cycle for each person, valid for a year from ``completed_on``."""
    now = clock.now()
    db.add_all(
        TrainingCycle(
            person_id=person.id,
            edition_id=None,
            kind=CycleKind.INITIAL,
            assigned_on=person.hire_on,
            due_on=person.hire_on + 30 * DAY,
            completed_on=completed_on,
            expires_on=completed_on + 365 * DAY,
            imported=True,
            import_note="test",
            created_at=now,
        )
        for person in people
    )
    db.commit()


def publish_demo_edition(db, folder) -> int:
    """The loader tests' two-module edition, published; its id."""
    return publish_small_edition(db, folder, commit=True).id


def add_open_cycle(db, people, edition_id: int, *, started: int, completed: int) -> None:
    """For each person (one, or a list), an open initial cycle with ``started`` modules opened
    (yesterday) and the first ``completed`` of them completed."""
    now = clock.now()
    people = people if isinstance(people, list) else [people]
    cycles = [
        TrainingCycle(
            person_id=person.id,
            edition_id=edition_id,
            kind=CycleKind.INITIAL,
            assigned_on=person.hire_on,
            due_on=person.hire_on + 30 * DAY,
            created_at=now,
        )
        for person in people
    ]
    db.add_all(cycles)
    db.flush()
    module_ids = db.execute(
        select(EditionModule.module_version_id)
        .where(EditionModule.edition_id == edition_id)
        .order_by(EditionModule.position)
    ).scalars()
    opened = list(module_ids)[:started]
    db.add_all(
        ModuleProgress(
            cycle_id=cycle.id,
            module_version_id=module_version_id,
            started_at=now - dt.timedelta(days=1),
            last_viewed_at=now,
            completed_on=TODAY - DAY if number < completed else None,
        )
        for cycle in cycles
        for number, module_version_id in enumerate(opened)
    )
    db.commit()


def add_one_of_each_status(db, edition_id: int, supervisor: Person | None = None) -> dict:
    """One active mentor per training status, named after it: ``{status: name}``."""
    names = {
        TrainingStatus.NOT_STARTED: "Nia Not Started",
        TrainingStatus.IN_PROGRESS: "Ivo In Progress",
        TrainingStatus.OVERDUE: "Ola Overdue",
        TrainingStatus.COMPLIANT: "Cal Compliant",
        TrainingStatus.DUE_SOON: "Dot Due Soon",
        TrainingStatus.LAPSED: "Lea Lapsed",
    }
    long_ago = dt.date(2020, 3, 2)

    def one(status, **details):
        return add_mentors(db, [names[status]], supervisor=supervisor, **details)

    one(TrainingStatus.NOT_STARTED)  # hired five days ago, nothing opened
    add_open_cycle(db, one(TrainingStatus.IN_PROGRESS)[0], edition_id, started=1, completed=0)
    one(TrainingStatus.OVERDUE, hire_on=TODAY - 45 * DAY)  # due 15 days ago
    add_completion(db, one(TrainingStatus.COMPLIANT, hire_on=long_ago), TODAY - 30 * DAY)
    add_completion(db, one(TrainingStatus.DUE_SOON, hire_on=long_ago), TODAY - 320 * DAY)
    add_completion(db, one(TrainingStatus.LAPSED, hire_on=long_ago), TODAY - 400 * DAY)
    return names
