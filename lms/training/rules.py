"""The hire/annual training cycle as pure functions (time is always passed in).

The specification requires training "upon employment and annually thereafter". Initial
training is due a set number of days after hire; a completed cycle is valid for one year;
renewing inside the window before expiry keeps the anniversary, renewing after it has lapsed
starts a new anniversary from the completion date (the Totara/Relias recertification model).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from lms.staff.rules import Employment

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
