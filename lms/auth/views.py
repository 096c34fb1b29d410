"""Sign-in, sign-out, the user's own password, and the administrators' user pages."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from lms.auth.forms import (
    ChangePasswordForm,
    ConfirmForm,
    LoginForm,
    PasswordResetForm,
    UserCreateForm,
    UserDetailsForm,
)
from lms.auth.models import LoginOutcome, Role, User
from lms.auth.operations import (
    AccountError,
    AuthSettings,
    create_user,
    set_password,
    set_user_active,
    sign_in,
    sign_out,
    update_user,
)
from lms.auth.passwords import make_hasher
from lms.auth.permissions import SIGNED_IN, public, requires
from lms.auth.queries import list_users
from lms.auth.rules import ThrottlePolicy, access_problem
from lms.extensions import login_manager
from lms.provider_time import provider_today
from lms.transaction import discard_writes, keep_refusal_record
from lms.web import current_actor, db_session, start_authenticated_session

auth_blueprint = Blueprint("auth", __name__)
account_blueprint = Blueprint("account", __name__, url_prefix="/account")
admin_blueprint = Blueprint("admin", __name__, url_prefix="/admin")

STATUS_FOR_OUTCOME = {
    LoginOutcome.FAILED: 401,
    LoginOutcome.REFUSED: 403,
    LoginOutcome.THROTTLED: 429,
}


def configure_login_manager(app: Flask) -> None:
    config = app.config
    app.extensions["lms.auth"] = AuthSettings(
        hasher=make_hasher(
            config.get("ARGON2_MEMORY_KIB", 65536),
            config.get("ARGON2_TIME_COST", 3),
            config.get("ARGON2_PARALLELISM", 4),
        ),
        account_throttle=ThrottlePolicy(
            max_failures=config["LOGIN_MAX_FAILURES"],
            window=dt.timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
            lockout=dt.timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
        ),
        address_throttle=ThrottlePolicy(
            max_failures=config["LOGIN_MAX_FAILURES_PER_IP"],
            window=dt.timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
            lockout=dt.timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
        ),
        timezone=config["LMS_TIMEZONE"],
    )
    login_manager.init_app(app)
    login_manager.session_protection = config["SESSION_PROTECTION"]
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)


def auth_settings() -> AuthSettings:
    return current_app.extensions["lms.auth"]


def _load_user(session_user_id: str) -> User | None:
    """Resolve the cookie's "id:version"; a stale version or a lapsed account signs the user out."""
    try:
        user_id, version = (int(part) for part in session_user_id.split(":"))
    except ValueError:
        return None
    user = db_session().get(User, user_id)
    if user is None or user.session_version != version:
        return None
    today = provider_today()
    if access_problem(user.is_active, user.access_starts_on, user.access_ends_on, today):
        return None
    return user


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would make our sign-in page a phishing tool."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# -- signing in and out -------------------------------------------------------------------------


@auth_blueprint.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("home.index"))
    form = LoginForm()
    if request.method == "GET":
        return render_template("auth/login.html", form=form)
    if not form.validate():
        return render_template("auth/login.html", form=form), 422

    database = db_session()
    result = sign_in(
        database, auth_settings(), form.email.data, form.password.data, request.remote_addr or ""
    )
    if result.user is None:
        keep_refusal_record()  # the failed attempt counts towards the sign-in limits
        response = current_app.make_response(
            (
                render_template("auth/login.html", form=form, error=result.message),
                STATUS_FOR_OUTCOME[result.outcome],
            )
        )
        if result.retry_after is not None:
            response.headers["Retry-After"] = str(int(result.retry_after.total_seconds()) + 1)
        return response

    # Flask-Login keeps the old session; start a new one so a planted session id is useless.
    session.clear()
    login_user(result.user)
    start_authenticated_session()
    return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))


