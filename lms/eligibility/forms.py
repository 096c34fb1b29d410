"""Forms for education, experience and evidence."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.eligibility.models import HumanServicesBasis
from lms.eligibility.rules import CredentialLevel, credential_label


class CredentialForm(FlaskForm):
    level = SelectField(
        "Credential",
        choices=[SelectChoice(level.value, credential_label(level)) for level in CredentialLevel],
    )
    field_of_study = StringField(
        "Field of study",
        validators=[Optional(), Length(max=200)],
        description="Leave empty for a high-school diploma or GED.",
    )
    institution = StringField(
        "School or institution",
        validators=[DataRequired("Enter the school or institution."), Length(max=200)],
    )
    conferred_on = DateField(
        "Conferred on", validators=[DataRequired("Enter the date it was conferred.")]
    )
    accredited = RadioField(
        "Accredited institution?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No or not known")],
        validators=[InputRequired("Say whether the institution is accredited.")],
    )
    accreditation_checked_how = StringField(
        "How accreditation was checked",
        validators=[Optional(), Length(max=200)],
        description="For example: DAPIP look-up on 2026-11-20; CHEA; NACES evaluation.",
    )
    human_services_basis = RadioField(
        "Human services field?",
        choices=[
            SelectChoice(HumanServicesBasis.LISTED.value, "Yes: the field is on our list"),
            SelectChoice(HumanServicesBasis.JUDGEMENT.value, "Yes: by judgement (explain below)"),
            SelectChoice("no", "No"),
        ],
        validators=[InputRequired("Say whether this is a human services field.")],
    )
    human_services_justification = TextAreaField(
        "Why the field counts as human services",
        validators=[Optional(), Length(max=2000)],
        description="Required when classified by judgement.",
    )


class ExperienceForm(FlaskForm):
    employer = StringField(
        "Employer or program", validators=[DataRequired("Enter the employer."), Length(max=200)]
    )
    role = StringField("Role", validators=[DataRequired("Enter the role."), Length(max=200)])
    start_on = DateField("Start date", validators=[DataRequired("Enter the start date.")])
    end_on = DateField(
        "End date", validators=[Optional()], description="Leave empty if the job is ongoing."
    )
    hours_per_week = DecimalField(
        "Hours per week",
        places=2,
        validators=[
            InputRequired("Enter the hours per week."),
            NumberRange(min=0.01, max=168, message="Hours per week must be between 0 and 168."),
        ],
    )
    population = RadioField(
        "Who was served?",
        choices=[
            SelectChoice("youth", "Children, adolescents or transition-age youth"),
            SelectChoice("other", "Others (adults, general public)"),
        ],
        validators=[InputRequired("Say who was served.")],
    )
    target_population = BooleanField("Youth with behavioral-health needs (the target population)")


class EvidenceForm(FlaskForm):
    file = FileField(
        "Evidence file",
        validators=[FileRequired("Choose a file to attach.")],
        description="PDF, PNG or JPEG, at most 10 MB.",
    )
