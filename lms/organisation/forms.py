"""The administrators' form for the organisation settings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from lms.organisation.rules import (
    FIELDS_BY_NAME,
    PLACEHOLDER_DEFAULTS,
    OrganisationDetails,
    value_problem,
)


def _trimmed(value: str | None) -> str:
    return (value or "").strip()


def _valid_setting(form: FlaskForm, field: Field) -> None:
    """The rules' own check, so the page, the operation and its messages never disagree."""
    problem = value_problem(field.name, field.data)
    if problem is not None:
        raise ValidationError(problem)


def _setting(name: str, description: str) -> UnboundField:
    return StringField(
        FIELDS_BY_NAME[name].label,
        description=description,
        filters=[_trimmed],
        validators=[_valid_setting],
    )


def _blank_means(placeholder: str) -> str:
    return f"Leave blank for “{PLACEHOLDER_DEFAULTS[placeholder]}”."


class OrganisationSettingsForm(FlaskForm):
    organisation_name = _setting(
        "organisation_name",
        "Shown at the top of every page and on certificates and reports, and filled into the "
        "course wherever it names your agency.",
    )
    on_call_phone = _setting(
        "on_call_phone",
        "How mentors reach the on-call senior clinician, as it should read in the course, e.g. "
        "“617-555-0100 (answered 24 hours)”. " + _blank_means("on_call_phone"),
    )
    emergency_protocol = _setting(
        "emergency_protocol",
        "One sentence, without line breaks, that completes “Follow the emergency protocol: …”. "
        + _blank_means("emergency_protocol"),
    )
    supervisor_contact = _setting(
        "supervisor_contact",
        "Whom mentors tell, as it reads in “Tell … the same day”, e.g. “your supervisor or, "
        "after hours, the on-call clinician”. " + _blank_means("supervisor_contact"),
    )
    training_director_name = _setting(
        "training_director_name",
        "Signs every certificate, and is named in the course where it mentions the training "
        "director.",
    )
    training_director_title = _setting(
        "training_director_title", "Printed under the director's name on certificates."
    )
    service_hours = _setting(
        "service_hours",
        "When mentors serve youth; a senior clinician must be on call throughout, e.g. "
        "“mon-fri 08:00-21:00; sat-sun 09:00-18:00”. Leave blank for the LMS_SERVICE_HOURS "
        "default.",
    )

    def details(self) -> OrganisationDetails:
        return OrganisationDetails(**{name: self[name].data for name in FIELDS_BY_NAME})
