"""Education, experience, evidence documents and the stored eligibility determinations."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, string_enum
from lms.eligibility.rules import (
    CredentialLevel,
    EligibilityStatus,
    Pathway,
    Population,
    VerificationMethod,
)


class PersonRecord(Protocol):
    """What eligibility reads of a person's staff record (``lms.staff.models.Person``).

    The staff record sits above eligibility: staff composes eligibility (the person page, the
    staff list) and announces ``PersonChanged`` for it, so eligibility names only the fields it
    reads and never imports staff. The facts themselves point at ``people.id``.
    """

    id: int
    legal_name: str
    position: enum.StrEnum  # lms.staff.models.Position; its value is compared with rules'
    status: enum.StrEnum  # lms.staff.rules.StaffStatus
    hire_on: dt.date | None
    date_of_birth: dt.date
    identity_verified_at: dt.datetime | None
    identity_verified_by_id: int | None
    identity_verification_method: VerificationMethod | None
    identity_verification_note: str | None

    @property
    def identity_verified(self) -> bool: ...


class HumanServicesBasis(enum.StrEnum):
    LISTED = "listed"  # the field is on the provider's list of human services fields
    JUDGEMENT = "judgement"  # HR's judgement, with a written justification


class EvidenceSubject(enum.StrEnum):
    IDENTITY = "identity"
    CREDENTIAL = "credential"
    EXPERIENCE = "experience"


class VerifiedFact:
    """Columns shared by every fact HR verifies: who checked it, when and how."""

    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verification_method: Mapped[VerificationMethod | None] = mapped_column(
        string_enum(VerificationMethod, "verification_method")
    )
    verification_note: Mapped[str | None] = mapped_column(Text)

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def clear_verification(self) -> None:
        self.verified_at = None
        self.verified_by_id = None
        self.verification_method = None
        self.verification_note = None


class EducationCredential(VerifiedFact, Base):
    __tablename__ = "education_credentials"
    __table_args__ = (
        CheckConstraint(
            "human_services_basis != 'judgement' OR human_services_justification IS NOT NULL",
            name="judgement_is_justified",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    level: Mapped[CredentialLevel] = mapped_column(string_enum(CredentialLevel, "level"))
    field_of_study: Mapped[str | None] = mapped_column(String(200))
    institution: Mapped[str] = mapped_column(String(200))
    accredited: Mapped[bool] = mapped_column(Boolean)
    accreditation_checked_how: Mapped[str | None] = mapped_column(String(200))
    conferred_on: Mapped[dt.date] = mapped_column(Date)
    human_services_basis: Mapped[HumanServicesBasis | None] = mapped_column(
        string_enum(HumanServicesBasis, "human_services_basis")
    )
    human_services_justification: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    @property
    def human_services_field(self) -> bool:
        return self.human_services_basis is not None


class ExperienceRecord(VerifiedFact, Base):
    __tablename__ = "experience_entries"
    __table_args__ = (
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="ends_after_start"),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 168", name="hours_in_range"),
        CheckConstraint("NOT target_population OR population = 'youth'", name="target_is_youth"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    employer: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200))
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date | None] = mapped_column(Date)
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    population: Mapped[Population] = mapped_column(string_enum(Population, "population"))
    target_population: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class EvidenceDocument(Base):
    """A scan or PDF backing one fact; kept in the database so app servers share no disk."""

    __tablename__ = "evidence_documents"
    __table_args__ = (
        CheckConstraint(
            "(subject = 'identity' AND credential_id IS NULL AND experience_id IS NULL)"
            " OR (subject = 'credential' AND credential_id IS NOT NULL AND experience_id IS NULL)"
            " OR (subject = 'experience' AND experience_id IS NOT NULL AND credential_id IS NULL)",
            name="one_subject",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    subject: Mapped[EvidenceSubject] = mapped_column(string_enum(EvidenceSubject, "subject"))
    credential_id: Mapped[int | None] = mapped_column(
        ForeignKey("education_credentials.id"), index=True
    )
    experience_id: Mapped[int | None] = mapped_column(
        ForeignKey("experience_entries.id"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Determination(Base):
    """An eligibility determination as made at one moment: append-only history.

    ``inputs`` is the exact facts JSON evaluated, so any past determination can be re-run and
    explained; ``result`` is what the rules answered.
    """

    __tablename__ = "determinations"
    __table_args__ = (
        Index("ix_determinations_person_id_determined_at", "person_id", "determined_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    determined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    as_of: Mapped[dt.date] = mapped_column(Date)
    ruleset: Mapped[str] = mapped_column(String(20))
    status: Mapped[EligibilityStatus] = mapped_column(string_enum(EligibilityStatus, "status"))
    pathway: Mapped[Pathway | None] = mapped_column(string_enum(Pathway, "pathway"))
    eligible_from: Mapped[dt.date | None] = mapped_column(Date)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    trigger: Mapped[str] = mapped_column(String(80))  # DETERMINATION_TRIGGER_LABELS
    #: Who verified each fact, when and how, and the evidence files' names and hashes, as they
    #: stood at this moment: what an auditor's eligibility file shows for a past date.
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(254))


class HumanServicesField(Base):
    """The provider's list of fields of study that count as human services."""

    __tablename__ = "human_services_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


#: What changed before a determination was stored (its ``trigger``), in words.
DETERMINATION_TRIGGER_LABELS = {
    "person.create": "Record created",
    "person.verify_identity": "Identity verified",
    "person.date_of_birth": "Date of birth changed",
    "person.position": "Position changed",
    "credential.add": "Education added",
    "credential.update": "Education changed",
    "credential.verify": "Education verified",
    "credential.remove": "Education removed",
    "experience.add": "Experience added",
    "experience.update": "Experience changed",
    "experience.verify": "Experience verified",
    "experience.remove": "Experience removed",
}


def trigger_label(trigger: str) -> str:
    """A determination's trigger in words (the code itself for one not listed)."""
    return DETERMINATION_TRIGGER_LABELS.get(trigger, trigger)


class EligibilityStatusPeriod(Base):
    """What ``lms.eligibility.rules.evaluate`` answers over a run of days on the facts recorded
    (``status_periods``), for the people it applies to. Written only by
    ``lms.statuses.operations.refresh_status``; ``lms status verify`` recomputes every row."""

    __tablename__ = "eligibility_status_periods"
    __table_args__ = (
        Index("ix_eligibility_status_periods_person_id_starts_on", "person_id", "starts_on"),
        # Who has a status on a day, read from the index alone.
        Index(
            "ix_eligibility_status_periods_status",
            "status",
            "ends_on",
            "starts_on",
            "person_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)  # inclusive; None: open-ended
    status: Mapped[EligibilityStatus] = mapped_column(string_enum(EligibilityStatus, "status"))
    #: The person's position and staff status when the period was computed (the scope of the
    #: counters in ``lms.tallies``; a change of either recomputes the person).
    position: Mapped[str] = mapped_column(String(40))
    staff_status: Mapped[str] = mapped_column(String(20))
