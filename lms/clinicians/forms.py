"""Forms for licences, their verification and evidence, and the specialised-training areas."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.clinicians.models import LicenceVerificationMethod, ShownHow
from lms.clinicians.rules import TrainingArea
from lms.forms import enum_choices


class LicenceForm(FlaskForm):
    licence_type = SelectField("Licence type", choices=[])
    licence_number = StringField(
        "Licence number", validators=[DataRequired("Enter the licence number."), Length(max=60)]
    )
    issuing_state = StringField(
        "Issuing state",
        validators=[DataRequired("Enter the two-letter state code."), Length(min=2, max=2)],
        description="Two letters, e.g. MA.",
    )
    issuing_board = StringField(
        "Licensing board",
        validators=[DataRequired("Enter the licensing board."), Length(max=200)],
        description="e.g. Board of Registration of Social Workers.",
    )
    issued_on = DateField("Issued on", validators=[DataRequired("Enter the issue date.")])
    expires_on = DateField(
        "Expires on",
        validators=[DataRequired("Enter the expiry date printed on the licence.")],
        description="The licence counts up to the day before this date.",
    )

    def with_types(self, licence_types: tuple[str, ...]) -> LicenceForm:
        self.licence_type.choices = [(name, name) for name in licence_types]
        return self


class VerifyLicenceForm(FlaskForm):
    method = SelectField("How it was checked", choices=enum_choices(LicenceVerificationMethod))
    note = TextAreaField(
        "Note",
        validators=[Optional(), Length(max=2000)],
        description="Without the board's print-out attached: what was looked up or whom you "
        "asked, the number or address, and the date.",
    )
    file = FileField(
        "Evidence (optional)", description="The board's print-out: PDF, PNG or JPEG, 10 MB."
    )


class TrainingAreaForm(FlaskForm):
    area = SelectField("Area", choices=enum_choices(TrainingArea))
    shown_how = SelectField("Shown by", choices=enum_choices(ShownHow))
    shown_on = DateField("Date", validators=[DataRequired("Enter the date.")])
    details = TextAreaField(
        "Details",
        validators=[Optional(), Length(max=2000)],
        description="e.g. the course's name, or the years of practice; without a document "
        "attached: how it was confirmed, whom, the number and the date.",
    )
    evidence = FileField("Evidence (optional)", description="PDF, PNG or JPEG, 10 MB.")


class StandingDateForm(FlaskForm):
    class Meta:
        csrf = False

    on = DateField("On", validators=[Optional()])
