"""The status rules for requirements by position, pure: every date comes in as an argument.

Per person, requirement and date the status is one of ``RequirementStatus``. Validity is a
closed range of days ``[valid_from, valid_until]`` (``valid_until`` None: open-ended):

- a credential from its issue date to the day before its expiry date;
- a check from its date for ``months`` calendar months: it expires on the same day-of-month
  ``months`` later (the month's last day when that day does not exist) and is valid to the day
  before, like a credential;
- an acknowledgment while the signed version is the one in force, and after a newer version
  takes effect for the ``grace_days`` days beginning on its effective date;
- a course as a credential: from the certificate's issue date to the day before it expires.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from lms.staff.rules import Employment, employment_on


class RequirementKind(enum.StrEnum):
    CREDENTIAL = "credential"
    CHECK = "check"
    ACKNOWLEDGMENT = "acknowledgment"
    COURSE = "course"


class RequirementStatus(enum.StrEnum):
    MET = "met"
    DUE_SOON = "due_soon"
    EXPIRED = "expired"
    MISSING = "missing"
    PENDING = "pending"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    RequirementStatus.MET: "Met",
    RequirementStatus.DUE_SOON: "Due soon",
    RequirementStatus.EXPIRED: "Expired",
    RequirementStatus.MISSING: "Missing",
    RequirementStatus.PENDING: "Pending",
    RequirementStatus.NOT_APPLICABLE: "Not applicable",
}
#: Statuses that count as holding the requirement on the date.
HELD = frozenset({RequirementStatus.MET, RequirementStatus.DUE_SOON})
#: Worst first, for sorting and for the matrix's filter.
STATUS_ORDER = (
    RequirementStatus.MISSING,
    RequirementStatus.EXPIRED,
    RequirementStatus.DUE_SOON,
    RequirementStatus.PENDING,
    RequirementStatus.MET,
    RequirementStatus.NOT_APPLICABLE,
)

KEY_PATTERN = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*\Z")


@dataclass(frozen=True)
class Requirement:
    """One requirement of the catalogue, as a catalogue version defines it."""

    key: str
    name: str
    kind: RequirementKind
    positions: frozenset[str]
    #: Days after the first day of work it is first due; 0 is "before the first day".
    first_due_days: int = 0
    #: Checks: months a check stays valid; None for the other kinds.
    validity_months: int | None = None
    #: Acknowledgments: days after a new version takes effect during which the old one counts.
    grace_days: int = 0
    warning_days: int = 30
    blocks_work: bool = False
    #: Courses: the curriculum whose certificates meet it.
    curriculum: str | None = None
    #: Credentials whose records are kept elsewhere: ``clinician_licences`` (the clinicians'
    #: licence records, lms/clinicians), not HR's requirement records. None: HR records them.
    records: str | None = None
    description: str = ""

    def applies_to(self, position: str | None) -> bool:
        return position is not None and position in self.positions


class Validity(NamedTuple):
    """The days one record (credential, check, signature, certificate) covers."""

    valid_from: dt.date
    valid_until: dt.date | None  # the last day covered; None: no end yet

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class PolicyVersion:
    version: int
    effective_on: dt.date


@dataclass(frozen=True)
class PositionSpell:
    """The person held ``position`` from ``start_on`` until the next spell's start."""

    start_on: dt.date
    position: str


@dataclass(frozen=True)
class PersonFacts:
    """What the status rules need to know about a person."""

    employments: tuple[Employment, ...]
    positions: tuple[PositionSpell, ...]
    #: A candidate's planned first day (no employment period yet).
    planned_hire_on: dt.date | None = None


class StatusResult(NamedTuple):
    """A status, with the last day of the record that answers and the first due date."""

    status: RequirementStatus
    valid_until: dt.date | None = None  # of the record that answers, if any
    due_on: dt.date | None = None  # first due date in the current employment, if applicable


NOT_APPLICABLE = StatusResult(RequirementStatus.NOT_APPLICABLE)


@dataclass(frozen=True)
class Clearance:
    cleared: bool
    #: The blocking requirements not met on the date, with their status.
    blockers: tuple[tuple[str, RequirementStatus], ...] = field(default_factory=tuple)


# -- validity of each kind of record ------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on; a day-of-month the target month lacks falls
    back to that month's last day (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def credential_validity(issued_on: dt.date, expires_on: dt.date | None) -> Validity:
    """From the issue date to the day before the expiry date (no expiry date: open-ended)."""
    until = None if expires_on is None else expires_on - dt.timedelta(days=1)
    return Validity(issued_on, until)


