"""Forms for taking training."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class AttestationForm(FlaskForm):
    typed_name = StringField(
        "Type your full name to sign",
        validators=[DataRequired("Type your full name."), Length(max=200)],
    )
