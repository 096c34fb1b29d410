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
