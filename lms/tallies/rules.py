"""How stored status periods add up to counts by day, kept as changes.

A period from ``starts_on`` to ``ends_on`` (inclusive; None: open-ended) counts one person from
its first day and stops counting them the day after its last. So the count of a status on a day
is the sum of the changes on or before that day: +1 on each period's first day, -1 on the day
after each period's last. The changes are kept per *scope* (what the lists filter by: the kind
of status, the person's position and staff status) and status, one number per day on which
something changes; a count then reads at most a few rows per such day, however many people.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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
