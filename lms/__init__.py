"""Therapeutic Mentoring training and qualification records: the Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lms.config import PROJECT_ROOT, load_config
from lms.db import Database


def create_app(overrides: Mapping[str, object] | None = None) -> Flask:
    """Build the app from ``LMS_*`` environment variables, then ``overrides`` (used by tests)."""
    config = load_config()
    if overrides:
        config.update(overrides)
    app = Flask(
        __name__,
        instance_path=str(config["INSTANCE_PATH"]),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.update(config)
    if app.config["TRUSTED_PROXIES"]:
        count = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    import lms.reactions  # noqa: F401 - wires the features' reactions to each other's events

    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_errors(app)
    return app


def register_converters(app: Flask) -> None:
    from lms.web import BoundedIntegerConverter

    # Before any route is added: every <int:...> in the app is bounded by what the database
    # stores, so /certificates/2147483648.pdf is a 404 rather than an overflow in the query.
    app.url_map.converters["int"] = BoundedIntegerConverter


def register_extensions(app: Flask) -> None:
    from lms.api.authentication import authenticate_api_request
    from lms.api.errors import is_api_request
    from lms.auth.permissions import access_hook
    from lms.auth.views import configure_login_manager
    from lms.extensions import csrf
    from lms.web import refuse_unstorable_text, register_request_hooks

    app.extensions["lms.db"] = Database.for_url(str(app.config["DATABASE_URL"]))
    configure_login_manager(app)
    register_request_hooks(app)
    # Access is checked before CSRF so that a refused user learns nothing more than "refused".
    app.before_request(access_hook(is_api_request, authenticate_api_request))
    app.before_request(refuse_unstorable_text)
    csrf.init_app(app)


def register_blueprints(app: Flask) -> None:
    import lms.api.clinicians  # adds the licence routes to the API blueprint
    import lms.api.supervision  # noqa: F401 - adds the supervision routes to the API blueprint
    from lms.alerts.views import blueprint as notifications_blueprint
    from lms.api import oncall as _oncall_api  # noqa: F401 - nests /api/v1/oncall in the API
    from lms.api.admin_views import blueprint as api_tokens_blueprint
    from lms.api.views import blueprint as api_blueprint
    from lms.auditors.views import blueprint as auditor_blueprint
    from lms.auth.views import account_blueprint, admin_blueprint, auth_blueprint
    from lms.certificates.views import blueprint as certificates_blueprint
    from lms.clinicians.views import blueprint as clinicians_blueprint
    from lms.compliance.views import blueprint as compliance_blueprint
    from lms.curriculum.views import blueprint as curriculum_blueprint
    from lms.home import training_pages as _training_pages  # noqa: F401 - training + certificates
    from lms.home.views import blueprint as home_blueprint
    from lms.oncall.views import blueprint as oncall_blueprint
    from lms.organisation.views import blueprint as organisation_blueprint
    from lms.requirements.views import blueprint as requirements_blueprint
    from lms.staff.facts_views import blueprint as facts_blueprint
    from lms.staff.views import blueprint as staff_blueprint
    from lms.staffimport.import_views import blueprint as staff_import_blueprint
    from lms.supervision.views import blueprint as supervision_blueprint
    from lms.training.views import blueprint as training_blueprint

    for blueprint in (
        auth_blueprint,
        account_blueprint,
        admin_blueprint,
        home_blueprint,
        staff_import_blueprint,  # before staff: /staff/import is not a person
        staff_blueprint,
        facts_blueprint,
        api_blueprint,
        api_tokens_blueprint,
        training_blueprint,
        curriculum_blueprint,
        certificates_blueprint,
        notifications_blueprint,
        compliance_blueprint,
        auditor_blueprint,
        oncall_blueprint,
        clinicians_blueprint,
        supervision_blueprint,
        requirements_blueprint,
        organisation_blueprint,  # also gives every template the organisation's name
    ):
        app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    from lms.cli import register_commands

    register_commands(app)


def register_errors(app: Flask) -> None:
    from lms.errors import register_error_handlers

    register_error_handlers(app)
