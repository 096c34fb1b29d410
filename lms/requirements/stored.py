"""Keep the stored requirement statuses equal to what the rules answer.

``requirement_status_periods`` holds each person's cells of the matrix as runs of days
(``rules.requirement_periods``), ``requirement_clearance_periods`` the runs of days on which they
are listed and cleared to work or not (``rules.clearance_runs``), and ``requirement_tallies`` how
the counts of both change by day. ``refresh_requirements`` recomputes a batch of people from the
rules — a constant number of statements per batch — replaces their rows and moves the counters
by the difference; ``lms.statuses.operations`` calls it in the transaction that changed an input,
and ``lms status verify`` / ``rebuild`` use the same recomputation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from lms.requirements.models import (
    ANY,
    CLEARED,
    EXPIRING_KEY,
    HELD_SOON,
    NOT_CLEARED,
    ClearancePeriod,
    RequirementStatusPeriod,
    RequirementTally,
    people_key,
)
from lms.requirements.queries import (
    PERSON_COLUMNS,
    PersonSummary,
    catalogue_versions,
    employment_history,
    evidence_of,
    person_facts,
    policy_versions,
    requirements_on,
)
from lms.requirements.rules import (
    NO_EVIDENCE,
    CatalogueSpan,
    ClearanceRun,
    PolicyVersion,
    RequirementPeriod,
    RequirementStatus,
    expiring_span,
    requirement_periods,
    runs_by_status,
)
from lms.staff.models import Person
from lms.staff.queries import position_history_of
from lms.tallies.operations import add_to_counters
from lms.tallies.rules import Spans, TallyKey, changes_of, without_zeros


@dataclass(frozen=True)
class CatalogueInputs:
    """What every person's cells depend on besides their own records: read once per refresh."""

    catalogues: list[CatalogueSpan]
    policy_versions: Mapping[str, Sequence[PolicyVersion]]


def catalogue_inputs(session: Session) -> CatalogueInputs:
    """Every catalogue version and policy version: two queries."""
    spans = [
        CatalogueSpan(
            version.version, version.effective_on, requirements_on([version], version.effective_on)
        )
        for version in catalogue_versions(session)
    ]
    return CatalogueInputs(spans, policy_versions(session))


@dataclass(frozen=True)
class Recomputed:
    cells: dict[int, list[RequirementPeriod]]
    #: By person: the runs with any requirement (key None) and with one in each status.
    clearance: dict[int, dict[RequirementStatus | None, list[ClearanceRun]]]


def recompute(session: Session, person_ids: Sequence[int], inputs: CatalogueInputs) -> Recomputed:
    """The periods the rules give for ``person_ids``: seven queries, however many."""
    cells: dict[int, list[RequirementPeriod]] = {person_id: [] for person_id in person_ids}
    if not inputs.catalogues:
        return Recomputed(cells, {person_id: {None: []} for person_id in person_ids})
    people = session.execute(select(*PERSON_COLUMNS).where(Person.id.in_(person_ids)))
    employments = employment_history(session, person_ids=person_ids)
    positions = position_history_of(session, person_ids)
    evidence = evidence_of(session, person_ids)
    for values in people:
        person = PersonSummary(*values)
        facts = person_facts(person, employments.get(person.id, ()), positions.get(person.id, ()))
        cells[person.id] = requirement_periods(
            inputs.catalogues,
            facts,
            evidence.get(person.id, NO_EVIDENCE),
            inputs.policy_versions,
        )
    return Recomputed(cells, {pid: runs_by_status(periods) for pid, periods in cells.items()})


