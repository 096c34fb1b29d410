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

import datetime as dt
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
    not_cleared_key,
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
from lms.tallies.rules import ONE_DAY, Spans, TallyKey, rolled_up, without_zeros


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
    """Recompute the stored cells and clearance of ``person_ids`` (one batch); replace those of
    the people whose rows differ, and move the counters by the difference: nine statements when
    nothing changed, at most 16. (A new catalogue or policy version recomputes everyone and
    changes few: rewriting only them is what keeps that quick.)"""
    found = recompute(session, person_ids, inputs)
    old_cells, old_clearance = (
        stored_cells(session, person_ids),
        stored_clearance(session, person_ids),
    )
    new_cells = {pid: [cell_fields(period) for period in found.cells[pid]] for pid in person_ids}
    new_clearance = {pid: expected_clearance(found.clearance[pid]) for pid in person_ids}
    changed = [
        person_id
        for person_id in person_ids
        if old_cells.get(person_id, []) != new_cells[person_id]
        or old_clearance.get(person_id, []) != new_clearance[person_id]
    ]
    if not changed:
        return
    changes = _stored_changes(session, changed, sign=-1)  # what the old rows counted
    changes.update(_not_cleared_changes(changed, old_cells, old_clearance, sign=-1))
    session.execute(
        delete(RequirementStatusPeriod).where(RequirementStatusPeriod.person_id.in_(changed))
    )
    session.execute(delete(ClearancePeriod).where(ClearancePeriod.person_id.in_(changed)))
    cell_rows = [
        {"person_id": person_id, **cell_fields(period)}
        for person_id in changed
        for period in found.cells[person_id]
    ]
    clearance_rows = [
        {"person_id": person_id, **clearance_fields(status, run)}
        for person_id in changed
        for status, runs in found.clearance[person_id].items()
        for run in runs
    ]
    if cell_rows:
        session.execute(insert(RequirementStatusPeriod.__table__), cell_rows)
    if clearance_rows:
        session.execute(insert(ClearancePeriod.__table__), clearance_rows)
    changes.update(
        _changes(_cell_spans(period for person_id in changed for period in found.cells[person_id]))
    )
    changes.update(_changes(_clearance_spans(clearance_rows)))
    changes.update(_not_cleared_changes(changed, new_cells, new_clearance))
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


def _changes(spans_by_key: Iterable[tuple[str, Spans]], sign: int = 1) -> Counter[TallyKey]:
    """``changes_of`` for spans of many keys; counted by plain tuples first (thousands of spans
    a batch), then keyed as the counters are."""
    moves: Counter[tuple] = Counter()
    for key, span in spans_by_key:
        scope = (key, span.position, span.staff_status, span.status)
        moves[(*scope, span.starts_on)] += sign * span.count
        if span.ends_on is not None:
            moves[(*scope, span.ends_on + ONE_DAY)] -= sign * span.count
    return Counter({TallyKey(*parts): change for parts, change in moves.items() if change})


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


def _not_cleared_spans(
    cells: Sequence[Mapping[str, object]], clearance: Sequence[Mapping[str, object]]
) -> Iterator[tuple[str, Spans]]:
    """One person's cells (as ``cell_fields``) on the days they are not cleared (their runs with
    any requirement, as ``clearance_fields``), under ``not_cleared_key`` of each requirement."""
    blocked = [run for run in clearance if run["with_status"] == ANY and not run["cleared"]]
    for cell in cells:
        for run in blocked:
            last = run["ends_on"] if cell["ends_on"] is None else cell["ends_on"]
            if run["ends_on"] is not None and last is not None:
                last = min(last, run["ends_on"])
            first = max(cell["starts_on"], run["starts_on"])
            if last is None or first <= last:
                status = _status_value(cell["status"])
                span = Spans(cell["position"], "", status, first, last)
                yield not_cleared_key(cell["requirement_key"]), span


def _not_cleared_changes(
    person_ids: Iterable[int],
    cells: Mapping[int, Sequence[Mapping[str, object]]],
    clearance: Mapping[int, Sequence[Mapping[str, object]]],
    sign: int = 1,
) -> Counter[TallyKey]:
    """What the cells of ``person_ids`` on their days not cleared add to the counters (``sign``
    -1: take away), from each person's cells and clearance as stored (``stored_cells``,
    ``stored_clearance``; nobody's: none)."""
    return _changes(
        (
            span
            for person_id in person_ids
            for span in _not_cleared_spans(cells.get(person_id, []), clearance.get(person_id, []))
        ),
        sign,
    )


