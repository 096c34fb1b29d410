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
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

RULESET = "ma-tm-2023"

FULL_TIME_HOURS = 40
ONE_YEAR_HOUR_DAYS = 365 * FULL_TIME_HOURS
TWO_YEARS_HOUR_DAYS = 730 * FULL_TIME_HOURS
MINIMUM_AGE = 21
PROJECTION_YEARS = 10
ONE_DAY = dt.timedelta(days=1)


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


def days_for_display(hour_days: Fraction) -> float:
    """Full days of credit rounded half up to one decimal (decisions use the exact figure)."""
    tenths = math.floor(hour_days * 10 / FULL_TIME_HOURS + Fraction(1, 2))
    return tenths / 10


# -- the experience measure ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    start_on: dt.date
    end_before: dt.date | None  # first day after the segment; None: runs on forever
    hour_days_per_day: Fraction


@dataclass(frozen=True)
class ExperienceCurve:
    """Cumulative credit of a set of entries: piecewise constant daily credit, capped at 40 h."""

    segments: tuple[_Segment, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, entries: Iterable[ExperienceEntry]) -> ExperienceCurve:
        changes: dict[dt.date, Fraction] = defaultdict(Fraction)
        for entry in entries:
            changes[entry.start_on] += entry.hours_per_week
            if entry.end_on is not None:
                changes[entry.end_on + ONE_DAY] -= entry.hours_per_week
        points = sorted(changes)
        segments, hours = [], Fraction(0)
        for index, point in enumerate(points):
            hours += changes[point]
            following = points[index + 1] if index + 1 < len(points) else None
            rate = min(Fraction(FULL_TIME_HOURS), hours)
            if rate > 0:
                segments.append(_Segment(point, following, rate))
        return cls(tuple(segments))

    def credit_through(self, day: dt.date) -> Fraction:
        """Hour-days earned on every day up to and including ``day``."""
        total = Fraction(0)
        stop = day + ONE_DAY
        for segment in self.segments:
            if segment.start_on >= stop:
                break
            end = stop if segment.end_before is None else min(segment.end_before, stop)
            total += segment.hour_days_per_day * (end - segment.start_on).days
        return total

    def points(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, Fraction]]:
        """(day, credit by the end of that day) wherever the pace changes between ``start``
        and ``end``: straight lines between these points draw the curve exactly."""
        days = {start, end}
        for segment in self.segments:
            days.add(segment.start_on - ONE_DAY)  # the last day before the new pace
            if segment.end_before is not None:
                days.add(segment.end_before - ONE_DAY)  # the last day at this pace
        return [(day, self.credit_through(day)) for day in sorted(days) if start <= day <= end]

    def first_day_reaching(self, threshold: int) -> dt.date | None:
        """The first day by the end of which the credit reaches ``threshold`` (None: never)."""
        total = Fraction(0)
        for segment in self.segments:
            rate = segment.hour_days_per_day
            if segment.end_before is None:
                days_needed = math.ceil((threshold - total) / rate)
                return segment.start_on + dt.timedelta(days=days_needed - 1)
            length = (segment.end_before - segment.start_on).days
            if total + rate * length >= threshold:
                days_needed = math.ceil((threshold - total) / rate)
                return segment.start_on + dt.timedelta(days=days_needed - 1)
            total += rate * length
        return None


# -- the evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _PathwayCheck:
    pathway: Pathway
    credential: Credential | None  # the earliest-conferred qualifying credential
    experience_needed: int  # hour-days
    first_day: dt.date | None  # when both the credential and the experience are in place


def _qualifying(credentials: Sequence[Credential], pathway: Pathway) -> list[Credential]:
    if pathway is Pathway.HIGH_SCHOOL:
        return list(credentials)  # any credential at all: diploma, GED or any degree
    levels = BACHELOR_OR_HIGHER if pathway is Pathway.BACHELOR else ASSOCIATE_OR_HIGHER
    return [c for c in credentials if c.level in levels and c.human_services_field and c.accredited]


def _pathway_checks(
    credentials: Sequence[Credential], youth: ExperienceCurve, target: ExperienceCurve
) -> list[_PathwayCheck]:
    plans = (
        (Pathway.BACHELOR, youth, ONE_YEAR_HOUR_DAYS),
        (Pathway.ASSOCIATE, target, ONE_YEAR_HOUR_DAYS),
        (Pathway.HIGH_SCHOOL, youth, TWO_YEARS_HOUR_DAYS),
    )
    checks = []
    for pathway, curve, needed in plans:
        qualifying = sorted(_qualifying(credentials, pathway), key=lambda c: c.conferred_on)
        credential = qualifying[0] if qualifying else None
        experience_day = curve.first_day_reaching(needed)
        first_day = (
            max(credential.conferred_on, experience_day)
            if credential is not None and experience_day is not None
            else None
        )
        checks.append(_PathwayCheck(pathway, credential, needed, first_day))
    return checks


