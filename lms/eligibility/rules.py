"""The minimum qualifications for a Therapeutic Mentor (ruleset ``ma-tm-2023``), as pure code.

From the state performance specification, Staffing Requirements 1: 21 or older, and one of
 - a bachelor's degree in a human services field from an accredited university and one year of
   experience working with children, adolescents or transition-age youth;
 - an associate's degree in a human services field from an accredited school and one year of
   experience working with the target population;
 - a high-school diploma or GED and two years of experience with children, adolescents or
   transition-age youth.

Experience is measured in *hour-days* so that every figure is exact: a day covered by jobs
totalling H hours a week earns min(40, H) hour-days, and a year is 365 x 40 of them.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

RULESET = "ma-tm-2023"

FULL_TIME_HOURS = 40
ONE_YEAR_HOUR_DAYS = 365 * FULL_TIME_HOURS
TWO_YEARS_HOUR_DAYS = 730 * FULL_TIME_HOURS
MINIMUM_AGE = 21
PROJECTION_YEARS = 10
ONE_DAY = dt.timedelta(days=1)

#: The one position the mentor qualifications apply to (``Position.THERAPEUTIC_MENTOR``'s value).
EVALUATED_POSITION = "therapeutic_mentor"
NOT_EVALUATED_REASON = (
    "Only therapeutic mentors are evaluated against the mentor qualifications; this person's "
    "position is not therapeutic mentor."
)


def is_evaluated(position: str) -> bool:
    """Whether someone in ``position`` is evaluated against the mentor qualifications.

    Only therapeutic mentors are: the qualifications are a mentor's, and a "not eligible" on a
    clinician's file would mislead an auditor. Every page, command and API asks this.
    """
    return position == EVALUATED_POSITION


class CredentialLevel(enum.StrEnum):
    HIGH_SCHOOL = "high_school"
    GED = "ged"
    ASSOCIATE = "associate"
    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTORATE = "doctorate"


class Population(enum.StrEnum):
    YOUTH = "youth"  # children, adolescents or transition-age youth
    OTHER = "other"


class EligibilityStatus(enum.StrEnum):
    ELIGIBLE = "eligible"
    PROVISIONAL = "provisional"
    NOT_ELIGIBLE = "not_eligible"


class Pathway(enum.StrEnum):
    BACHELOR = "bachelor"
    ASSOCIATE = "associate"
    HIGH_SCHOOL = "high_school"


PATHWAY_LABELS = {
    Pathway.BACHELOR: "Bachelor's",
    Pathway.ASSOCIATE: "Associate's",
    Pathway.HIGH_SCHOOL: "High school",
}

BACHELOR_OR_HIGHER = frozenset(
    {CredentialLevel.BACHELOR, CredentialLevel.MASTER, CredentialLevel.DOCTORATE}
)
ASSOCIATE_OR_HIGHER = BACHELOR_OR_HIGHER | {CredentialLevel.ASSOCIATE}

CREDENTIAL_NAMES = {
    CredentialLevel.HIGH_SCHOOL: "high-school diploma",
    CredentialLevel.GED: "GED",
    CredentialLevel.ASSOCIATE: "associate's degree",
    CredentialLevel.BACHELOR: "bachelor's degree",
    CredentialLevel.MASTER: "master's degree",
    CredentialLevel.DOCTORATE: "doctorate",
}


def credential_label(level: CredentialLevel) -> str:
    """The credential's name to start a line with: "Bachelor's degree", "GED" (not "Ged")."""
    name = CREDENTIAL_NAMES[level]
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Credential:
    level: CredentialLevel
    conferred_on: dt.date
    human_services_field: bool = False
    accredited: bool = False
    verified: bool = False
    field_of_study: str | None = None

    def describe(self) -> str:
        name = CREDENTIAL_NAMES[self.level]
        subject = f" in {self.field_of_study}" if self.field_of_study else ""
        return f"{name}{subject} (conferred {self.conferred_on.isoformat()})"


@dataclass(frozen=True)
class ExperienceEntry:
    start_on: dt.date
    end_on: dt.date | None
    hours_per_week: Fraction
    population: Population
    target_population: bool = False
    verified: bool = False
    employer: str | None = None

    def describe(self) -> str:
        until = self.end_on.isoformat() if self.end_on else "ongoing"
        where = f" at {self.employer}" if self.employer else ""
        return f"experience{where} from {self.start_on.isoformat()} to {until}"


