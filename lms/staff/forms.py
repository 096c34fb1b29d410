"""Forms for staff records."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from lms.forms import enum_choices
from lms.staff.models import Position, StaffStatus, VerificationMethod


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class PersonForm(FlaskForm):
    legal_name = StringField(
        "Legal name", validators=[DataRequired("Enter the person's legal name."), Length(max=200)]
    )
    preferred_name = StringField(
        "Preferred name", validators=[Optional(), Length(max=200)], description="Optional."
    )
    date_of_birth = DateField(
        "Date of birth", validators=[DataRequired("Enter the date of birth.")]
    )
    work_email = EmailField(
        "Work email",
        validators=[
            Optional(),
            Length(max=254),
            Email("Enter a valid email address.", check_deliverability=False),
        ],
    )
    position = SelectField("Position", choices=enum_choices(Position))
    position_since = DateField(
        "Position held from",
        validators=[Optional()],
        description="When you change the position: the day the new one took effect (empty: "
        "today). Statuses on earlier dates keep the position held then.",
    )
    status = SelectField("Status", choices=enum_choices(StaffStatus))
    hire_on = DateField("Hire date", validators=[Optional()], description="Needed once active.")
    separated_on = DateField(
        "Separation date", validators=[Optional()], description="Only for staff who have left."
    )
    supervisor_id = SelectField("Supervisor", coerce=_optional_int, validate_choice=True)
    user_email = EmailField(
        "Sign-in account",
        validators=[Optional(), Length(max=254)],
        description="Email of the person's user account, so they can sign in and train.",
    )


class VerifyForm(FlaskForm):
    method = SelectField(
        "How was it checked?",
        choices=enum_choices(VerificationMethod, blank="Choose…"),
        validators=[DataRequired("Choose how it was checked.")],
    )
    note = TextAreaField(
        "Note",
        validators=[Optional(), Length(max=2000)],
        description="Optional: who confirmed it, a reference number, what was seen.",
    )
