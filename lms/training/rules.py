"""The hire/annual training cycle as pure functions (time is always passed in).

The specification requires training "upon employment and annually thereafter". Initial
training is due a set number of days after hire; a completed cycle is valid for one year;
renewing inside the window before expiry keeps the anniversary, renewing after it has lapsed
starts a new anniversary from the completion date (the Totara/Relias recertification model).
"""

from __future__ import annotations

import datetime as dt
import enum
import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lms.staff.rules import Employment, employment_on

ONE_DAY = dt.timedelta(days=1)


class TrainingStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    COMPLIANT = "compliant"
    DUE_SOON = "due_soon"
    LAPSED = "lapsed"

    @property
    def current(self) -> bool:
        """Whether someone in this status counts as current on their training."""
        return self in CURRENT_STATUSES

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


CURRENT_STATUSES = frozenset(
    {
        TrainingStatus.NOT_STARTED,
        TrainingStatus.IN_PROGRESS,
        TrainingStatus.COMPLIANT,
        TrainingStatus.DUE_SOON,
    }
)
STATUS_LABELS = {
    TrainingStatus.NOT_STARTED: "Not started",
    TrainingStatus.IN_PROGRESS: "In progress",
    TrainingStatus.OVERDUE: "Overdue",
    TrainingStatus.COMPLIANT: "Compliant",
    TrainingStatus.DUE_SOON: "Due soon",
    TrainingStatus.LAPSED: "Lapsed",
}


@dataclass(frozen=True)
class CyclePolicy:
    initial_training_days: int = 30
    renewal_window_days: int = 90


@dataclass(frozen=True)
class Completion:
    completed_on: dt.date
    expires_on: dt.date


@dataclass(frozen=True)
class TrainingState:
    status: TrainingStatus
    due_on: dt.date  # initial due date, or the expiry of the cycle in force
    expires_on: dt.date | None
    window_opens_on: dt.date | None
    last_completed_on: dt.date | None
    days_left: int  # negative once overdue or lapsed

    @property
    def current(self) -> bool:
        return self.status.current

    @property
    def renewal_open(self) -> bool:
        return self.status in (TrainingStatus.DUE_SOON, TrainingStatus.LAPSED)


