"""Use cases for accounts: signing in and out, and administering users."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from lms import clock
from lms.actor import Actor
from lms.auditlog.operations import record
from lms.auth.models import LoginAttempt, LoginOutcome, Role, User, UserRole
from lms.auth.passwords import common_passwords, verify_password
from lms.auth.rules import ThrottlePolicy, access_problem, locked_until, password_problems
from lms.uniqueness import refusing_duplicates
from lms.validation import InvalidInput


class AccountError(InvalidInput):
    """An account operation was refused; ``field`` names the form field at fault, if any."""


@dataclass(frozen=True)
class AuthSettings:
    hasher: PasswordHasher
    account_throttle: ThrottlePolicy
    address_throttle: ThrottlePolicy
    timezone: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def check_password_policy(password: str, email: str = "", full_name: str = "") -> None:
    context = [normalise_email(email).split("@")[0], *full_name.split()] if email else []
    problems = password_problems(password, common_passwords(), context)
    if problems:
        raise AccountError(" ".join(problems), field="password")


# -- signing in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    outcome: LoginOutcome
    message: str | None = None
    retry_after: dt.timedelta | None = None


def _failures(
    session: Session, column, value: str, since: dt.datetime, reset_by_success: bool
) -> list[dt.datetime]:
    conditions = [
        column == value,
        LoginAttempt.outcome == LoginOutcome.FAILED,
        LoginAttempt.attempted_at >= since,
    ]
    if reset_by_success:
        last_success = (
            select(func.max(LoginAttempt.attempted_at))
            .where(column == value, LoginAttempt.outcome == LoginOutcome.SUCCEEDED)
            .scalar_subquery()
        )
        conditions.append(LoginAttempt.attempted_at > func.coalesce(last_success, since))
    return list(session.execute(select(LoginAttempt.attempted_at).where(*conditions)).scalars())


#: The first key of the PostgreSQL advisory locks that serialise sign-ins ("SI").
_SIGN_IN_LOCK_SPACE = 0x5349


def _lock_key(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big", signed=True)


def _serialise_attempts(session: Session, email: str, ip: str) -> None:
    """Make count-then-record atomic per account and per address: concurrent sign-ins for the
    same key wait here until the first one's transaction ends, so they cannot all read the same
    count and each get a guess in. SQLite's ``BEGIN IMMEDIATE`` already lets one writer in."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted({f"email:{email}", f"ip:{ip}"}):  # one order everywhere: no deadlock
        session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": _SIGN_IN_LOCK_SPACE, "key": _lock_key(key)},
        )


def _lock_end(session: Session, settings: AuthSettings, email: str, ip: str, now: dt.datetime):
    """The later of the account's and the address's lock, or None.

    A successful sign-in resets the account's count (its owner knows the password) but not the
    address's: otherwise one valid account would let an address guess at others without limit.
    """
    ends = []
    for column, value, policy, reset_by_success in (
        (LoginAttempt.email, email, settings.account_throttle, True),
        (LoginAttempt.ip_address, ip, settings.address_throttle, False),
    ):
        horizon = now - policy.window - policy.lockout
        failures = _failures(session, column, value, horizon, reset_by_success)
        end = locked_until(failures, now, policy)
        if end is not None:
            ends.append(end)
    return max(ends) if ends else None


