"""``Idempotency-Key`` for the API's create endpoints: a retry gets the first answer.

A client that sent ``POST /api/v1/staff`` and lost the answer (a timeout, a dropped connection)
cannot know whether the person was created. Sent with ``Idempotency-Key: <key of its choosing>``,
the request can be retried safely: a retry with the same key from the same token, to the same
address with the same body, answers with the first response (status, body and ``Location``,
marked ``Idempotent-Replayed: true``) and creates nothing. The same key with a different request
is refused (422, naming the header). Keys are kept for 24 hours; refused requests (4xx) keep
nothing, so they can be corrected and sent again with the same key.

Two simultaneous requests with one key: the first inserts the key's row, the second's insert
waits on the unique constraint until the first commits, then answers with the first's response.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable

from flask import Response, make_response, request
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms import clock
from lms.api.models import IdempotencyKey
from lms.validation import InvalidInput
from lms.web import db_session

HEADER = "Idempotency-Key"
KEY_LIFETIME = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255


def _key_from_header() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all("!" <= c <= "~" for c in key):
        raise InvalidInput(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters"
            " (a UUID is a good choice).",
            HEADER,
        )
    return key


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.get_data(cache=True)):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _stored(session: Session, token_id: int, key: str, now: dt.datetime) -> IdempotencyKey | None:
    return session.execute(
        select(IdempotencyKey).where(
            IdempotencyKey.token_id == token_id,
            IdempotencyKey.key == key,
            IdempotencyKey.expires_at > now,
        )
    ).scalar_one_or_none()


def _replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    if stored.request_sha256 != fingerprint:
        raise InvalidInput(
            f"This {HEADER} was already used for a different request; send a new key with a"
            " new request.",
            HEADER,
        )
    response = Response(stored.body, stored.status, mimetype="application/json")
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view: Callable) -> Callable:
    """Honour ``Idempotency-Key`` on a create endpoint (put it below ``@requires``)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = _key_from_header()
        token_id = getattr(current_user, "token_id", None)
        if key is None or token_id is None:
            return view(*args, **kwargs)
        session, now, fingerprint = db_session(), clock.now(), _fingerprint()
        stored = _stored(session, token_id, key, now)
        if stored is not None:
            return _replay(stored, fingerprint)
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))
        claim = IdempotencyKey(
            token_id=token_id,
            key=key,
            request_sha256=fingerprint,
            status=0,  # filled in below, in the same transaction: never committed as 0
            body="",
            created_at=now,
            expires_at=now + KEY_LIFETIME,
        )
        try:
            with session.begin_nested():
                session.add(claim)
        except IntegrityError:
            # A simultaneous request with this key committed first: answer as it did.
            stored = _stored(session, token_id, key, now)
            if stored is None:
                raise
            return _replay(stored, fingerprint)
        response = make_response(view(*args, **kwargs))
        # Only a success is kept: a refusal rolls the whole request back, this row with it.
        claim.status = response.status_code
        claim.body = response.get_data(as_text=True)
        claim.location = response.headers.get("Location")
        session.flush()
        return response

    return wrapper
