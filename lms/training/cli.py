"""``lms training``: assigning the cycles that are due, and importing historical completions."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from lms.provider_time import provider_today

training_group = AppGroup("training", help="Training records.")


@training_group.command("import")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check every row and report; store nothing.")
def import_command(csv_file, dry_run: bool) -> None:
    """Import completions (columns work_email, completed_on, note): all rows or none."""
    from lms.cli import cli_actor, new_session
    from lms.training.imports import import_completions
    from lms.training.operations import settings_from_config

    session = new_session()
    try:
        result = import_completions(
            session,
            cli_actor(),
            csv_file.read(),
            provider_today(),
            settings_from_config(current_app.config),
            dry_run,
        )
        if result.problems:
            session.rollback()
            for problem in result.problems:
                click.echo(f"{csv_file.name}:{problem}", err=True)
            click.echo(f"Nothing imported: {len(result.problems)} problem(s).", err=True)
            sys.exit(2)
        if dry_run:
            click.echo(f"Dry run: {result.completions} completion(s) would be imported.")
            return
        session.commit()
        click.echo(f"Imported {result.completions} completion(s), marked as imported records.")
    finally:
        session.close()


@training_group.command("assign")
def assign_command() -> None:
    """Open every training cycle due today (initial on hire, annual once the window opens).

    Part of the daily ``lms alerts run``; safe to run at any time and more than once.
    """
    from lms.cli import new_session
    from lms.training.operations import assign_due_cycles, settings_from_config

    session = new_session()
    try:
        opened = assign_due_cycles(
            session, provider_today(), settings_from_config(current_app.config)
        )
        session.commit()
    finally:
        session.close()
    click.echo(f"Opened {opened} training cycle(s) due by {provider_today().isoformat()}.")
