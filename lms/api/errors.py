"""JSON error answers for the API: every failure under /api/v1 is ``{"error": …}``, never a page."""

from __future__ import annotations

from flask import Response, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

API_PREFIX = "/api/v1"

MESSAGES = {
    400: "The request could not be understood.",
    401: "Send a valid API token as 'Authorization: Bearer <token>'.",
    403: "This token's role may not use this endpoint.",
    404: "There is nothing at this address.",
    405: "This endpoint does not accept that method.",
    413: "The request body is larger than the app accepts.",
    422: "Some of what was sent could not be used.",
    429: "Too many requests in a short time. Wait a little and try again.",
    500: "Something went wrong. The error has been logged; nothing was saved.",
}


def explain_unauthorized(message: str) -> None:
    """Say why the token sent with this request was refused, should the endpoint answer 401."""
    g.api_unauthorized_message = message


def is_api_request() -> bool:
    """Whether the current request is for the JSON API (matched or not)."""
    return request.path == API_PREFIX or request.path.startswith(f"{API_PREFIX}/")


def json_error(status: int, message: str | None = None, field: str | None = None) -> Response:
    """``{"error": message}`` (plus ``field`` when one input is to blame) with ``status``."""
    if status == 401 and message is None:
        message = g.get("api_unauthorized_message")
    body: dict[str, str] = {"error": message or MESSAGES.get(status, MESSAGES[500])}
    if field is not None:
        body["field"] = field
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        # RFC 6750: name the scheme; say the token was bad only when one was actually sent.
        sent = request.headers.get("Authorization", "").lower().startswith("bearer ")
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"' if sent else "Bearer"
    return response


def http_error_response(error: HTTPException) -> Response:
    """An HTTP error as JSON; a message given to ``abort(status, message)`` is kept."""
    status = error.code or 500
    custom = error.description if error.description != type(error).description else None
    response = json_error(status, custom)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response
