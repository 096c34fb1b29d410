"""How stored status periods add up to counts by day, kept as changes.

A period from ``starts_on`` to ``ends_on`` (inclusive; None: open-ended) counts one person from
its first day and stops counting them the day after its last. So the count of a status on a day
is the sum of the changes on or before that day: +1 on each period's first day, -1 on the day
after each period's last. The changes are kept per *scope* (what the lists filter by: the kind
of status, the person's position and staff status) and status, one number per day on which
something changes; a count then reads at most a few rows per such day, however many people.

Summing every change up to a day still reads one row per day on which anything changed, and with
thousands of people that is nearly every day of the years the records span. So each change is
also added to its month's and its year's sum (``rolled_up``): the count on a day is then the
whole years before it, the whole months of its year before its month, and the days of its month
up to it (``SUMMED_THROUGH``) — at most a few dozen rows per scope and status, for any day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

ONE_DAY = dt.timedelta(days=1)
#: What lapses "soon" for the counters that keep it (training expiring, requirements lapsing):
#: within this many days. HR's home page asks with this horizon.
EXPIRING_WITHIN_DAYS = 30


def days_within(
    starts_on: dt.date, ends_on: dt.date | None, first: dt.date, last: dt.date
) -> tuple[dt.date, dt.date] | None:
    """The days of a period from ``starts_on`` to ``ends_on`` (None: no end) that fall from
    ``first`` to ``last``, or None: the days on which the period counts as lapsing soon."""
    first, last = max(starts_on, first), last if ends_on is None else min(ends_on, last)
    return (first, last) if first <= last else None


@dataclass(frozen=True, order=True)
class TallyKey:
    """One counter: the number of ``kind`` periods with ``status`` for people in ``position``
    with ``staff_status`` changes by some amount on ``day``."""

    kind: str  # "training" or "eligibility"
    position: str
    staff_status: str
    status: str
    day: dt.date
    span: str = "day"  # "day": the change on ``day``; "month"/"year": the changes in the month or
    # year starting on ``day`` summed (``rolled_up``)


DAY, MONTH, YEAR = "day", "month", "year"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def year_start(day: dt.date) -> dt.date:
    return day.replace(month=1, day=1)


@dataclass(frozen=True)
class SpanRange:
    """The stored sums of one span whose first day falls from ``first`` to ``last`` (None: no
    bound)."""

    span: str
    first: dt.date | None
    last: dt.date | None


def summed_through(day: dt.date) -> tuple[SpanRange, ...]:
    """Which stored sums add up to the changes on or before ``day``: the years before its year,
    its year's months before its month, and its month's days up to it — each change once."""
    this_year, this_month = year_start(day), month_start(day)
    return (
        SpanRange(YEAR, None, this_year - ONE_DAY),
        SpanRange(MONTH, this_year, this_month - ONE_DAY),
        SpanRange(DAY, this_month, day),
    )


def rolled_up(changes: Mapping[TallyKey, int]) -> dict[TallyKey, int]:
    """The day changes ``changes`` (span "day") with their month and year sums added, without
    zeros, in key order: what the counters store."""
    rolled: Counter[TallyKey] = Counter()
    for key, change in changes.items():
        assert key.span == DAY, key
        rolled[key] += change
        rolled[replace(key, day=month_start(key.day), span=MONTH)] += change
        rolled[replace(key, day=year_start(key.day), span=YEAR)] += change
    return without_zeros(rolled)


@dataclass(frozen=True)
class Spans:
    """``count`` periods of one scope and status running from ``starts_on`` to ``ends_on``."""

    position: str
    staff_status: str
    status: str
    starts_on: dt.date
    ends_on: dt.date | None
    count: int = 1


def changes_of(kind: str, spans: Iterable[Spans], sign: int = 1) -> Counter[TallyKey]:
    """The changes ``spans`` make to the counts (``sign`` -1: the changes they undo)."""
    changes: Counter[TallyKey] = Counter()
    for span in spans:
        scope = (kind, span.position, span.staff_status, span.status)
        changes[TallyKey(*scope, span.starts_on)] += sign * span.count
        if span.ends_on is not None:
            changes[TallyKey(*scope, span.ends_on + ONE_DAY)] -= sign * span.count
    return changes


def without_zeros(changes: Mapping[TallyKey, int]) -> dict[TallyKey, int]:
    """``changes`` without the counters that do not move, in key order."""
    return {key: changes[key] for key in sorted(changes) if changes[key] != 0}


def count_on(changes: Mapping[TallyKey, int], day: dt.date) -> Counter[str]:
    """People by status on ``day``: the changes on or before it, summed per status."""
    counts: Counter[str] = Counter()
    for key, change in changes.items():
        if key.day <= day:
            counts[key.status] += change
    return counts
