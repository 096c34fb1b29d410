"""Per-request plumbing shared by every blueprint: the database session, the acting user,
session timeouts and the security headers on every response."""

from __future__ import annotations

import datetime as dt

from flask import Flask, Response, abort, current_app, flash, g, request, session
from flask_login import current_user, logout_user
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from lms import clock
from lms.actor import Actor
from lms.db import deferred_transactions, is_write_conflict
from lms.validation import MAX_ID, text_problem

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


def digits_up_to(limit: int) -> str:
    """A regular expression for the whole numbers 0..``limit`` written without leading zeros."""
    digits = str(limit)
    options = ["0"] + ([rf"[1-9]\d{{0,{len(digits) - 2}}}"] if len(digits) > 1 else [])
    for position, digit in enumerate(digits):
        lowest = 1 if position == 0 else 0
        if int(digit) > lowest:
            rest = len(digits) - position - 1
            options.append(
                f"{digits[:position]}[{lowest}-{int(digit) - 1}]"
                + (rf"\d{{{rest}}}" if rest else "")
            )
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` from 0 to the largest id the database stores: a larger number matches no
    route at all (a 404 whatever the method), so no query ever sees it."""

    regex = digits_up_to(MAX_ID)

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def db_session() -> Session:
    """The request's database session, committed once by ``lms.transaction`` at the end."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["lms.db"].session_factory()
    return g.db_session


def _close_db_session(_exception: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # rolls back anything the view did not commit


def current_actor() -> Actor:
    """The signed-in user (or anonymous visitor) as the actor operations record."""
    if current_user.is_authenticated:
        return Actor(current_user.id, current_user.email, request.remote_addr)
    return Actor.anonymous(request.remote_addr)


BAD_PAGE = "The page number must be a whole number, 1 or more."


def requested_page_number() -> int:
    """``?page=N`` of a paged list (1 when absent or empty); anything but a whole number of 1 or
    more is a 400 saying so. A page past the end is clamped later, once the total is known."""
    text = request.args.get("page") or "1"
    try:
        number = int(text) if text.isascii() and text.isdigit() else 0
    except ValueError:  # more digits than Python will convert
        number = 0
    if number < 1:
        abort(400, BAD_PAGE)
    return number


def start_authenticated_session() -> None:
    """Stamp a fresh session for the idle and absolute timeouts (called right after login_user)."""
    # Not a permanent session: the cookie dies with the browser, and Flask-Login's "strong"
    # protection only logs out on a changed client for non-permanent sessions.
    stamp = clock.now().timestamp()
    session["signed_in_at"] = stamp
    session["last_seen_at"] = stamp


def _enforce_session_timeouts() -> None:
    """End a session idle too long or older than the absolute limit, whatever the cookie says."""
    if not current_user.is_authenticated:
        return
    now = clock.now().timestamp()
    idle = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]).total_seconds()
    maximum = dt.timedelta(hours=current_app.config["SESSION_MAX_HOURS"]).total_seconds()
    signed_in_at = session.get("signed_in_at", 0)
    last_seen_at = session.get("last_seen_at", 0)
    if now - last_seen_at > idle or now - signed_in_at > maximum:
        logout_user()
        session.clear()
        flash("Your session ended after a period of inactivity. Please sign in again.", "info")
        return
    if request.endpoint != "static":
        session["last_seen_at"] = now


def _set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint != "static":
        # Pages carry personal data: never keep them in a shared or browser cache.
        headers["Cache-Control"] = "no-store"
    if current_app.config["LMS_ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _local_time(instant: dt.datetime | None) -> str:
    return clock.local_time(instant, current_app.config["LMS_TIMEZONE"]) if instant else ""


def _local_date(instant: dt.datetime | None) -> str:
    """The provider's calendar date of a stored instant (stored UTC; naive from SQLite)."""
    if instant is None:
        return ""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return clock.local_date(instant, current_app.config["LMS_TIMEZONE"]).isoformat()


def refuse_unstorable_text() -> None:
    """A 400 naming the field when a query or form value holds a NUL (or unpaired surrogate):
    no view has to think of it, and nothing reaches a database that would fail on it."""
    for source, values in (("query", request.args), ("form", request.form)):
        for name, value in values.items(multi=True):
            problem = text_problem(name) or text_problem(value)
            if problem:
                shown = "".join(ch for ch in name if ch.isprintable())[:60]
                abort(400, f"The {source} field “{shown}” {problem}")


#: Methods that read: on SQLite their requests begin DEFERRED and take no write lock.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _read_only_requests_begin_deferred(app: Flask) -> None:
    """On SQLite, run safe-method requests in DEFERRED transactions; rerun one that must write.

    A GET reads a snapshot and takes no lock, so concurrent page views never queue. A few GETs
    write (an auditor's page view or download goes into the audit log); SQLite upgrades their
    transaction at the first write, which fails at once if another connection has committed
    since the snapshot was read — the request's reads are stale and waiting cannot help. Then
    everything the request did is discarded (nothing was committed, nothing announced) and the
    request runs once more from the start in an IMMEDIATE transaction, queueing for the lock
    like any writer. Other methods always begin IMMEDIATE.
    """
    if app.extensions["lms.db"].engine.dialect.name != "sqlite":
        return
    dispatch = app.full_dispatch_request

    def full_dispatch_request() -> Response:
        if request.method not in SAFE_METHODS:
            return dispatch()
        cookie = dict(session)
        try:
            with deferred_transactions():
                return dispatch()
        except OperationalError as error:
            if not is_write_conflict(error):
                raise
        stale = g.pop("db_session", None)
        if stale is not None:
            stale.close()  # ends the failed transaction without committing anything
        for name in list(g):
            g.pop(name)
        session.clear()
        session.update(cookie)
        return dispatch()

    app.full_dispatch_request = full_dispatch_request  # type: ignore[method-assign]


def register_request_hooks(app: Flask) -> None:
    from lms.actor import by_whom
    from lms.eligibility.rules import evidence_statement, whole_days_text
    from lms.transaction import register_transaction_boundary

    # Instants on pages are in the provider's time zone (LMS_TIMEZONE), with the zone shown.
    app.add_template_filter(_local_time, "local_time")
    app.add_template_filter(_local_date, "local_date")
    app.add_template_filter(by_whom, "by_whom")
    app.add_template_filter(whole_days_text, "whole_days")
    # What a page says about a verification's evidence: the same words on every page and PDF.
    app.add_template_global(evidence_statement, "evidence_statement")

    _read_only_requests_begin_deferred(app)
    register_transaction_boundary(app)
    app.before_request(_enforce_session_timeouts)
    app.after_request(_set_security_headers)
    app.teardown_appcontext(_close_db_session)