@dataclass(frozen=True)
class EligibilityFacts:
    as_of: dt.date
    date_of_birth: dt.date
    identity_verified: bool = False
    credentials: tuple[Credential, ...] = ()
    experience: tuple[ExperienceEntry, ...] = ()


@dataclass(frozen=True)
class EligibilityResult:
    status: EligibilityStatus
    pathway: Pathway | None
    eligible_from: dt.date | None
    age_years: int
    youth_experience_hour_days: Fraction
    target_experience_hour_days: Fraction
    reasons: tuple[str, ...]
    ruleset: str = RULESET

    @property
    def youth_experience_days(self) -> float:
        return days_for_display(self.youth_experience_hour_days)

    @property
    def target_experience_days(self) -> float:
        return days_for_display(self.target_experience_hour_days)

    def as_dict(self) -> dict[str, object]:
        """The JSON shape shared by the CLI, the API and stored determinations."""
        return {
            "status": self.status.value,
            "pathway": self.pathway.value if self.pathway else None,
            "eligible_from": self.eligible_from.isoformat() if self.eligible_from else None,
            "age_years": self.age_years,
            "youth_experience_days": self.youth_experience_days,
            "target_experience_days": self.target_experience_days,
            "reasons": list(self.reasons),
            "ruleset": self.ruleset,
        }


# -- dates --------------------------------------------------------------------------------------


def birthday_in(year: int, date_of_birth: dt.date) -> dt.date:
    """The birthday in ``year``; a 29 February birthday falls on 1 March in common years."""
    try:
        return date_of_birth.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Completed years of age on ``day``."""
    years = day.year - date_of_birth.year
    return years if day >= birthday_in(day.year, date_of_birth) else years - 1


def minimum_age_reached_on(date_of_birth: dt.date) -> dt.date:
    return birthday_in(date_of_birth.year + MINIMUM_AGE, date_of_birth)


def whole_days_text(days: float) -> str:
    """Days of credit for people to read: whole days completed ("427 days", "1 day"), never
    rounded up to a threshold not yet reached."""
    whole = math.floor(days)
    return f"{whole:,} day" if whole == 1 else f"{whole:,} days"


def days_for_display(hour_days: Fraction) -> float:
    """Full days of credit rounded half up to one decimal (decisions use the exact figure)."""
    return _days_for_display(hour_days.numerator, hour_days.denominator)


def _days_for_display(scaled_hour_days: int, scale: int) -> float:
    # floor(hour_days / 40 x 10 + 1/2) in integers: with hour_days = n / s, that is
    # floor((2n + 4s) / 8s).
    return (2 * scaled_hour_days + 4 * scale) // (8 * scale) / 10


# -- the experience measure ---------------------------------------------------------------------
#
# Evaluating thousands of people at once (HR's staff list filters on status) made Fraction
# arithmetic the bottleneck, so the measure works in whole numbers: hours are multiplied by the
# least common denominator of all hours in the facts (the *scale*: 1 for whole hours, at most
# 100 for the two decimals the records hold, larger for the longer decimals the JSON input
# accepts), which keeps every figure exact and integral.
# Days are ordinals (dt.date.toordinal) so that day arithmetic is integer arithmetic too.
# The private records are named tuples rather than frozen dataclasses because several are made
# per evaluation and tuples are several times quicker to create.

# A few hundredths of an hour a week would take past the year 9999 to add up to a year.
LAST_ORDINAL = dt.date.max.toordinal()


def _hours_scale(entries: Iterable[ExperienceEntry]) -> int:
    """The least common denominator of the entries' hours per week."""
    scale = 1
    for entry in entries:
        scale = math.lcm(scale, entry.hours_per_week.denominator)
    return scale


