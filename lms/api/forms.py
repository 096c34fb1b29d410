"""The administrators' form for creating an API token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from lms.api.operations import DEFAULT_LIFETIME_DAYS, LIFETIME_DAYS_CHOICES, MAX_NAME_LENGTH
from lms.auth.models import Role
from lms.forms import enum_choices


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        description="Who or what uses it, e.g. “HRIS nightly sync”.",
        validators=[
            DataRequired("Give the token a name that says who or what uses it."),
            Length(max=MAX_NAME_LENGTH),
        ],
    )
    role = SelectField(
        "Role",
        description="The token can do what this role may do in the API, and nothing more.",
        choices=enum_choices(Role, blank="Choose…"),
        validators=[DataRequired("Choose the role the token acts as.")],
    )
    lifetime_days = SelectField(
        "Expires after",
        description="The token stops working then; create a new one to replace it.",
        choices=[SelectChoice(days, f"{days} days") for days in LIFETIME_DAYS_CHOICES],
        coerce=int,
        default=DEFAULT_LIFETIME_DAYS,
    )
