"""Pure rules for the organisation settings: what a valid value is, and what is in force.

The values are printed on every page and certificate and filled into sentences of the course
text, so each must be one line of plain text: a line break or a control character would break
the sentence it lands in (or the PDF it is drawn on).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lms.service_hours.rules import parse_service_hours
from lms.validation import InvalidInput

#: The placeholders a module may use (curricula/FORMAT.md) and what each becomes without a
#: setting (the settings below fill them; the curriculum's renderer uses these otherwise).
PLACEHOLDER_DEFAULTS: Mapping[str, str] = {
    "organisation_name": "your agency",
    "on_call_phone": "the on-call number listed on your agency badge",
    "emergency_protocol": (
        "call 911 first when anyone is in immediate danger, then the on-call senior clinician"
    ),
    "supervisor_contact": "your assigned supervisor",
    "training_director": "the training director",
}


@dataclass(frozen=True)
class SettingField:
    name: str
    label: str
    max_length: int
    #: What to ask for when a required value is blank; None when blank is allowed.
    required_message: str | None = None


#: Every setting, in the order the page shows them.
FIELDS: tuple[SettingField, ...] = (
    SettingField("organisation_name", "Organisation name", 200, "Enter the organisation's name."),
    SettingField("on_call_phone", "On-call phone", 60),
    SettingField("emergency_protocol", "Emergency protocol", 500),
    SettingField("supervisor_contact", "Supervisor contact", 200),
    SettingField(
        "training_director_name", "Training director", 120, "Enter the training director's name."
    ),
    SettingField(
        "training_director_title",
        "Training director's title",
        120,
        "Enter the training director's title.",
    ),
    SettingField("service_hours", "Service hours", 500),
)
FIELDS_BY_NAME: Mapping[str, SettingField] = {setting.name: setting for setting in FIELDS}

#: Unicode categories refused in a value: control characters, and line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


@dataclass(frozen=True)
class OrganisationDetails:
    """What an administrator enters; blank optional values fall back to the course's wording."""

    organisation_name: str
    on_call_phone: str
    emergency_protocol: str
    supervisor_contact: str
    training_director_name: str
    training_director_title: str
    #: When mentors serve youth (lms/oncall/rules.py); blank: ``LMS_SERVICE_HOURS``.
    service_hours: str = ""

    def as_dict(self) -> dict[str, str]:
        return {setting.name: getattr(self, setting.name) for setting in FIELDS}


@dataclass(frozen=True)
class OrganisationSettings(OrganisationDetails):
    """The details in force, with where they came from and what publishing fills in.

    ``curriculum_placeholders`` is kept apart from the details because the environment has
    always given the course text its own values: with no ``LMS_ORGANISATION_NAME`` the header
    says "Demo Mentoring Agency" but the course says "your agency". Deriving one from the other
    would change the content of editions already published from the environment.
    """

    curriculum_placeholders: Mapping[str, str] = field(default_factory=dict, hash=False)
    saved_at: dt.datetime | None = None  # None: from the environment, nothing saved yet
    saved_by: str | None = None

    @property
    def from_environment(self) -> bool:
        return self.saved_at is None

    def details(self) -> OrganisationDetails:
        return OrganisationDetails(**self.as_dict())


def cleaned(details: OrganisationDetails) -> OrganisationDetails:
    """The details with surrounding spaces and line breaks trimmed from every value."""
    return OrganisationDetails(**{name: value.strip() for name, value in details.as_dict().items()})


def value_problem(name: str, value: str) -> str | None:
    """Why the trimmed ``value`` cannot be saved as setting ``name``, or None when it can."""
    setting = FIELDS_BY_NAME[name]
    if not value:
        return setting.required_message
    if len(value) > setting.max_length:
        return f"{setting.label} must be {setting.max_length} characters or fewer."
    if any(unicodedata.category(character) in _REFUSED_CATEGORIES for character in value):
        return f"{setting.label} must be on one line, without tabs or other control characters."
    if name == "service_hours":
        try:
            parse_service_hours(value)
        except InvalidInput as error:
            return f"{setting.label}: {error.message}."
    return None


def details_problems(details: OrganisationDetails) -> list[tuple[str, str]]:
    """Every (field, message) that stops ``details`` (already trimmed) from being saved."""
    problems = []
    for name, value in details.as_dict().items():
        problem = value_problem(name, value)
        if problem is not None:
            problems.append((name, problem))
    return problems


def changed_fields(before: OrganisationDetails, after: OrganisationDetails) -> tuple[str, ...]:
    """The settings whose value differs, in the page's order."""
    old, new = before.as_dict(), after.as_dict()
    return tuple(setting.name for setting in FIELDS if old[setting.name] != new[setting.name])


def curriculum_placeholders(details: OrganisationDetails) -> dict[str, str]:
    """The course-text placeholders (curricula/FORMAT.md) filled from saved details."""
    return {
        "organisation_name": details.organisation_name,
        "on_call_phone": details.on_call_phone,
        "emergency_protocol": details.emergency_protocol,
        "supervisor_contact": details.supervisor_contact,
        "training_director": details.training_director_name,
    }


def environment_settings(config: Mapping[str, Any]) -> OrganisationSettings:
    """The settings as the ``LMS_*`` environment gives them (lms/config.py): the defaults."""
    placeholders = dict(config["CURRICULUM_PLACEHOLDERS"])
    return OrganisationSettings(
        organisation_name=str(config["LMS_ORGANISATION_NAME"]),
        on_call_phone=placeholders.get("on_call_phone", ""),
        emergency_protocol=placeholders.get("emergency_protocol", ""),
        supervisor_contact=placeholders.get("supervisor_contact", ""),
        training_director_name=str(config["TRAINING_DIRECTOR_NAME"]),
        training_director_title=str(config["TRAINING_DIRECTOR_TITLE"]),
        curriculum_placeholders=placeholders,
    )


def saved_settings(
    details: OrganisationDetails, saved_at: dt.datetime, saved_by: str
) -> OrganisationSettings:
    """The settings an administrator saved at ``saved_at``."""
    return OrganisationSettings(
        **details.as_dict(),
        curriculum_placeholders=curriculum_placeholders(details),
        saved_at=saved_at,
        saved_by=saved_by,
    )
