"""``lms requirements``: check and load the catalogue, import records, report statuses."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from lms.requirements.catalogue import DEFAULT_PATH, CatalogueError, load_catalogue_file

requirements_group = AppGroup("requirements", help="Requirements by position.")


def _read_catalogue(file: str | None):
    path = Path(file) if file else DEFAULT_PATH
    try:
        return load_catalogue_file(path)
    except CatalogueError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s); nothing was changed.", err=True)
        sys.exit(2)


@requirements_group.command("check")
@click.argument("file", required=False)
def check_command(file: str | None) -> None:
    """Check a catalogue FILE (default: requirements/default.yaml); exit 2 listing every problem."""
    catalogue = _read_catalogue(file)
    click.echo(f"{len(catalogue.requirements)} requirements, no problems.")


@requirements_group.command("load")
@click.argument("file", required=False)
def load_command(file: str | None) -> None:
    """Store a catalogue FILE (default: requirements/default.yaml) as a new version in force from
    today, if it differs from the latest; earlier dates keep their version."""
    from lms.cli import cli_actor, new_session
    from lms.provider_time import provider_today
    from lms.requirements.operations import load_catalogue

    catalogue = _read_catalogue(file)
    source = Path(file).name if file else "requirements/default.yaml"
    session = new_session()
    try:
        version = load_catalogue(session, cli_actor(), catalogue, source, provider_today())
        session.commit()
    finally:
        session.close()
    if version is None:
        click.echo("The catalogue is unchanged; nothing was stored.")
    else:
        click.echo(f"Catalogue version {version.version} in force from {version.effective_on}.")


@requirements_group.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check every row and report; store nothing.")
def import_command(file, dry_run: bool) -> None:
    """Record credentials and checks from a CSV FILE: all rows or none, every problem with its
    line (exit 2). Columns: work_email, requirement, done_on, expires_on, reference,
    verification_method, verification_note, evidence_sha256."""
    from lms.cli import cli_actor, new_session
    from lms.provider_time import provider_today
    from lms.requirements.operations import ImportRefused, ensure_catalogue, import_records

    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        click.echo(f"{file.name}:1: The file is not UTF-8 text; save it as CSV UTF-8.", err=True)
        click.echo("1 problem(s); nothing was imported.", err=True)
        sys.exit(2)
    session = new_session()
    try:
        actor, today = cli_actor(), provider_today()
        ensure_catalogue(session, actor, today)
        try:
            count = import_records(session, actor, text, today)
        except ImportRefused as error:
            session.rollback()
            for problem in error.problems:
                click.echo(f"{file.name}:{problem}", err=True)
            click.echo(f"{len(error.problems)} problem(s); nothing was imported.", err=True)
            sys.exit(2)
        if dry_run:
            session.rollback()
            click.echo(f"{count} record(s) would be imported (dry run: nothing stored).")
            return
        session.commit()
    finally:
        session.close()
    click.echo(f"Imported {count} record(s).")


@requirements_group.command("report")
@click.option("--as-of", "as_of_text", metavar="DATE", help="YYYY-MM-DD (default: today).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
)
def report_command(as_of_text: str | None, output_format: str) -> None:
    """Every person and applicable requirement on the date: work_email, requirement, status,
    valid_until."""
    import datetime as dt
    import json

    from lms.cli import cli_actor, new_session
    from lms.csvfile import csv_text
    from lms.provider_time import provider_today
    from lms.requirements.operations import ensure_catalogue
    from lms.requirements.queries import compliance_matrix, report_rows

    as_of = provider_today()
    if as_of_text:
        try:
            as_of = dt.date.fromisoformat(as_of_text)
        except ValueError:
            click.echo(f"--as-of: “{as_of_text[:20]}” is not a date (YYYY-MM-DD).", err=True)
            sys.exit(2)
    session = new_session()
    try:
        ensure_catalogue(session, cli_actor(), provider_today())
        session.commit()
        rows = report_rows(compliance_matrix(session, as_of))
    finally:
        session.close()
    if output_format == "json":
        click.echo(json.dumps({"as_of": as_of.isoformat(), "rows": rows}, indent=2))
    else:
        header = list(REPORT_COLUMNS)
        click.echo(csv_text(header, ([row[c] for c in header] for row in rows)), nl=False)


# The four columns the issue names first, in its order; then the name and the due date.
REPORT_COLUMNS = ("work_email", "requirement", "status", "valid_until", "name", "due_on")
