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
from lms.tallies.rules import EXPIRING_WITHIN_DAYS, days_within


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


# -- the same answer for a whole span of days -------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A person's records that requirements read, as recorded: how long each one counts depends
    on the requirement's definition in the catalogue in force, so validity is worked out on
    demand (``validities_on``)."""

    #: HR's records by requirement key: (done or issued on, expires on).
    records: Mapping[str, Sequence[tuple[dt.date, dt.date | None]]] = field(default_factory=dict)
    #: Policy signatures by requirement key: (version signed, signed on).
    signatures: Mapping[str, Sequence[tuple[int, dt.date]]] = field(default_factory=dict)
    #: The person's clinical licences: (issued on, expires on).
    licences: Sequence[tuple[dt.date, dt.date | None]] = ()
    #: Certificates by curriculum key: (issued on, expires on, revoked on).
    certificates: Mapping[str, Sequence[tuple[dt.date, dt.date, dt.date | None]]] = field(
        default_factory=dict
    )


NO_EVIDENCE = Evidence()


def validities_on(
    requirement: Requirement,
    evidence: Evidence,
    versions: Sequence[PolicyVersion],
    day: dt.date,
) -> list[Validity]:
    """The validity of each of the person's records for ``requirement`` made by ``day``
    (``versions``: the policy's versions, for a signature; a certificate revoked by ``day`` is
    no record at all)."""
    found: list[Validity] = []
    if requirement.records is None and requirement.kind is RequirementKind.CHECK:
        months = requirement.validity_months or 1
        found += [
            check_validity(done_on, months)
            for done_on, _ in evidence.records.get(requirement.key, ())
            if done_on <= day
        ]
    elif requirement.records is None and requirement.kind is RequirementKind.CREDENTIAL:
        found += [
            credential_validity(done_on, expires_on)
            for done_on, expires_on in evidence.records.get(requirement.key, ())
            if done_on <= day
        ]
    found += [
        acknowledgment_validity(signed_on, version, versions, requirement.grace_days)
        for version, signed_on in evidence.signatures.get(requirement.key, ())
        if signed_on <= day
    ]
    if requirement.records == "clinician_licences":
        found += [
            credential_validity(issued_on, expires_on)
            for issued_on, expires_on in evidence.licences
            if issued_on <= day
        ]
    if requirement.kind is RequirementKind.COURSE and requirement.curriculum is not None:
        for issued_on, expires_on, revoked_on in evidence.certificates.get(
            requirement.curriculum, ()
        ):
            if issued_on > day or (revoked_on is not None and revoked_on <= day):
                continue
            until = expires_on if revoked_on is None else min(expires_on, revoked_on)
            found.append(credential_validity(issued_on, until))
    return found


def cell_on(
    requirement: Requirement,
    started: dt.date | None,
    position: str | None,
    day: dt.date,
    evidence: Evidence,
    versions: Sequence[PolicyVersion],
) -> StatusResult:
    """One cell of the matrix: the status of ``requirement`` on ``day`` for a person who started
    on ``started`` (``start_on``) and holds ``position``. A policy with no version in force yet
    applies to nobody: there is nothing to sign."""
    if started is None or not requirement.applies_to(position):
        return NOT_APPLICABLE
    return _cell(
        requirement,
        started,
        position,
        day,
        validities_on(requirement, evidence, versions, day),
        versions,
    )


def _cell(
    requirement: Requirement,
    started: dt.date | None,
    position: str | None,
    day: dt.date,
    validities: Sequence[Validity],
    versions: Sequence[PolicyVersion],
) -> StatusResult:
    """``cell_on`` from the validities of the records (those made after ``day`` may be among
    them: ``status_on`` leaves them out)."""
    if requirement.kind is RequirementKind.ACKNOWLEDGMENT and not any(
        version.effective_on <= day for version in versions
    ):
        return NOT_APPLICABLE
    return status_on(requirement, started, position, day, validities)


class CatalogueSpan(NamedTuple):
    """One catalogue version: its number, the day it takes effect and its requirements."""

    version: int
    effective_on: dt.date
    requirements: Mapping[str, Requirement]


def catalogue_in_force(versions: Sequence, day: dt.date):
    """The version (anything with ``version`` and ``effective_on``) in force on ``day``: the
    latest begun; before the first takes effect, the lowest-numbered (there was no other
    catalogue then). None with no versions."""
    begun = [v for v in versions if v.effective_on <= day]
    if begun:
        return max(begun, key=lambda v: (v.effective_on, v.version))
    return min(versions, key=lambda v: v.version) if versions else None


class RequirementPeriod(NamedTuple):
    """From ``starts_on`` to ``ends_on`` (inclusive; None: no end) the person's cell for
    ``key`` reads ``status`` with these dates, while they hold ``position``; ``blocks_work`` as
    the catalogue in force then says. Not-applicable days have no period."""

    key: str
    starts_on: dt.date
    ends_on: dt.date | None
    status: RequirementStatus
    valid_until: dt.date | None
    due_on: dt.date | None
    position: str
    blocks_work: bool


ONE_DAY = dt.timedelta(days=1)


def _shifted(day: dt.date, days: int) -> dt.date | None:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


def _change_days(
    definitions: Sequence[Requirement],
    facts: PersonFacts,
    evidence: Evidence,
    versions: Sequence[PolicyVersion],
) -> set[dt.date]:
    """Every day on which a cell for one requirement key (under any of its ``definitions``)
    could read differently from the day before: ``cell_on`` is constant between them."""
    days: set[dt.date] = {spell.start_on for spell in facts.positions}
    starts: set[dt.date] = set()
    for period in facts.employments:
        starts.add(period.hired_on)
        if period.separated_on is not None:
            days.add(period.separated_on + ONE_DAY)
    if facts.planned_hire_on is not None:
        starts.add(facts.planned_hire_on)
    days |= starts
    days |= {version.effective_on for version in versions}
    for requirement in definitions:
        days |= {start + dt.timedelta(days=requirement.first_due_days) for start in starts}
        # Every record counted as early as it can be, revocations included separately.
        for validity in validities_on(requirement, _unrevoked(evidence), versions, dt.date.max):
            days.add(validity.valid_from)
            if validity.valid_until is not None:
                expires_on = validity.valid_until + ONE_DAY
                days.add(expires_on)
                warned = _shifted(expires_on, -requirement.warning_days)
                if warned is not None:
                    days.add(warned)
    for certificates in evidence.certificates.values():
        days |= {revoked_on for _, _, revoked_on in certificates if revoked_on is not None}
    return days


def _unrevoked(evidence: Evidence) -> Evidence:
    """``evidence`` with every certificate counted up to its revocation, not dropped by it."""
    if not evidence.certificates:
        return evidence
    certificates = {
        curriculum: [
            (issued_on, expires_on if revoked_on is None else min(expires_on, revoked_on), None)
            for issued_on, expires_on, revoked_on in rows
        ]
        for curriculum, rows in evidence.certificates.items()
    }
    return Evidence(evidence.records, evidence.signatures, evidence.licences, certificates)


def requirement_periods(
    catalogues: Sequence[CatalogueSpan],
    facts: PersonFacts,
    evidence: Evidence,
    policy_versions: Mapping[str, Sequence[PolicyVersion]],
) -> list[RequirementPeriod]:
    """Every run of days over which one of the person's cells reads the same, for every day
    from the first to the last there is: the cell on any day is the one ``cell_on`` gives under
    the catalogue in force that day. Ordered by key, then day."""
    if not catalogues:
        return []
    effective_days = {span.effective_on for span in catalogues}
    held = {spell.position for spell in facts.positions}
    keys = sorted({key for span in catalogues for key in span.requirements})
    on_day: dict[dt.date, tuple] = {}  # day -> (requirements in force, start, position)
    periods: list[RequirementPeriod] = []
    for key in keys:
        definitions = [span.requirements[key] for span in catalogues if key in span.requirements]
        if not any(requirement.positions & held for requirement in definitions):
            continue  # never applies to a position the person holds
        versions = policy_versions.get(key, ())
        days = _change_days(definitions, facts, evidence, versions) | effective_days
        days.add(dt.date.min)
        every_day = {id(r): _validities_for_every_day(r, evidence, versions) for r in definitions}
        current: list | None = None  # [start, values] of the run being built
        for day in sorted(days):
            if day not in on_day:
                on_day[day] = (
                    catalogue_in_force(catalogues, day).requirements,
                    start_on(facts, day),
                    position_on(facts, day),
                )
            requirements, started, position = on_day[day]
            requirement = requirements.get(key)
            values = None
            if requirement is not None and started is not None and requirement.applies_to(position):
                validities = every_day[id(requirement)]
                if validities is None:  # a revoked certificate: counted day by day
                    validities = validities_on(requirement, evidence, versions, day)
                result = _cell(requirement, started, position, day, validities, versions)
                if result.status is not RequirementStatus.NOT_APPLICABLE:
                    values = (*result, position, requirement.blocks_work)
            if current is not None and values == current[1]:
                continue
            if current is not None:
                periods.append(RequirementPeriod(key, current[0], day - ONE_DAY, *current[1]))
            current = None if values is None else [day, values]
        if current is not None:
            periods.append(RequirementPeriod(key, current[0], None, *current[1]))
    return periods


def _validities_for_every_day(
    requirement: Requirement, evidence: Evidence, versions: Sequence[PolicyVersion]
) -> list[Validity] | None:
    """Every record's validity for ``requirement``, whatever the day (``status_on`` leaves out
    those made after it); None when a revoked certificate counts on some days and not others."""
    if requirement.kind is RequirementKind.COURSE and any(
        revoked_on is not None
        for _, _, revoked_on in evidence.certificates.get(requirement.curriculum or "", ())
    ):
        return None
    return validities_on(requirement, evidence, versions, dt.date.max)


class ClearanceRun(NamedTuple):
    """From ``starts_on`` to ``ends_on`` (inclusive; None: no end) the person has at least one
    applicable requirement (so is listed in the matrix), holds ``position``, and is or is not
    cleared to work."""

    starts_on: dt.date
    ends_on: dt.date | None
    position: str
    cleared: bool


def clearance_runs(
    periods: Sequence[RequirementPeriod], having: RequirementStatus | None = None
) -> list[ClearanceRun]:
    """The person's days with any applicable requirement (with ``having``: with a requirement
    in that status), as runs of the same position and clearance: not cleared while any
    requirement that blocks work is missing, expired or pending (``cleared_to_work``)."""
    starting: dict[dt.date, list[RequirementPeriod]] = {}
    ending: dict[dt.date, list[RequirementPeriod]] = {}  # by the day after the last
    for period in periods:
        starting.setdefault(period.starts_on, []).append(period)
        if period.ends_on is not None:
            ending.setdefault(period.ends_on + ONE_DAY, []).append(period)
    runs: list[ClearanceRun] = []
    current: list | None = None
    covering: set[RequirementPeriod] = set()
    for day in sorted(starting.keys() | ending.keys()):
        covering.difference_update(ending.get(day, ()))
        covering.update(starting.get(day, ()))
        values = None
        if covering and (having is None or any(p.status is having for p in covering)):
            blocked = any(period.blocks_work and period.status not in HELD for period in covering)
            values = (next(iter(covering)).position, not blocked)
        if current is not None and values == current[1]:
            continue
        if current is not None:
            runs.append(ClearanceRun(current[0], day - ONE_DAY, *current[1]))
        current = None if values is None else [day, values]
    if current is not None:
        runs.append(ClearanceRun(current[0], None, *current[1]))
    return runs


def runs_by_status(
    periods: Sequence[RequirementPeriod],
) -> dict[RequirementStatus | None, list[ClearanceRun]]:
    """``clearance_runs`` for any requirement (key None) and for each status the person's
    requirements take: what the matrix lists and counts, for no status filter and for each."""
    found: dict[RequirementStatus | None, list[ClearanceRun]] = {None: clearance_runs(periods)}
    for status in sorted({period.status for period in periods}):
        found[status] = clearance_runs(periods, status)
    return found


def expiring_span(period: RequirementPeriod) -> tuple[dt.date, dt.date] | None:
    """The days of ``period`` on which its requirement is held and lapses within
    ``EXPIRING_WITHIN_DAYS`` days (its last valid day is before the day that many days on), or
    None. A held period with an end of validity ends by that day."""
    if period.status not in HELD or period.valid_until is None:
        return None
    soon = period.valid_until - dt.timedelta(days=EXPIRING_WITHIN_DAYS - 1)
    return days_within(period.starts_on, period.ends_on, soon, period.valid_until)
