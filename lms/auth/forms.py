"""Forms for signing in and administering accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    PasswordField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from lms.auth.models import Role
from lms.auth.rules import MAX_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = StringField(
        "Email", validators=[DataRequired("Enter your email address."), Length(max=254)]
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
    )


class RoleChoices(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _role_field() -> RoleChoices:
    return RoleChoices(
        "Roles",
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validators=[DataRequired("Choose at least one role.")],
    )


def _new_password_fields(label: str):
    password = PasswordField(
        label,
        description=(
            "At least 12 characters. A few unrelated words make a strong, memorable password."
        ),
        validators=[DataRequired("Enter a password."), Length(max=MAX_PASSWORD_LENGTH)],
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("password", "The two passwords do not match."),
        ],
    )
    return password, confirm


class UserDetailsForm(FlaskForm):
    full_name = StringField(
        "Full name", validators=[DataRequired("Enter the person's full name."), Length(max=200)]
    )
    roles = _role_field()
    access_starts_on = DateField(
        "Access starts on", validators=[Optional()], description="Optional. Mostly for auditors."
    )
    access_ends_on = DateField(
        "Access ends on",
        validators=[Optional()],
        description="Required for auditors: they cannot sign in after this day.",
    )
    records_from = DateField(
        "Records from",
        validators=[Optional()],
        description="Optional, auditors: the earliest date they may see records as of.",
    )
    records_until = DateField(
        "Records until",
        validators=[Optional()],
        description="Optional, auditors: the latest date they may see records as of.",
    )


class UserCreateForm(UserDetailsForm):
    email = StringField(
        "Email",
        validators=[
            DataRequired("Enter an email address."),
            Length(max=254),
            Email("Enter a valid email address.", check_deliverability=False),
        ],
    )
    password, confirm = _new_password_fields("Initial password")


class PasswordResetForm(FlaskForm):
    password, confirm = _new_password_fields("New password")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=MAX_PASSWORD_LENGTH)],
    )
    password, confirm = _new_password_fields("New password")


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state."""