@dataclass(frozen=True)
class _Evaluation:
    """One evaluation over a set of facts: when it first holds, and by which pathway."""

    first_day: dt.date | None
    pathway_on_as_of: Pathway | None
    checks: tuple[_PathwayCheck, ...]
    youth: ExperienceCurve
    target: ExperienceCurve


def _evaluate_facts(
    as_of: dt.date,
    date_of_birth: dt.date,
    credentials: Sequence[Credential],
    entries: Sequence[ExperienceEntry],
) -> _Evaluation:
    # Facts dated after the day evaluated are ignored: a degree not yet awarded may never be,
    # and a job not yet started may never start.
    credentials = [c for c in credentials if c.conferred_on <= as_of]
    entries = [e for e in entries if e.start_on <= as_of]
    youth = ExperienceCurve.of(e for e in entries if e.population is Population.YOUTH)
    target = ExperienceCurve.of(e for e in entries if e.target_population)
    checks = tuple(_pathway_checks(credentials, youth, target))
    pathway_days = [check.first_day for check in checks if check.first_day is not None]
    first_day = (
        max(minimum_age_reached_on(date_of_birth), min(pathway_days)) if pathway_days else None
    )
    pathway = None
    if first_day is not None and first_day <= as_of:
        pathway = next(c.pathway for c in checks if c.first_day and c.first_day <= as_of)
    return _Evaluation(first_day, pathway, checks, youth, target)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return dt.date(day.year + years, 2, 28)


def evaluate(facts: EligibilityFacts) -> EligibilityResult:
    """Determine a person's eligibility on ``facts.as_of`` under ruleset ma-tm-2023."""
    as_of = facts.as_of
    all_facts = _evaluate_facts(as_of, facts.date_of_birth, facts.credentials, facts.experience)
    verified = _evaluate_facts(
        as_of,
        facts.date_of_birth,
        [c for c in facts.credentials if c.verified],
        [e for e in facts.experience if e.verified],
    )
    holds_now = all_facts.pathway_on_as_of is not None
    holds_verified = verified.pathway_on_as_of is not None and facts.identity_verified
    if holds_verified:
        status = EligibilityStatus.ELIGIBLE
    elif holds_now:
        status = EligibilityStatus.PROVISIONAL
    else:
        status = EligibilityStatus.NOT_ELIGIBLE

    eligible_from = all_facts.first_day
    if eligible_from is not None and eligible_from > _add_years(as_of, PROJECTION_YEARS):
        eligible_from = None

    result = EligibilityResult(
        status=status,
        pathway=all_facts.pathway_on_as_of,
        eligible_from=eligible_from,
        age_years=age_on(facts.date_of_birth, as_of),
        youth_experience_hour_days=all_facts.youth.credit_through(as_of),
        target_experience_hour_days=all_facts.target.credit_through(as_of),
        reasons=(),
    )
    reasons = tuple(_reasons(facts, result, all_facts, verified))
    return EligibilityResult(**{**result.__dict__, "reasons": reasons})


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


def _days(hour_days: Fraction) -> str:
    return f"{days_for_display(hour_days):,.1f}"


def _reasons(
    facts: EligibilityFacts,
    result: EligibilityResult,
    all_facts: _Evaluation,
    verified: _Evaluation,
) -> Iterator[str]:
    as_of = facts.as_of
    turns_21 = minimum_age_reached_on(facts.date_of_birth)
    if turns_21 <= as_of:
        yield f"Age: {result.age_years}, at least 21 since {turns_21.isoformat()}."
    else:
        yield f"Age: {result.age_years}; turns 21 on {turns_21.isoformat()}."
    if not facts.identity_verified:
        yield "Identity and date of birth are not verified yet: check a government ID."

    for check in all_facts.checks:
        yield _pathway_reason(check, all_facts, as_of)

    if result.status is EligibilityStatus.PROVISIONAL:
        yield from _unverified_reasons(facts, all_facts)
    if result.status is not EligibilityStatus.NOT_ELIGIBLE:
        return
    if result.eligible_from is not None:
        yield (
            f"On the facts recorded, requirements are met from {result.eligible_from.isoformat()}"
            " if current jobs continue at their hours."
        )
    else:
        yield (
            "On the facts recorded, requirements would not be met within 10 years: "
            "a qualifying credential or more experience must be added."
        )


def _pathway_reason(check: _PathwayCheck, evaluation: _Evaluation, as_of: dt.date) -> str:
    name = PATHWAY_NAMES[check.pathway]
    curve = evaluation.target if check.pathway is Pathway.ASSOCIATE else evaluation.youth
    earned = curve.credit_through(as_of)
    needed_days = check.experience_needed // FULL_TIME_HOURS
    kind = PATHWAY_EXPERIENCE[check.pathway]
    if check.first_day is not None and check.first_day <= as_of:
        return (
            f"{name} met: {check.credential.describe()}; "
            f"{_days(earned)} days of {kind} ({needed_days} needed)."
        )
    missing = []
    if check.credential is None:
        missing.append(f"needs {PATHWAY_CREDENTIAL[check.pathway]}")
    if earned < check.experience_needed:
        missing.append(f"has {_days(earned)} of the {needed_days} days of {kind} needed")
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
