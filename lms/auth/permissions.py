"""Deny by default: every endpoint declares who may use it, and one hook enforces it.

``@requires(Role.HR, Role.ADMIN)`` or ``@requires(SIGNED_IN)`` or ``@public`` annotate a view;
the hook made by ``access_hook`` runs before every request and refuses any endpoint that has no
declaration at all, so a forgotten decorator fails closed (and a test names it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from lms.auth.models import Role

SIGNED_IN: Final = "signed-in"
PUBLIC: Final = "public"
_ATTRIBUTE = "lms_access"

View = TypeVar("View", bound=Callable)


def requires(*roles: Role | str) -> Callable[[View], View]:
    """Allow signed-in users holding any of ``roles`` (or anyone signed in, with SIGNED_IN)."""
    if not roles:
        raise ValueError("requires() needs at least one role or SIGNED_IN")

    def decorate(view: View) -> View:
        setattr(view, _ATTRIBUTE, frozenset(roles))
        return view

    return decorate


def public(view: View) -> View:
    """Allow anyone, signed in or not."""
    setattr(view, _ATTRIBUTE, PUBLIC)
    return view


def declared_access(view: Callable) -> frozenset[str] | str | None:
    return getattr(view, _ATTRIBUTE, None)


def may_access(user, access: frozenset[str] | str | None) -> bool:
    """Whether ``user`` (possibly anonymous) passes the declaration ``access``."""
    if access == PUBLIC:
        return True
    if access is None or not user.is_authenticated:
        return False
    return SIGNED_IN in access or bool(user.roles.intersection(access))


def access_hook(
    is_api_request: Callable[[], bool], authenticate_api_request: Callable[[], None]
) -> Callable[[], object]:
    """The ``before_request`` hook: redirect anonymous users to sign in, 403 everyone else
    refused.

    On the API the user is the bearer token's principal, never the session's; there is no
    sign-in page to send anyone to, so anonymous gets 401 (JSON, with ``WWW-Authenticate``).
    The two API functions are lms.api's, passed in by ``create_app``: the API sits above auth
    (it uses roles and ``requires``), so auth does not import it.
    """

    def enforce_declared_access():
        if request.endpoint is None:  # no route matched: let Flask answer 404/405
            return None
        if request.endpoint == "static":
            return None
        if is_api_request():
            authenticate_api_request()
        view = current_app.view_functions[request.endpoint]
        access = declared_access(view)
        if may_access(current_user, access):
            return None
        if access is not None and not current_user.is_authenticated:
            if is_api_request():
                abort(401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    return enforce_declared_access
