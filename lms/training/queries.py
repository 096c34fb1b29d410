"""Read-only queries for training progress."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import clock
from lms.curriculum.models import EditionModule
from lms.staff.models import Person, Position, StaffStatus
from lms.training.models import ModuleProgress, TrainingCycle
from lms.training.rules import CyclePolicy, Employment, TrainingState, training_state


@dataclass(frozen=True)
class TeamRow:
    person: Person
    state: TrainingState | None
    modules_done: int
    modules_total: int


def team_progress(
    session: Session, as_of: dt.date, policy: CyclePolicy, supervisor_id: int | None = None
) -> list[TeamRow]:
    """Every active mentor (or one supervisor's) with status and open-cycle progress.

    Four queries in all, however many people: people, cycles, progress counts, module counts.
    """
    statement = (
        select(Person)
        .where(Person.position == Position.THERAPEUTIC_MENTOR, Person.status == StaffStatus.ACTIVE)
        .order_by(Person.legal_name, Person.id)
    )
    if supervisor_id is not None:
        statement = statement.where(Person.supervisor_id == supervisor_id)
    people: Sequence[Person] = session.execute(statement).scalars().all()
    ids = [person.id for person in people]
    cycles_by_person: dict[int, list[TrainingCycle]] = defaultdict(list)
    for cycle in session.execute(
        select(TrainingCycle).where(TrainingCycle.person_id.in_(ids))
    ).scalars():
        cycles_by_person[cycle.person_id].append(cycle)
    open_cycles = {
        person_id: next((c for c in cycles if c.is_open), None)
        for person_id, cycles in cycles_by_person.items()
    }
    open_ids = [c.id for c in open_cycles.values() if c is not None]
    done = dict(
        session.execute(
            select(ModuleProgress.cycle_id, func.count())
            .where(ModuleProgress.cycle_id.in_(open_ids), ModuleProgress.completed_on.is_not(None))
            .group_by(ModuleProgress.cycle_id)
        ).all()
    )
    started = dict(
        session.execute(
            select(ModuleProgress.cycle_id, func.min(ModuleProgress.started_at))
            .where(ModuleProgress.cycle_id.in_(open_ids))
            .group_by(ModuleProgress.cycle_id)
        ).all()
    )
    edition_ids = {c.edition_id for c in open_cycles.values() if c is not None}
    totals = dict(
        session.execute(
            select(EditionModule.edition_id, func.count())
            .where(EditionModule.edition_id.in_(edition_ids))
            .group_by(EditionModule.edition_id)
        ).all()
    )
    rows = []
    for person in people:
        cycles = cycles_by_person.get(person.id, [])
        open_cycle = open_cycles.get(person.id)
        started_at = started.get(open_cycle.id) if open_cycle else None
        state = (
            training_state(
                Employment(person.hire_on, person.separated_on),
                [c.completed_on for c in cycles if c.completed_on],
                as_of,
                policy,
                clock.local_date(started_at) if started_at else None,
            )
            if person.hire_on
            else None
        )
        rows.append(
            TeamRow(
                person,
                state,
                done.get(open_cycle.id, 0) if open_cycle else 0,
                totals.get(open_cycle.edition_id, 0) if open_cycle else 0,
            )
        )
    return rows
