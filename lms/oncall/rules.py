"""Pure rules for on-call coverage by senior licensed clinicians (issue 10).

Service hours are wall-clock intervals per weekday; on-call blocks are instants. Every instant of
service hours must fall inside at least one block whose clinician qualifies (senior position and
a licence valid) on the local date of that instant. Intervals are half-open ``[start, end)``.

The clinician's qualification reaches these rules as data — the local dates on which they
qualify — so the rules do not care whether it comes from today's licence columns or from licence
records with history.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from lms.clinicians.rules import LicencePeriod, licence_valid_on
from lms.service_hours.rules import MINUTES_PER_DAY, ServiceHours
from lms.validation import InvalidInput

# -- local date-times ---------------------------------------------------------------------------

LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


def parse_local_datetime(text: str, timezone: str, field_name: str) -> dt.datetime:
    """The instant (UTC) that the local wall-clock time ``text`` names where the provider works.

    A time that does not exist (the hour skipped when clocks spring forward) is refused; one
    that happens twice (clocks falling back) is its first occurrence.
    """
    text = (text or "").strip()
    for pattern in LOCAL_FORMATS:
        try:
            naive = dt.datetime.strptime(text, pattern)
            break
        except ValueError:
            continue
    else:
        raise InvalidInput(
            f"{text!r} is not a local date and time; write it like 2026-03-08T18:00"
            if text
            else "Enter a date and time, like 2026-03-08T18:00.",
            field_name,
        )
    return local_instant(naive, timezone, field_name)


def local_instant(naive: dt.datetime, timezone: str, field_name: str) -> dt.datetime:
    """``naive`` wall-clock time in ``timezone`` as an aware UTC instant (see above)."""
    zone = ZoneInfo(timezone)
    aware = naive.replace(tzinfo=zone, fold=0)  # fold=0: the first of two occurrences
    instant = aware.astimezone(dt.UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != naive:
        raise InvalidInput(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {timezone}: the clocks skip that hour "
            "when daylight-saving time starts",
            field_name,
        )
    return instant


def wall_clock(day: dt.date, minutes: int, zone: ZoneInfo) -> dt.datetime:
    """The instant (UTC) at ``minutes`` after local midnight on ``day`` by the wall clock;
    1440 is the next day's midnight. A skipped wall time is read with the offset before the
    change, which places it in the hour after it."""
    day = day + dt.timedelta(days=minutes // MINUTES_PER_DAY)
    minutes %= MINUTES_PER_DAY
    local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), zone)
    return local.astimezone(dt.UTC)


def iso_local(instant: dt.datetime, timezone: str) -> str:
    """``2026-03-10T12:00:00-04:00``: local time with seconds and the UTC offset."""
    return instant.astimezone(ZoneInfo(timezone)).isoformat(timespec="seconds")


# -- blocks and coverage ------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """An on-call block as the coverage rule sees it: ``[starts_at, ends_at)`` in aware instants,
    and the local dates on which its clinician is senior and holds a valid licence."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    qualifying_days: frozenset[dt.date] = field(default_factory=frozenset, hash=False)
    key: object = None  # the caller's handle on the block (its id), returned by covering()


def senior_licensed_days_from_records(
    is_senior: bool, licences: Sequence[LicencePeriod], first: dt.date, last: dt.date
) -> frozenset[dt.date]:
    """The dates from ``first`` to ``last`` on which a senior clinician holds a licence valid
    that day, from their licence records (``lms.clinicians.rules.licence_valid_on``)."""
    if not is_senior:
        return frozenset()
    return frozenset(day for day in date_range(first, last) if licence_valid_on(licences, day))


def block_problems(starts_at: dt.datetime, ends_at: dt.datetime) -> list[tuple[str, str]]:
    """(field, message) for every reason a block with these instants is refused."""
    if ends_at <= starts_at:
        return [("ends_at", "The block must end after it starts.")]
    return []


def local_dates(starts_at: dt.datetime, ends_at: dt.datetime, timezone: str) -> list[dt.date]:
    """The local dates that ``[starts_at, ends_at)`` touches."""
    zone = ZoneInfo(timezone)
    first = starts_at.astimezone(zone).date()
    last = (ends_at - dt.timedelta(microseconds=1)).astimezone(zone).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def qualified_pieces(block: Block, timezone: str) -> list[tuple[dt.datetime, dt.datetime]]:
    """The parts of ``block`` that count: cut at local midnights, kept on qualifying days."""
    zone = ZoneInfo(timezone)
    pieces = []
    for day in local_dates(block.starts_at, block.ends_at, timezone):
        if day not in block.qualifying_days:
            continue
        start = max(block.starts_at, wall_clock(day, 0, zone))
        end = min(block.ends_at, wall_clock(day, MINUTES_PER_DAY, zone))
        if start < end:
            pieces.append((start, end))
    return pieces


