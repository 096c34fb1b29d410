"""Who was current on their training on a date, and the share of mentors current on each day.

Pure functions over frozen dataclasses; the status on one day is always
``lms.training.rules.training_state``, and the daily shares are checked against it day by day in
the tests. "Current" is the training rules' own definition: not started (still inside the
initial period), in progress, compliant or due soon; overdue and lapsed are not current.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lms.staff.rules import Employment, employment_on
from lms.training.rules import (
    ONE_DAY,
    CycleFacts,
    CyclePolicy,
    TrainingHistory,
    TrainingState,
    TrainingStatus,
    add_one_year,
    completion_chain,
    initial_due_on,
)
from lms.training.rules import started_on as training_started_on
from lms.training.rules import state_on as training_state_on
from lms.validation import EARLIEST_DATE
from lms.validation import parse_as_of as parse_bounded_as_of

#: Worst first: the order of the list and of the counts.
STATUS_ORDER = (
    TrainingStatus.LAPSED,
    TrainingStatus.OVERDUE,
    TrainingStatus.DUE_SOON,
    TrainingStatus.IN_PROGRESS,
    TrainingStatus.NOT_STARTED,
    TrainingStatus.COMPLIANT,
)
_RANK = {status: rank for rank, status in enumerate(STATUS_ORDER)}

#: Before this the calendar arithmetic of a year's chart is not worth supporting.
EARLIEST_AS_OF = EARLIEST_DATE


@dataclass(frozen=True)
class MentorRecord:
    """A mentor's employment and training history, with who supervises them now."""

    person_id: int
    name: str
    position: str
    supervisor_id: int | None
    supervisor_name: str | None
    employments: tuple[Employment, ...]  # every period of employment, a rehire being a new one
    cycles: tuple[CycleFacts, ...] = ()

    @property
    def history(self) -> TrainingHistory:
        return TrainingHistory(self.employments, self.cycles)

    @property
    def completed_on_days(self) -> list[dt.date]:
        return self.history.completed_on_days

    def employment_on(self, day: dt.date) -> Employment | None:
        return employment_on(self.employments, day)


@dataclass(frozen=True)
class ComplianceRow:
    record: MentorRecord
    state: TrainingState


@dataclass(frozen=True)
class DailyShare:
    day: dt.date
    employed: int
    current: int

    @property
    def share(self) -> float | None:
        """The fraction of mentors employed that day who were current; None with no one."""
        return self.current / self.employed if self.employed else None


@dataclass(frozen=True)
class MonthSummary:
    """One calendar month of the chart: its last charted day and its lowest day."""

    month: dt.date  # the first of the month
    last: DailyShare
    lowest: DailyShare | None  # None when no one was employed all month


def subtract_one_year(day: dt.date) -> dt.date:
    """The same day a year earlier; 29 February - 1 year = 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return dt.date(day.year - 1, 2, 28)


def latest_as_of(today: dt.date) -> dt.date:
    """The furthest future date the dashboard answers for: a year from today."""
    return add_one_year(today)


def parse_as_of(text: str | None, today: dt.date) -> dt.date:
    """The as-of date from ``YYYY-MM-DD`` (today when empty); 1900-01-01 to a year from today."""
    return parse_bounded_as_of(text, today, latest_as_of(today))


def started_on(record: MentorRecord, as_of: dt.date) -> dt.date | None:
    """The first day of module activity in the cycle open on ``as_of``
    (``lms.training.rules.started_on``)."""
    return training_started_on(record.history, as_of)


def state_on(record: MentorRecord, as_of: dt.date, policy: CyclePolicy) -> TrainingState | None:
    """The mentor's training state on ``as_of`` (``lms.training.rules.state_on``)."""
    return training_state_on(record.history, as_of, policy)


def sort_key(row: ComplianceRow) -> tuple[int, int, str, int]:
    """Worst status first, then fewest days left (most overdue first), then name."""
    return (_RANK[row.state.status], row.state.days_left, row.record.name, row.record.person_id)


