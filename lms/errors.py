"""Generic error pages: a clear message, the right status, nothing internal revealed.

Under /api/v1 the same failures answer JSON (``lms.api.errors``): API clients cannot read pages.
Error pages render without the database (the signed-in user, the organisation's name and the
unread count fail soft), and a database outage answers 503 with ``Retry-After``.
"""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, current_app, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.api.errors import http_error_response, is_api_request, json_error
from lms.db import is_write_conflict, reads_deferred
from lms.uniqueness import as_refusal

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    401: ("Sign-in needed", "Please sign in to continue."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Page not found", "There is no page at this address. Check the link or use the menu."),
    405: ("Not allowed", "This page cannot be used that way."),
    409: ("Already recorded", "Someone else saved the same thing at the same moment."),
    413: ("Too large", "What you sent is larger than the app accepts."),
    422: ("Could not process", "Some of what you sent could not be used. Check it and try again."),
    429: ("Too many requests", "Too many requests in a short time. Wait a little and try again."),
    500: ("Something went wrong", "The error has been logged. Nothing you sent was saved."),
    503: (
        "Temporarily unavailable",
        "The records cannot be reached just now. Nothing you sent was saved; try again in a "
        "minute.",
    ),
}

#: Seconds a client is asked to wait after a database outage.
RETRY_AFTER_SECONDS = 30

log = logging.getLogger(__name__)

SQLITE_OUTAGES = ("unable to open", "locked", "busy", "disk i/o", "readonly")


def _forget_user_if_unloadable() -> None:
    """Show the page as to a visitor when the signed-in user cannot be loaded (the database is
    down): the page must render, and it must not try the database again."""
    from flask_login import current_user

    try:
        current_user.is_authenticated  # noqa: B018 - loads the user from the database
    except SQLAlchemyError:
        g._login_user = current_app.login_manager.anonymous_user()


def _roll_back() -> None:
    session = g.get("db_session")
    if session is None:
        return
    try:
        session.rollback()
    except SQLAlchemyError:  # a connection already lost: closing at teardown discards it
        log.warning("rollback failed after an error", exc_info=True)


def is_outage(error: BaseException) -> bool:
    """Whether a database error means "unreachable or overloaded" rather than a bug."""
    if isinstance(error, PoolTimeoutError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, OperationalError):
        # SQLite reports a missing table as an OperationalError too: only these are outages.
        if isinstance(error.orig, sqlite3.Error):
            text = str(error.orig).lower()
            return any(sign in text for sign in SQLITE_OUTAGES)
        return True
    return False


def render_error(status: int, message: str | None = None):
    _forget_user_if_unloadable()
    title, default_message = MESSAGES.get(status, MESSAGES[500])
    return (
        render_template(
            "errors/error.html", status=status, title=title, message=message or default_message
        ),
        status,
    )


def _own_description(error: HTTPException) -> str | None:
    """The message a view gave ``abort(code, message)``, not Werkzeug's generic wording."""
    default = type(error).description
    return error.description if error.description and error.description != default else None


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if is_api_request():
            return json_error(400)
        return render_error(
            400,
            "The form had expired or was not sent from this site. Reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if is_api_request():
            return http_error_response(error)
        return render_error(error.code, _own_description(error))

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        _roll_back()
        if is_api_request():
            return json_error(500)
        return render_error(500)

    @app.errorhandler(SQLAlchemyError)
    def database_error(error: SQLAlchemyError):
        refusal = as_refusal(error) if isinstance(error, IntegrityError) else None
        if refusal is not None:
            # A duplicate a concurrent request committed first, on a path that did not turn it
            # into the form's own error (lms.uniqueness): the same message, never a 500.
            log.info("duplicate refused: %s", refusal)
            _roll_back()
            if is_api_request():
                return json_error(422, refusal.message, refusal.field)
            return render_error(409, refusal.message)
        if not is_outage(error):
            raise error  # a bug, not an outage: Flask's usual 500 (and tests see it raised)
        if is_write_conflict(error) and reads_deferred():
            # A page view whose snapshot went stale: lms.web reruns it beginning IMMEDIATE.
            raise error
        log.warning("database unavailable: %s", error.__class__.__name__, exc_info=error)
        return outage_response()


#: When the connection is lost during the commit itself, the database may or may not have
#: applied it: the answer must not say that nothing was saved.
UNKNOWN_OUTCOME = {
    "api": "The connection to the database was lost while saving, so whether it was saved is "
    "not known. Retry with the same Idempotency-Key: a saved request answers as it first did.",
    "page": "The connection to the records was lost while saving, so whether your change was "
    "saved is not known. In a minute, check the record before trying again.",
}


def outage_response(while_committing: bool = False):
    """503 with ``Retry-After``: the database cannot be reached (a page or JSON, as asked)."""
    _roll_back()
    if is_api_request():
        message = UNKNOWN_OUTCOME["api"] if while_committing else None
        response = json_error(
            503, message or "The database cannot be reached just now; retry later."
        )
    else:
        message = UNKNOWN_OUTCOME["page"] if while_committing else None
        body, status = render_error(503, message)
        response = current_app.make_response((body, status))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
