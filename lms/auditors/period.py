"""The period an auditor's supervision log and on-call coverage cover: pure, dates passed in."""

from __future__ import annotations

import datetime as dt

from lms.validation import EARLIEST_DATE, InvalidInput

#: With no dates given: the 13 weeks up to the as-of date.
DEFAULT_WEEKS = 13
#: The longest period one document covers.
MAX_DAYS = 400

LABELS = {"from": "The first day of the period", "to": "The last day of the period"}


def _date(text: str | None, field: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{LABELS[field]} “{text[:40]}” is not a date: write it as YYYY-MM-DD.", field
        ) from None
    if day < EARLIEST_DATE:
        raise InvalidInput(f"{LABELS[field]} must be on or after {EARLIEST_DATE}.", field)
    return day


def report_period(
    first_text: str | None, last_text: str | None, as_of: dt.date
) -> tuple[dt.date, dt.date]:
    """(first, last) inclusive from ``?from=`` and ``?to=``. ``to`` defaults to the as-of date
    and may not be after it (the records are read as they stood that day); ``from`` defaults to
    13 weeks before ``to`` (91 days, ``to`` included); at most 400 days."""
    last = _date(last_text, "to") or as_of
    if last > as_of:
        raise InvalidInput(
            f"{LABELS['to']} cannot be after the as-of date ({as_of.isoformat()}).", "to"
        )
    first = _date(first_text, "from") or last - dt.timedelta(weeks=DEFAULT_WEEKS, days=-1)
    if first > last:
        raise InvalidInput(f"{LABELS['from']} must not be after the last day.", "from")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput(f"Ask for at most {MAX_DAYS} days at a time.", "from")
    return first, last
