"""Staff records: candidates, employees and their supervisors."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, UTCDateTime, string_enum
from lms.eligibility.rules import VerificationMethod  # eligibility's value type; identity uses it
from lms.staff.rules import Employment, StaffStatus

if TYPE_CHECKING:
    from lms.eligibility.models import EducationCredential, EvidenceDocument, ExperienceRecord


class Position(enum.StrEnum):
    THERAPEUTIC_MENTOR = "therapeutic_mentor"
    LICENSED_CLINICIAN = "licensed_clinician"  # supervises mentors
    SENIOR_CLINICIAN = "senior_clinician"
    OTHER = "other"

    @property
    def label(self) -> str:
        return POSITION_LABELS[self]


POSITION_LABELS = {
    Position.THERAPEUTIC_MENTOR: "Therapeutic mentor",
    Position.LICENSED_CLINICIAN: "Licensed clinician / supervisor",
    Position.SENIOR_CLINICIAN: "Senior licensed clinician",
    Position.OTHER: "Other",
}
CLINICAL_POSITIONS = frozenset({Position.LICENSED_CLINICIAN, Position.SENIOR_CLINICIAN})


def display_name(legal_name: str, preferred_name: str | None) -> str:
    """How lists and pages name a person: the preferred name with the legal one after it."""
    if preferred_name and preferred_name != legal_name:
        return f"{preferred_name} ({legal_name})"
    return legal_name


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(
            "(status = 'separated') = (separated_on IS NOT NULL)", name="separated_has_date"
        ),
        # The staff list's order, so a page is a range of the index, never a sort of the table.
        Index("ix_people_legal_name_id", "legal_name", "id"),
        # One position's people in the list's order (the team page, the eligibility filter:
        # a page stops once full), its count by staff status from the index alone, and the few
        # clinicians among many mentors without reading every row.
        Index("ix_people_position_legal_name_id_status", "position", "legal_name", "id", "status"),
        # Name search ("contains", ignoring case) by trigrams on PostgreSQL (pg_trgm), without
        # GIN's pending list, which every search would read until a vacuum (921b09b5a486). On
        # SQLite these are plain indexes; the FTS5 table ``people_search`` serves the search.
        *(
            Index(
                f"ix_people_{column}_trigrams",
                column,
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
                postgresql_with={"fastupdate": "off"},
            )
            for column in ("legal_name", "preferred_name", "work_email")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    preferred_name: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    work_email: Mapped[str | None] = mapped_column(String(254), unique=True)
    hire_on: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[Position] = mapped_column(string_enum(Position, "position"))
    status: Mapped[StaffStatus] = mapped_column(string_enum(StaffStatus, "status"))
    separated_on: Mapped[dt.date | None] = mapped_column(Date)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)

    # A clinician's licences are records of their own (lms.clinicians.models.Licence).

    # Identity and date of birth, checked against a government ID.
    identity_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    identity_verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    identity_verification_method: Mapped[VerificationMethod | None] = mapped_column(
        string_enum(VerificationMethod, "identity_verification_method")
    )
    identity_verification_note: Mapped[str | None] = mapped_column(Text)

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    # Collections load only when a query asks for them (selectinload), never one row at a time.
    supervisor: Mapped[Person | None] = relationship(remote_side=[id], lazy="raise")
    credentials: Mapped[list[EducationCredential]] = relationship(
        lazy="raise", order_by="EducationCredential.conferred_on"
    )
    experiences: Mapped[list[ExperienceRecord]] = relationship(
        lazy="raise", order_by="ExperienceRecord.start_on"
    )
    evidence: Mapped[list[EvidenceDocument]] = relationship(
        lazy="raise", order_by="EvidenceDocument.uploaded_at"
    )
    employment_periods: Mapped[list[EmploymentPeriod]] = relationship(
        lazy="raise", order_by="EmploymentPeriod.hired_on", back_populates="person"
    )

    @property
    def display_name(self) -> str:
        return display_name(self.legal_name, self.preferred_name)

    @property
    def identity_verified(self) -> bool:
        return self.identity_verified_at is not None


class EmploymentPeriod(Base):
    """One spell of employment: a hire and, once they leave, the last day employed.

    ``Person.hire_on`` and ``Person.separated_on`` describe the latest period; this table keeps
    every period, so a rehire does not overwrite the first hire and questions about a past date
    are answered from the period that covered it.
    """

    __tablename__ = "employment_periods"
    __table_args__ = (
        UniqueConstraint("person_id", "hired_on"),
        CheckConstraint(
            "separated_on IS NULL OR separated_on >= hired_on", name="separated_after_hire"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    hired_on: Mapped[dt.date] = mapped_column(Date)
    separated_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(lazy="raise", back_populates="employment_periods")

    @property
    def employment(self) -> Employment:
        return Employment(self.hired_on, self.separated_on)


class PositionChange(Base):
    """From ``effective_on`` the person held ``position``, until their next change.

    ``Person.position`` is the position held today (the latest change); this table keeps the
    history, so a status on a past date is judged by the position held that day. Before a
    person's first change their first position applies (a candidate's, before they start).
    """

    __tablename__ = "position_changes"
    __table_args__ = (UniqueConstraint("person_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    position: Mapped[Position] = mapped_column(string_enum(Position, "position"))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PersonToVerify(Base):
    """A person with their identity, a credential or a job not yet verified
    (``queries.something_unverified``), with the position and staff status they had then: the
    counters of HR's "to verify" figure are kept from these rows. Written only by
    ``lms.statuses.operations`` in the transaction that changes what it reads; ``lms status
    verify`` recomputes it."""

    __tablename__ = "people_to_verify"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    position: Mapped[str] = mapped_column(String(40))
    staff_status: Mapped[str] = mapped_column(String(20))
