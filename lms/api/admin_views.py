"""Administrators' pages for API tokens: list, create (the secret is shown once), revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from lms import clock
from lms.api.forms import TokenForm
from lms.api.models import ApiToken
from lms.api.operations import create_token, revoke_token
from lms.api.queries import tokens_with_creators
from lms.auth.forms import ConfirmForm
from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.transaction import form_errors
from lms.web import current_actor, db_session

blueprint = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")


@blueprint.get("/")
@requires(Role.ADMIN)
def index():
    rows = tokens_with_creators(db_session())
    return render_template("api/tokens.html", rows=rows, now=clock.now())


@blueprint.route("/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new():
    form = TokenForm()
    if not form.is_submitted():
        return render_template("api/token_new.html", form=form)
    if not form.validate():
        return render_template("api/token_new.html", form=form), 422
    database = db_session()
    with form_errors(form):
        token, secret = create_token(
            database, current_actor(), form.name.data, form.role.data, form.lifetime_days.data
        )
        # Shown in this response only: no redirect or flash would keep the secret anywhere.
        return render_template("api/token_created.html", token=token, secret=secret), 201
    return render_template("api/token_new.html", form=form), 422


@blueprint.post("/<int:token_id>/revoke")
@requires(Role.ADMIN)
def revoke(token_id: int):
    database = db_session()
    token = database.get(ApiToken, token_id) or abort(404)
    if not ConfirmForm().validate():
        abort(400)
    revoke_token(database, current_actor(), token)
    flash(f"The token “{token.name}” ({token.token_prefix}…) is revoked.", "success")
    return redirect(url_for("api_tokens.index"))
