"""The stored counters: one row per scope, status and day on which a count changes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base


class StatusTally(Base):
    """On ``day`` the number of people whose stored ``kind`` status is ``status``, among those in
    ``position`` with ``staff_status``, changes by ``change`` (``lms.tallies.rules``); with
    ``span`` "month" or "year", the changes of the month or year starting on ``day`` summed. Written
    only by ``lms.statuses.operations`` in the transaction that rewrites the periods;
    ``lms status verify`` recomputes every row from the periods."""

    __tablename__ = "status_tallies"
    __table_args__ = (
        UniqueConstraint("kind", "position", "staff_status", "status", "span", "day"),
        # A count sums one scope's years, months and days up to a day from this index alone.
        Index(
            "ix_status_tallies_kind_span_day",
            "kind",
            "span",
            "day",
            "status",
            "position",
            "staff_status",
            "change",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[str] = mapped_column(String(40))
    staff_status: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    day: Mapped[dt.date] = mapped_column(Date)
    span: Mapped[str] = mapped_column(String(5), default="day", server_default="day")
    change: Mapped[int] = mapped_column(Integer)
