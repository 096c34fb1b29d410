"""Landing pages: each role arrives on its own home page after signing in."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from lms.auth.models import Role
from lms.auth.permissions import SIGNED_IN, requires
from lms.provider_time import provider_today

blueprint = Blueprint("home", __name__)

#: When someone holds several roles, they land on the first of these that they hold.
LANDING_ORDER = (Role.ADMIN, Role.HR, Role.SUPERVISOR, Role.AUDITOR, Role.MENTOR)


@blueprint.route("/")
@requires(SIGNED_IN)
def index():
    for role in LANDING_ORDER:
        if current_user.has_role(role):
            return redirect(url_for(f"home.{role.value}"))
    return render_template("home/no_role.html")


@blueprint.route("/admin")
@requires(Role.ADMIN)
def admin():
    return render_template("home/admin.html")


@blueprint.route("/hr")
@requires(Role.HR)
def hr():
    from flask import current_app

    from lms.home.queries import EXPIRING_WITHIN_DAYS, hr_to_do
    from lms.provider_time import provider_today
    from lms.requirements.matrix import summary
    from lms.training.operations import settings_from_config
    from lms.web import db_session

    today = provider_today()
    to_do = hr_to_do(
        db_session(),
        today,
        settings_from_config(current_app.config).policy,
        current_app.config["LMS_TIMEZONE"],
    )
    return render_template(
        "home/hr.html",
        to_do=to_do,
        expiring_within=EXPIRING_WITHIN_DAYS,
        requirements=summary(db_session(), today),
    )


@blueprint.route("/supervisor")
@requires(Role.SUPERVISOR)
def supervisor():
    # A supervisor's home is their team: the list itself, not cards linking to it.
    return redirect(url_for("training.team"))


@blueprint.route("/mentor")
@requires(Role.MENTOR)
def mentor():
    return redirect(url_for("training.index"))


@blueprint.route("/auditor")
@requires(Role.AUDITOR)
def auditor():
    from lms.auditors.queries import published_editions
    from lms.web import db_session

    return render_template(
        "home/auditor.html",
        editions=published_editions(db_session()),
        today=provider_today(),
    )