def check_validity(done_on: dt.date, months: int) -> Validity:
    """From the check's date to the day before the same day ``months`` months later."""
    return Validity(done_on, add_months(done_on, months) - dt.timedelta(days=1))


def version_in_force(versions: Iterable[PolicyVersion], day: dt.date) -> PolicyVersion | None:
    """The latest version whose effective date is on or before ``day``."""
    begun = [version for version in versions if version.effective_on <= day]
    return max(begun, key=lambda version: version.effective_on, default=None)


def acknowledgment_validity(
    signed_on: dt.date, signed_version: int, versions: Sequence[PolicyVersion], grace_days: int
) -> Validity:
    """A signature covers from the day it was signed while its version is in force, and for
    ``grace_days`` days from the day the next version takes effect (that day counted)."""
    signed = next((v for v in versions if v.version == signed_version), None)
    if signed is None:
        return Validity(signed_on, signed_on - dt.timedelta(days=1))  # covers nothing
    later = [v for v in versions if v.effective_on > signed.effective_on]
    if not later:
        return Validity(signed_on, None)
    superseded_on = min(v.effective_on for v in later)
    return Validity(signed_on, superseded_on + dt.timedelta(days=grace_days - 1))


# -- status on a date ---------------------------------------------------------------------------


def position_on(facts: PersonFacts, day: dt.date) -> str | None:
    """The position held on ``day``: the latest spell begun on or before it; before the first
    spell, the first one (a candidate's position before they start)."""
    if not facts.positions:
        return None
    ordered = sorted(facts.positions, key=lambda spell: spell.start_on)
    begun = [spell for spell in ordered if spell.start_on <= day]
    return (begun[-1] if begun else ordered[0]).position


def start_on(facts: PersonFacts, day: dt.date) -> dt.date | None:
    """The first day of the employment that answers for ``day``, or a candidate's planned first
    day still to come; None when the person is neither employed nor about to start on ``day``.

    Only a candidate's plan counts as "about to start": a past date before an actual hire is
    before the person was anyone's employee."""
    period = employment_on(facts.employments, day)
    if period is not None and (period.separated_on is None or day <= period.separated_on):
        return period.hired_on
    if facts.planned_hire_on is not None and (period is None or facts.planned_hire_on > day):
        return facts.planned_hire_on
    return None


def requirement_status(
    requirement: Requirement,
    facts: PersonFacts,
    day: dt.date,
    validities: Iterable[Validity],
) -> StatusResult:
    """The status of ``requirement`` for a person on ``day`` from the validity of each of their
    records for it (records not yet made on ``day`` are ignored)."""
    started, position = start_on(facts, day), position_on(facts, day)
    return status_on(requirement, started, position, day, list(validities))


def status_on(
    requirement: Requirement,
    started: dt.date | None,
    position: str | None,
    day: dt.date,
    validities: Sequence[Validity],
) -> StatusResult:
    """``requirement_status`` once the person's start (``start_on``) and position on ``day`` are
    known: a list of many people works them out once per person, not once per requirement."""
    if started is None or not requirement.applies_to(position):
        return NOT_APPLICABLE
    due_on = started + dt.timedelta(days=requirement.first_due_days)
    made = [validity for validity in validities if validity.valid_from <= day] if validities else ()
    covering = [validity for validity in made if validity.covers(day)]
    if covering:
        best = max(covering, key=lambda v: dt.date.max if v.valid_until is None else v.valid_until)
        if best.valid_until is not None:
            expires_on = best.valid_until + dt.timedelta(days=1)
            if day >= expires_on - dt.timedelta(days=requirement.warning_days):
                return StatusResult(RequirementStatus.DUE_SOON, best.valid_until, due_on)
        return StatusResult(RequirementStatus.MET, best.valid_until, due_on)
    # The first-due period restarts with each employment, a rehire included.
    if day < due_on:
        return StatusResult(RequirementStatus.PENDING, None, due_on)
    if made:
        last = max(made, key=lambda v: v.valid_until or dt.date.max)
        return StatusResult(RequirementStatus.EXPIRED, last.valid_until, due_on)
    return StatusResult(RequirementStatus.MISSING, None, due_on)


def cleared_to_work(
    requirements: Iterable[Requirement], statuses: Mapping[str, RequirementStatus]
) -> Clearance:
    """Cleared when every blocking requirement that applies is held on the date."""
    blockers = tuple(
        (requirement.key, statuses[requirement.key])
        for requirement in requirements
        if requirement.blocks_work
        and statuses.get(requirement.key, RequirementStatus.NOT_APPLICABLE)
        not in HELD | {RequirementStatus.NOT_APPLICABLE}
    )
    return Clearance(not blockers, blockers)
