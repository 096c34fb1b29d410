"""The auditors' background jobs: an audit packet requested from the web, and its file in
chunks."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, string_enum


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"


class ExportJob(Base):
    """An audit packet requested from the web: built in the background, kept in the database
    (so any app server can hand it over) in chunks (``ExportChunk``), downloaded when ready."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[ExportStatus] = mapped_column(string_enum(ExportStatus, "status"))
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(String(500))
    filename: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)  # past 2 GiB for many people


class ExportChunk(Base):
    """One piece of a ready packet's file, in order: a packet for thousands of people runs to
    hundreds of megabytes, which one value would hold in memory whole to store and to send
    (and past a gigabyte no database stores); pieces are written and sent one at a time."""

    __tablename__ = "export_chunks"

    job_id: Mapped[int] = mapped_column(
        ForeignKey("export_jobs.id", ondelete="CASCADE"), primary_key=True
    )
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
