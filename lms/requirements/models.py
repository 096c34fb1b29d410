"""Catalogue versions, HR's records of credentials and checks, policy documents and signatures.

Every table here is append-only: a catalogue change is a new version, a new policy text is a new
document version, and a status on a past date is always computed from what applied then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, string_enum
from lms.requirements.rules import RequirementKind, RequirementStatus
from lms.staff.models import VerificationMethod


class CatalogueVersion(Base):
    """One version of the requirements catalogue, in force from ``effective_on``."""

    __tablename__ = "requirement_catalogues"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    sha256: Mapped[str] = mapped_column(String(64))
    definitions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(255))
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RequirementRecord(Base):
    """A credential or check HR recorded for a person, with evidence and verification.

    A check is recorded only once it has cleared; its content is never stored.
    """

    __tablename__ = "requirement_records"
    __table_args__ = (
        CheckConstraint("kind IN ('credential', 'check')", name="recorded_kind"),
        CheckConstraint(
            "kind != 'credential' OR (expires_on IS NOT NULL AND expires_on > done_on)",
            name="credential_expires",
        ),
        CheckConstraint("kind != 'check' OR expires_on IS NULL", name="check_has_no_expiry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    requirement_key: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[RequirementKind] = mapped_column(string_enum(RequirementKind, "kind"))
    #: A credential's issue date; the date a check was done and cleared.
    done_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    #: A document number or the check's reference, never the check's content.
    reference: Mapped[str | None] = mapped_column(String(120))
    verified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verification_method: Mapped[VerificationMethod] = mapped_column(
        string_enum(VerificationMethod, "verification_method")
    )
    verification_note: Mapped[str | None] = mapped_column(Text)
    evidence_filename: Mapped[str | None] = mapped_column(String(255))
    evidence_media_type: Mapped[str | None] = mapped_column(String(100))
    evidence_size_bytes: Mapped[int | None] = mapped_column(Integer)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PolicyDocument(Base):
    """One version of an agency policy that people acknowledge by signing."""

    __tablename__ = "policy_documents"
    __table_args__ = (
        UniqueConstraint("requirement_key", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_key: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))  # of the text, UTF-8
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PolicySignature(Base):
    """A person's own signature of one policy version: typed name, account, instant, hash."""

    __tablename__ = "policy_signatures"
    __table_args__ = (UniqueConstraint("person_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("policy_documents.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requirement_key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    document_sha256: Mapped[str] = mapped_column(String(64))
    typed_name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: The provider's calendar date of ``signed_at``: the day the signature counts from.
    signed_on: Mapped[dt.date] = mapped_column(Date)


class RequirementStatusPeriod(Base):
    """A run of days over which one cell of the matrix (a person and a requirement) reads the same
    (``lms.requirements.rules.requirement_periods``); a day with no row is not applicable. The
    cell on a day is the row whose period covers it, so SQL filters, counts and pages the
    matrix. Written only by ``lms.statuses.operations``, in the transaction that changes an
    input; ``lms status verify`` recomputes every row from the rules."""

    __tablename__ = "requirement_status_periods"
    __table_args__ = (
        # A page's people's cells of the requirements shown, and the EXISTS of the filter by
        # requirement and status, person by person: that requirement's runs in that status only
        # (led by the start day, a probe read every run the person had begun, of every key).
        Index(
            "ix_requirement_status_periods_person_id_requirement_key",
            "person_id",
            "requirement_key",
            "status",
            "starts_on",
            "ends_on",
        ),
        # Who has a status on a day (the status filter's count), from the index alone.
        Index(
            "ix_requirement_status_periods_status",
            "status",
            "requirement_key",
            "ends_on",
            "starts_on",
            "position",
            "person_id",
        ),
        # What lapses soon (HR's home page), from the index alone.
        Index(
            "ix_requirement_status_periods_valid_until",
            "valid_until",
            "status",
            "starts_on",
            "ends_on",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    requirement_key: Mapped[str] = mapped_column(String(80))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)  # inclusive; None: open-ended
    status: Mapped[RequirementStatus] = mapped_column(string_enum(RequirementStatus, "status"))
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The position held over the period (the matrix filters by the position held that day).
    position: Mapped[str] = mapped_column(String(40))
    blocks_work: Mapped[bool] = mapped_column(Boolean)


class ClearancePeriod(Base):
    """A run of days on which a person has an applicable requirement (``with_status`` "any") or one
    in the status ``with_status``, in one position, and is, or is not, cleared to work
    (``rules.runs_by_status``): who the matrix lists, with and without a status filter."""

    __tablename__ = "requirement_clearance_periods"
    __table_args__ = (
        Index(
            "ix_requirement_clearance_periods_person_id_with_status",
            "person_id",
            "with_status",
            "starts_on",
            "ends_on",
            "position",
            "cleared",
        ),
        # Who holds a rare status on a day (the status filter's page when few match).
        Index(
            "ix_requirement_clearance_periods_with_status",
            "with_status",
            "ends_on",
            "starts_on",
            "position",
            "person_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    with_status: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[str] = mapped_column(String(40))
    cleared: Mapped[bool] = mapped_column(Boolean)


#: ``ClearancePeriod.with_status`` for the runs with any applicable requirement.
ANY = "any"
#: The counters' keys that are not requirement keys (no requirement key can take them:
#: ``rules.KEY_PATTERN``): people listed ``with_status`` (status ``cleared`` or ``not_cleared``),
#: and held cells that lapse soon (``rules.expiring_span``; status ``held``).
PEOPLE_PREFIX = "*people-"
EXPIRING_KEY = "*expiring"
CLEARED, NOT_CLEARED, HELD_SOON = "cleared", "not_cleared", "held"


def people_key(with_status: str) -> str:
    return PEOPLE_PREFIX + with_status


#: The counters' key of a requirement's cells whose person is not cleared to work, by status
#: (``requirement_key`` is up to 80 characters, the counters' key column 100).
NOT_CLEARED_PREFIX = "*not-cleared-"


def not_cleared_key(requirement_key: str) -> str:
    return NOT_CLEARED_PREFIX + requirement_key


class RequirementTally(Base):
    """On ``day`` the number of cells of ``requirement_key`` with ``status`` among people holding
    ``position`` changes by ``change`` — or, for ``people_key(with_status)``, the number of people
    listed and cleared (or not), for ``not_cleared_key(key)`` the number of that requirement's
    cells whose person is not cleared, and for ``EXPIRING_KEY`` the number of held cells that
    lapse soon: the matrix's and HR's home page's counts without reading the cells (``lms.tallies``
    arithmetic; ``span`` "month" or "year": the changes of the month or year starting on ``day``
    summed). Kept with the periods; ``lms status verify`` recomputes it from them."""

    __tablename__ = "requirement_tallies"
    __table_args__ = (
        UniqueConstraint("requirement_key", "position", "status", "span", "day"),
        # A count sums the years, months and days up to a day from this index alone.
        Index(
            "ix_requirement_tallies_span_day",
            "span",
            "day",
            "requirement_key",
            "position",
            "status",
            "change",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_key: Mapped[str] = mapped_column(String(100))
    position: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    day: Mapped[dt.date] = mapped_column(Date)
    span: Mapped[str] = mapped_column(String(5), default="day", server_default="day")
    change: Mapped[int] = mapped_column(Integer)