def add_one_year(day: dt.date) -> dt.date:
    """The same day next year; 29 February + 1 year = 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return dt.date(day.year + 1, 2, 28)


def initial_due_on(employment: Employment, policy: CyclePolicy) -> dt.date:
    return employment.hired_on + dt.timedelta(days=policy.initial_training_days)


def window_opens_on(expires_on: dt.date, policy: CyclePolicy) -> dt.date:
    return expires_on - dt.timedelta(days=policy.renewal_window_days)


def next_expiry(
    previous_expires_on: dt.date | None, completed_on: dt.date, policy: CyclePolicy
) -> dt.date:
    """The expiry a cycle completed on ``completed_on`` earns.

    Inside the renewal window the anniversary is kept; on or after expiry it counts from its own
    date. A completion before the window opened (only possible for an imported completion) counts
    from its own date only when that is later than the expiry already earned: more training
    never shortens validity.
    """
    own = add_one_year(completed_on)
    if previous_expires_on is None or completed_on >= previous_expires_on:
        return own
    if completed_on >= window_opens_on(previous_expires_on, policy):
        return add_one_year(previous_expires_on)
    return max(own, previous_expires_on)


def completion_chain(completed_on_days: Iterable[dt.date], policy: CyclePolicy) -> list[Completion]:
    """Each completion with the expiry it earned, in date order."""
    chain: list[Completion] = []
    for completed_on in sorted(completed_on_days):
        previous = chain[-1].expires_on if chain else None
        chain.append(Completion(completed_on, next_expiry(previous, completed_on, policy)))
    return chain


def training_state(
    employment: Employment,
    completed_on_days: Iterable[dt.date],
    as_of: dt.date,
    policy: CyclePolicy,
    started_on: dt.date | None = None,
) -> TrainingState | None:
    """Where a person stood on ``as_of``; None when they were not employed that day.

    Only completions within this employment and on or before ``as_of`` count, so the answer
    for a past date is what it was then. ``started_on`` is the first day of any module activity
    in the open initial cycle (it separates not_started from in_progress).
    """
    if as_of < employment.hired_on:
        return None
    if employment.separated_on is not None and as_of > employment.separated_on:
        return None
    relevant = [d for d in completed_on_days if employment.hired_on <= d <= as_of]
    chain = completion_chain(relevant, policy)
    if not chain:
        due_on = initial_due_on(employment, policy)
        if as_of > due_on:
            status = TrainingStatus.OVERDUE
        elif started_on is not None and started_on <= as_of:
            status = TrainingStatus.IN_PROGRESS
        else:
            status = TrainingStatus.NOT_STARTED
        return TrainingState(status, due_on, None, None, None, (due_on - as_of).days)

    latest = chain[-1]
    opens = window_opens_on(latest.expires_on, policy)
    if as_of >= latest.expires_on:
        status = TrainingStatus.LAPSED
    elif as_of >= opens:
        status = TrainingStatus.DUE_SOON
    else:
        status = TrainingStatus.COMPLIANT
    return TrainingState(
        status,
        latest.expires_on,
        latest.expires_on,
        opens,
        latest.completed_on,
        (latest.expires_on - as_of).days,
    )


# -- one answer to "where did this person stand on a date" -------------------------------------


@dataclass(frozen=True)
class CycleFacts:
    """One training cycle as the status needs it."""

    completed_on: dt.date | None
    started_on: dt.date | None  # first day of any module activity, where the provider works


@dataclass(frozen=True)
class TrainingHistory:
    """Everything the training status reads about a person: every period of employment (a
    rehire is a new one) and every cycle. Loaded by ``lms.training.queries.training_histories``;
    every page, report, alert and command asks ``state_on`` with it."""

    employments: tuple[Employment, ...]
    cycles: tuple[CycleFacts, ...] = ()

    @property
    def completed_on_days(self) -> list[dt.date]:
        return [c.completed_on for c in self.cycles if c.completed_on is not None]


def started_on(history: TrainingHistory, as_of: dt.date) -> dt.date | None:
    """The first day of module activity in the cycle open on ``as_of`` (not yet completed then).

    Only the initial cycle's start matters to the status, and on any day before the first
    completion every cycle not completed by then is that initial one.
    """
    employment = employment_on(history.employments, as_of)
    if employment is None:
        return None
    days = [
        c.started_on
        for c in history.cycles
        if c.started_on is not None
        and c.started_on >= employment.hired_on
        and (c.completed_on is None or c.completed_on > as_of)
    ]
    return min(days, default=None)


def state_on(history: TrainingHistory, as_of: dt.date, policy: CyclePolicy) -> TrainingState | None:
    """The training state on ``as_of``, from the employment period that covers that day; None
    when the person was not employed then."""
    employment = employment_on(history.employments, as_of)
    if employment is None:
        return None
    return training_state(
        employment, history.completed_on_days, as_of, policy, started_on(history, as_of)
    )


@dataclass(frozen=True)
class SectionsRead:
    read: int  # sections counted as read
    under_minimum: int  # sections opened but left before the minimum time


def sections_read(
    section_seconds: Mapping[str, int] | None,
    furthest_section: int,
    section_count: int,
    minimum_seconds: int,
) -> SectionsRead:
    """How many sections count as read. Without a minimum (0), every section up to the
    furthest opened does; with one, a section counts once the time credited to it reaches the
    minimum. Rows recorded before per-section time (None) count as without a minimum."""
    opened = min(furthest_section + 1, section_count)
    if minimum_seconds <= 0 or section_seconds is None:
        return SectionsRead(opened, 0)
    read = sum(
        1 for index in range(section_count) if section_seconds.get(str(index), 0) >= minimum_seconds
    )
    return SectionsRead(read, max(0, opened - read))


# -- the status as stored periods (lms.statuses keeps them; SQL compares them with a day) -------


@dataclass(frozen=True)
class StatusPeriod:
    """From ``starts_on`` to ``ends_on`` (inclusive; None: open-ended) ``state_on`` answers
    these fields every day; only ``days_left`` moves (``due_on`` minus the day)."""

    starts_on: dt.date
    ends_on: dt.date | None
    status: TrainingStatus
    due_on: dt.date
    expires_on: dt.date | None
    window_opens_on: dt.date | None
    last_completed_on: dt.date | None


def _stored_fields(state: TrainingState | None) -> tuple | None:
    if state is None:
        return None
    return (
        state.status,
        state.due_on,
        state.expires_on,
        state.window_opens_on,
        state.last_completed_on,
    )


def status_periods(history: TrainingHistory, policy: CyclePolicy) -> list[StatusPeriod]:
    """Every period over which ``state_on`` gives the same answer (days on which the person was
    not employed have none), found by asking ``state_on`` itself on each day its answer can
    change: a hire, the day after a separation, a completion, a first module activity, and the
    days the answers name — the day after an initial due date, a renewal window's opening, an
    expiry. Between two such days nothing ``state_on`` reads differs."""
    days: set[dt.date] = set()
    for employment in history.employments:
        days.add(employment.hired_on)
        if employment.separated_on is not None:
            days.add(employment.separated_on + ONE_DAY)
    for cycle in history.cycles:
        days.update(d for d in (cycle.completed_on, cycle.started_on) if d is not None)
    queue = sorted(days)
    heapq.heapify(queue)
    seen = set(queue)
    answers: list[tuple[dt.date, tuple | None]] = []
    while queue:
        day = heapq.heappop(queue)
        fields = _stored_fields(state_on(history, day, policy))
        answers.append((day, fields))
        if fields is None:
            continue
        _status, due_on, expires_on, opens_on, _last = fields
        for later in (due_on + ONE_DAY, opens_on, expires_on):
            if later is not None and later > day and later not in seen:
                seen.add(later)
                heapq.heappush(queue, later)
    periods: list[StatusPeriod] = []
    current: tuple | None = None
    for day, fields in answers:  # in date order: a day pushed is always later than the one popped
        if fields == current:
            continue
        if current is not None:
            periods[-1] = _ended(periods[-1], day - ONE_DAY)
        if fields is not None:
            periods.append(StatusPeriod(day, None, *fields))
        current = fields
    return periods


def _fields_of(period: StatusPeriod) -> tuple:
    return (
        period.status,
        period.due_on,
        period.expires_on,
        period.window_opens_on,
        period.last_completed_on,
    )


def _ended(period: StatusPeriod, ends_on: dt.date | None) -> StatusPeriod:
    return StatusPeriod(period.starts_on, ends_on, *_fields_of(period))