def _stored_changes(session: Session, person_ids: Sequence[int], sign: int) -> Counter[TallyKey]:
    return _changes(
        _grouped_spans(
            session,
            [RequirementStatusPeriod.person_id.in_(person_ids)],
            [ClearancePeriod.person_id.in_(person_ids)],
        ),
        sign,
    )


def tallies_from_periods(session: Session, batch_size: int = 500) -> dict[TallyKey, int]:
    """The counters the stored periods add up to (``lms status verify`` compares them): the
    grouped rows, and each person's cells on their days not cleared, a batch of people at a
    time."""
    changes = _changes(_grouped_spans(session))
    person_ids = (
        session.execute(
            select(ClearancePeriod.person_id).distinct().order_by(ClearancePeriod.person_id)
        )
        .scalars()
        .all()
    )
    for start in range(0, len(person_ids), batch_size):
        batch = person_ids[start : start + batch_size]
        cells, clearance = stored_cells(session, batch), stored_clearance(session, batch)
        changes.update(_not_cleared_changes(batch, cells, clearance))
    return without_zeros(changes)


def stored_tallies(session: Session) -> dict[TallyKey, int]:
    rows = session.execute(
        select(
            RequirementTally.requirement_key,
            RequirementTally.position,
            RequirementTally.status,
            RequirementTally.day,
            RequirementTally.span,
            RequirementTally.change,
        ).where(RequirementTally.change != 0)
    )
    return {
        TallyKey(key, position, "", status, day, span): change
        for key, position, status, day, span, change in rows
    }


def apply_requirement_changes(session: Session, changes: Mapping[TallyKey, int]) -> None:
    """Add ``changes`` (by day) to the counters and their month and year sums, creating those not
    yet kept: one statement, rows in key order (two transactions adding to the same counters
    lock them in the same order)."""
    rows = [
        {
            "requirement_key": key.kind,
            "position": key.position,
            "status": key.status,
            "day": key.day,
            "span": key.span,
            "change": change,
        }
        for key, change in rolled_up(changes).items()
    ]
    add_to_counters(
        session, RequirementTally, ("requirement_key", "position", "status", "span", "day"), rows
    )


# -- verification -----------------------------------------------------------------------------


def stored_cells(session: Session, person_ids: Sequence[int]) -> dict[int, list[dict]]:
    """The stored cells of ``person_ids``, as ``cell_fields`` gives them, in the rules' order:
    one query."""
    table = RequirementStatusPeriod
    names = list(cell_fields(RequirementPeriod("", dt.date.min, None, None, None, None, "", False)))
    found: dict[int, list[dict]] = {}
    for person_id, *values in session.execute(
        select(table.person_id, *(getattr(table, name) for name in names))
        .where(table.person_id.in_(person_ids))
        .order_by(table.person_id, table.requirement_key, table.starts_on)
    ):
        found.setdefault(person_id, []).append(dict(zip(names, values, strict=True)))
    return found


def stored_clearance(session: Session, person_ids: Sequence[int]) -> dict[int, list[dict]]:
    """The stored runs of ``person_ids`` as ``expected_clearance`` lists them: one query."""
    table = ClearancePeriod
    found: dict[int, list[dict]] = {}
    for person_id, with_status, starts_on, ends_on, position, cleared in session.execute(
        select(
            table.person_id,
            table.with_status,
            table.starts_on,
            table.ends_on,
            table.position,
            table.cleared,
        )
        .where(table.person_id.in_(person_ids))
        .order_by(table.person_id, table.with_status, table.starts_on)
    ):
        found.setdefault(person_id, []).append(
            {
                "with_status": with_status,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "position": position,
                "cleared": cleared,
            }
        )
    return found


def expected_clearance(
    by_status: Mapping[RequirementStatus | None, Sequence[ClearanceRun]],
) -> list[dict]:
    """The recomputed runs as ``stored_clearance`` lists them."""
    rows = [clearance_fields(status, run) for status, runs in by_status.items() for run in runs]
    return sorted(rows, key=lambda row: (row["with_status"], row["starts_on"]))


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