@auth_blueprint.route("/logout", methods=["POST"])
@requires(SIGNED_IN)
def logout():
    database = db_session()
    sign_out(database, current_actor(), current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


# -- the user's own account ---------------------------------------------------------------------


@account_blueprint.route("/password", methods=["GET", "POST"])
@requires(SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("auth/change_password.html", form=form), 422
        database = db_session()
        user = current_user._get_current_object()
        try:
            set_password(
                database,
                current_actor(),
                auth_settings().hasher,
                user,
                form.password.data,
                current_password=form.current_password.data,
            )
        except AccountError as error:
            _attach_error(form, error)
            return render_template("auth/change_password.html", form=form), 422
        # Every other session has ended; keep this one by signing in again under the new version.
        session.clear()
        login_user(user)
        start_authenticated_session()
        flash("Your password has been changed. Other devices have been signed out.", "success")
        return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)


# -- administering users ------------------------------------------------------------------------


def _attach_error(form, error: AccountError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def _user_or_404(user_id: int) -> User:
    user = db_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


@admin_blueprint.route("/users")
@requires(Role.ADMIN)
def users():
    role = request.args.get("role") or None
    if role is not None and role not in set(Role):
        abort(400)
    return render_template(
        "admin/users.html",
        users=list_users(db_session(), role=Role(role) if role else None),
        roles=list(Role),
        selected_role=role,
    )


@admin_blueprint.route("/users/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new_user():
    form = UserCreateForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("admin/user_new.html", form=form), 422
        database = db_session()
        try:
            user = create_user(
                database,
                current_actor(),
                auth_settings().hasher,
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                roles=form.roles.data,
                access_starts_on=form.access_starts_on.data,
                access_ends_on=form.access_ends_on.data,
                records_from=form.records_from.data,
                records_until=form.records_until.data,
            )
        except AccountError as error:
            discard_writes()
            _attach_error(form, error)
            return render_template("admin/user_new.html", form=form), 422
        flash(f"Account created for {user.email}.", "success")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


def _render_detail(user: User, details_form=None, password_form=None, status: int = 200):
    details_form = details_form or UserDetailsForm(
        formdata=None,
        full_name=user.full_name,
        roles=sorted(user.roles),
        access_starts_on=user.access_starts_on,
        access_ends_on=user.access_ends_on,
        records_from=user.records_from,
        records_until=user.records_until,
    )
    return (
        render_template(
            "admin/user_detail.html",
            user=user,
            form=details_form,
            password_form=password_form or PasswordResetForm(formdata=None),
            confirm_form=ConfirmForm(),
        ),
        status,
    )


@admin_blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def user_detail(user_id: int):
    user = _user_or_404(user_id)
    if request.method == "GET":
        return _render_detail(user)
    form = UserDetailsForm()
    if not form.validate():
        return _render_detail(user, details_form=form, status=422)
    database = db_session()
    try:
        update_user(
            database,
            current_actor(),
            user,
            full_name=form.full_name.data,
            roles=form.roles.data,
            access_starts_on=form.access_starts_on.data,
            access_ends_on=form.access_ends_on.data,
            records_from=form.records_from.data,
            records_until=form.records_until.data,
        )
    except AccountError as error:
        discard_writes()
        _attach_error(form, error)
        return _render_detail(_user_or_404(user_id), details_form=form, status=422)
    flash("Changes saved.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@admin_blueprint.route("/users/<int:user_id>/password", methods=["POST"])
@requires(Role.ADMIN)
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    form = PasswordResetForm()
    if not form.validate():
        return _render_detail(user, password_form=form, status=422)
    database = db_session()
    try:
        set_password(database, current_actor(), auth_settings().hasher, user, form.password.data)
    except AccountError as error:
        discard_writes()
        _attach_error(form, error)
        return _render_detail(_user_or_404(user_id), password_form=form, status=422)
    flash(f"Password reset for {user.email}; their sessions have been ended.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@admin_blueprint.route("/users/<int:user_id>/active", methods=["POST"])
@requires(Role.ADMIN)
def set_active(user_id: int):
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    wanted = request.form.get("active")
    if wanted not in ("true", "false"):
        abort(400)
    database = db_session()
    try:
        set_user_active(database, current_actor(), user, wanted == "true")
    except AccountError as error:
        discard_writes()
        flash(error.message, "error")
        return redirect(url_for("admin.user_detail", user_id=user_id))
    flash(f"{user.email} is now {'active' if user.is_active else 'deactivated'}.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))
