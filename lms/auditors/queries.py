"""Read-only queries for auditors' documents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.curriculum.documents import VersionHistoryEntry
from lms.curriculum.models import CurriculumEdition, EditionModule, ModuleVersion


def published_editions(session: Session) -> Sequence[CurriculumEdition]:
    return (
        session.execute(
            select(CurriculumEdition).order_by(
                CurriculumEdition.effective_on.desc(), CurriculumEdition.version.desc()
            )
        )
        .scalars()
        .all()
    )


def module_history(
    session: Session, module_keys: Sequence[str]
) -> dict[str, list[VersionHistoryEntry]]:
    """Every version of the given modules and the editions that used each, in two queries."""
    versions = (
        session.execute(
            select(ModuleVersion)
            .where(ModuleVersion.module_key.in_(module_keys))
            .order_by(ModuleVersion.module_key, ModuleVersion.version)
        )
        .scalars()
        .all()
    )
    used_in: dict[int, list[str]] = defaultdict(list)
    for version_id, edition in session.execute(
        select(EditionModule.module_version_id, CurriculumEdition)
        .join(CurriculumEdition, CurriculumEdition.id == EditionModule.edition_id)
        .where(EditionModule.module_version_id.in_([v.id for v in versions]))
        .order_by(CurriculumEdition.id)
    ):
        used_in[version_id].append(f"{edition.curriculum_key} {edition.edition} v{edition.version}")
    history: dict[str, list[VersionHistoryEntry]] = defaultdict(list)
    for version in versions:
        history[version.module_key].append(
            VersionHistoryEntry(
                version.version,
                version.sha256,
                version.created_at.date(),
                tuple(used_in[version.id]),
            )
        )
    return history
