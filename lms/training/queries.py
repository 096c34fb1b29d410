"""Read-only queries for training: the team page, in pages of a few dozen mentors, and the
item analysis of knowledge-check questions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from lms import clock
from lms.curriculum.models import CurriculumEdition, EditionModule, ModuleVersion
from lms.staff.models import EmploymentPeriod, Person, Position, StaffStatus
from lms.staff.queries import LIST_ORDER, Page, counted, driven_by_search, name_search
from lms.staff.rules import Employment
from lms.tallies.queries import counts_on
from lms.training.analysis import ItemStatistics, analyse_items, marked_paper
from lms.training.models import (
    KnowledgeCheckAttempt,
    ModuleProgress,
    TrainingCycle,
    TrainingStatusPeriod,
)
from lms.training.quiz import correct_choice
from lms.training.rules import (
    CycleFacts,
    CyclePolicy,
    TrainingHistory,
    TrainingState,
    TrainingStatus,
    state_on,
)


@dataclass(frozen=True)
class TeamRow:
    person: Person
    state: TrainingState | None
    modules_done: int
    modules_total: int


#: The names the team page searches (not the email).
SEARCHED = (Person.legal_name, Person.preferred_name)


@dataclass(frozen=True)
class TeamFilters:
    """Which active mentors the team page lists; the status on ``as_of`` comes from the stored
    periods (``training_status_is``)."""

    supervisor_id: int | None = None  # one supervisor's team; None: every active mentor
    search: str | None = None  # part of the legal or preferred name
    status: TrainingStatus | None = None
    as_of: dt.date | None = None
    search_in_name_order: bool = False  # see ``lms.staff.queries.SearchSize``

    def conditions(self) -> list[ColumnElement[bool]]:
        plain = driven_by_search(self.search, self.search_in_name_order)
        conditions = [
            plain(Person.position == Position.THERAPEUTIC_MENTOR),
            plain(Person.status == StaffStatus.ACTIVE),
        ]
        if self.supervisor_id is not None:
            conditions.append(plain(Person.supervisor_id == self.supervisor_id))
        if self.search and self.search.strip():
            conditions.append(
                name_search(self.search, SEARCHED, in_name_order=self.search_in_name_order)
            )
        if self.status is not None:
            if self.as_of is None:
                raise ValueError("a status filter needs the day it asks about")
            conditions.append(training_status_is(self.status, self.as_of))
        return conditions


@dataclass(frozen=True)
class _Cycle:
    """What the team page needs of one cycle, with its module activity summed up."""

    id: int
    edition_id: int | None
    completed_on: dt.date | None
    is_open: bool
    modules_done: int
    modules_total: int  # modules in the cycle's edition
    first_started_at: dt.datetime | None


def count_team(session: Session, filters: TeamFilters, limit: int | None = None) -> int:
    """How many mentors the team page lists (up to ``limit + 1``, see ``counted``): from the
    stored counters for every active mentor with one status (no team, no search), else one
    count query."""
    if filters.status is not None and filters.supervisor_id is None and not filters.search:
        counts = counts_on(
            session,
            "training",
            filters.as_of,
            positions={Position.THERAPEUTIC_MENTOR.value},
            staff_statuses={StaffStatus.ACTIVE.value},
            statuses={filters.status.value},
        )
        return counts[filters.status.value]
    return counted(session, filters.conditions(), limit)


def team_page(
    session: Session,
    filters: TeamFilters,
    page: Page,
    as_of: dt.date,
    policy: CyclePolicy,
    timezone: str = clock.DEFAULT_TIMEZONE,
) -> list[TeamRow]:
    """One page of mentors with status and open-cycle progress: three queries, whatever the
    page or the size of the team (people, their cycles with progress, module counts)."""
    people = (
        session.execute(
            select(Person)
            .where(*filters.conditions())
            .order_by(*LIST_ORDER)
            .limit(page.size)
            .offset(page.offset)
        )
        .scalars()
        .all()
    )
    return _team_rows(session, people, as_of, policy, timezone)


def _team_rows(
    session: Session,
    people: Sequence[Person],
    as_of: dt.date,
    policy: CyclePolicy,
    timezone: str,
) -> list[TeamRow]:
    if not people:
        return []
    person_ids = [person.id for person in people]
    cycles = _cycles_of(session, person_ids)
    # The same history training_histories loads, from the cycles this page reads anyway.
    histories = _histories(
        _employments_of(session, person_ids),
        {
            person_id: [_cycle_facts(c.completed_on, c.first_started_at, timezone) for c in found]
            for person_id, found in cycles.items()
        },
    )
    open_cycles = {
        person_id: next((cycle for cycle in found if cycle.is_open), None)
        for person_id, found in cycles.items()
    }
    rows = []
    for person in people:
        open_cycle = open_cycles.get(person.id)
        rows.append(
            TeamRow(
                person,
                state_on(histories.get(person.id, TrainingHistory(())), as_of, policy),
                open_cycle.modules_done if open_cycle else 0,
                open_cycle.modules_total if open_cycle else 0,
            )
        )
    return rows


def _cycles_of(session: Session, person_ids: Select | Sequence[int]) -> dict[int, list[_Cycle]]:
    """Every cycle of the people ``person_ids`` lists or selects, with the modules completed in
    it and its first module activity: one query."""
    by_person: dict[int, list[_Cycle]] = {}
    statement = (
        select(
            TrainingCycle.person_id,
            TrainingCycle.id,
            TrainingCycle.edition_id,
            TrainingCycle.completed_on,
            TrainingCycle.withdrawn_on,
            func.count(ModuleProgress.completed_on),  # counts the non-null: modules completed
            func.min(ModuleProgress.started_at),
            select(func.count())
            .where(EditionModule.edition_id == TrainingCycle.edition_id)
            .correlate(TrainingCycle)
            .scalar_subquery(),
        )
        .outerjoin(ModuleProgress, ModuleProgress.cycle_id == TrainingCycle.id)
        .where(TrainingCycle.person_id.in_(person_ids))
        .group_by(
            TrainingCycle.id,
            TrainingCycle.person_id,
            TrainingCycle.edition_id,
            TrainingCycle.completed_on,
            TrainingCycle.withdrawn_on,
        )
    )
    for (
        person_id,
        cycle_id,
        edition_id,
        completed_on,
        withdrawn_on,
        done,
        started,
        total,
    ) in session.execute(statement):
        by_person.setdefault(person_id, []).append(
            _Cycle(
                id=cycle_id,
                edition_id=edition_id,
                completed_on=completed_on,
                is_open=completed_on is None and withdrawn_on is None,
                modules_done=done,
                modules_total=total or 0,
                first_started_at=started,
            )
        )
    return by_person


def training_histories(
    session: Session, person_ids: Select | Sequence[int], timezone: str
) -> dict[int, TrainingHistory]:
    """The training history of each person ``person_ids`` lists or selects — every period of
    employment and every cycle with its first module activity — in two queries. The one loader
    behind ``lms.training.rules.state_on`` for every page, report, alert and command."""
    return _histories(
        _employments_of(session, person_ids), _cycle_facts_of(session, person_ids, timezone)
    )


def _cycle_facts_of(
    session: Session, person_ids: Select | Sequence[int], timezone: str
) -> dict[int, list[CycleFacts]]:
    cycles: dict[int, list[CycleFacts]] = {}
    for person_id, completed_on, started_at in session.execute(
        select(
            TrainingCycle.person_id,
            TrainingCycle.completed_on,
            func.min(ModuleProgress.started_at),
        )
        .outerjoin(ModuleProgress, ModuleProgress.cycle_id == TrainingCycle.id)
        .where(TrainingCycle.person_id.in_(person_ids))
        .group_by(TrainingCycle.id, TrainingCycle.person_id, TrainingCycle.completed_on)
        .order_by(TrainingCycle.person_id, TrainingCycle.id)
    ):
        cycles.setdefault(person_id, []).append(_cycle_facts(completed_on, started_at, timezone))
    return cycles


def _employments_of(
    session: Session, person_ids: Select | Sequence[int]
) -> dict[int, list[Employment]]:
    employments: dict[int, list[Employment]] = {}
    for person_id, hired_on, separated_on in session.execute(
        select(EmploymentPeriod.person_id, EmploymentPeriod.hired_on, EmploymentPeriod.separated_on)
        .where(EmploymentPeriod.person_id.in_(person_ids))
        .order_by(EmploymentPeriod.person_id, EmploymentPeriod.hired_on)
    ):
        employments.setdefault(person_id, []).append(Employment(hired_on, separated_on))
    return employments


def _cycle_facts(
    completed_on: dt.date | None, started_at: dt.datetime | None, timezone: str
) -> CycleFacts:
    return CycleFacts(completed_on, clock.local_date(started_at, timezone) if started_at else None)


def _histories(
    employments: dict[int, list[Employment]], cycles: dict[int, list[CycleFacts]]
) -> dict[int, TrainingHistory]:
    return {
        person_id: TrainingHistory(
            tuple(employments.get(person_id, ())), tuple(cycles.get(person_id, ()))
        )
        for person_id in employments.keys() | cycles.keys()
    }


def training_history(session: Session, person_id: int, timezone: str) -> TrainingHistory:
    """One person's training history (see ``training_histories``)."""
    return training_histories(session, [person_id], timezone).get(person_id, TrainingHistory(()))