# Verified against when the email is unknown, so that case costs the same time as a wrong password.
_DUMMY_HASH_CACHE: dict[tuple[int, int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.memory_cost, hasher.time_cost, hasher.parallelism)
    if key not in _DUMMY_HASH_CACHE:
        _DUMMY_HASH_CACHE[key] = hasher.hash("not a real password, only a timing decoy")
    return _DUMMY_HASH_CACHE[key]


def sign_in(
    session: Session, settings: AuthSettings, email: str, password: str, ip_address: str
) -> SignInResult:
    """Check credentials with throttling; record the attempt and an audit event either way."""
    now = clock.now()
    email = normalise_email(email)
    anonymous = Actor.anonymous(ip_address, label=email or "anonymous")

    _serialise_attempts(session, email, ip_address)
    lock_end = _lock_end(session, settings, email, ip_address, now)
    if lock_end is not None:
        _log_attempt(session, anonymous, email, ip_address, now, LoginOutcome.THROTTLED)
        minutes = max(1, -(-int((lock_end - now).total_seconds()) // 60))
        return SignInResult(
            None,
            LoginOutcome.THROTTLED,
            f"Too many failed sign-ins. Try again in {minutes} minute{'s' * (minutes != 1)}.",
            retry_after=lock_end - now,
        )

    user = find_user_by_email(session, email)
    password_ok = verify_password(
        settings.hasher, user.password_hash if user else _dummy_hash(settings.hasher), password
    )
    if user is None or not password_ok:
        _log_attempt(session, anonymous, email, ip_address, now, LoginOutcome.FAILED)
        return SignInResult(None, LoginOutcome.FAILED, "Email or password is incorrect.")

    today = clock.local_date(now, settings.timezone)
    refusal = access_problem(user.is_active, user.access_starts_on, user.access_ends_on, today)
    if refusal is not None:
        _log_attempt(session, anonymous, email, ip_address, now, LoginOutcome.REFUSED, refusal)
        return SignInResult(None, LoginOutcome.REFUSED, refusal)

    if settings.hasher.check_needs_rehash(user.password_hash):
        user.password_hash = settings.hasher.hash(password)
    user.last_login_at = now
    actor = Actor(user.id, user.email, ip_address)
    _log_attempt(session, actor, email, ip_address, now, LoginOutcome.SUCCEEDED)
    return SignInResult(user, LoginOutcome.SUCCEEDED)


def _log_attempt(
    session: Session,
    actor: Actor,
    email: str,
    ip_address: str,
    now: dt.datetime,
    outcome: LoginOutcome,
    reason: str | None = None,
) -> None:
    session.add(LoginAttempt(email=email, ip_address=ip_address, attempted_at=now, outcome=outcome))
    details = {"email": email, "outcome": outcome.value}
    if reason:
        details["reason"] = reason
    action = "auth.sign_in" if outcome is LoginOutcome.SUCCEEDED else "auth.sign_in_failed"
    record(session, actor, action, "user", actor.user_id, details)


def sign_out(session: Session, actor: Actor, user: User) -> None:
    """End every session of ``user``: cookies issued before now no longer match."""
    user.session_version += 1
    record(session, actor, "auth.sign_out", "user", user.id)


# -- administering users ------------------------------------------------------------------------


def _validate_roles(roles: Iterable[Role | str]) -> set[Role]:
    try:
        chosen = {Role(role) for role in roles}
    except ValueError:
        raise AccountError("Unknown role.", field="roles") from None
    if not chosen:
        raise AccountError("Choose at least one role.", field="roles")
    return chosen


def _validate_access_window(starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise AccountError("Access cannot end before it starts.", field="access_ends_on")


def _validate_records_range(records_from: dt.date | None, records_until: dt.date | None) -> None:
    if records_from and records_until and records_until < records_from:
        raise AccountError("The records range ends before it starts.", field="records_until")


def create_user(
    session: Session,
    actor: Actor,
    hasher: PasswordHasher,
    *,
    email: str,
    full_name: str,
    password: str,
    roles: Iterable[Role | str],
    access_starts_on: dt.date | None = None,
    access_ends_on: dt.date | None = None,
    records_from: dt.date | None = None,
    records_until: dt.date | None = None,
) -> User:
    """Create an account. Auditor accounts must say when their access ends."""
    email = normalise_email(email)
    full_name = full_name.strip()
    chosen = _validate_roles(roles)
    if not full_name:
        raise AccountError("Enter the person's full name.", field="full_name")
    if find_user_by_email(session, email) is not None:
        raise AccountError("An account with this email already exists.", field="email")
    if Role.AUDITOR in chosen and access_ends_on is None:
        raise AccountError("Auditor accounts need an access end date.", field="access_ends_on")
    _validate_access_window(access_starts_on, access_ends_on)
    _validate_records_range(records_from, records_until)
    check_password_policy(password, email, full_name)
    now = clock.now()
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hasher.hash(password),
        is_active=True,
        session_version=1,
        access_starts_on=access_starts_on,
        access_ends_on=access_ends_on,
        records_from=records_from,
        records_until=records_until,
        created_at=now,
        password_changed_at=now,
        role_grants=[UserRole(role=role) for role in sorted(chosen)],
    )
    with refusing_duplicates(session):  # a simultaneous create with the same email
        session.add(user)
    record(
        session,
        actor,
        "user.create",
        "user",
        user.id,
        {"email": email, "roles": sorted(chosen), **_window_details(user)},
    )
    return user


def _window_details(user: User) -> dict[str, str | None]:
    return {
        "access_starts_on": user.access_starts_on and user.access_starts_on.isoformat(),
        "access_ends_on": user.access_ends_on and user.access_ends_on.isoformat(),
        "records_from": user.records_from and user.records_from.isoformat(),
        "records_until": user.records_until and user.records_until.isoformat(),
    }


def update_user(
    session: Session,
    actor: Actor,
    user: User,
    *,
    full_name: str,
    roles: Iterable[Role | str],
    access_starts_on: dt.date | None,
    access_ends_on: dt.date | None,
    records_from: dt.date | None = None,
    records_until: dt.date | None = None,
) -> None:
    """Change name, roles and access window; an admin cannot remove their own admin role."""
    chosen = _validate_roles(roles)
    full_name = full_name.strip()
    if not full_name:
        raise AccountError("Enter the person's full name.", field="full_name")
    if user.id == actor.user_id and Role.ADMIN in user.roles and Role.ADMIN not in chosen:
        raise AccountError("You cannot remove your own administrator role.", field="roles")
    if Role.AUDITOR in chosen and access_ends_on is None:
        raise AccountError("Auditor accounts need an access end date.", field="access_ends_on")
    _validate_access_window(access_starts_on, access_ends_on)
    _validate_records_range(records_from, records_until)

    before = {"full_name": user.full_name, "roles": sorted(user.roles), **_window_details(user)}
    current = {grant.role: grant for grant in user.role_grants}
    with refusing_duplicates(session):  # a simultaneous grant of the same role
        user.full_name = full_name
        user.access_starts_on = access_starts_on
        user.access_ends_on = access_ends_on
        user.records_from = records_from
        user.records_until = records_until
        for role in set(current) - chosen:
            user.role_grants.remove(current[role])
        for role in sorted(chosen - set(current)):
            user.role_grants.append(UserRole(role=role))
        if set(current) != chosen:
            user.session_version += 1  # a new set of permissions starts from a fresh sign-in
    after = {"full_name": user.full_name, "roles": sorted(chosen), **_window_details(user)}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        record(session, actor, "user.update", "user", user.id, {"changes": changes})


def set_user_active(session: Session, actor: Actor, user: User, active: bool) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if user.id == actor.user_id and not active:
        raise AccountError("You cannot deactivate your own account.")
    if user.is_active == active:
        return
    user.is_active = active
    user.session_version += 1
    session.flush()
    record(session, actor, "user.activate" if active else "user.deactivate", "user", user.id)


def set_password(
    session: Session,
    actor: Actor,
    hasher: PasswordHasher,
    user: User,
    new_password: str,
    *,
    current_password: str | None = None,
) -> None:
    """Set a new password; a user changing their own must give the current one.

    Every session the user had is ended, including the one making the change.
    """
    if current_password is not None and not verify_password(
        hasher, user.password_hash, current_password
    ):
        raise AccountError("Your current password is not correct.", field="current_password")
    check_password_policy(new_password, user.email, user.full_name)
    user.password_hash = hasher.hash(new_password)
    user.password_changed_at = clock.now()
    user.session_version += 1
    session.flush()
    action = "user.change_password" if actor.user_id == user.id else "user.reset_password"
    record(session, actor, action, "user", user.id)
