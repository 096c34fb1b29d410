"""The matrix page and HR's home figures from the stored cells (``lms.requirements.stored``):
one page of people in name order, their cells, and the counts — a constant number of queries and
no rule run per person, whatever the headcount.

The counts of the whole provider (or one position) come from the counters; a supervisor's team
is counted from its own cells. The status filter chooses the rows; the counts stay those of the
cells in scope (position, requirement, supervisor), so every status's link keeps its number.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Row, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from lms.requirements.models import (
    ANY,
    CLEARED,
    EXPIRING_KEY,
    NOT_CLEARED,
    ClearancePeriod,
    RequirementStatusPeriod,
    RequirementTally,
    not_cleared_key,
    people_key,
)
from lms.requirements.queries import (
    PERSON_COLUMNS,
    MatrixFilters,
    PersonSummary,
    Summary,
    catalogue_versions,
    requirements_on,
    version_on,
)
from lms.requirements.rules import (
    HELD,
    NOT_APPLICABLE,
    Requirement,
    RequirementStatus,
    StatusResult,
)
from lms.staff.models import Person
from lms.staff.queries import Page
from lms.tallies.queries import sums_through
from lms.tallies.rules import EXPIRING_WITHIN_DAYS

CELLS = RequirementStatusPeriod
PEOPLE = ClearancePeriod
#: The statuses a phone's card leaves out: nothing to do.
SETTLED = frozenset({RequirementStatus.MET, RequirementStatus.NOT_APPLICABLE})


@dataclass(frozen=True)
class PageRow:
    """One person's row of the page: their cells in the columns shown (not applicable where
    none is stored) and whether they are cleared to work, as stored with their runs."""

    person: PersonSummary
    statuses: dict[str, StatusResult]
    cleared: bool

    @property
    def all_met(self) -> bool:
        """Every requirement shown is met or does not apply (a phone's card then says so)."""
        return all(result.status in SETTLED for result in self.statuses.values())


@dataclass(frozen=True)
class MatrixPage:
    as_of: dt.date
    catalogue_version: int | None
    requirements: list[Requirement]  # the columns shown
    rows: list[PageRow]  # this page's
    page: Page
    counts: dict[RequirementStatus, int]  # cells in scope by status, not applicable left out
    not_cleared: int  # of the people the filters choose

    @property
    def total(self) -> int:
        return self.page.total


def _covering(table, day: dt.date) -> ColumnElement[bool]:
    return and_(table.starts_on <= day, or_(table.ends_on.is_(None), table.ends_on >= day))


#: Reading people in name order and probing each one's stored runs costs about this many times
#: what reading one matching run from a status index and sorting it by name does. Measured for
#: CPR due soon's first page of 100 (the whole page, warm, index led by person and requirement):
#: at 10,000 people (613 match, ~1,632 probes) SQLite probing 8.4 ms against the runs first
#: 8.8 ms, PostgreSQL 15.9 against 10.2 — the runs first; at 100,000 (5,965 match) probing
#: 13.1 against 24.5 ms and 20.1 against 35.6 — probing. 1.5 chooses so on both.
PROBE_COST = 1.5


def matching_first(matching: int, listed: int, page_end: int) -> bool:
    """Whether to read a filtered page from the ``matching`` runs (then sorted by name) rather
    than walking the ``listed`` people in name order until ``page_end`` of them match — which
    takes about ``page_end * listed / matching`` probes: the cheaper when few people match
    (CPR due soon, 6 % of 10,000 people: 1,600 probes for the first page of 100 against 613
    runs read and sorted)."""
    if matching == 0:
        return True  # nothing to read but an empty index range
    return matching < PROBE_COST * page_end * listed / matching


def _chosen(
    filters: MatrixFilters, as_of: dt.date, *, from_matching: bool = False
) -> list[ColumnElement[bool]]:
    """Conditions on ``Person`` choosing the people the filters list on ``as_of``: a run of days
    with any requirement (or one in the chosen status) covering it; with a requirement chosen
    too, that requirement's cell. ``from_matching``: the people are found from the matching
    runs (through the status indexes) rather than by probing each person's runs."""
    if filters.status is not None and filters.requirement is not None:
        table = CELLS
        run = [CELLS.status == filters.status, CELLS.requirement_key == filters.requirement]
    else:
        table = PEOPLE
        run = [PEOPLE.with_status == (ANY if filters.status is None else filters.status.value)]
    if filters.position is not None:
        run.append(table.position == filters.position.value)
    if from_matching:
        # Two index ranges (open-ended runs; runs ending on or after the day) rather than one
        # condition with OR, which would read every run the status ever had.
        open_ended, ending_later = (
            select(table.person_id).where(*run, table.starts_on <= as_of, end)
            for end in (table.ends_on.is_(None), table.ends_on >= as_of)
        )
        listed = Person.id.in_(open_ended.union_all(ending_later))
    else:
        listed = exists().where(table.person_id == Person.id, _covering(table, as_of), *run)
    conditions = [listed]
    if filters.supervisor_id is not None:
        conditions.append(Person.supervisor_id == filters.supervisor_id)
    if filters.person_id is not None:
        conditions.append(Person.id == filters.person_id)
    return conditions


def _tallied(
    session: Session,
    keys: Collection[str],
    day: dt.date,
    position: str | None,
) -> tuple[Counter[tuple[str, str]], int]:
    """(requirement key, status) -> the count on ``day`` from the counters among the people in
    ``position`` (None: any), and how many people of any position are listed: one query."""
    everyone = people_key(ANY)
    query = sums_through(
        RequirementTally,
        day,
        [RequirementTally.requirement_key, RequirementTally.position, RequirementTally.status],
        RequirementTally.requirement_key.in_(sorted({*keys, everyone})),
    )
    counts: Counter[tuple[str, str]] = Counter()
    listed = 0
    for key, held, status, total in session.execute(query):
        if key == everyone:
            listed += int(total)
        if key in keys and position in (None, held):
            counts[(key, status)] += int(total)
    return +counts, listed


def _counted_cells(
    session: Session, keys: Collection[str], as_of: dt.date, filters: MatrixFilters
) -> Counter[str]:
    """A supervisor's team's cells of ``keys`` by status, from the cells: one query."""
    team = MatrixFilters(position=filters.position, supervisor_id=filters.supervisor_id)
    query = (
        select(CELLS.status, func.count())
        .join(Person, Person.id == CELLS.person_id)
        .where(
            _covering(CELLS, as_of),
            CELLS.requirement_key.in_(sorted(keys)),
            *([CELLS.position == team.position.value] if team.position else []),
            Person.supervisor_id == team.supervisor_id,
        )
        .group_by(CELLS.status)
    )
    return Counter(
        {getattr(status, "value", status): count for status, count in session.execute(query)}
    )


def matrix_page(
    session: Session,
    as_of: dt.date,
    filters: MatrixFilters,
    page_number: int,
    page_size: int,
) -> MatrixPage:
    """The ``page_number``-th page (the last one if the list is shorter) of the people the
    filters choose on ``as_of``, in name order, with their cells: four queries for the whole
    provider or a position (the catalogue, the counters, the page's people, their cells), six
    for a supervisor's team (its cells by status, its people and those not cleared counted)."""
    versions = catalogue_versions(session)
    version = version_on(versions, as_of)
    catalogue = requirements_on(versions, as_of)
    columns = [
        requirement
        for requirement in catalogue.values()
        if (filters.requirement is None and requirement.positions)
        or requirement.key == filters.requirement
    ]
    keys = [requirement.key for requirement in columns]
    whole_provider = filters.supervisor_id is None and filters.person_id is None
    position = filters.position.value if filters.position else None
    total = not_cleared = None
    from_matching = False
    if whole_provider:
        listed_key = people_key(ANY if filters.status is None else filters.status.value)
        blocked = not_cleared_key(filters.requirement or "")
        tallied, everyone = _tallied(session, [*keys, listed_key, blocked], as_of, position)
        counts = Counter()
        for (key, status), count in tallied.items():
            if key in keys:
                counts[status] += count
        if filters.status is None or filters.requirement is None:
            not_cleared = tallied[(listed_key, NOT_CLEARED)]
            total = tallied[(listed_key, CLEARED)] + not_cleared
        elif filters.requirement in keys:  # one cell a person: people are cells
            total = tallied[(filters.requirement, filters.status.value)]
            not_cleared = tallied[(blocked, filters.status.value)]
        if total is not None:
            page = Page.clamped(page_number, page_size, total)
            from_matching = matching_first(total, everyone, page.last_shown)
    else:
        counts = _counted_cells(session, keys, as_of, filters)
    conditions = _chosen(filters, as_of, from_matching=from_matching)
    if total is None:
        total = session.execute(
            select(func.count()).select_from(Person).where(*conditions)
        ).scalar_one()
    if not_cleared is None:
        not_cleared_that_day = exists().where(
            PEOPLE.person_id == Person.id,
            PEOPLE.with_status == ANY,
            _covering(PEOPLE, as_of),
            PEOPLE.cleared.is_(False),
        )
        not_cleared = session.execute(
            select(func.count()).select_from(Person).where(*conditions, not_cleared_that_day)
        ).scalar_one()
    page = Page.clamped(page_number, page_size, total)
    listed = (
        select(*PERSON_COLUMNS)
        .where(*conditions)
        .order_by(Person.legal_name, Person.id)
        .limit(page.size)
        .offset(page.offset)
        .subquery("listed")
    )
    # Whether each is cleared, from their stored run rather than from every requirement's cell
    # (a page showing one requirement then reads one cell a person, not the catalogue's), looked
    # up for the page's people only: outside the page's query, which may sort many.
    cleared = (
        select(PEOPLE.cleared)
        .where(PEOPLE.person_id == listed.c.id, PEOPLE.with_status == ANY, _covering(PEOPLE, as_of))
        .scalar_subquery()
        .label("cleared")
    )
    people = session.execute(
        select(*listed.c, cleared).order_by(listed.c.legal_name, listed.c.id)
    ).all()
    rows = _rows(session, people, keys, as_of)
    return MatrixPage(
        as_of,
        version.version if version else None,
        columns,
        rows,
        page,
        {RequirementStatus(status): count for status, count in counts.items() if count},
        not_cleared,
    )


def _rows(session: Session, people: list[Row], keys: list[str], as_of: dt.date) -> list[PageRow]:
    """The page's rows from its ``people`` (``PERSON_COLUMNS``, then ``cleared``): each one's
    cells of ``keys`` on ``as_of``, not applicable where none is stored: one query."""
    if not people:
        return []
    cells: dict[int, dict[str, StatusResult]] = {person.id: {} for person in people}
    for person_id, key, status, valid_until, due_on in session.execute(
        select(
            CELLS.person_id, CELLS.requirement_key, CELLS.status, CELLS.valid_until, CELLS.due_on
        ).where(
            CELLS.person_id.in_(list(cells)),
            CELLS.requirement_key.in_(keys),
            _covering(CELLS, as_of),
        )
    ):
        cells[person_id][key] = StatusResult(RequirementStatus(status), valid_until, due_on)
    return [
        PageRow(
            PersonSummary(*person[: len(PERSON_COLUMNS)]),
            {key: cells[person.id].get(key, NOT_APPLICABLE) for key in keys},
            bool(person.cleared),
        )
        for person in people
    ]


def summary(session: Session, as_of: dt.date, days: int = 30) -> Summary:
    """HR's home page counts: who is not cleared to work on ``as_of``, and the requirements held
    that day that lapse within ``days``: from the counters (two queries), or for another number
    of days than they keep, by counting the cells."""
    versions = catalogue_versions(session)
    version = version_on(versions, as_of)
    tallied, _ = _tallied(session, [people_key(ANY), EXPIRING_KEY], as_of, None)
    not_cleared = tallied[(people_key(ANY), NOT_CLEARED)]
    if days == EXPIRING_WITHIN_DAYS:
        expiring = sum(count for (key, _), count in tallied.items() if key == EXPIRING_KEY)
    else:  # another horizon than the counters keep: count the cells
        horizon = as_of + dt.timedelta(days=days)
        expiring = session.execute(
            select(func.count())
            .select_from(CELLS)
            .where(
                CELLS.valid_until >= as_of,
                CELLS.valid_until < horizon,
                CELLS.status.in_(sorted(HELD)),
                _covering(CELLS, as_of),
            )
        ).scalar_one()
    return Summary(int(not_cleared), expiring, days, version.version if version else None)


#: Cells fetched at a time by the streamed export (a server-side cursor on PostgreSQL).
EXPORT_BATCH = 2000


def export_rows(
    session: Session, as_of: dt.date, filters: MatrixFilters
) -> Iterator[dict[str, object]]:
    """One row per person and applicable requirement shown on ``as_of`` — people in name order,
    requirements in the catalogue's — read from the stored cells a batch at a time (memory stays
    flat). With the status filter, only the cells with that status (``report_rows`` and the
    view's filter, as before)."""
    catalogue = requirements_on(catalogue_versions(session), as_of)
    order = {
        key: index
        for index, key in enumerate(
            key
            for key, requirement in catalogue.items()
            if (filters.requirement is None and requirement.positions) or key == filters.requirement
        )
    }
    if not order:
        return
    conditions = [
        _covering(CELLS, as_of),
        CELLS.requirement_key.in_(sorted(order)),
    ]
    if filters.status is not None:
        conditions.append(CELLS.status == filters.status)
    if filters.position is not None:
        conditions.append(CELLS.position == filters.position.value)
    if filters.supervisor_id is not None:
        conditions.append(Person.supervisor_id == filters.supervisor_id)
    statement = (
        select(
            Person.id,
            Person.work_email,
            Person.legal_name,
            CELLS.requirement_key,
            CELLS.status,
            CELLS.valid_until,
            CELLS.due_on,
        )
        .join(Person, Person.id == CELLS.person_id)
        .where(*conditions)
        .order_by(Person.legal_name, Person.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    person: list[dict[str, object]] = []  # one person's rows, put in the catalogue's order
    for person_id, email, name, key, status, valid_until, due_on in session.execute(statement):
        if person and person[0]["person_id"] != person_id:
            yield from sorted(person, key=lambda row: order[row["requirement"]])
            person = []
        person.append(
            {
                "person_id": person_id,
                "work_email": email,
                "name": name,
                "requirement": key,
                "status": RequirementStatus(status).value,
                "valid_until": valid_until.isoformat() if valid_until else None,
                "due_on": due_on.isoformat() if due_on else None,
            }
        )
    yield from sorted(person, key=lambda row: order[row["requirement"]])
