"""Forms for recording credentials and checks, publishing policies and signing them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.staff.models import VerificationMethod


class RecordForm(FlaskForm):
    requirement = SelectField("Requirement", choices=[])
    done_on = DateField(
        "Issued or done on",
        validators=[DataRequired("Enter the date it was issued, or the date the check cleared.")],
        description="A credential's issue date; the date a check was done and cleared.",
    )
    expires_on = DateField(
        "Expires on",
        validators=[Optional()],
        description="Credentials only: the expiry date printed on the document.",
    )
    reference = StringField(
        "Document number or reference",
        validators=[Optional(), Length(max=120)],
        description="Never the content of a background check.",
    )
    method = SelectField(
        "How it was verified",
        choices=[SelectChoice(method.value, method.label) for method in VerificationMethod],
    )
    note = StringField("Note", validators=[Optional(), Length(max=500)])
    file = FileField("Evidence (PDF, PNG or JPEG, at most 10 MB)")


class PolicyForm(FlaskForm):
    requirement = SelectField("Policy", choices=[])
    title = StringField(
        "Title", validators=[DataRequired("Enter the policy's title."), Length(max=200)]
    )
    effective_on = DateField(
        "Takes effect on", validators=[DataRequired("Enter the date it takes effect.")]
    )
    text = TextAreaField("Text", validators=[DataRequired("Enter the policy's text.")])


class SignForm(FlaskForm):
    typed_name = StringField(
        "Type your full name to sign",
        validators=[DataRequired("Type your name to sign."), Length(max=200)],
    )


class CatalogueForm(FlaskForm):
    text = TextAreaField(
        "Catalogue (YAML)",
        validators=[DataRequired("Paste the catalogue.")],
        description="The format is in requirements/FORMAT.md. Saving makes a new version in "
        "force from today; earlier dates keep the version in force then.",
    )
