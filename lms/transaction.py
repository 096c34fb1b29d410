"""The request's one transaction: views call operations and return; this module commits.

A request is one unit of work (indico's ``RH.process`` is the model). Views never commit or roll
back. When the response is ready, :func:`finish_request` — the last ``after_request`` hook —
commits the request's session if the request succeeded, and rolls it back if it failed: a
response of 400 or more, or a view that caught an ``InvalidInput`` through :func:`form_errors`
or :func:`flashed_errors`. Only after a commit does it run what waits for one (emails, background
jobs), so nothing is announced that was not saved. A connection lost during the commit itself
(the database restarting) answers the outage's 503 with ``Retry-After``, saying that whether it
was saved is not known: an API client retries with the same ``Idempotency-Key`` to find out.

Two kinds of write are true whatever the request goes on to do — a failed sign-in counted
against its limit, an API token's last use — and they are registered with
:func:`regardless_of_outcome`: applied inside the request's transaction when it commits, and in
a transaction of their own after the rollback when it does not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, flash, g
from sqlalchemy.exc import SQLAlchemyError

from lms.validation import InvalidInput

log = logging.getLogger(__name__)

Write = Callable[[object], None]


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the request's transaction has committed (never if it rolls back)."""
    g.setdefault("after_commit", []).append(callback)


def regardless_of_outcome(write: Callable[[object], None]) -> None:
    """Apply ``write(session)`` whether the request's own work commits or rolls back."""
    g.setdefault("regardless_writes", []).append(write)


def keep_refusal_record() -> None:
    """Commit what this request wrote although it answers with an error: the writes record the
    refusal itself (a failed sign-in, a serial that matched nothing) for the rate limits."""
    g.keep_refusal_record = True


def discard_writes() -> None:
    """Roll back what the request wrote, now (so the page rendered next shows the records as
    they were) and at the end whatever the status: a refused input, or a dry run."""
    g.request_failed = True
    session = _session()
    if session is not None:
        session.rollback()


@contextmanager
def form_errors(form) -> Iterator[None]:
    """Show an operation's ``InvalidInput`` beside its form field and roll the request back.

    ``with form_errors(form): ...; return redirect(...)`` — when the operation refuses, the
    block is left, the error is on the form and the view goes on to render it again.
    """
    from lms.forms import attach_error

    try:
        yield
    except InvalidInput as error:
        discard_writes()
        attach_error(form, error)


@contextmanager
def flashed_errors() -> Iterator[None]:
    """For actions without a form of their own: flash the refusal and roll the request back."""
    try:
        yield
    except InvalidInput as error:
        discard_writes()
        flash(error.message, "error")


def _session():
    return g.get("db_session")


def _committed(session, writes, *, discard_first: bool = False) -> bool:
    """Run ``writes`` and commit (after rolling the request's own writes back, with
    ``discard_first``); False when the database was lost meanwhile — logged, for the caller to
    answer — while any other database error propagates."""
    try:
        if discard_first:
            session.rollback()
        for write in writes:
            write(session)
        session.commit()
    except SQLAlchemyError as error:
        from lms.errors import is_outage

        if not is_outage(error):
            raise
        log.warning("database lost while committing", exc_info=error)
        return False
    return True


def finish_request(response: Response) -> Response:
    """Commit or roll back the request's session; then run what waited for the commit."""
    session = _session()
    writes = g.pop("regardless_writes", [])
    failed = g.get("request_failed", False) or (
        response.status_code >= 400 and not g.get("keep_refusal_record", False)
    )
    if session is None:
        return response
    if failed:
        g.pop("after_commit", None)
        # The request already failed (often for this very outage): if the database is lost
        # while keeping its records, its answer stands rather than turning into a 500.
        if writes:
            _committed(session, writes, discard_first=True)
        # Otherwise closing the session at teardown ends its transaction without a commit.
        return response
    if not _committed(session, writes):
        from lms.errors import outage_response

        # The connection was lost at the end (the database restarting): answer 503 like any
        # outage, not 500, and without claiming that nothing was saved (the commit may have
        # been applied; an API retry with the same Idempotency-Key finds out).
        g.pop("after_commit", None)
        return outage_response(while_committing=True)
    for callback in g.pop("after_commit", []):
        try:
            callback()
        except Exception:  # the commit stands: a failed follow-up is logged, not reported
            log.exception("after-commit callback failed")
    return response


def register_transaction_boundary(app: Flask) -> None:
    # Registered before every other after_request hook, so it runs after all of them
    # (Flask runs them in reverse): a hook that writes (the auditors' page-view log) is in
    # the transaction this commits.
    app.after_request(finish_request)
