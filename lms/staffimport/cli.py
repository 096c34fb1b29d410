"""``lms staff``: command-line tools for staff records."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.provider_time import provider_today

staff_group = AppGroup("staff", help="Staff records.")


@staff_group.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and say what it would add.")
def import_command(csv_file: Path, dry_run: bool) -> None:
    """Import candidates and hires, with their credentials, experience, licences, leave and
    past periods of employment, from CSV_FILE.

    All or nothing: any problem is printed as FILE:LINE: column: message, nothing is written
    and the exit status is 2.
    """
    from lms.cli import cli_actor, new_session
    from lms.staffimport.import_plan import MAX_IMPORT_BYTES
    from lms.staffimport.imports import check_import, run_import

    with csv_file.open("rb") as stream:
        data = stream.read(MAX_IMPORT_BYTES + 1)  # one byte more is enough to say "too large"
    today = provider_today()
    session = new_session()
    try:
        operation = check_import if dry_run else run_import
        result = operation(
            session,
            cli_actor(),
            data,
            today,
            filename=csv_file.name,
            licence_types=tuple(current_app.config["LICENCE_TYPES"]),
        )
        if result.applied:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()
    if result.problems:
        for problem in result.problems:
            click.echo(f"{csv_file}:{problem.line}: {problem.field}: {problem.message}", err=True)
        count = len(result.problems)
        click.echo(f"{count} problem{'s' * (count != 1)}; nothing was imported.", err=True)
        sys.exit(2)
    existing = result.existing_people
    also = ""
    if existing:
        also = f" (some for {existing} {'person' if existing == 1 else 'people'} already on record)"
    if dry_run:
        click.echo(f"Dry run: would add {result.summary()}{also}. Nothing was written.")
    else:
        click.echo(f"Imported {result.summary()}{also}. File SHA-256: {result.sha256}.")