def _scaled_hours(entry: ExperienceEntry, scale: int) -> int:
    hours = entry.hours_per_week
    return hours.numerator * (scale // hours.denominator)


class _ScaledCurve(NamedTuple):
    """Cumulative credit in hour-days x ``scale``, piecewise constant daily credit capped at
    40 hours. Each segment is (first day, first day after or None for ever, daily credit), days
    as ordinals, and only segments earning credit are kept."""

    segments: tuple[tuple[int, int | None, int], ...]
    scale: int

    @classmethod
    def of(cls, entries: Sequence[ExperienceEntry], scale: int) -> _ScaledCurve:
        if len(entries) == 1:
            return cls(_single_segment(entries[0], scale), scale)  # most people: no sweep needed
        changes: dict[int, int] = {}
        for entry in entries:
            hours = _scaled_hours(entry, scale)
            start = entry.start_on.toordinal()
            changes[start] = changes.get(start, 0) + hours
            if entry.end_on is not None:
                after = entry.end_on.toordinal() + 1
                changes[after] = changes.get(after, 0) - hours
        if not changes:
            return cls((), scale)
        return cls(_segments(changes, FULL_TIME_HOURS * scale), scale)

    def credit_through(self, day: int) -> int:
        """Scaled hour-days earned on every day up to and including ordinal ``day``."""
        total, stop = 0, day + 1
        for start, end_before, rate in self.segments:
            if start >= stop:
                break
            end = stop if end_before is None or end_before > stop else end_before
            total += rate * (end - start)
        return total

    def first_day_reaching(self, threshold: int) -> int | None:
        """The first ordinal by the end of which the scaled credit reaches ``threshold``
        (None: never, or not before the last representable date)."""
        total = 0
        for start, end_before, rate in self.segments:
            if end_before is not None and total + rate * (end_before - start) < threshold:
                total += rate * (end_before - start)
                continue
            days_needed = -((total - threshold) // rate)  # ceil((threshold - total) / rate)
            day = start + days_needed - 1
            return day if day <= LAST_ORDINAL else None
        return None


def _single_segment(entry: ExperienceEntry, scale: int) -> tuple[tuple[int, int | None, int], ...]:
    end_before = None if entry.end_on is None else entry.end_on.toordinal() + 1
    rate = min(_scaled_hours(entry, scale), FULL_TIME_HOURS * scale)
    return ((entry.start_on.toordinal(), end_before, rate),) if rate > 0 else ()


def _segments(changes: dict[int, int], cap: int) -> tuple[tuple[int, int | None, int], ...]:
    """Sweep the changes of hours (ordinal: change) into segments of capped daily credit."""
    points = sorted(changes)
    segments, hours = [], 0
    for index, point in enumerate(points):
        hours += changes[point]
        rate = cap if hours > cap else hours
        if rate > 0:
            following = points[index + 1] if index + 1 < len(points) else None
            segments.append((point, following, rate))
    return tuple(segments)


NO_CREDIT = _ScaledCurve((), 1)


@dataclass(frozen=True)
class ExperienceCurve:
    """Cumulative credit of a set of entries in hour-days: piecewise constant daily credit,
    capped at 40 h. The timeline draws it; the evaluation uses its scaled form directly."""

    scaled: _ScaledCurve = NO_CREDIT

    @classmethod
    def of(cls, entries: Iterable[ExperienceEntry]) -> ExperienceCurve:
        entries = list(entries)
        return cls(_ScaledCurve.of(entries, _hours_scale(entries)))

    def credit_through(self, day: dt.date) -> Fraction:
        """Hour-days earned on every day up to and including ``day``."""
        return Fraction(self.scaled.credit_through(day.toordinal()), self.scaled.scale)

    def points(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, Fraction]]:
        """(day, credit by the end of that day) wherever the pace changes between ``start``
        and ``end``: straight lines between these points draw the curve exactly."""
        days = {start.toordinal(), end.toordinal()}
        for first, end_before, _rate in self.scaled.segments:
            days.add(first - 1)  # the last day before the new pace
            if end_before is not None:
                days.add(end_before - 1)  # the last day at this pace
        return [
            (dt.date.fromordinal(day), self.credit_through(dt.date.fromordinal(day)))
            for day in sorted(days)
            if start.toordinal() <= day <= end.toordinal()
        ]

    def first_day_reaching(self, threshold: int) -> dt.date | None:
        """The first day by the end of which the credit reaches ``threshold`` (None: never, or
        not before the last representable date)."""
        day = self.scaled.first_day_reaching(threshold * self.scaled.scale)
        return None if day is None else dt.date.fromordinal(day)


# -- the evaluation -----------------------------------------------------------------------------


class _PathwayCheck(NamedTuple):
    pathway: Pathway
    credential: Credential | None  # the earliest-conferred qualifying credential
    experience_needed: int  # hour-days
    experience_earned: int  # hour-days x scale, by the end of as_of
    has_experience: bool  # by the end of as_of
    first_day: dt.date | None  # when both the credential and the experience are in place

    @property
    def holds_on_as_of(self) -> bool:
        # The credentials checked were all conferred by as_of.
        return self.credential is not None and self.has_experience


class _QualifyingCredentials(NamedTuple):
    """For each pathway the earliest-conferred credential that qualifies (the first listed on a
    tie), or None."""

    bachelor: Credential | None
    associate: Credential | None
    high_school: Credential | None

    @classmethod
    def among(cls, credentials: Iterable[Credential]) -> _QualifyingCredentials:
        bachelor = associate = high_school = None
        for credential in credentials:
            # Any credential at all counts for the high-school pathway: diploma, GED or degree.
            high_school = _earlier(credential, high_school)
            if credential.human_services_field and credential.accredited:
                if credential.level in ASSOCIATE_OR_HIGHER:
                    associate = _earlier(credential, associate)
                if credential.level in BACHELOR_OR_HIGHER:
                    bachelor = _earlier(credential, bachelor)
        return cls(bachelor, associate, high_school)


def _earlier(credential: Credential, earliest: Credential | None) -> Credential:
    if earliest is None or credential.conferred_on < earliest.conferred_on:
        return credential
    return earliest


def _pathway_check(
    pathway: Pathway,
    needed: int,
    credential: Credential | None,
    curve: _ScaledCurve,
    earned: int,
    project: bool,
) -> _PathwayCheck:
    """``project``: find the first day the pathway holds, not only whether it does on as_of."""
    experience_day = (
        curve.first_day_reaching(needed * curve.scale)
        if project and credential is not None
        else None
    )
    first_day = (
        None
        if experience_day is None
        else max(credential.conferred_on, dt.date.fromordinal(experience_day))
    )
    has_experience = earned >= needed * curve.scale
    return _PathwayCheck(pathway, credential, needed, earned, has_experience, first_day)


def _pathway_checks(
    as_of: dt.date,
    credentials: Sequence[Credential],
    entries: Sequence[ExperienceEntry],
    scale: int,
    project: bool = True,
) -> tuple[_PathwayCheck, ...]:
    """The pathways in the order they are reported, on facts known by ``as_of``."""
    youth = _ScaledCurve.of([e for e in entries if e.population is Population.YOUTH], scale)
    target = _ScaledCurve.of([e for e in entries if e.target_population], scale)
    youth_earned = youth.credit_through(as_of.toordinal())
    target_earned = target.credit_through(as_of.toordinal())
    bachelor, associate, high_school = _QualifyingCredentials.among(credentials)
    return (
        _pathway_check(
            Pathway.BACHELOR, ONE_YEAR_HOUR_DAYS, bachelor, youth, youth_earned, project
        ),
        _pathway_check(
            Pathway.ASSOCIATE, ONE_YEAR_HOUR_DAYS, associate, target, target_earned, project
        ),
        _pathway_check(
            Pathway.HIGH_SCHOOL, TWO_YEARS_HOUR_DAYS, high_school, youth, youth_earned, project
        ),
    )


class _Evaluation(NamedTuple):
    """The all-facts evaluation: when it first holds, by which pathway on ``as_of``, and the
    scaled credit earned by then."""

    first_day: dt.date | None
    pathway_on_as_of: Pathway | None
    checks: tuple[_PathwayCheck, ...]
    scale: int
    turns_21: dt.date

    @property
    def youth_credit(self) -> int:
        return self.checks[0].experience_earned  # the bachelor's pathway counts youth work

    @property
    def target_credit(self) -> int:
        return self.checks[1].experience_earned  # the associate's counts target-population work


def _as_known_on(
    as_of: dt.date, credentials: Sequence[Credential], entries: Sequence[ExperienceEntry]
) -> tuple[list[Credential], list[ExperienceEntry]]:
    # Facts dated after the day evaluated are ignored: a degree not yet awarded may never be,
    # and a job not yet started may never start.
    return (
        [c for c in credentials if c.conferred_on <= as_of],
        [e for e in entries if e.start_on <= as_of],
    )


def _evaluate_all_facts(facts: EligibilityFacts, scale: int) -> _Evaluation:
    as_of = facts.as_of
    checks = _pathway_checks(
        as_of, *_as_known_on(as_of, facts.credentials, facts.experience), scale
    )
    pathway_days = [check.first_day for check in checks if check.first_day is not None]
    turns_21 = minimum_age_reached_on(facts.date_of_birth)
    first_day = max(turns_21, min(pathway_days)) if pathway_days else None
    pathway = None
    if turns_21 <= as_of:
        pathway = next((c.pathway for c in checks if c.holds_on_as_of), None)
    return _Evaluation(first_day, pathway, checks, scale, turns_21)


def _holds_on_verified_facts(facts: EligibilityFacts, scale: int) -> bool:
    """Whether some pathway holds on ``as_of`` counting only verified credentials and
    experience; the caller has checked the age (it holds on all facts)."""
    credentials = [c for c in facts.credentials if c.verified]
    entries = [e for e in facts.experience if e.verified]
    if len(credentials) == len(facts.credentials) and len(entries) == len(facts.experience):
        return True  # the same facts as the all-facts evaluation
    as_of = facts.as_of
    known = _as_known_on(as_of, credentials, entries)
    checks = _pathway_checks(as_of, *known, scale, project=False)
    return any(check.holds_on_as_of for check in checks)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return dt.date(day.year + years, 2, 28)


def _status(facts: EligibilityFacts, all_facts: _Evaluation, scale: int) -> EligibilityStatus:
    if all_facts.pathway_on_as_of is None:
        return EligibilityStatus.NOT_ELIGIBLE  # fewer facts cannot do better
    if facts.identity_verified and _holds_on_verified_facts(facts, scale):
        return EligibilityStatus.ELIGIBLE
    return EligibilityStatus.PROVISIONAL


def evaluate(facts: EligibilityFacts) -> EligibilityResult:
    """Determine a person's eligibility on ``facts.as_of`` under ruleset ma-tm-2023."""
    as_of = facts.as_of
    scale = _hours_scale(facts.experience)
    all_facts = _evaluate_all_facts(facts, scale)
    status = _status(facts, all_facts, scale)
    eligible_from = all_facts.first_day
    if eligible_from is not None and eligible_from > _add_years(as_of, PROJECTION_YEARS):
        eligible_from = None
    age_years = age_on(facts.date_of_birth, as_of)
    reasons = _reasons(facts, status, eligible_from, age_years, all_facts)
    return EligibilityResult(
        status=status,
        pathway=all_facts.pathway_on_as_of,
        eligible_from=eligible_from,
        age_years=age_years,
        youth_experience_hour_days=Fraction(all_facts.youth_credit, scale),
        target_experience_hour_days=Fraction(all_facts.target_credit, scale),
        reasons=tuple(reasons),
    )


# -- reasons ------------------------------------------------------------------------------------

PATHWAY_NAMES = {
    Pathway.BACHELOR: "Bachelor's pathway",
    Pathway.ASSOCIATE: "Associate's pathway",
    Pathway.HIGH_SCHOOL: "High-school pathway",
}
PATHWAY_CREDENTIAL = {
    Pathway.BACHELOR: "a bachelor's degree or higher in a human services field from an "
    "accredited institution",
    Pathway.ASSOCIATE: "an associate's degree or higher in a human services field from an "
    "accredited institution",
    Pathway.HIGH_SCHOOL: "a high-school diploma, GED or any degree",
}
PATHWAY_EXPERIENCE = {
    Pathway.BACHELOR: "youth experience",
    Pathway.ASSOCIATE: "target-population experience",
    Pathway.HIGH_SCHOOL: "youth experience",
}


def _days(scaled_hour_days: int, scale: int) -> str:
    # Whole days completed: never rounded up to a threshold not yet reached.
    return f"{scaled_hour_days // (FULL_TIME_HOURS * scale):,}"


def _reasons(
    facts: EligibilityFacts,
    status: EligibilityStatus,
    eligible_from: dt.date | None,
    age_years: int,
    all_facts: _Evaluation,
) -> Iterator[str]:
    as_of = facts.as_of
    turns_21 = all_facts.turns_21
    if turns_21 <= as_of:
        yield f"Age: {age_years}, at least 21 since {turns_21.isoformat()}."
    else:
        yield f"Age: {age_years}; turns 21 on {turns_21.isoformat()}."
    if not facts.identity_verified:
        yield "Identity and date of birth are not verified yet: check a government ID."

    for check in all_facts.checks:
        yield _pathway_reason(check, all_facts)

    if status is EligibilityStatus.PROVISIONAL:
        yield from _unverified_reasons(facts, all_facts)
    if status is not EligibilityStatus.NOT_ELIGIBLE:
        return
    if eligible_from is not None:
        yield (
            f"On the facts recorded, requirements are met from {eligible_from.isoformat()}"
            " if current jobs continue at their hours."
        )
    else:
        yield (
            "On the facts recorded, requirements would not be met within 10 years: "
            "a qualifying credential or more experience must be added."
        )


def _pathway_reason(check: _PathwayCheck, evaluation: _Evaluation) -> str:
    name = PATHWAY_NAMES[check.pathway]
    needed_days = check.experience_needed // FULL_TIME_HOURS
    kind = PATHWAY_EXPERIENCE[check.pathway]
    if check.holds_on_as_of:
        earned = _days(check.experience_earned, evaluation.scale)
        return (
            f"{name} met: {check.credential.describe()}; "
            f"{earned} days of {kind} ({needed_days} needed)."
        )
    missing = []
    if check.credential is None:
        missing.append(f"needs {PATHWAY_CREDENTIAL[check.pathway]}")
    if not check.has_experience:
        earned = _days(check.experience_earned, evaluation.scale)
        missing.append(f"has {earned} of the {needed_days} days of {kind} needed")
    return f"{name} not met: {'; '.join(missing)}."


def _unverified_reasons(facts: EligibilityFacts, evaluation: _Evaluation) -> Iterator[str]:
    """Which unverified facts stand between provisional and eligible."""
    pathway = evaluation.pathway_on_as_of
    check = next(c for c in evaluation.checks if c.pathway is pathway)
    if check.credential is not None and not check.credential.verified:
        yield f"Verify the {check.credential.describe()} to confirm eligibility."
    for entry in facts.experience:
        relevant = (
            entry.target_population
            if pathway is Pathway.ASSOCIATE
            else (entry.population is Population.YOUTH)
        )
        if relevant and not entry.verified and entry.start_on <= facts.as_of:
            yield f"Verify the {entry.describe()} to confirm eligibility."


# -- the status as stored periods (lms.statuses keeps them; SQL compares them with a day) -------


@dataclass(frozen=True)
class StatusPeriod:
    """From ``starts_on`` to ``ends_on`` (inclusive; None: open-ended) ``evaluate`` gives
    ``status`` on every day, on the facts recorded now."""

    starts_on: dt.date
    ends_on: dt.date | None
    status: EligibilityStatus


#: How many projection spans past the last dated fact to look for a first eligible day.
_PROJECTION_SPANS = 3


def _first_days(facts: EligibilityFacts, horizon: dt.date) -> Iterator[dt.date]:
    """The first day a pathway holds on all facts and on the verified facts alone, as
    ``evaluate`` reports it (``eligible_from``) once every fact is known."""
    verified = EligibilityFacts(
        horizon,
        facts.date_of_birth,
        facts.identity_verified,
        tuple(c for c in facts.credentials if c.verified),
        tuple(e for e in facts.experience if e.verified),
    )
    for variant in (facts, verified):
        for span in range(_PROJECTION_SPANS):
            as_of = _add_years(horizon, span * PROJECTION_YEARS)
            first = evaluate(EligibilityFacts(as_of, *_facts_fields(variant))).eligible_from
            if first is not None:
                yield first
                break


def _facts_fields(facts: EligibilityFacts) -> tuple:
    return (facts.date_of_birth, facts.identity_verified, facts.credentials, facts.experience)


def status_periods(facts: EligibilityFacts) -> list[StatusPeriod]:
    """Every period, from the date of birth on, over which ``evaluate`` gives the same status on
    ``facts`` (their ``as_of`` aside), found by asking ``evaluate`` itself on each day the status
    can change: the 21st birthday, a degree conferred, a job starting or ending, and the first
    day a pathway holds on all facts and on verified facts alone (experience adding up)."""
    days = {facts.date_of_birth, minimum_age_reached_on(facts.date_of_birth)}
    days.update(c.conferred_on for c in facts.credentials)
    for entry in facts.experience:
        days.add(entry.start_on)
        if entry.end_on is not None:
            days.add(entry.end_on + dt.timedelta(days=1))
    days.update(_first_days(facts, max(days)))
    periods: list[StatusPeriod] = []
    for day in sorted(d for d in days if d >= facts.date_of_birth):
        status = evaluate(EligibilityFacts(day, *_facts_fields(facts))).status
        if periods and periods[-1].status is status:
            continue
        if periods:
            last = periods[-1]
            periods[-1] = StatusPeriod(last.starts_on, day - dt.timedelta(days=1), last.status)
        periods.append(StatusPeriod(day, None, status))
    return periods


# -- how a fact was verified -------------------------------------------------------------------


class VerificationMethod(enum.StrEnum):
    """How HR checked a fact (a credential, a job, a person's identity, a requirement's record);
    shown to auditors beside who checked it and when."""

    GOVERNMENT_ID = "government_id"
    DIPLOMA = "diploma"
    TRANSCRIPT = "transcript"
    REGISTRAR = "registrar"
    CLEARINGHOUSE = "clearinghouse"
    DAPIP_LOOKUP = "dapip_lookup"
    CREDENTIAL_EVALUATION = "credential_evaluation"
    EMPLOYER_REFERENCE = "employer_reference"
    PAY_RECORDS = "pay_records"
    OTHER = "other"

    @property
    def label(self) -> str:
        return VERIFICATION_METHOD_LABELS[self]


VERIFICATION_METHOD_LABELS = {
    VerificationMethod.GOVERNMENT_ID: "Government-issued photo ID",
    VerificationMethod.DIPLOMA: "Diploma seen",
    VerificationMethod.TRANSCRIPT: "Official transcript",
    VerificationMethod.REGISTRAR: "Confirmed with the registrar",
    VerificationMethod.CLEARINGHOUSE: "National Student Clearinghouse",
    VerificationMethod.DAPIP_LOOKUP: "DAPIP look-up (accreditation)",
    VerificationMethod.CREDENTIAL_EVALUATION: "Foreign credential evaluation (NACES/AICE)",
    VerificationMethod.EMPLOYER_REFERENCE: "Employer reference",
    VerificationMethod.PAY_RECORDS: "Pay or tax records",
    VerificationMethod.OTHER: "Other (see note)",
}


# -- what a verification must rest on ---------------------------------------------------------

#: Methods that consist of reading a document: the document itself must be attached. The same
#: rule covers identity, credentials and experience, clinicians' licences ("board_letter") and
#: training areas ("certification"), and requirement records.
DOCUMENT_METHODS = frozenset(
    {
        "government_id",
        "diploma",
        "transcript",
        "credential_evaluation",
        "pay_records",
        "board_letter",
        "certification",
    }
)
#: What auditors read beside a verification that rests on a note rather than a document.
WITHOUT_DOCUMENT = "verified without a document, on the strength of the note"
#: A note saying whom, how they were reached and when is at least this long.
MIN_CONFIRMATION_NOTE = 15


def verification_problem(
    method: str, method_label: str, has_evidence: bool, note: str | None
) -> tuple[str, str] | None:
    """Why a fact cannot be marked verified this way, as (field, message); None when it can.

    An auditor must be able to see what a verification rests on: the document, when the method
    is reading one; otherwise (a call to the registrar, a look-up, an employer's reference
    without a letter) a note saying whom, how they were reached and when.
    """
    if has_evidence:
        return None
    if method in DOCUMENT_METHODS:
        return (
            "method",
            f"“{method_label}” needs the document attached as evidence first. If there is no "
            "document, choose how it was confirmed instead (for example a call to the "
            "registrar) and say in the note whom, the number and the date.",
        )
    if len((note or "").strip()) < MIN_CONFIRMATION_NOTE:
        return (
            "note",
            "No document is attached, so say how it was confirmed: whom you spoke to or what "
            "you looked up, the number or address, and the date.",
        )
    return None


def evidence_statement(verified: bool, has_evidence: bool) -> str | None:
    """What a page or PDF says about the evidence of a fact, the same words everywhere; None when
    a document is attached (the page lists it)."""
    if has_evidence:
        return None
    if verified:
        return f"No evidence attached: {WITHOUT_DOCUMENT}"
    return "No evidence attached"
