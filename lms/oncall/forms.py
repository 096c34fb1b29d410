"""Forms for the on-call roster."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired

from lms.oncall.rules import PHONE_MAX_LENGTH


def _trimmed(value: str | None) -> str:
    return (value or "").strip()


def _optional_int(value: str | int | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class BlockForm(FlaskForm):
    """One block; times are local wall-clock times where the provider works."""

    clinician = SelectField(
        "Senior clinician",
        coerce=_optional_int,
        validate_choice=True,
        validators=[InputRequired("Choose the senior clinician on call.")],
    )
    starts_at = StringField(
        "Starts",
        description="Local date and time, e.g. 2026-03-08T18:00.",
        filters=[_trimmed],
    )
    ends_at = StringField(
        "Ends",
        description="May be the next day: a block can run overnight.",
        filters=[_trimmed],
    )
    phone = StringField(
        "Number to call",
        description=f"What mentors dial, e.g. 617-555-0100; up to {PHONE_MAX_LENGTH} characters.",
        filters=[_trimmed],
    )


class CopyWeekForm(FlaskForm):
    week_starts_on = DateField(
        "Copy last week's blocks into the week starting",
        description="The seven days before it are copied a week later, at the same local times.",
        validators=[InputRequired("Enter the first day of the week to fill.")],
    )


class RemoveBlockForm(FlaskForm):
    """Only the CSRF token: removing needs no other input."""
