"""Clinicians' licences (with their primary-source verification) and specialised-training areas.

These records are the source of truth for a clinician's licence; the old ``people.licence_*``
columns were copied into them by the 2026-12-05 migration and are kept only for the staff form
and API until they are retired.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.clinicians.rules import TrainingArea
from lms.db import Base, UTCDateTime, string_enum


class LicenceVerificationMethod(enum.StrEnum):
    """How HR checked a licence at the primary source."""

    BOARD_LOOKUP = "board_lookup"
    BOARD_LETTER = "board_letter"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "board_lookup": "State licensing board's online look-up",
            "board_letter": "Written verification from the licensing board",
            "other": "Other (see note)",
        }[self.value]


class ShownHow(enum.StrEnum):
    """How a clinician showed specialised training in one area."""

    DEGREE_COURSEWORK = "degree_coursework"
    COURSE = "course"
    YEARS_OF_PRACTICE = "years_of_practice"
    CERTIFICATION = "certification"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Evidence:
    """An optional document kept in the database (app servers share no disk), with its hash."""

    evidence_filename: Mapped[str | None] = mapped_column(String(255))
    evidence_media_type: Mapped[str | None] = mapped_column(String(100))
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class Licence(Evidence, Base):
    """One licence a clinician holds (a renewal is a new record: history is kept)."""

    __tablename__ = "clinician_licences"
    __table_args__ = (
        CheckConstraint("expires_on > issued_on", name="expires_after_issue"),
        UniqueConstraint("person_id", "licence_type", "licence_number", "issued_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    licence_type: Mapped[str] = mapped_column(String(40))
    licence_number: Mapped[str] = mapped_column(String(60))
    issuing_state: Mapped[str | None] = mapped_column(String(2))
    issuing_board: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date)
    #: Set on records copied from the old columns on ``people``: their issue date was not known.
    migrated: Mapped[bool] = mapped_column(default=False)

    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verification_method: Mapped[LicenceVerificationMethod | None] = mapped_column(
        string_enum(LicenceVerificationMethod, "verification_method")
    )
    verification_note: Mapped[str | None] = mapped_column(Text)

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def name(self) -> str:
        return f"{self.licence_type} {self.licence_number}"

    def clear_verification(self) -> None:
        self.verified_at = None
        self.verified_by_id = None
        self.verification_method = None
        self.verification_note = None


class TrainingAreaRecord(Evidence, Base):
    """How one clinician showed specialised training in one of the six areas."""

    __tablename__ = "clinician_training_areas"
    __table_args__ = (UniqueConstraint("person_id", "area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    area: Mapped[TrainingArea] = mapped_column(string_enum(TrainingArea, "area"))
    shown_how: Mapped[ShownHow] = mapped_column(string_enum(ShownHow, "shown_how"))
    shown_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    years: Mapped[int | None] = mapped_column(Integer)