@dataclass(frozen=True)
class ItemRow:
    """One question's statistics with what the director needs to find it in the curriculum."""

    question_id: str
    prompt: str
    objective: str
    section: str | None
    statistics: ItemStatistics


@dataclass(frozen=True)
class ModuleItems:
    module: ModuleVersion
    attempts: int  # submitted attempts at this module in the edition
    items: list[ItemRow]


def item_analysis(session: Session, edition_id: int) -> list[ModuleItems]:
    """Item statistics for every module of an edition, from the submitted attempts made in
    cycles of that edition.

    Answers are stored as JSON per attempt, so marking each question is done here rather than
    in SQL: one query streams just the papers and answers (no people, no other rows) and each
    attempt is folded into running sums (``analysis.analyse_items``) — one pass, memory bounded
    by the number of questions.
    """
    modules = list(
        session.execute(
            select(ModuleVersion)
            .join(EditionModule, EditionModule.module_version_id == ModuleVersion.id)
            .where(EditionModule.edition_id == edition_id)
            .order_by(EditionModule.position)
        ).scalars()
    )
    correct = {
        module.id: {question["id"]: correct_choice(question) for question in module.questions}
        for module in modules
    }
    papers: dict[int, list[dict[str, bool]]] = {module.id: [] for module in modules}
    rows = session.execute(
        select(
            KnowledgeCheckAttempt.module_version_id,
            KnowledgeCheckAttempt.paper,
            KnowledgeCheckAttempt.answers,
        )
        .join(ModuleProgress, ModuleProgress.id == KnowledgeCheckAttempt.progress_id)
        .join(TrainingCycle, TrainingCycle.id == ModuleProgress.cycle_id)
        .where(
            TrainingCycle.edition_id == edition_id,
            KnowledgeCheckAttempt.submitted_at.is_not(None),
        )
        .order_by(KnowledgeCheckAttempt.id)
        .execution_options(yield_per=500)
    )
    for module_version_id, paper, answers in rows:
        if module_version_id in papers:
            papers[module_version_id].append(
                marked_paper(paper, answers or {}, correct[module_version_id])
            )
    result = []
    for module in modules:
        questions = {question["id"]: question for question in module.questions}
        objectives = {objective["id"]: objective["text"] for objective in module.objectives}
        statistics = analyse_items(papers[module.id], list(questions))
        result.append(
            ModuleItems(
                module,
                len(papers[module.id]),
                [
                    ItemRow(
                        item.question_id,
                        questions[item.question_id]["prompt"],
                        objectives.get(
                            questions[item.question_id]["objective"],
                            questions[item.question_id]["objective"],
                        ),
                        questions[item.question_id].get("section") or None,
                        item,
                    )
                    for item in statistics
                    if item.question_id in questions
                ],
            )
        )
    return result


