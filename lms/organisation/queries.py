"""Reading the organisation settings: the one answer to "what are the settings now"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.organisation.models import OrganisationSettingsVersion
from lms.organisation.rules import (
    OrganisationSettings,
    changed_fields,
    environment_settings,
    saved_settings,
)


def version_in_force(
    session: Session, at: dt.datetime | None = None
) -> OrganisationSettingsVersion | None:
    """The newest saved version (as of the instant ``at``, when given), or None."""
    query = select(OrganisationSettingsVersion)
    if at is not None:
        query = query.where(OrganisationSettingsVersion.saved_at <= at)
    return session.execute(
        query.order_by(OrganisationSettingsVersion.id.desc()).limit(1)
    ).scalar_one_or_none()


def organisation_settings(
    session: Session, config: Mapping[str, Any], at: dt.datetime | None = None
) -> OrganisationSettings:
    """The settings in force now (or at the instant ``at``): the newest saved version, or the
    ``LMS_*`` environment's values when none had been saved."""
    version = version_in_force(session, at)
    if version is None:
        return environment_settings(config)
    return saved_settings(version.details(), version.saved_at, version.saved_by_label)


def settings_history(session: Session, limit: int = 100) -> list[OrganisationSettingsVersion]:
    """The saved versions, newest first."""
    return list(
        session.execute(
            select(OrganisationSettingsVersion)
            .order_by(OrganisationSettingsVersion.id.desc())
            .limit(limit)
        ).scalars()
    )


def history_with_changes(
    session: Session, limit: int = 100
) -> list[tuple[OrganisationSettingsVersion, tuple[str, ...] | None]]:
    """The saved versions, newest first, each with the settings it changed from the one before
    (None for the first version ever saved: it replaced the environment's values)."""
    versions = settings_history(session, limit + 1)  # one more: what the oldest shown changed
    rows = []
    for position, version in enumerate(versions[:limit]):
        older = versions[position + 1] if position + 1 < len(versions) else None
        changed = changed_fields(older.details(), version.details()) if older else None
        rows.append((version, changed))
    return rows
