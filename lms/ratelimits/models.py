"""Rate-limit state: one counter per limit and key (an address), for the window in progress.

Kept apart from the audit log on purpose: the log is tamper-evident and permanent, and
anonymous traffic must not grow it. A counter row is overwritten when its window has passed and
deleted once expired, so the table holds at most one row per key that was active recently.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime


class RateLimitCounter(Base):
    __tablename__ = "rate_limit_counters"
    __table_args__ = (UniqueConstraint("bucket", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Which limit: "certificate.verify", …
    bucket: Mapped[str] = mapped_column(String(40))
    #: Whose events: an IP address.
    key: Mapped[str] = mapped_column(String(100))
    #: Events counted since the window started (refused ones included).
    count: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: The end of the window: the counter means nothing after it, and is deleted.
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