def edition_in_force(
    session: Session, curriculum_key: str, day: dt.date
) -> CurriculumEdition | None:
    """The newest version of the latest edition in effect on ``day``."""
    return session.execute(
        select(CurriculumEdition)
        .where(
            CurriculumEdition.curriculum_key == curriculum_key,
            CurriculumEdition.effective_on <= day,
        )
        .order_by(CurriculumEdition.effective_on.desc(), CurriculumEdition.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def cycles_of(session: Session, person_id: int) -> list[TrainingCycle]:
    return list(
        session.execute(
            select(TrainingCycle)
            .where(TrainingCycle.person_id == person_id)
            .order_by(TrainingCycle.assigned_on, TrainingCycle.id)
        ).scalars()
    )


def edition_modules(session: Session, edition_id: int) -> list[ModuleVersion]:
    return list(
        session.execute(
            select(ModuleVersion)
            .join(EditionModule, EditionModule.module_version_id == ModuleVersion.id)
            .where(EditionModule.edition_id == edition_id)
            .order_by(EditionModule.position)
        ).scalars()
    )


def progress_for_cycle(session: Session, cycle_id: int) -> dict[int, ModuleProgress]:
    rows = session.execute(select(ModuleProgress).where(ModuleProgress.cycle_id == cycle_id))
    return {progress.module_version_id: progress for progress in rows.scalars()}


def cycle_with_edition(session: Session, cycle_id: int) -> TrainingCycle | None:
    return session.execute(
        select(TrainingCycle)
        .where(TrainingCycle.id == cycle_id)
        .options(selectinload(TrainingCycle.edition))
    ).scalar_one_or_none()


def cycle_details(
    session: Session, cycles: Sequence[TrainingCycle]
) -> list[tuple[TrainingCycle, list[ModuleVersion], dict[int, ModuleProgress], dict]]:
    """For each cycle: its edition's modules, its progress by module version and the attempts
    by progress — in three queries however many cycles (a person page's history)."""
    edition_ids = {cycle.edition_id for cycle in cycles if cycle.edition_id}
    modules: dict[int, list[ModuleVersion]] = {}
    if edition_ids:
        for edition_id, module in session.execute(
            select(EditionModule.edition_id, ModuleVersion)
            .join(ModuleVersion, ModuleVersion.id == EditionModule.module_version_id)
            .where(EditionModule.edition_id.in_(edition_ids))
            .order_by(EditionModule.edition_id, EditionModule.position)
        ):
            modules.setdefault(edition_id, []).append(module)
    progress: dict[int, dict[int, ModuleProgress]] = {}
    attempts: dict[int, list[KnowledgeCheckAttempt]] = {}
    if cycles:
        rows = session.execute(
            select(ModuleProgress).where(ModuleProgress.cycle_id.in_([c.id for c in cycles]))
        ).scalars()
        for row in rows:
            progress.setdefault(row.cycle_id, {})[row.module_version_id] = row
        progress_ids = [row.id for found in progress.values() for row in found.values()]
        if progress_ids:
            for attempt in session.execute(
                select(KnowledgeCheckAttempt)
                .where(KnowledgeCheckAttempt.progress_id.in_(progress_ids))
                .order_by(KnowledgeCheckAttempt.number)
            ).scalars():
                attempts.setdefault(attempt.progress_id, []).append(attempt)
    details = []
    for cycle in cycles:
        cycle_progress = progress.get(cycle.id, {})
        cycle_attempts = {
            row.id: attempts[row.id] for row in cycle_progress.values() if row.id in attempts
        }
        details.append((cycle, modules.get(cycle.edition_id, []), cycle_progress, cycle_attempts))
    return details


# -- the stored status (lms.statuses keeps training_status_periods true to the rules) ---------


def period_covers(day: dt.date, period=TrainingStatusPeriod) -> list[ColumnElement[bool]]:
    """The stored period (of ``period``, the table or an alias) that covers ``day``."""
    return [period.starts_on <= day, or_(period.ends_on.is_(None), period.ends_on >= day)]


def training_status_is(status: TrainingStatus, day: dt.date) -> ColumnElement[bool]:
    """The person's training status on ``day`` is ``status``, from the stored periods: a
    correlated EXISTS on the (person_id, starts_on, ends_on, status) index, so a list read in
    name order stops once its page is full (counts come from ``lms.tallies``)."""
    return (
        select(TrainingStatusPeriod.id)
        .where(
            TrainingStatusPeriod.person_id == Person.id,
            TrainingStatusPeriod.status == status,
            *period_covers(day),
        )
        .exists()
    )
