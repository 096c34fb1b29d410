"""Use cases for API tokens: create (the secret is returned once), revoke, authenticate.

A token lives for a lifetime the administrator chooses when creating it, so a secret that
leaks unnoticed stops working on its own; renewing means creating a new token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lms import clock
from lms.actor import Actor
from lms.api.models import ApiToken
from lms.auditlog.operations import record
from lms.auth.models import Role
from lms.validation import InvalidInput

#: Makes a leaked secret recognisable (in logs, by secret scanners) as one of ours.
SECRET_PREFIX = "tmlms_"  # noqa: S105 -- a public marker, not a secret
PREFIX_LENGTH = 12
MAX_NAME_LENGTH = 120
#: Recording every use would make each API request a write; a minute is precise enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
#: The lifetimes an administrator may choose, in days; long enough for an integration to run
#: unattended for a while, short enough that a forgotten token does not work for ever.
LIFETIME_DAYS_CHOICES = (30, 90, 180, 365)
DEFAULT_LIFETIME_DAYS = 90


class TokenExpired(Exception):
    """A token's secret was presented after the token expired."""

    def __init__(self, expires_at: dt.datetime) -> None:
        super().__init__(f"the token expired at {expires_at.isoformat()}")
        self.expires_at = expires_at


def hash_secret(secret: str) -> str:
    """SHA-256 hex of a token's secret: what is stored and looked up."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _audit(token: ApiToken) -> dict[str, object]:
    return {"name": token.name, "role": token.role.value, "token_prefix": token.token_prefix}


def _lifetime(lifetime_days: int) -> dt.timedelta:
    if lifetime_days not in LIFETIME_DAYS_CHOICES:
        *others, last = (str(days) for days in LIFETIME_DAYS_CHOICES)
        raise InvalidInput(
            f"Choose a lifetime of {', '.join(others)} or {last} days.", "lifetime_days"
        )
    return dt.timedelta(days=lifetime_days)


def create_token(
    session: Session,
    actor: Actor,
    name: str,
    role: Role | str,
    lifetime_days: int = DEFAULT_LIFETIME_DAYS,
) -> tuple[ApiToken, str]:
    """Create a token scoped to ``role`` that works for ``lifetime_days`` from now; return it
    and its secret, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Give the token a name that says who or what uses it.", "name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"Use at most {MAX_NAME_LENGTH} characters.", "name")
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput("Choose one of the roles.", "role") from None
    lifetime = _lifetime(lifetime_days)
    now = clock.now()
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        token_hash=hash_secret(secret),
        token_prefix=secret[:PREFIX_LENGTH],
        role=role,
        created_by_id=actor.user_id,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(token)
    session.flush()
    details = {**_audit(token), "expires_at": token.expires_at.isoformat()}
    record(session, actor, "api_token.create", "api_token", token.id, details)
    return token, secret


def revoke_token(session: Session, actor: Actor, token: ApiToken) -> None:
    """Stop ``token`` working from now on; revoking a revoked token changes nothing."""
    if token.revoked_at is not None:
        return
    token.revoked_at = clock.now()
    session.flush()
    record(session, actor, "api_token.revoke", "api_token", token.id, _audit(token))


def authenticate_token(session: Session, secret: str, now: dt.datetime) -> ApiToken | None:
    """The token whose secret this is, with its last use recorded; None if there is no such
    token or it is revoked. Raises ``TokenExpired`` (and records nothing) once it has expired.

    The lookup is by hash, so timing reveals nothing about the stored secret.
    """
    token = session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_secret(secret))
    ).scalar_one_or_none()
    if token is None or token.is_revoked:
        return None
    if token.is_expired(now):
        raise TokenExpired(token.expires_at)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.flush()
    return token


def record_token_use(session: Session, token_id: int, now: dt.datetime) -> None:
    """Stamp the token's last use (in whatever transaction the caller runs it)."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
