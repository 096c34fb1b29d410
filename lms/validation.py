"""The one error type operations raise for bad input: a message a person can act on, and the
field it is about, so forms can show it beside the field and the API and CLI can name it.

Also the bounds every input shares, so that well-formed but hostile input (an id past what the
database stores, a NUL byte, a date in year 1) is refused with a message instead of a 500."""

from __future__ import annotations

import datetime as dt
import re


class InvalidInput(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.field = field


#: The largest id the database stores (a signed 32-bit integer column).
MAX_ID = 2**31 - 1

#: No record of this app (a hire, a degree, an as-of date) is older than this.
EARLIEST_DATE = dt.date(1900, 1, 1)

# NUL cannot be stored in PostgreSQL text; a lone surrogate cannot be encoded as UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a NUL or an unpaired surrogate), or None."""
    if _UNSTORABLE.search(value):
        return "contains a character that is not allowed (a NUL or an unpaired surrogate)."
    return None


def check_text(value: str, field: str, label: str | None = None) -> str:
    """``value`` unchanged, or ``InvalidInput`` naming ``field`` when it cannot be stored."""
    problem = text_problem(value)
    if problem:
        raise InvalidInput(f"{label or field} {problem}", field)
    return value


def latest_date(today: dt.date) -> dt.date:
    """A year from ``today`` (29 February becomes 28 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def check_date(day: dt.date, field: str, label: str, today: dt.date) -> dt.date:
    """``day`` when it lies between 1900-01-01 and a year from ``today``; else ``InvalidInput``."""
    if day < EARLIEST_DATE or day > latest_date(today):
        raise InvalidInput(
            f"{label} must be between {EARLIEST_DATE.isoformat()} and "
            f"{latest_date(today).isoformat()}.",
            field,
        )
    return day


def parse_as_of(
    text: str | None,
    today: dt.date,
    latest: dt.date | None = None,
    field: str = "as_of",
) -> dt.date:
    """The as-of date from ``YYYY-MM-DD`` (today when empty), between 1900-01-01 and ``latest``
    (default: a year from today). Every as-of argument of the app is read by this."""
    if text is None or not text.strip():
        return today
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"The as-of date “{text.strip()[:40]}” is not a date: write it as YYYY-MM-DD.", field
        ) from None
    latest = latest_date(today) if latest is None else latest
    if day < EARLIEST_DATE:
        raise InvalidInput(
            f"The as-of date must be on or after {EARLIEST_DATE.isoformat()}.", field
        )
    if day > latest:
        if latest == today:
            raise InvalidInput("The date cannot be in the future.", field)
        raise InvalidInput(
            f"The as-of date must be no later than {latest.isoformat()}, a year from today.",
            field,
        )
    return day