def compliance_rows(
    records: Iterable[MentorRecord], as_of: dt.date, policy: CyclePolicy
) -> list[ComplianceRow]:
    """Every mentor employed on ``as_of`` with their state, worst first."""
    rows = []
    for record in records:
        state = state_on(record, as_of, policy)
        if state is not None:
            rows.append(ComplianceRow(record, state))
    return sorted(rows, key=sort_key)


def expires_within(state: TrainingState, as_of: dt.date, days: int) -> bool:
    """Training that is valid on ``as_of`` and expires within the next ``days`` days
    (``as_of`` + ``days`` included): what must be renewed soon. Lapsed training has expired."""
    if state.expires_on is None or state.status not in (
        TrainingStatus.COMPLIANT,
        TrainingStatus.DUE_SOON,
    ):
        return False
    return as_of <= state.expires_on <= as_of + dt.timedelta(days=days)


def count_by_status(rows: Iterable[ComplianceRow]) -> dict[TrainingStatus, int]:
    """How many rows are in each status, every status present, worst first."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for row in rows:
        counts[row.state.status] += 1
    return counts


def chart_start(as_of: dt.date) -> dt.date:
    """The first day of the 12 months ending on ``as_of``: the day after the same date last year."""
    return subtract_one_year(as_of) + ONE_DAY


def not_current_periods(
    employment: Employment, completed_on_days: Iterable[dt.date], policy: CyclePolicy
) -> list[tuple[dt.date, dt.date | None]]:
    """The periods (first day, last day or None for open-ended) in which someone hired under
    ``employment`` is overdue or lapsed, before the end of employment is applied."""
    last_day = employment.separated_on or dt.date.max
    within = [d for d in completed_on_days if employment.hired_on <= d <= last_day]
    chain = completion_chain(within, policy)
    overdue_from = initial_due_on(employment, policy) + ONE_DAY
    if not chain:
        return [(overdue_from, None)]
    periods: list[tuple[dt.date, dt.date | None]] = []
    if chain[0].completed_on > overdue_from:
        periods.append((overdue_from, chain[0].completed_on - ONE_DAY))
    for previous, following in itertools.pairwise(chain):
        if following.completed_on > previous.expires_on:
            periods.append((previous.expires_on, following.completed_on - ONE_DAY))
    periods.append((chain[-1].expires_on, None))
    return periods


def _add_period(
    counts: list[int], start: dt.date, first: dt.date, last: dt.date | None, end: dt.date
) -> None:
    """Add one to ``counts`` (a difference array indexed from ``start``) over [first, last]."""
    first = max(first, start)
    last = end if last is None else min(last, end)
    if first > last:
        return
    counts[(first - start).days] += 1
    counts[(last - start).days + 1] -= 1


def daily_shares(
    records: Iterable[MentorRecord], start: dt.date, end: dt.date, policy: CyclePolicy
) -> list[DailyShare]:
    """For each day from ``start`` to ``end``: mentors employed and how many were current.

    Each person contributes a few periods to two difference arrays, so the cost is the number of
    completions plus the number of days, not their product.
    """
    days = (end - start).days + 1
    employed, not_current = [0] * (days + 1), [0] * (days + 1)
    for record in records:
        for job in record.employments:
            _add_period(employed, start, job.hired_on, job.separated_on, end)
            for first, last in not_current_periods(job, record.completed_on_days, policy):
                if job.separated_on is not None and (last is None or last > job.separated_on):
                    last = job.separated_on
                _add_period(not_current, start, first, last, end)
    shares, on_staff, behind = [], 0, 0
    for index in range(days):
        on_staff += employed[index]
        behind += not_current[index]
        shares.append(DailyShare(start + dt.timedelta(days=index), on_staff, on_staff - behind))
    return shares


def monthly_summaries(shares: Sequence[DailyShare]) -> list[MonthSummary]:
    """Each calendar month in ``shares``: its last day's figures and its lowest share."""
    months: dict[dt.date, list[DailyShare]] = {}
    for share in shares:
        months.setdefault(share.day.replace(day=1), []).append(share)
    summaries = []
    for month, in_month in months.items():
        staffed = [s for s in in_month if s.share is not None]
        lowest = min(staffed, key=lambda s: (s.share, s.day)) if staffed else None
        summaries.append(MonthSummary(month, in_month[-1], lowest))
    return summaries
