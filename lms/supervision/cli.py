"""``lms supervision``: import paper logs and report weeks for a range of dates."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.provider_time import provider_today

supervision_group = AppGroup("supervision", help="Weekly supervision of mentors.")


def _date(option: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        click.echo(f"{option}: enter the date as YYYY-MM-DD, not {value!r}.", err=True)
        sys.exit(2)


@supervision_group.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and say what it would add.")
def import_command(csv_file: Path, dry_run: bool) -> None:
    """Import historical sessions from CSV_FILE (columns mentor_email, supervisor_email,
    held_on, minutes, format, modality, note), recorded as imported by whoever runs this.

    All or nothing: every problem is printed as FILE:LINE: column: message, nothing is written
    and the exit status is 2.
    """
    from lms.cli import cli_actor, new_session
    from lms.supervision.operations import MAX_IMPORT_BYTES, import_sessions

    with csv_file.open("rb") as stream:
        data = stream.read(MAX_IMPORT_BYTES + 1)
    session = new_session()
    try:
        result = import_sessions(session, cli_actor(), data, provider_today(), dry_run=dry_run)
        if result.applied and not dry_run:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()
    for warning in result.warnings:
        click.echo(
            f"{csv_file}:{warning.line}: {warning.field}: warning: {warning.message}", err=True
        )
    if result.problems:
        for problem in result.problems:
            click.echo(f"{csv_file}:{problem.line}: {problem.field}: {problem.message}", err=True)
        count = len(result.problems)
        click.echo(f"{count} problem{'s' * (count != 1)}; nothing was imported.", err=True)
        sys.exit(2)
    plural = "s" * (result.sessions != 1)
    if dry_run:
        click.echo(f"Dry run: would import {result.sessions} session{plural}. Nothing was written.")
    else:
        click.echo(f"Imported {result.sessions} session{plural}.")


@supervision_group.command("report")
@click.option("--from", "first", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "last", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--as-of", "as_of", default=None, help="As the records stood on (default today).")
@click.option("--format", "output", type=click.Choice(["json", "csv"]), default="json")
def report_command(first: str, last: str, as_of: str | None, output: str) -> None:
    """Every week containing a day from --from to --to, for each therapeutic mentor: status,
    whether it required supervision, and its sessions with whether each counts and why not."""
    from lms.cli import new_session
    from lms.supervision.queries import mentor_weeks
    from lms.supervision.report import report_csv, report_json, report_records
    from lms.supervision.settings import supervision_settings

    first_day = _date("--from", first)
    last_day = _date("--to", last)
    as_of_day = _date("--as-of", as_of) or provider_today()
    if last_day < first_day:
        click.echo("--to: the last day must not be before --from.", err=True)
        sys.exit(2)
    session = new_session()
    try:
        mentors = mentor_weeks(
            session,
            first=first_day,
            last=last_day,
            as_of=as_of_day,
            settings=supervision_settings(current_app.config),
        )
    finally:
        session.close()
    records = report_records(mentors)
    click.echo(report_json(records) if output == "json" else report_csv(records), nl=False)
