"""Training records: cycles, progress through modules, knowledge-check attempts, attestations.

Auditors rely on these, so attempts and attestations are never changed once submitted, and
every row points at the exact module version the mentor saw.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.curriculum.models import CurriculumEdition, ModuleVersion
from lms.db import Base, UTCDateTime, string_enum
from lms.training.rules import TrainingStatus


class CycleKind(enum.StrEnum):
    INITIAL = "initial"
    ANNUAL = "annual"


class TrainingCycle(Base):
    """One assignment of an edition to a person: initial on hire, then annual renewals."""

    __tablename__ = "training_cycles"
    __table_args__ = (
        # At most one open cycle per person, even if two requests assign at once.
        Index(
            "uq_training_cycles_one_open_per_person",
            "person_id",
            unique=True,
            sqlite_where=text("completed_on IS NULL AND withdrawn_on IS NULL"),
            postgresql_where=text("completed_on IS NULL AND withdrawn_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("curriculum_editions.id"))
    kind: Mapped[CycleKind] = mapped_column(string_enum(CycleKind, "kind"))
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    # Closed without completion because the employment it belonged to ended (a rehire starts a
    # new initial cycle); kept, like everything auditors may ask about.
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    import_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    edition: Mapped[CurriculumEdition | None] = relationship(lazy="raise")

    @property
    def is_open(self) -> bool:
        return self.completed_on is None and self.withdrawn_on is None


class ModuleProgress(Base):
    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("cycle_id", "module_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("training_cycles.id"), index=True)
    module_version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"))
    current_section: Mapped[int] = mapped_column(Integer, default=0)
    furthest_section: Mapped[int] = mapped_column(Integer, default=0)
    seconds_spent: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_viewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    passed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)  # passed and attested
    # When attempts are capped, a supervisor's reset gives a fresh allowance from this moment.
    attempts_reset_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Study seconds credited to each section, {"0": 95, "1": 40}: time on a section counts when
    #: the mentor moves on from it. None on rows from before it was recorded.
    section_seconds: Mapped[dict[str, int] | None] = mapped_column(JSON)
    #: Sections a failed knowledge check flagged that must be re-read before a retake (when
    #: LMS_REREAD_BEFORE_RETAKE is on): section indexes, emptied as each is read.
    reread_due: Mapped[list[int] | None] = mapped_column(JSON)

    module_version: Mapped[ModuleVersion] = relationship(lazy="raise")


class KnowledgeCheckAttempt(Base):
    __tablename__ = "knowledge_check_attempts"
    __table_args__ = (
        UniqueConstraint("progress_id", "number"),
        # One open attempt per progress: a doubled "Start" cannot leave two.
        Index(
            "uq_knowledge_check_attempts_one_open",
            "progress_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    progress_id: Mapped[int] = mapped_column(ForeignKey("module_progress.id"), index=True)
    module_version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"))
    number: Mapped[int] = mapped_column(Integer)
    #: The questions drawn and the order their options were shown in: [{"id", "options": [...]}]
    paper: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    correct_count: Mapped[int | None] = mapped_column(Integer)
    question_count: Mapped[int] = mapped_column(Integer)
    score_percent: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)


class Attestation(Base):
    """ "I completed this module myself", signed with a typed full name."""

    __tablename__ = "attestations"

    id: Mapped[int] = mapped_column(primary_key=True)
    progress_id: Mapped[int] = mapped_column(ForeignKey("module_progress.id"), unique=True)
    module_version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"))
    typed_name: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    attested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ip_address: Mapped[str | None] = mapped_column(String(45))


class TrainingStatusPeriod(Base):
    """What ``lms.training.rules.state_on`` answers over a run of days (``status_periods``):
    the status on a day is the row whose period covers it, so SQL filters, counts and sorts by
    it. Written only by ``lms.statuses.operations.refresh_status``; ``lms status verify``
    recomputes every row from the rules."""

    __tablename__ = "training_status_periods"
    __table_args__ = (
        # By person: a person's periods, and the EXISTS of a filter. No index by date: a day's
        # periods are most of the table, which a plain scan reads fastest.
        Index(
            "ix_training_status_periods_person_id_starts_on",
            "person_id",
            "starts_on",
            "ends_on",
            "status",
        ),
        # Who has a status on a day, read from the index alone.
        Index(
            "ix_training_status_periods_status",
            "status",
            "ends_on",
            "starts_on",
            "person_id",
        ),
        # The compliance list, one status at a time, fewest days left first: read in order
        # and filtered from the index alone, stopping once a page is full.
        Index(
            "ix_training_status_periods_status_due_on",
            "status",
            "due_on",
            "starts_on",
            "ends_on",
            "position",
            "person_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)  # inclusive; None: open-ended
    status: Mapped[TrainingStatus] = mapped_column(string_enum(TrainingStatus, "status"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    window_opens_on: Mapped[dt.date | None] = mapped_column(Date)
    last_completed_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The person's position and staff status when the period was computed (the scope of the
    #: counters in ``lms.tallies``; a change of either recomputes the person).
    position: Mapped[str] = mapped_column(String(40))
    staff_status: Mapped[str] = mapped_column(String(20))
