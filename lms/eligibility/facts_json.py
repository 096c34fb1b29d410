"""Reading eligibility facts from the JSON shape shared by the CLI and the API.

Strict on purpose: a misspelt flag silently read as false could wrongly pass or fail a hire,
so unknown keys are refused like any other bad input, with the field named.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from lms.eligibility.rules import (
    Credential,
    CredentialLevel,
    EligibilityFacts,
    ExperienceEntry,
    Population,
)
from lms.validation import EARLIEST_DATE

TOP_KEYS = {"as_of", "date_of_birth", "identity_verified", "education", "experience"}
EDUCATION_KEYS = {
    "credential",
    "field",
    "institution",
    "human_services_field",
    "accredited",
    "conferred_on",
    "verified",
}
EXPERIENCE_KEYS = {
    "start",
    "end",
    "hours_per_week",
    "population",
    "target_population",
    "verified",
    "employer",
    "role",
}
MAX_HOURS_PER_WEEK = 168
LATEST_FACT_DATE = dt.date(2999, 12, 31)


class FactsError(ValueError):
    """Bad input: ``field`` is a dotted path such as ``experience[0].hours_per_week``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _object(value: Any, field: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FactsError(field or "input", "must be a JSON object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        prefix = f"{field}." if field else ""
        raise FactsError(f"{prefix}{unknown[0]}", "is not a known field")
    return value


def _date(value: Any, field: str, required: bool = True) -> dt.date | None:
    if value is None:
        if required:
            raise FactsError(field, "is required (a date as YYYY-MM-DD)")
        return None
    if not isinstance(value, str):
        raise FactsError(field, "must be a date as YYYY-MM-DD")
    try:
        if len(value) != 10:
            raise ValueError
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise FactsError(field, f"{value!r} is not a date as YYYY-MM-DD") from None
    # Far enough from both ends of the calendar that the rules' date arithmetic cannot overflow.
    if not EARLIEST_DATE <= day <= LATEST_FACT_DATE:
        raise FactsError(
            field, f"must be between {EARLIEST_DATE.isoformat()} and {LATEST_FACT_DATE.isoformat()}"
        )
    return day


def _flag(value: Any, field: str) -> bool:
    if value is None:
        return False  # a missing flag is false
    if not isinstance(value, bool):
        raise FactsError(field, "must be true or false")
    return value


def _text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 200:
        raise FactsError(field, "must be text of at most 200 characters")
    return value.strip() or None


def _choice(enum_class, value: Any, field: str):
    if value is None:
        raise FactsError(field, f"is required: one of {', '.join(m.value for m in enum_class)}")
    try:
        return enum_class(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum_class)
        raise FactsError(field, f"{value!r} is not one of {choices}") from None


def _hours(value: Any, field: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise FactsError(field, "must be a number of hours")
    try:
        hours = Decimal(str(value))  # via str: 17.5 is exactly 17.5, whatever the float was
    except InvalidOperation:
        raise FactsError(field, f"{value!r} is not a number") from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS_PER_WEEK:
        raise FactsError(field, "must be more than 0 and at most 168")
    return Fraction(hours)


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FactsError(field, "must be a list")
    return value


def parse_credential(item: Any, field: str) -> Credential:
    data = _object(item, field, EDUCATION_KEYS)
    return Credential(
        level=_choice(CredentialLevel, data.get("credential"), f"{field}.credential"),
        conferred_on=_date(data.get("conferred_on"), f"{field}.conferred_on"),
        human_services_field=_flag(
            data.get("human_services_field"), f"{field}.human_services_field"
        ),
        accredited=_flag(data.get("accredited"), f"{field}.accredited"),
        verified=_flag(data.get("verified"), f"{field}.verified"),
        field_of_study=_text(data.get("field"), f"{field}.field"),
    )


def parse_experience(item: Any, field: str) -> ExperienceEntry:
    data = _object(item, field, EXPERIENCE_KEYS)
    start = _date(data.get("start"), f"{field}.start")
    end = _date(data.get("end"), f"{field}.end", required=False)
    if end is not None and end < start:
        raise FactsError(f"{field}.end", "is before the start")
    population = _choice(Population, data.get("population"), f"{field}.population")
    target = _flag(data.get("target_population"), f"{field}.target_population")
    if target and population is not Population.YOUTH:
        raise FactsError(
            f"{field}.target_population", "can only be true when the population is youth"
        )
    return ExperienceEntry(
        start_on=start,
        end_on=end,
        hours_per_week=_hours(data.get("hours_per_week"), f"{field}.hours_per_week"),
        population=population,
        target_population=target,
        verified=_flag(data.get("verified"), f"{field}.verified"),
        employer=_text(data.get("employer"), f"{field}.employer"),
    )


def parse_facts(data: Any, today: dt.date) -> EligibilityFacts:
    """Facts from decoded JSON; ``as_of`` defaults to ``today``. Raises FactsError."""
    data = _object(data, "", TOP_KEYS)
    as_of = _date(data.get("as_of"), "as_of", required=False) or today
    date_of_birth = _date(data.get("date_of_birth"), "date_of_birth")
    if date_of_birth > as_of:
        raise FactsError("date_of_birth", "is after as_of")
    education = _list(data.get("education"), "education")
    experience = _list(data.get("experience"), "experience")
    return EligibilityFacts(
        as_of=as_of,
        date_of_birth=date_of_birth,
        identity_verified=_flag(data.get("identity_verified"), "identity_verified"),
        credentials=tuple(
            parse_credential(item, f"education[{index}]") for index, item in enumerate(education)
        ),
        experience=tuple(
            parse_experience(item, f"experience[{index}]") for index, item in enumerate(experience)
        ),
    )
