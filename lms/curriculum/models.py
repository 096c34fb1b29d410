"""Published curriculum editions and module versions: immutable once stored.

A module version is identified by the SHA-256 of its content with the provider's settings
filled in, so an unchanged module is shared by successive editions and a changed one gets a
new version; training records point at the exact version a mentor saw.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, UTCDateTime


class ModuleVersion(Base):
    __tablename__ = "module_versions"
    __table_args__ = (
        UniqueConstraint("module_key", "version"),
        UniqueConstraint("module_key", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    source_sha256: Mapped[str] = mapped_column(String(64))  # of the file as authored
    title: Mapped[str] = mapped_column(String(200))
    estimated_minutes: Mapped[int] = mapped_column(Integer)
    questions_per_attempt: Mapped[int] = mapped_column(Integer)
    topics: Mapped[list[str]] = mapped_column(JSON)
    objectives: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    references: Mapped[list[str]] = mapped_column(JSON)
    #: [{"title": …, "markdown": …}] with placeholders filled; rendered to HTML when shown.
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: Each section's Markdown with the emergency contacts (rendering.LIVE_PLACEHOLDERS) kept as
    #: ``{{ key }}`` markers and everything else filled as in ``sections``: what a mentor reads,
    #: with the contacts in force when it is shown. Not part of ``sha256``; None for versions
    #: published before it was kept (they show ``sections``).
    live_sections: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    #: The question pool with correct answers and rationales: never sent to a browser whole.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CurriculumEdition(Base):
    __tablename__ = "curriculum_editions"
    __table_args__ = (
        UniqueConstraint("curriculum_key", "edition", "version"),
        UniqueConstraint("curriculum_key", "edition", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    curriculum_key: Mapped[str] = mapped_column(String(80))
    edition: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    pass_mark: Mapped[int] = mapped_column(Integer)
    crosswalk: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    #: SHA-256 over curriculum.yaml and the module versions' hashes, in order.
    sha256: Mapped[str] = mapped_column(String(64))
    source_sha256: Mapped[str] = mapped_column(String(64))  # as `sha256sum` of the files gives
    placeholder_values: Mapped[dict[str, str]] = mapped_column(JSON)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_by_label: Mapped[str] = mapped_column(String(254))

    modules: Mapped[list[EditionModule]] = relationship(
        lazy="raise", order_by="EditionModule.position"
    )

    @property
    def label(self) -> str:
        return f"{self.title}, {self.edition} (version {self.version})"


class EditionModule(Base):
    __tablename__ = "edition_modules"
    __table_args__ = (
        UniqueConstraint("edition_id", "position"),
        UniqueConstraint("edition_id", "module_version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("curriculum_editions.id"))
    module_version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)

    module_version: Mapped[ModuleVersion] = relationship(lazy="raise")
