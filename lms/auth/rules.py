"""Pure rules for accounts: the password policy, sign-in throttling and access windows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

MIN_PASSWORD_LENGTH = 12
#: Long enough for any passphrase, short enough that hashing it cannot be used to tie up a worker.
MAX_PASSWORD_LENGTH = 256


def password_problems(
    password: str, common_passwords: Collection[str], context_words: Iterable[str] = ()
) -> list[str]:
    """Why ``password`` is refused, after NIST SP 800-63B section 5.1.1.2 (empty when accepted).

    Length and a blocklist only: no rules about character classes, which the standard advises
    against. ``context_words`` are things an attacker would try first, such as the email's name.
    """
    problems: list[str] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    lowered = password.lower()
    if lowered in common_passwords:
        problems.append("That password is on a list of commonly used passwords; choose another.")
    elif len(set(password)) == 1:
        problems.append("A password made of one repeated character is too easy to guess.")
    for word in context_words:
        if len(word) >= 4 and word.lower() in lowered:
            problems.append(f"Do not build the password from “{word}”.")
            break
    return problems


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int
    window: dt.timedelta
    lockout: dt.timedelta


def locked_until(
    failures: Iterable[dt.datetime], now: dt.datetime, policy: ThrottlePolicy
) -> dt.datetime | None:
    """When the lock caused by ``failures`` ends, or None if there is no lock at ``now``.

    A lock starts at the failure that makes ``max_failures`` failures within ``window`` and lasts
    ``lockout``. Callers pass the failures that count: for an account, those since its last
    successful sign-in; for an address, all of them (a success there proves nothing).
    """
    times = sorted(failures)
    lock_end: dt.datetime | None = None
    span = policy.max_failures - 1
    for index in range(span, len(times)):
        if times[index] - times[index - span] <= policy.window:
            candidate = times[index] + policy.lockout
            if lock_end is None or candidate > lock_end:
                lock_end = candidate
    return lock_end if lock_end is not None and lock_end > now else None


def access_problem(
    is_active: bool,
    access_starts_on: dt.date | None,
    access_ends_on: dt.date | None,
    today: dt.date,
) -> str | None:
    """Why an account with the right password may still not sign in today (None when it may)."""
    if not is_active:
        return "This account has been deactivated. Ask an administrator if you need access."
    if access_starts_on is not None and today < access_starts_on:
        return f"Your access starts on {access_starts_on:%B %-d, %Y}."
    if access_ends_on is not None and today > access_ends_on:
        return f"Your access ended on {access_ends_on:%B %-d, %Y}."
    return None


def records_range_problem(
    day: dt.date, records_from: dt.date | None, records_until: dt.date | None
) -> str | None:
    """Why an auditor limited to a range of records may not see records as of ``day``."""
    if records_from is not None and day < records_from:
        return f"Your access covers records from {records_from.isoformat()} on."
    if records_until is not None and day > records_until:
        return f"Your access covers records up to {records_until.isoformat()}."
    return None
