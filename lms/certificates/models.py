"""Certificates: exactly one per completed cycle, never deleted; revocation is recorded on them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime


class Certificate(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    # Unique: two completions racing to issue for one cycle cannot both succeed.
    cycle_id: Mapped[int] = mapped_column(ForeignKey("training_cycles.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("curriculum_editions.id"))
    holder_name: Mapped[str] = mapped_column(String(200))  # as printed, at issue time
    issued_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)


class CertificatePdf(Base):
    """A certificate's PDF as rendered at its first download, kept so later downloads send the
    bytes instead of drawing them again (the QR code alone takes milliseconds).

    ``fingerprint`` is the SHA-256 of everything the PDF was drawn from — what is printed and the
    code that draws it — so a reprint after either changes is drawn afresh, never stale.
    Revocation is not printed and leaves the stored PDF as it is.
    """

    __tablename__ = "certificate_pdfs"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    rendered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
