"""Saving the organisation settings as a new version, with the change in the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from lms import clock
from lms.actor import Actor
from lms.auditlog.operations import record
from lms.organisation.models import OrganisationSettingsVersion
from lms.organisation.queries import version_in_force
from lms.organisation.rules import (
    OrganisationDetails,
    changed_fields,
    cleaned,
    details_problems,
    environment_settings,
)
from lms.validation import InvalidInput


def save_organisation_settings(
    session: Session, actor: Actor, details: OrganisationDetails, config: Mapping[str, Any]
) -> tuple[OrganisationSettingsVersion, bool]:
    """Store ``details`` as the settings in force from now; (version, False) when they equal
    the version already in force, which is kept and nothing is written.

    Raises InvalidInput naming the first field that cannot be saved.
    """
    details = cleaned(details)
    problems = details_problems(details)
    if problems:
        field, message = problems[0]
        raise InvalidInput(message, field)
    latest = version_in_force(session)
    if latest is not None and latest.details() == details:
        return latest, False
    # Before the first save the environment's values were in force: that is the "before".
    before = latest.details() if latest else environment_settings(config).details()
    version = OrganisationSettingsVersion(
        **details.as_dict(),
        saved_at=clock.now(),
        saved_by_id=actor.user_id,
        saved_by_label=actor.label,
    )
    session.add(version)
    session.flush()
    record(
        session,
        actor,
        "organisation.settings_save",
        "organisation_settings_version",
        version.id,
        {
            "before_source": "environment" if latest is None else f"version {latest.id}",
            "before": before.as_dict(),
            "after": details.as_dict(),
            "changed": list(changed_fields(before, details)),
        },
    )
    return version, True
