"""Count events against a limit, atomically, across every worker and server sharing the database.

A fixed window per key: the first event starts it, and it ends ``window`` later. ``hit`` counts
an event in one statement (``INSERT … ON CONFLICT DO UPDATE … RETURNING``), so two requests at
once never read the same count: each gets its own number, and only the first ``max_count`` are
within the limit however many arrive together. PostgreSQL holds the counter row's lock until the
transaction ends; SQLite has one writer at a time.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import case, delete, literal, select
from sqlalchemy.orm import Session

from lms.db import UTCDateTime
from lms.ratelimits.models import RateLimitCounter


@dataclass(frozen=True)
class Limit:
    bucket: str
    max_count: int
    window: dt.timedelta


@dataclass(frozen=True)
class Tally:
    """A key's count in the window in progress, after the event just counted (if any)."""

    count: int
    expires_at: dt.datetime

    def retry_after(self, now: dt.datetime) -> int:
        """Whole seconds until the window ends (at least 1)."""
        return max(1, math.ceil((self.expires_at - now).total_seconds()))


def _upsert(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the app runs on PostgreSQL and SQLite only
        raise NotImplementedError(dialect)
    return insert(RateLimitCounter)


def tally(session: Session, limit: Limit, key: str, now: dt.datetime) -> Tally | None:
    """The key's count in its current window, or None when it has none (read only)."""
    row = session.execute(
        select(RateLimitCounter.count, RateLimitCounter.expires_at).where(
            RateLimitCounter.bucket == limit.bucket,
            RateLimitCounter.key == key,
            RateLimitCounter.expires_at > now,
        )
    ).first()
    return None if row is None else Tally(row.count, row.expires_at)


def hit(session: Session, limit: Limit, key: str, now: dt.datetime) -> Tally:
    """Count one event for ``key`` and return the count including it (a new window starts when
    the last one has ended). Also deletes counters whose windows ended."""
    session.execute(delete(RateLimitCounter).where(RateLimitCounter.expires_at <= now))
    ends = now + limit.window
    expired = RateLimitCounter.expires_at <= now
    statement = _upsert(session).values(
        bucket=limit.bucket, key=key, count=1, window_started_at=now, expires_at=ends
    )
    statement = statement.on_conflict_do_update(
        index_elements=[RateLimitCounter.bucket, RateLimitCounter.key],
        set_={
            "count": case((expired, 1), else_=RateLimitCounter.count + 1),
            "window_started_at": case(
                (expired, literal(now, UTCDateTime())), else_=RateLimitCounter.window_started_at
            ),
            "expires_at": case(
                (expired, literal(ends, UTCDateTime())), else_=RateLimitCounter.expires_at
            ),
        },
    ).returning(RateLimitCounter.count, RateLimitCounter.expires_at)
    row = session.execute(statement).one()
    return Tally(row.count, row.expires_at)
