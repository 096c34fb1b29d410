"""Forms for certificates."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from lms.certificates.operations import MAX_REASON_LENGTH


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        "Reason for revoking",
        validators=[
            DataRequired("Give the reason for revoking this certificate."),
            Length(max=MAX_REASON_LENGTH),
        ],
        description="Recorded in the audit log. The public verification page shows only the "
        "date, not the reason.",
    )
