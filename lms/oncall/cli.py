"""``lms oncall``: importing the roster from CSV and listing coverage gaps."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from lms.csvfile import csv_text

oncall_group = AppGroup("oncall", help="On-call coverage by senior licensed clinicians.")


@oncall_group.command("import")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check every row and report; store nothing.")
def import_command(csv_file, dry_run: bool) -> None:
    """Import blocks (columns starts_at, ends_at, clinician_email, phone; local times such as
    2026-03-08T18:00): all rows or none."""
    from lms.cli import cli_actor, new_session
    from lms.oncall.operations import import_blocks

    session = new_session()
    try:
        result = import_blocks(
            session, cli_actor(), csv_file.read(), current_app.config["LMS_TIMEZONE"], dry_run
        )
        if result.problems:
            session.rollback()
            for problem in sorted(result.problems, key=lambda problem: problem.line):
                click.echo(f"{csv_file.name}:{problem}", err=True)
            click.echo(f"Nothing imported: {len(result.problems)} problem(s).", err=True)
            sys.exit(2)
        if dry_run:
            session.rollback()
            click.echo(f"Dry run: {result.blocks} block(s) would be imported.")
            return
        session.commit()
        click.echo(f"Imported {result.blocks} on-call block(s).")
    finally:
        session.close()


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        click.echo(f"{option}: {text!r} is not a date; write YYYY-MM-DD.", err=True)
        sys.exit(2)


#: Longest range one command answers (about three years), so a typo cannot run for hours.
MAX_RANGE_DAYS = 1100


@oncall_group.command("gaps")
@click.option("--from", "first_text", required=True, metavar="DATE", help="YYYY-MM-DD.")
@click.option("--to", "last_text", required=True, metavar="DATE", help="YYYY-MM-DD, inclusive.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
)
def gaps_command(first_text: str, last_text: str, output_format: str) -> None:
    """Service hours no qualifying senior clinician covered (or covers), local time with offset."""
    from lms.cli import new_session
    from lms.oncall.queries import coverage

    first, last = _date(first_text, "--from"), _date(last_text, "--to")
    if last < first:
        click.echo("--to: must not be before --from.", err=True)
        sys.exit(2)
    if (last - first).days > MAX_RANGE_DAYS:
        click.echo(f"--to: ask for at most {MAX_RANGE_DAYS} days at a time.", err=True)
        sys.exit(2)
    timezone = current_app.config["LMS_TIMEZONE"]
    session = new_session()
    try:
        found = coverage(session, current_app.config, first, last, timezone).gaps
    finally:
        session.close()
    rows = [gap.as_dict(timezone) for gap in found]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    table = csv_text(["starts_at", "ends_at"], ([row["starts_at"], row["ends_at"]] for row in rows))
    click.echo(table, nl=False)