def refresh_requirements(
    session: Session, person_ids: Sequence[int], inputs: CatalogueInputs
) -> None:
    """Recompute and replace the stored cells and clearance of ``person_ids`` (one batch), and
    move the counters by the difference: at most 14 statements."""
    found = recompute(session, person_ids, inputs)
    changes = _stored_changes(session, person_ids, sign=-1)  # what the old rows counted
    session.execute(
        delete(RequirementStatusPeriod).where(RequirementStatusPeriod.person_id.in_(person_ids))
    )
    session.execute(delete(ClearancePeriod).where(ClearancePeriod.person_id.in_(person_ids)))
    cell_rows = [
        {"person_id": person_id, **cell_fields(period)}
        for person_id, periods in found.cells.items()
        for period in periods
    ]
    clearance_rows = [
        {"person_id": person_id, **clearance_fields(status, run)}
        for person_id, by_status in found.clearance.items()
        for status, runs in by_status.items()
        for run in runs
    ]
    if cell_rows:
        session.execute(insert(RequirementStatusPeriod.__table__), cell_rows)
    if clearance_rows:
        session.execute(insert(ClearancePeriod.__table__), clearance_rows)
    changes.update(
        _changes(_cell_spans(period for periods in found.cells.values() for period in periods))
    )
    changes.update(_changes(_clearance_spans(clearance_rows)))
    apply_requirement_changes(session, changes)


def cell_fields(period: RequirementPeriod) -> dict[str, object]:
    return {
        "requirement_key": period.key,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "status": period.status,
        "valid_until": period.valid_until,
        "due_on": period.due_on,
        "position": period.position,
        "blocks_work": period.blocks_work,
    }


def clearance_fields(status: RequirementStatus | None, run: ClearanceRun) -> dict[str, object]:
    return {
        "with_status": ANY if status is None else status.value,
        "starts_on": run.starts_on,
        "ends_on": run.ends_on,
        "position": run.position,
        "cleared": run.cleared,
    }


# -- counters -------------------------------------------------------------------------------
# The arithmetic is ``lms.tallies.rules``'; a requirement counter's ``TallyKey`` carries the
# requirement key (or another of the counters' keys: ``models.people_key``, ``EXPIRING_KEY``)
# as its kind, and no staff status.


def _changes(spans_by_key: Iterator[tuple[str, Spans]], sign: int = 1) -> Counter[TallyKey]:
    changes: Counter[TallyKey] = Counter()
    for key, spans in spans_by_key:
        changes.update(changes_of(key, [spans], sign))
    return changes


def _status_value(status) -> str:
    return getattr(status, "value", status)


def _cell_spans(periods: Iterable[RequirementPeriod]) -> Iterator[tuple[str, Spans]]:
    for period in periods:
        yield from _spans_of_cell(period)


def _spans_of_cell(period: RequirementPeriod, count: int = 1) -> Iterator[tuple[str, Spans]]:
    """What one stored cell (or ``count`` alike) adds to the counters: its status, and the days
    on which it is held and lapses soon."""
    status = period.status.value
    yield period.key, Spans(period.position, "", status, period.starts_on, period.ends_on, count)
    span = expiring_span(period)
    if span is not None:
        yield EXPIRING_KEY, Spans(period.position, "", HELD_SOON, *span, count)


def _clearance_spans(rows: Sequence[Mapping[str, object]]) -> Iterator[tuple[str, Spans]]:
    for row in rows:
        status = CLEARED if row["cleared"] else NOT_CLEARED
        yield (
            people_key(row["with_status"]),
            Spans(row["position"], "", status, row["starts_on"], row["ends_on"]),
        )


def _grouped_spans(
    session: Session, where_cells=(), where_people=()
) -> Iterator[tuple[str, Spans]]:
    """The stored rows grouped by key, position, status and dates: two queries."""
    cells = RequirementStatusPeriod
    columns = (
        cells.requirement_key,
        cells.position,
        cells.status,
        cells.starts_on,
        cells.ends_on,
        cells.valid_until,
    )
    for key, position, status, starts_on, ends_on, valid_until, count in session.execute(
        select(*columns, func.count()).where(*where_cells).group_by(*columns)
    ):
        period = RequirementPeriod(
            key,
            starts_on,
            ends_on,
            RequirementStatus(_status_value(status)),
            valid_until,
            None,
            position,
            False,
        )
        yield from _spans_of_cell(period, count)
    people = ClearancePeriod
    columns = (
        people.with_status,
        people.position,
        people.cleared,
        people.starts_on,
        people.ends_on,
    )
    for with_status, position, cleared, starts_on, ends_on, count in session.execute(
        select(*columns, func.count()).where(*where_people).group_by(*columns)
    ):
        status = CLEARED if cleared else NOT_CLEARED
        yield people_key(with_status), Spans(position, "", status, starts_on, ends_on, count)


