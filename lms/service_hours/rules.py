"""Pure rules for service hours: ``mon-fri 08:00-21:00; sat-sun 09:00-18:00``.

The format belongs to neither feature that uses it: the organisation settings check a saved
value with it, and on-call coverage (lms/oncall) measures gaps against it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lms.validation import InvalidInput

#: ``LMS_SERVICE_HOURS`` when it is not set.
DEFAULT_SERVICE_HOURS = "mon-fri 08:00-21:00; sat-sun 09:00-18:00"
SERVICE_HOURS_VARIABLE = "LMS_SERVICE_HOURS"

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60

_TIME = re.compile(r"^(\d{2}):(\d{2})$")


# -- service hours --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceHours:
    """For each weekday (0 = Monday), its service intervals as sorted, disjoint minute pairs
    ``(start, end)`` after local midnight; ``end`` may be 1440 (24:00)."""

    by_weekday: tuple[tuple[tuple[int, int], ...], ...]
    text: str = ""

    def intervals_on(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        return self.by_weekday[day.weekday()]

    def describe(self) -> list[tuple[str, str]]:
        """(weekday name, "08:00-21:00, ..." or "none") for each day of the week."""
        rows = []
        for index, intervals in enumerate(self.by_weekday):
            text = ", ".join(f"{_hhmm(start)}-{_hhmm(end)}" for start, end in intervals)
            rows.append((WEEKDAY_NAMES[index].capitalize(), text or "none"))
        return rows


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _problem(message: str) -> InvalidInput:
    return InvalidInput(message, SERVICE_HOURS_VARIABLE)


def _weekday(name: str, clause: str) -> int:
    try:
        return WEEKDAY_NAMES.index(name)
    except ValueError:
        raise _problem(
            f"{name!r} in {clause!r} is not a day; use mon, tue, wed, thu, fri, sat or sun"
        ) from None


def _days(text: str, clause: str) -> set[int]:
    days: set[int] = set()
    for part in text.split(","):
        if not part:
            raise _problem(f"{clause!r} has an empty day in its list")
        if "-" in part:
            first_name, _, last_name = part.partition("-")
            first, last = _weekday(first_name, clause), _weekday(last_name, clause)
            if last < first:
                raise _problem(
                    f"the day range {part!r} in {clause!r} runs backwards; "
                    "write it from Monday's side, e.g. sat-sun or mon,sun"
                )
            days.update(range(first, last + 1))
        else:
            days.add(_weekday(part, clause))
    return days


def _minutes(text: str, clause: str, *, is_end: bool) -> int:
    match = _TIME.match(text)
    if match is None:
        raise _problem(f"{text!r} in {clause!r} is not a time; write HH:MM, e.g. 08:00")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if is_end and (hours, minutes) == (24, 0):
        return MINUTES_PER_DAY
    if hours > 23 or minutes > 59:
        limit = "00:00 to 24:00" if is_end else "00:00 to 23:59"
        raise _problem(f"{text!r} in {clause!r} is not a time of day ({limit})")
    return hours * 60 + minutes


def _intervals(text: str, clause: str) -> list[tuple[int, int]]:
    intervals = []
    for part in text.split(","):
        start_text, dash, end_text = part.partition("-")
        if not dash:
            raise _problem(f"{part!r} in {clause!r} is not an interval; write HH:MM-HH:MM")
        start = _minutes(start_text, clause, is_end=False)
        end = _minutes(end_text, clause, is_end=True)
        if end <= start:
            raise _problem(f"the interval {part!r} in {clause!r} must end after it starts")
        intervals.append((start, end))
    return intervals


def _merged(intervals: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def parse_service_hours(text: str) -> ServiceHours:
    """Parse ``mon-fri 08:00-21:00; sat-sun 09:00-18:00``: clauses separated by ``;``, each a
    day, a range or a comma list of those, then one or more comma-separated ``HH:MM-HH:MM``
    intervals (``24:00`` may end one). Clauses add together. Raises InvalidInput."""
    clauses = [clause.strip() for clause in text.split(";")]
    if not any(clauses):
        raise _problem("give at least one clause, e.g. mon-fri 08:00-21:00")
    per_day: list[list[tuple[int, int]]] = [[] for _ in WEEKDAY_NAMES]
    for clause in clauses:
        if not clause:
            continue  # a trailing ";" adds nothing
        first_digit = next((i for i, ch in enumerate(clause) if ch.isdigit()), None)
        if first_digit is None:
            raise _problem(f"{clause!r} has no hours; write e.g. mon-fri 08:00-21:00")
        days_text = re.sub(r"\s+", "", clause[:first_digit]).lower()
        hours_text = re.sub(r"\s+", "", clause[first_digit:])
        if not days_text:
            raise _problem(f"{clause!r} does not start with its days, e.g. mon-fri")
        days = _days(days_text, clause)
        intervals = _intervals(hours_text, clause)
        for day in days:
            per_day[day].extend(intervals)
    return ServiceHours(tuple(_merged(intervals) for intervals in per_day), text.strip())
