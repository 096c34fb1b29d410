"""Forms for supervision sessions (one mentor, or a whole team's week), signing, and leave."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.forms import enum_choices
from lms.supervision.models import LeaveReason
from lms.supervision.rules import Modality, SessionFormat

NOTE_HINT = (
    "No youth names, dates of birth or record numbers: this record is about the mentor's "
    "supervision, not a youth."
)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SessionForm(FlaskForm):
    mentor_id = SelectField("Mentor", coerce=int, choices=[])
    held_on = DateField("Date held", validators=[DataRequired("Enter the date held.")])
    starts_at = TimeField("Start time", validators=[Optional()])
    minutes = IntegerField(
        "Minutes",
        validators=[DataRequired("Enter the minutes."), NumberRange(1, 1440)],
    )
    format = RadioField("Format", choices=enum_choices(SessionFormat), default="individual")
    modality = RadioField("Modality", choices=enum_choices(Modality), default="in_person")
    topics = CheckboxesField("Topics", choices=[])
    note = TextAreaField("Note", validators=[Optional(), Length(max=4000)], description=NOTE_HINT)
    follow_ups = TextAreaField("Follow-ups", validators=[Optional(), Length(max=4000)])
    note_checked = BooleanField("I have checked: the note holds no youth's details")
    signed_name = StringField(
        "Sign: type your full name",
        validators=[Optional(), Length(max=200)],
        description="Leave empty to sign later. Signed sessions cannot be edited, only corrected.",
    )


class WeekRowForm(Form):
    mentor_id = HiddenField()
    include = BooleanField("Held")
    held_on = DateField("Date", validators=[Optional()])
    starts_at = TimeField("Start", validators=[Optional()])
    minutes = IntegerField("Minutes", validators=[Optional(), NumberRange(1, 1440)])
    format = SelectField("Format", choices=enum_choices(SessionFormat))
    modality = SelectField("Modality", choices=enum_choices(Modality))


class WeekForm(FlaskForm):
    rows = FieldList(FormField(WeekRowForm))
    topics = CheckboxesField("Topics (every session)", choices=[])
    signed_name = StringField(
        "Sign: type your full name",
        validators=[Optional(), Length(max=200)],
        description="Signs every session recorded here. Leave empty to sign later.",
    )


class SignForm(FlaskForm):
    signed_name = StringField(
        "Type your full name to sign",
        validators=[DataRequired("Type your full name to sign."), Length(max=200)],
    )


class LeaveForm(FlaskForm):
    first_day = DateField("First day", validators=[DataRequired("Enter the first day.")])
    last_day = DateField("Last day", validators=[DataRequired("Enter the last day.")])
    reason = SelectField(
        "Reason",
        choices=enum_choices(LeaveReason),
        description="A category only: no medical details.",
    )
