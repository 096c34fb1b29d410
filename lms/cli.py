"""The ``lms`` command: Flask's own commands plus one click group per feature."""

from __future__ import annotations

import getpass
import os
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup

from lms.actor import Actor


def _create_app() -> Flask:
    from lms import create_app
    from lms.config import ConfigError

    try:
        return create_app()
    except ConfigError as error:
        click.echo(f"Configuration error: {error}", err=True)
        sys.exit(2)


def main() -> None:
    group = FlaskGroup(create_app=_create_app, help="Therapeutic Mentoring training records.")
    group.add_command(_run_with_alerts(), "run")
    group(prog_name="lms")


def _run_with_alerts() -> click.Command:
    """Flask's `run`, which in development also starts the daily alerts timer
    (``lms.alerts.dev_timer``) before serving."""
    from flask.cli import ScriptInfo, get_debug_flag, run_command
    from werkzeug.serving import is_running_from_reloader

    def callback(**options):
        from lms.alerts import dev_timer

        context = click.get_current_context()
        reloading = options.get("reload")
        if reloading is None:
            reloading = get_debug_flag()
        if dev_timer.wanted(
            os.environ.get("LMS_ENV", "development"), bool(reloading), is_running_from_reloader()
        ):
            app = context.ensure_object(ScriptInfo).load_app()
            if app.config["LMS_ENV"] == "development":
                click.echo("Development: alerts run now and every 24 hours while it serves.")
                dev_timer.start(app)
        return context.invoke(run_command.callback, **options)

    return click.Command(
        "run",
        callback=callback,
        params=run_command.params,
        help=run_command.help,
        short_help=run_command.short_help,
    )


def cli_actor() -> Actor:
    """Commands act as the operating-system user who ran them, for the audit log."""
    return Actor.system(f"cli:{getpass.getuser()}")


def engine():
    return current_app.extensions["lms.db"].engine


def new_session():
    return current_app.extensions["lms.db"].session_factory()


# -- lms db -------------------------------------------------------------------------------------

db_group = AppGroup("db", help="Create and migrate the database schema.")


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the schema up to REVISION (default: the newest), then, at the newest, load the
    shipped requirements catalogue if none is loaded yet (pages never write it on a GET) and
    compute the stored statuses if they have never been computed (the first upgrade past the
    migration that created them: filling them runs the rules on models that match the head)."""
    from lms.migrate import upgrade
    from lms.provider_time import provider_today
    from lms.requirements.operations import ensure_catalogue
    from lms.statuses.operations import fill_if_empty

    upgrade(engine(), revision)
    click.echo(f"Database upgraded to {revision}.")
    if revision == "head":
        session = new_session()
        try:
            ensure_catalogue(session, cli_actor(), provider_today())
            filled = fill_if_empty(session)
            session.commit()
        finally:
            session.close()
        if filled:
            click.echo(f"Stored statuses computed for {filled} people.")


@db_group.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Migrate the schema down to REVISION (default: one step; "base" removes every table)."""
    from lms.migrate import downgrade

    downgrade(engine(), revision)
    click.echo(f"Database downgraded to {revision}.")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
def db_revision(message: str) -> None:
    """Write a new migration file from the difference between the models and the database."""
    from alembic import command

    from lms.migrate import alembic_config

    command.revision(alembic_config(engine()), message=message, autogenerate=True)


# -- lms users ----------------------------------------------------------------------------------

users_group = AppGroup("users", help="Manage user accounts.")


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["admin", "hr", "supervisor", "mentor", "auditor"]),
    help="Repeat for several roles.",
)
@click.option("--access-ends-on", type=click.DateTime(["%Y-%m-%d"]), default=None)
def users_create(email: str, full_name: str, roles: tuple[str, ...], access_ends_on) -> None:
    """Create an account; the password is asked for, twice, without echo."""
    from lms.auth.operations import AccountError, create_user

    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    session = new_session()
    try:
        user = create_user(
            session,
            cli_actor(),
            current_app.extensions["lms.auth"].hasher,
            email=email,
            full_name=full_name,
            password=password,
            roles=roles,
            access_ends_on=access_ends_on.date() if access_ends_on else None,
        )
        session.commit()
    except AccountError as error:
        session.rollback()
        raise click.UsageError(
            f"{error.field}: {error.message}" if error.field else error.message
        ) from None
    finally:
        session.close()
    click.echo(f"Created {user.email} with roles {', '.join(sorted(roles))}.")


# -- lms audit ----------------------------------------------------------------------------------

audit_group = AppGroup("audit", help="Check the audit log.")


@audit_group.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; exit 1 naming the first broken entry."""
    from lms.auditlog.operations import verify_chain

    session = new_session()
    try:
        count, problem = verify_chain(session)
    finally:
        session.close()
    if problem is not None:
        click.echo(f"Audit log broken at entry {problem.sequence}: {problem.problem}.", err=True)
        sys.exit(1)
    click.echo(f"Audit log intact: {count} entries.")


def register_commands(app: Flask) -> None:
    from lms.alerts.cli import alerts_group
    from lms.auditors.cli import export_group
    from lms.compliance.cli import compliance_group
    from lms.curriculum.cli import curriculum_group
    from lms.demo import demo_command
    from lms.eligibility.cli import eligibility_group
    from lms.oncall.cli import oncall_group
    from lms.requirements.cli import requirements_group
    from lms.staffimport.cli import staff_group
    from lms.statuses.cli import status_group
    from lms.supervision.cli import supervision_group
    from lms.training.cli import training_group

    for command in (
        db_group,
        users_group,
        audit_group,
        demo_command,
        eligibility_group,
        curriculum_group,
        staff_group,
        training_group,
        alerts_group,
        compliance_group,
        export_group,
        oncall_group,
        supervision_group,
        requirements_group,
        status_group,
    ):
        app.cli.add_command(command)
