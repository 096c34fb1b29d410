"""The administrators' Organisation settings page, and the settings in force for each request."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from sqlalchemy.exc import SQLAlchemyError

from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.organisation.forms import OrganisationSettingsForm
from lms.organisation.operations import save_organisation_settings
from lms.organisation.queries import history_with_changes, organisation_settings
from lms.organisation.rules import FIELDS, OrganisationSettings, environment_settings
from lms.transaction import form_errors
from lms.web import current_actor, db_session

blueprint = Blueprint("organisation", __name__)

#: Saves shown on the page; the audit log keeps every one.
HISTORY_LENGTH = 50


def current_settings() -> OrganisationSettings:
    """The settings in force, read at most once per request: every page's layout shows the
    organisation's name, and a view may need the rest too."""
    if "organisation_settings" not in g:
        g.organisation_settings = organisation_settings(db_session(), current_app.config)
    return g.organisation_settings


@blueprint.app_context_processor
def _organisation_name() -> dict[str, str]:
    try:
        name = current_settings().organisation_name
    except SQLAlchemyError:  # an error page must still render when the database cannot
        name = environment_settings(current_app.config).organisation_name
    return {"organisation_name": name}


def _page(form: OrganisationSettingsForm, status: int = 200):
    return (
        render_template(
            "organisation/settings.html",
            form=form,
            settings=current_settings(),
            history=history_with_changes(db_session(), HISTORY_LENGTH),
            fields=FIELDS,
        ),
        status,
    )


@blueprint.route("/admin/organisation", methods=["GET", "POST"])
@requires(Role.ADMIN)
def settings():
    form = OrganisationSettingsForm(data=current_settings().as_dict())
    if not form.is_submitted():
        return _page(form)
    if not form.validate():
        return _page(form, 422)
    database = db_session()
    with form_errors(form):
        _, saved = save_organisation_settings(
            database, current_actor(), form.details(), current_app.config
        )
        if saved:
            flash(
                "Organisation settings saved. Pages and new certificates use them now; the course "
                "text gets them when an edition is next published.",
                "success",
            )
        else:
            flash("Nothing changed: the settings were already these.", "info")
        return redirect(url_for("organisation.settings"))
    return _page(form, 422)
