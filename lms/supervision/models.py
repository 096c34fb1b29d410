"""Supervision sessions (signed, acknowledged, corrected by superseding) and mentors' leave."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, string_enum
from lms.supervision.rules import Modality, SessionFormat


class LeaveReason(enum.StrEnum):
    """A category only: no medical detail is kept."""

    VACATION = "vacation"
    SICK = "sick"
    FAMILY = "family"
    PARENTAL = "parental"
    PERSONAL = "personal"
    UNPAID = "unpaid"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "vacation": "Vacation",
            "sick": "Sick leave",
            "family": "Family leave",
            "parental": "Parental leave",
            "personal": "Personal leave",
            "unpaid": "Unpaid leave",
            "other": "Other leave",
        }[self.value]


class SupervisionSession(Base):
    """One supervision session. Once signed it is never edited: a correction is a new row whose
    ``supersedes_id`` points at it, and both stay for auditors."""

    __tablename__ = "supervision_sessions"
    __table_args__ = (
        CheckConstraint("minutes > 0 AND minutes <= 1440", name="minutes_in_range"),
        CheckConstraint("mentor_id <> supervisor_id", name="not_self"),
        CheckConstraint(
            "(signed_at IS NULL) = (signed_name IS NULL)", name="signature_is_complete"
        ),
        Index("ix_supervision_sessions_mentor_id_held_on", "mentor_id", "held_on"),
        Index("ix_supervision_sessions_supervisor_id_held_on", "supervisor_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    starts_at_time: Mapped[dt.time | None] = mapped_column(Time)
    minutes: Mapped[int]
    format: Mapped[SessionFormat] = mapped_column(string_enum(SessionFormat, "format"))
    modality: Mapped[Modality] = mapped_column(string_enum(Modality, "modality"))
    topics: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    follow_ups: Mapped[str | None] = mapped_column(Text)

    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_label: Mapped[str] = mapped_column(String(254))
    #: Entered from a paper log by ``lms supervision import``: counts as signed.
    imported: Mapped[bool] = mapped_column(default=False)

    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_name: Mapped[str | None] = mapped_column(String(200))

    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervision_sessions.id"), unique=True
    )

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def counts_as_signed(self) -> bool:
        return self.signed or self.imported


class LeavePeriod(Base):
    """A mentor's leave, recorded by HR: first and last day inclusive, and a reason category."""

    __tablename__ = "leave_periods"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[LeaveReason] = mapped_column(string_enum(LeaveReason, "reason"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SupervisionGap(Base):
    """A run of consecutive weeks in which a mentor required supervision and had no session that
    counts (``rules.unsupervised_runs``): from the week starting ``first_week`` to the week
    starting ``last_week`` (None: every week from then on). A week of the run is ``missed`` once
    it is over, so "a missed week among the last N" is a comparison of stored dates. Written
    only by ``lms.statuses.operations``, in the transaction that changes what the weekly rule
    reads; ``lms status verify`` recomputes every row."""

    __tablename__ = "supervision_gaps"
    __table_args__ = (Index("ix_supervision_gaps_mentor_id_first_week", "mentor_id", "first_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    first_week: Mapped[dt.date] = mapped_column(Date)
    last_week: Mapped[dt.date | None] = mapped_column(Date)
