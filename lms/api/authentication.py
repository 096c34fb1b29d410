"""Bearer-token authentication for /api/v1: the token stands in for a user for one request.

Only the ``Authorization: Bearer`` header counts; session cookies are ignored on the API, so a
browser that happens to be signed in cannot be steered into API calls (and CSRF cannot apply).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request
from flask_login import current_user

from lms import clock
from lms.actor import Actor
from lms.api.errors import explain_unauthorized
from lms.api.operations import (
    TokenExpired,
    authenticate_token,
    record_token_use,
)
from lms.auth.models import Role
from lms.transaction import regardless_of_outcome
from lms.web import db_session


@dataclass(frozen=True)
class ApiPrincipal:
    """What ``current_user`` is during an API request made with a valid token."""

    role: Role
    token_prefix: str
    token_id: int | None = None  # scopes the token's idempotency keys

    id = None
    is_authenticated = True
    is_active = True
    is_anonymous = False

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset({self.role})

    @property
    def label(self) -> str:
        return f"api-token:{self.token_prefix}"

    email = full_name = label

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in roles

    def get_id(self) -> None:
        return None  # never stored in a session


def bearer_secret() -> str | None:
    """The token from ``Authorization: Bearer <secret>``, if the header has that shape."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    return secret if scheme.lower() == "bearer" and secret else None


def ignore_session_user(_endpoint: str | None, _values: dict | None) -> None:
    """Start every API request anonymous, whatever session cookie came with it.

    Registered as the blueprint's URL value preprocessor because that runs before every
    ``before_request`` hook: the session-timeout hook then finds no user, so it neither loads
    one from the cookie nor touches the session.
    """
    # Flask-Login reads the request's user from here; setting it skips the session entirely.
    g._login_user = current_app.login_manager.anonymous_user()


def authenticate_api_request() -> None:
    """Make the bearer token's principal ``current_user`` (called just before access checks)."""
    secret = bearer_secret()
    if secret is None:
        return
    database, now = db_session(), clock.now()
    try:
        token = authenticate_token(database, secret, now)
    except TokenExpired as expired:
        # Anonymous, like an unknown or revoked token: a public endpoint still answers, and
        # any other says why in its 401 so the integration's owner knows to get a new token.
        explain_unauthorized(
            f"This API token expired at {expired.expires_at:%Y-%m-%d %H:%M} UTC."
            " Ask an administrator for a new one."
        )
        return
    if token is None:
        return
    if token.last_used_at == now:
        # Just recorded, and true whatever the request goes on to do: kept even when the
        # request is refused and its own work rolled back.
        token_id = token.id
        regardless_of_outcome(lambda session: record_token_use(session, token_id, now))
    g._login_user = ApiPrincipal(token.role, token.token_prefix, token.id)


def api_actor() -> Actor:
    """The token as the actor operations record in the audit log."""
    return Actor(None, current_user.label, request.remote_addr)