def _union(
    intervals: Iterable[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Overlapping or touching intervals joined; sorted."""
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def service_intervals(
    hours_by_day: Mapping[dt.date, ServiceHours] | ServiceHours,
    first: dt.date,
    last: dt.date,
    timezone: str,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Service hours from ``first`` to ``last`` (inclusive) as instants, each day by the wall
    clock and the hours in force that day; intervals that touch across midnight are one."""
    zone = ZoneInfo(timezone)
    intervals = []
    day = first
    while day <= last:
        hours = hours_by_day if isinstance(hours_by_day, ServiceHours) else hours_by_day[day]
        for start, end in hours.intervals_on(day):
            intervals.append((wall_clock(day, start, zone), wall_clock(day, end, zone)))
        day += dt.timedelta(days=1)
    return _union(intervals)


@dataclass(frozen=True)
class Gap:
    starts_at: dt.datetime
    ends_at: dt.datetime

    def as_dict(self, timezone: str) -> dict[str, str]:
        return {
            "starts_at": iso_local(self.starts_at, timezone),
            "ends_at": iso_local(self.ends_at, timezone),
        }


def coverage_gaps(
    hours_by_day: Mapping[dt.date, ServiceHours] | ServiceHours,
    blocks: Iterable[Block],
    first: dt.date,
    last: dt.date,
    timezone: str,
) -> list[Gap]:
    """The maximal intervals of service hours from ``first`` to ``last`` (inclusive local dates)
    that no qualifying block covers. Strict: every instant counts."""
    covered = _union(piece for block in blocks for piece in qualified_pieces(block, timezone))
    gaps = []
    index = 0
    for start, end in service_intervals(hours_by_day, first, last, timezone):
        cursor = start
        while index < len(covered) and covered[index][1] <= cursor:
            index += 1
        position = index
        while cursor < end and position < len(covered) and covered[position][0] < end:
            cover_start, cover_end = covered[position]
            if cover_start > cursor:
                gaps.append(Gap(cursor, cover_start))
            cursor = max(cursor, cover_end)
            position += 1
        if cursor < end:
            gaps.append(Gap(cursor, end))
    return gaps


def covering(blocks: Sequence[Block], instant: dt.datetime, timezone: str) -> list[Block]:
    """The blocks that cover ``instant`` and count (their clinician qualifies that local date)."""
    day = instant.astimezone(ZoneInfo(timezone)).date()
    return [
        block
        for block in blocks
        if block.starts_at <= instant < block.ends_at and day in block.qualifying_days
    ]


# -- phone numbers --------------------------------------------------------------------------------

_PHONE_CHARACTERS = re.compile(r"^[0-9+()\-. ]+(?:\s*(?:x|ext\.?)\s*[0-9]+)?$", re.IGNORECASE)
PHONE_MAX_LENGTH = 40


def phone_problem(phone: str) -> str | None:
    """Why ``phone`` (trimmed) cannot be the number mentors call, or None."""
    if not phone:
        return "Enter the number mentors call to reach the clinician."
    if len(phone) > PHONE_MAX_LENGTH:
        return f"The phone number must be {PHONE_MAX_LENGTH} characters or fewer."
    if not _PHONE_CHARACTERS.match(phone) or sum(ch.isdigit() for ch in phone) < 7:
        return "Enter a phone number of digits, spaces, + ( ) - or ., e.g. 617-555-0100."
    return None


def tel_uri(phone: str) -> str:
    """``tel:`` link target: the digits (and a leading +), an extension as ``;ext=``."""
    main, *extension = re.split(r"ext\.?|x", phone, maxsplit=1, flags=re.IGNORECASE)
    digits = "".join(ch for ch in main if ch.isdigit())
    prefix = "+" if main.strip().startswith("+") else ""
    ext_digits = "".join(ch for ch in "".join(extension) if ch.isdigit())
    return f"tel:{prefix}{digits}" + (f";ext={ext_digits}" if ext_digits else "")


def date_range(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


# -- report parameters --------------------------------------------------------------------------

#: Longest range the coverage report page shows at once.
MAX_REPORT_DAYS = 92


def parse_date(text: str | None, field_name: str, default: dt.date) -> dt.date:
    """``YYYY-MM-DD`` from a query string (blank: ``default``); InvalidInput names the field."""
    text = (text or "").strip()
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"“{text[:20]}” is not a date; use YYYY-MM-DD.", field_name) from None


def report_range(
    first_text: str | None, last_text: str | None, today: dt.date
) -> tuple[dt.date, dt.date]:
    """The report's inclusive local dates: the past week by default, at most MAX_REPORT_DAYS."""
    first = parse_date(first_text, "from", today - dt.timedelta(days=7))
    last = parse_date(last_text, "to", today - dt.timedelta(days=1))
    if last < first:
        raise InvalidInput("The range must not end before it starts.", "to")
    if (last - first).days >= MAX_REPORT_DAYS:
        raise InvalidInput(f"Ask for at most {MAX_REPORT_DAYS} days at a time.", "to")
    return first, last


def parse_month(text: str | None, today: dt.date) -> dt.date:
    """The first day of the month ``YYYY-MM`` (blank: this month)."""
    text = (text or "").strip()
    if not text:
        return today.replace(day=1)
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise InvalidInput(f"“{text[:20]}” is not a month; use YYYY-MM.", "month") from None


def month_days(first_of_month: dt.date) -> list[dt.date]:
    """Every date of the month that starts on ``first_of_month``."""
    following = (first_of_month + dt.timedelta(days=32)).replace(day=1)
    return date_range(first_of_month, following - dt.timedelta(days=1))