def _stored_changes(session: Session, person_ids: Sequence[int], sign: int) -> Counter[TallyKey]:
    return _changes(
        _grouped_spans(
            session,
            [RequirementStatusPeriod.person_id.in_(person_ids)],
            [ClearancePeriod.person_id.in_(person_ids)],
        ),
        sign,
    )


def tallies_from_periods(session: Session) -> dict[TallyKey, int]:
    """The counters the stored periods add up to (``lms status verify`` compares them)."""
    return without_zeros(_changes(_grouped_spans(session)))


def stored_tallies(session: Session) -> dict[TallyKey, int]:
    rows = session.execute(
        select(
            RequirementTally.requirement_key,
            RequirementTally.position,
            RequirementTally.status,
            RequirementTally.day,
            RequirementTally.change,
        ).where(RequirementTally.change != 0)
    )
    return {
        TallyKey(key, position, "", status, day): change
        for key, position, status, day, change in rows
    }


def apply_requirement_changes(session: Session, changes: Mapping[TallyKey, int]) -> None:
    """Add ``changes`` to the counters, creating those not yet kept: one statement, rows in key
    order (two transactions adding to the same counters lock them in the same order)."""
    rows = [
        {
            "requirement_key": key.kind,
            "position": key.position,
            "status": key.status,
            "day": key.day,
            "change": change,
        }
        for key, change in without_zeros(changes).items()
    ]
    add_to_counters(
        session, RequirementTally, ("requirement_key", "position", "status", "day"), rows
    )


# -- verification -----------------------------------------------------------------------------


def stored_cells(session: Session, person_ids: Sequence[int]) -> dict[int, list[dict]]:
    """The stored cells of ``person_ids``, as ``cell_fields`` gives them, in the rules' order."""
    table = RequirementStatusPeriod
    found: dict[int, list[dict]] = {}
    for row in session.execute(
        select(table)
        .where(table.person_id.in_(person_ids))
        .order_by(table.person_id, table.requirement_key, table.starts_on)
    ).scalars():
        found.setdefault(row.person_id, []).append(cell_fields(_as_period(row)))
    return found


def stored_clearance(session: Session, person_ids: Sequence[int]) -> dict[int, list[dict]]:
    table = ClearancePeriod
    found: dict[int, list[dict]] = {}
    for row in session.execute(
        select(table)
        .where(table.person_id.in_(person_ids))
        .order_by(table.person_id, table.with_status, table.starts_on)
    ).scalars():
        status = None if row.with_status == ANY else RequirementStatus(row.with_status)
        run = ClearanceRun(row.starts_on, row.ends_on, row.position, row.cleared)
        found.setdefault(row.person_id, []).append(clearance_fields(status, run))
    return found


def expected_clearance(
    by_status: Mapping[RequirementStatus | None, Sequence[ClearanceRun]],
) -> list[dict]:
    """The recomputed runs as ``stored_clearance`` lists them."""
    rows = [clearance_fields(status, run) for status, runs in by_status.items() for run in runs]
    return sorted(rows, key=lambda row: (row["with_status"], row["starts_on"]))


def _as_period(row: RequirementStatusPeriod) -> RequirementPeriod:
    return RequirementPeriod(
        row.requirement_key,
        row.starts_on,
        row.ends_on,
        row.status,
        row.valid_until,
        row.due_on,
        row.position,
        row.blocks_work,
    )


def describe_cells(cells: Sequence[Mapping[str, object]]) -> str:
    """Cells as one line: ``cpr 2024-01-01..2024-01-19 pending due=2024-01-31; …``."""
    if not cells:
        return "(none)"
    parts = []
    for cell in cells:
        days = f"{cell['starts_on']}..{cell['ends_on'] or ''}"
        extra = " ".join(
            f"{name}={value}"
            for name, value in cell.items()
            if name in ("valid_until", "due_on", "position", "blocks_work", "cleared")
            and value is not None
        )
        status = cell.get("status")
        label = _status_value(status) if status is not None else ""
        key = cell.get("requirement_key", cell.get("with_status", ""))
        parts.append(" ".join(part for part in (key, days, label, extra) if part))
    return "; ".join(parts)
