"""Counts by status on a day, and day by day over a range, from the stored counters."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement, Select, func, select, union_all
from sqlalchemy.orm import Session

from lms.tallies.models import StatusTally
from lms.tallies.rules import DAY, TallyKey, summed_through


def sums_through(
    model, day: dt.date, grouped_by: Sequence[ColumnElement], *conditions: ColumnElement[bool]
) -> Select:
    """``grouped_by`` and the sum of ``change`` of the rows of counter ``model`` (with ``span``
    and ``day``) meeting ``conditions`` that make up the counts on ``day``: its years, months
    and days (``lms.tallies.rules.summed_through``), a few dozen rows per scope and status. Each
    span is its own range of the (span, day) index, joined by UNION ALL: PostgreSQL answered
    the three ranges ORed together from another index, reading every row of the keys asked."""
    parts = [
        select(*grouped_by, model.change).where(
            *conditions,
            model.span == spans.span,
            *([model.day >= spans.first] if spans.first is not None else []),
            model.day <= spans.last,
        )
        for spans in summed_through(day)
    ]
    rows = union_all(*parts).subquery()
    columns = [rows.c[column.key] for column in grouped_by]
    return select(*columns, func.sum(rows.c.change)).group_by(*columns)


def _scope(
    kind: str,
    positions: Collection[str] | None,
    staff_statuses: Collection[str] | None,
    statuses: Collection[str] | None = None,
) -> list[ColumnElement[bool]]:
    conditions = [StatusTally.kind == kind]
    if statuses is not None:  # read only those statuses' part of the index
        conditions.append(StatusTally.status.in_(sorted(statuses)))
    if positions is not None:
        conditions.append(StatusTally.position.in_(sorted(positions)))
    if staff_statuses is not None:
        conditions.append(StatusTally.staff_status.in_(sorted(staff_statuses)))
    return conditions


def counts_on(
    session: Session,
    kind: str,
    day: dt.date,
    *,
    positions: Collection[str] | None = None,
    staff_statuses: Collection[str] | None = None,
    statuses: Collection[str] | None = None,
) -> Counter[str]:
    """People in scope by stored ``kind`` status on ``day`` (None: any position, staff status or
    status): one query over the changes up to that day, whatever the headcount."""
    rows = session.execute(
        sums_through(
            StatusTally,
            day,
            [StatusTally.status],
            *_scope(kind, positions, staff_statuses, statuses),
        )
    )
    return Counter({status: int(total) for status, total in rows if total})


def changes_between(
    session: Session,
    kind: str,
    start: dt.date,
    end: dt.date,
    *,
    positions: Collection[str] | None = None,
    staff_statuses: Collection[str] | None = None,
) -> tuple[Counter[str], dict[dt.date, Counter[str]]]:
    """The counts by status on the day before ``start``, and the changes by status on each day
    from ``start`` to ``end`` that has any: two queries, whatever the headcount."""
    before = counts_on(
        session,
        kind,
        start - dt.timedelta(days=1),
        positions=positions,
        staff_statuses=staff_statuses,
    )
    by_day: dict[dt.date, Counter[str]] = {}
    for day, status, change in session.execute(
        select(StatusTally.day, StatusTally.status, func.sum(StatusTally.change))
        .where(
            *_scope(kind, positions, staff_statuses),
            StatusTally.span == DAY,
            StatusTally.day >= start,
            StatusTally.day <= end,
        )
        .group_by(StatusTally.day, StatusTally.status)
    ):
        by_day.setdefault(day, Counter())[status] += int(change)
    return before, by_day


def stored_changes(session: Session) -> dict[TallyKey, int]:
    """Every stored counter that moves (``lms status verify`` compares them with the periods)."""
    rows = session.execute(
        select(
            StatusTally.kind,
            StatusTally.position,
            StatusTally.staff_status,
            StatusTally.status,
            StatusTally.day,
            StatusTally.span,
            StatusTally.change,
        ).where(StatusTally.change != 0)
    )
    return {TallyKey(*row[:6]): row[6] for row in rows}
