"""``lms compliance``: the dashboard's data on the command line."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from lms import clock

compliance_group = AppGroup("compliance", help="Compliance reports.")


@compliance_group.command("report")
@click.option("--as-of", "as_of_text", metavar="DATE", help="YYYY-MM-DD (default: today).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
)
def report_command(as_of_text: str | None, output_format: str) -> None:
    """Every mentor employed on the date with their training status, worst first."""
    from lms.cli import new_session
    from lms.compliance.queries import as_json, cells, compliance_dashboard
    from lms.compliance.rules import parse_as_of
    from lms.compliance.views import csv_text
    from lms.training.operations import settings_from_config
    from lms.validation import InvalidInput

    timezone = current_app.config["LMS_TIMEZONE"]
    try:
        as_of = parse_as_of(as_of_text, clock.today(timezone))
    except InvalidInput as error:
        click.echo(f"--as-of: {error.message}", err=True)
        sys.exit(2)
    session = new_session()
    try:
        dashboard = compliance_dashboard(
            session,
            as_of,
            settings_from_config(current_app.config).policy,
            timezone=timezone,
            chart=False,
        )
    finally:
        session.close()
    if output_format == "json":
        click.echo(json.dumps(as_json(dashboard), indent=2, ensure_ascii=False))
    else:
        click.echo(csv_text(cells(row) for row in dashboard.rows), nl=False)
