"""Pure rules for weekly supervision (issue 10, "The weekly rule" and "Precisely").

- Weeks run Sunday to Saturday (or Monday to Sunday).
- A mentor is on duty on a day when an employment period covers it and no leave does.
- A week requires supervision when the mentor is on duty on at least ``min_duty_weekdays`` of
  its five weekdays (Monday to Friday), judged over the whole week.
- A session counts for the week of its date when it is individual, signed (or imported), at least
  ``min_minutes`` long and held by someone with a licence valid on that date.
- A week is ``met`` (a counting session in it), ``missed`` (required, over, none counts),
  ``pending`` (required, the as-of date inside it, none counts yet) or ``not_required``.

No database, no clock: every date comes in as an argument.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lms.clinicians.rules import LicencePeriod, licence_valid_on
from lms.validation import InvalidInput

WEEK_STARTS = ("sunday", "monday")
ONE_DAY = dt.timedelta(days=1)


class SessionFormat(enum.StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Modality(enum.StrEnum):
    IN_PERSON = "in_person"
    TELEHEALTH = "telehealth"

    @property
    def label(self) -> str:
        return {"in_person": "In person", "telehealth": "Telehealth"}[self.value]


class WeekStatus(enum.StrEnum):
    MET = "met"
    MISSED = "missed"
    PENDING = "pending"
    NOT_REQUIRED = "not_required"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# The reasons a session does not count, in the order they are listed.
REASON_GROUP = "group format"
REASON_NO_LICENCE = "no valid licence that day"
REASON_TOO_SHORT = "too short"
REASON_UNSIGNED = "unsigned"
REASON_SUPERSEDED = "superseded by a correction"


@dataclass(frozen=True)
class SupervisionSettings:
    week_starts: str = "sunday"
    min_duty_weekdays: int = 3
    min_minutes: int = 1
    late_entry_days: int = 7
    #: Where the provider works: the day a session was recorded is that zone's date.
    timezone: str = "America/New_York"

    def __post_init__(self) -> None:
        if self.week_starts not in WEEK_STARTS:
            raise ValueError(f"week_starts must be one of {WEEK_STARTS}")


@dataclass(frozen=True)
class Period:
    """An inclusive range of days: an employment period (``last_day`` None while employed) or a
    leave."""

    first_day: dt.date
    last_day: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


@dataclass(frozen=True)
class SessionFacts:
    """What the rule needs to know about one session."""

    held_on: dt.date
    format: SessionFormat
    minutes: int
    signed: bool  # signed by the supervisor, or imported from a paper log
    supervisor_licences: tuple[LicencePeriod, ...]
    recorded_on: dt.date | None = None
    superseded: bool = False
    key: object = None  # the caller's handle on the session (its id), carried through
    #: Whether a supervisor's licence is valid on ``held_on``, when the caller already knows
    #: (a report of thousands of sessions asks once per supervisor and day); None: worked out
    #: here from ``supervisor_licences``.
    licence_valid: bool | None = None


@dataclass(frozen=True)
class SessionOutcome:
    session: SessionFacts
    counts: bool
    reasons: tuple[str, ...]
    late_entry: bool

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class WeekResult:
    starts_on: dt.date
    ends_on: dt.date
    required: bool
    duty_weekdays: int
    status: WeekStatus
    sessions: tuple[SessionOutcome, ...] = field(default_factory=tuple)


_SIX_DAYS = dt.timedelta(days=6)


def week_start(day: dt.date, week_starts: str = "sunday") -> dt.date:
    """The first day of the week that contains ``day``."""
    first_weekday = 6 if week_starts == "sunday" else 0  # date.weekday(): Monday 0 … Sunday 6
    return day - dt.timedelta(days=(day.weekday() - first_weekday) % 7)


def weeks_touching(first: dt.date, last: dt.date, week_starts: str = "sunday") -> list[dt.date]:
    """The first day of every week that contains a day from ``first`` to ``last`` inclusive."""
    if last < first:
        return []
    start = week_start(first, week_starts)
    weeks = []
    while start <= last:
        weeks.append(start)
        start += dt.timedelta(days=7)
    return weeks


def position_spells(changes: Sequence[tuple[dt.date, str]], position: str) -> list[Period]:
    """The days ``position`` was held, from a person's position changes (effective_on,
    position) oldest first: each change holds until the day before the next; before the first
    change, the first position (a candidate's, before they start)."""
    spells = []
    for index, (effective_on, held) in enumerate(changes):
        if held != position:
            continue
        first_day = dt.date.min if index == 0 else effective_on
        following = changes[index + 1][0] if index + 1 < len(changes) else None
        spells.append(Period(first_day, following - dt.timedelta(days=1) if following else None))
    return spells


def employment_in(employment: Sequence[Period], spells: Sequence[Period]) -> list[Period]:
    """The parts of the employment periods spent in the spells of a position: a week counts
    only the days someone was employed as a therapeutic mentor."""
    parts = []
    for period in employment:
        for spell in spells:
            first_day = max(period.first_day, spell.first_day)
            ends = [day for day in (period.last_day, spell.last_day) if day is not None]
            last_day = min(ends) if ends else None
            if last_day is None or first_day <= last_day:
                parts.append(Period(first_day, last_day))
    return sorted(parts, key=lambda part: part.first_day)


def on_duty(day: dt.date, employment: Iterable[Period], leave: Iterable[Period]) -> bool:
    """A mentor is on duty on ``day`` when an employment period covers it and no leave does."""
    for period in employment:
        if period.covers(day):
            break
    else:
        return False
    return not any(period.covers(day) for period in leave)


def employed_in_week(starts_on: dt.date, employment: Sequence[Period]) -> bool:
    """Whether an employment period covers any of the week's seven days."""
    ends_on = starts_on + _SIX_DAYS
    for period in employment:
        if period.first_day <= ends_on and (
            period.last_day is None or period.last_day >= starts_on
        ):
            return True
    return False


def duty_weekdays(starts_on: dt.date, employment: Sequence[Period], leave: Sequence[Period]) -> int:
    """How many of the week's five weekdays (Monday to Friday) the mentor is on duty."""
    ends_on = starts_on + _SIX_DAYS
    # The usual week, answered without looking at each day: employed throughout, no leave.
    # (Plain loops: a report asks this for every mentor and week, tens of thousands of times.)
    for p in leave:
        if p.first_day <= ends_on and (p.last_day is None or p.last_day >= starts_on):
            break
    else:
        for p in employment:
            if p.first_day <= starts_on and (p.last_day is None or p.last_day >= ends_on):
                return 5
    days = (starts_on + dt.timedelta(days=offset) for offset in range(7))
    return sum(1 for day in days if day.weekday() < 5 and on_duty(day, employment, leave))


def session_outcome(session: SessionFacts, settings: SupervisionSettings) -> SessionOutcome:
    """Whether one session counts, every reason it does not, and whether it was a late entry."""
    reasons = []
    if session.superseded:
        reasons.append(REASON_SUPERSEDED)
    if session.format is not SessionFormat.INDIVIDUAL:
        reasons.append(REASON_GROUP)
    licence_valid = session.licence_valid
    if licence_valid is None:
        licence_valid = licence_valid_on(session.supervisor_licences, session.held_on)
    if not licence_valid:
        reasons.append(REASON_NO_LICENCE)
    if session.minutes < settings.min_minutes:
        reasons.append(REASON_TOO_SHORT)
    if not session.signed:
        reasons.append(REASON_UNSIGNED)
    return SessionOutcome(
        session=session,
        counts=not reasons,
        reasons=tuple(reasons),
        late_entry=is_late_entry(session.held_on, session.recorded_on, settings),
    )


def is_late_entry(
    held_on: dt.date, recorded_on: dt.date | None, settings: SupervisionSettings
) -> bool:
    """Recorded more than ``late_entry_days`` after it was held."""
    return recorded_on is not None and (recorded_on - held_on).days > settings.late_entry_days


def week_status(
    starts_on: dt.date, as_of: dt.date, required: bool, any_counting: bool
) -> WeekStatus:
    ends_on = starts_on + dt.timedelta(days=6)
    if any_counting:
        return WeekStatus.MET
    if not required:
        return WeekStatus.NOT_REQUIRED
    if as_of > ends_on:
        return WeekStatus.MISSED
    return WeekStatus.PENDING


def supervision_weeks(
    employment: Sequence[Period],
    leave: Sequence[Period],
    sessions: Iterable[SessionFacts],
    *,
    first: dt.date,
    last: dt.date,
    as_of: dt.date,
    settings: SupervisionSettings,
) -> list[WeekResult]:
    """A mentor's weeks that contain a day from ``first`` to ``last``, as of ``as_of``.

    A week is reported when the mentor was employed on at least one of its days and it starts on
    or before ``as_of``. Sessions held after ``as_of`` are not considered.
    """
    by_week: dict[dt.date, list[SessionFacts]] = {}
    for session in sessions:
        if session.held_on <= as_of:
            by_week.setdefault(week_start(session.held_on, settings.week_starts), []).append(
                session
            )
    results = []
    for starts_on in weeks_touching(first, last, settings.week_starts):
        if starts_on > as_of or not employed_in_week(starts_on, employment):
            continue
        held = by_week.get(starts_on)
        if held is None:
            outcomes: tuple[SessionOutcome, ...] = ()
        elif len(held) == 1:
            outcomes = (session_outcome(held[0], settings),)
        else:
            held.sort(key=lambda s: s.held_on)
            outcomes = tuple(session_outcome(session, settings) for session in held)
        duty = duty_weekdays(starts_on, employment, leave)
        required = duty >= settings.min_duty_weekdays
        counting = False
        for outcome in outcomes:
            if outcome.counts:
                counting = True
                break
        results.append(
            WeekResult(
                starts_on=starts_on,
                ends_on=starts_on + _SIX_DAYS,
                required=required,
                duty_weekdays=duty,
                status=week_status(starts_on, as_of, required, counting),
                sessions=outcomes,
            )
        )
    return results


def recent_weeks_over(as_of: dt.date, count: int, week_starts: str = "sunday") -> list[dt.date]:
    """The first days of the ``count`` most recent weeks that are over as of ``as_of`` (a week is
    over once the as-of date is after its last day, so the week holding ``as_of`` never is),
    oldest first."""
    current = week_start(as_of, week_starts)
    return [current - dt.timedelta(weeks=back) for back in range(count, 0, -1)]


def missed_in_recent_weeks(
    weeks: Iterable[WeekResult], as_of: dt.date, count: int, week_starts: str = "sunday"
) -> int:
    """How many of the ``count`` most recent weeks over as of ``as_of`` are ``missed`` among a
    mentor's weeks (as ``supervision_weeks`` gives them for the same ``as_of``)."""
    window = set(recent_weeks_over(as_of, count, week_starts))
    return sum(1 for week in weeks if week.starts_on in window and week.status is WeekStatus.MISSED)


# --- the weeks without supervision, kept so that a list can filter by them in SQL ---------------


def unsupervised_runs(
    employment: Sequence[Period],
    leave: Sequence[Period],
    sessions: Iterable[SessionFacts],
    settings: SupervisionSettings,
) -> list[Period]:
    """The runs of consecutive weeks (each as the first day of its first and last week; last
    None: every week from then on) that require supervision and have no counting session: the
    weeks ``supervision_weeks`` calls ``missed`` once they are over, whatever the as-of date.

    Asked of ``supervision_weeks`` itself up to the week after the last dated fact (a hire,
    separation, leave or session): every later week is like that one, so a run still going
    then is open-ended while the employment is."""
    sessions = list(sessions)
    if not employment:
        return []
    days = [p.first_day for p in (*employment, *leave)]
    days += [p.last_day for p in (*employment, *leave) if p.last_day is not None]
    days += [s.held_on for s in sessions]
    first = max(min(p.first_day for p in employment), dt.date(1900, 1, 1))
    horizon = week_start(max(days), settings.week_starts) + dt.timedelta(days=7)
    weeks = supervision_weeks(
        employment,
        leave,
        sessions,
        first=first,
        last=horizon,
        as_of=horizon + dt.timedelta(days=7),  # every week up to the horizon is over
        settings=settings,
    )
    runs: list[Period] = []
    for week in weeks:
        if week.status is not WeekStatus.MISSED:
            continue
        if runs and runs[-1].last_day == week.starts_on - dt.timedelta(days=7):
            runs[-1] = Period(runs[-1].first_day, week.starts_on)
        else:
            runs.append(Period(week.starts_on, week.starts_on))
    still_employed = any(period.last_day is None for period in employment)
    if runs and runs[-1].last_day == week_start(horizon, settings.week_starts) and still_employed:
        runs[-1] = Period(runs[-1].first_day, None)
    return runs


# --- the free-text note: no youth data stored knowingly ------------------------------------------

_DATE = re.compile(
    r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})\b"
    r"|\b(dob|d\.o\.b|born|birthday)\b",
    re.IGNORECASE,
)
_RECORD_NUMBER = re.compile(
    r"\b(mrn|record|case|client|member|medicaid|masshealth|id)\s*(no\.?|number|#)?\s*[:#]?\s*\d{3,}"
    r"|\b[A-Z]{0,3}\d{5,}\b",
    re.IGNORECASE,
)
# Two capitalised words in a row inside a sentence look like someone's full name.
_FULL_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\s+[A-Z][a-z]+\b")


def youth_data_warnings(note: str) -> list[str]:
    """Warnings when a note looks like it holds a youth's name, date of birth or record number.

    A heuristic: it warns, it does not refuse, so a supervisor can rephrase."""
    warnings = []
    text = note or ""
    if _DATE.search(text):
        warnings.append("The note looks like it holds a date of birth.")
    if _RECORD_NUMBER.search(text):
        warnings.append("The note looks like it holds a record or case number.")
    if _FULL_NAME.search(text):
        warnings.append("The note looks like it holds a person's full name.")
    return warnings


def check_session_input(held_on: dt.date, minutes: int, as_of: dt.date) -> None:
    """Refuse a session held in the future or with no length."""
    if held_on > as_of:
        raise InvalidInput("A session cannot be recorded before it is held.", "held_on")
    if minutes < 1:
        raise InvalidInput("Minutes must be at least 1.", "minutes")
    if minutes > 24 * 60:
        raise InvalidInput("Minutes must be at most 1440 (one day).", "minutes")


def check_leave(first_day: dt.date, last_day: dt.date) -> None:
    if last_day < first_day:
        raise InvalidInput("The last day of leave must not be before the first.", "last_day")
