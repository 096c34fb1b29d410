"""On-call blocks: who a mentor calls, from when until when."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, UTCDateTime
from lms.oncall.rules import PHONE_MAX_LENGTH

if TYPE_CHECKING:
    from lms.staff.models import Person


class OnCallBlock(Base):
    """A senior clinician on call over ``[starts_at, ends_at)``, reachable at ``phone``.

    Stored as UTC instants, with the local wall-clock text as it was entered (shown back to HR,
    and the unambiguous record of what they meant on a daylight-saving night). A block taken off
    the roster is marked removed rather than deleted, so coverage as the records stood on an
    earlier date can still be shown to an auditor.
    """

    __tablename__ = "oncall_blocks"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    starts_local: Mapped[str] = mapped_column(String(19))
    ends_local: Mapped[str] = mapped_column(String(19))
    phone: Mapped[str] = mapped_column(String(PHONE_MAX_LENGTH))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_label: Mapped[str] = mapped_column(String(254))
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    removed_by_label: Mapped[str | None] = mapped_column(String(254))

    clinician: Mapped[Person] = relationship(lazy="raise")
