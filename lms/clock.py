"""The one place that reads the wall clock.

Domain rules take dates and instants as arguments; views, commands and operations that need
"now" ask this module, so tests can pin time by replacing ``_utc_now``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

#: Massachusetts providers keep their records in Eastern time; "today" means today there.
DEFAULT_TIMEZONE = "America/New_York"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def now() -> dt.datetime:
    """The current instant, timezone-aware, in UTC."""
    return _utc_now()


def local_date(instant: dt.datetime, timezone: str = DEFAULT_TIMEZONE) -> dt.date:
    """The calendar date of ``instant`` where the provider works."""
    return instant.astimezone(ZoneInfo(timezone)).date()


def local_time(instant: dt.datetime, timezone: str = DEFAULT_TIMEZONE) -> str:
    """``instant`` as the provider reads it, with the zone shown: 2026-11-23 09:05 EST.

    Stored instants are UTC (SQLite hands them back naive; they are UTC all the same).
    """
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")


def end_of_day(day: dt.date, timezone: str = DEFAULT_TIMEZONE) -> dt.datetime:
    """The first instant after ``day`` where the provider works: records made before it were
    made "by the end of that day", which is what as-of questions ask."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), ZoneInfo(timezone))


def today(timezone: str = DEFAULT_TIMEZONE) -> dt.date:
    """Today's date where the provider works."""
    return local_date(now(), timezone)
