"""Generic error pages: a clear message, the right status, nothing internal revealed.

Under /api/v1 the same failures answer JSON (``lms.api.errors``): API clients cannot read pages.
"""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.api.errors import http_error_response, is_api_request, json_error
from lms.web import db_session

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    401: ("Sign-in needed", "Please sign in to continue."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Page not found", "There is no page at this address. Check the link or use the menu."),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("Too large", "What you sent is larger than the app accepts."),
    422: ("Could not process", "Some of what you sent could not be used. Check it and try again."),
    429: ("Too many requests", "Too many requests in a short time. Wait a little and try again."),
    500: ("Something went wrong", "The error has been logged. Nothing you sent was saved."),
}


def render_error(status: int, message: str | None = None):
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
        db_session().rollback()
        if is_api_request():
            return json_error(500)
        return render_error(500)
