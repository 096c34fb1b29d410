"""``lms eligibility evaluate``: the rules engine from the command line."""

from __future__ import annotations

import json
import sys
from decimal import Decimal

import click
from flask.cli import AppGroup

from lms.eligibility.facts_json import FactsError, parse_facts
from lms.eligibility.rules import evaluate
from lms.provider_time import provider_today
from lms.validation import InvalidInput

eligibility_group = AppGroup("eligibility", help="Evaluate mentor eligibility (ma-tm-2023).")


@eligibility_group.command("evaluate")
@click.argument("facts_file", type=click.File("r"), default="-", required=False)
def evaluate_command(facts_file) -> None:
    """Read one JSON object of facts (from FACTS_FILE or stdin) and print the determination."""
    try:
        data = json.load(facts_file, parse_float=Decimal)
    except json.JSONDecodeError as error:
        click.echo(f"input: not valid JSON ({error.msg} at line {error.lineno})", err=True)
        sys.exit(2)
    try:
        facts = parse_facts(data, provider_today())
    except FactsError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    click.echo(json.dumps(evaluate(facts).as_dict(), indent=2))


fields_group = AppGroup("fields", help="The list of fields of study that count as human services.")
eligibility_group.add_command(fields_group)


@fields_group.command("list")
def fields_list() -> None:
    """Print the list."""
    from lms.cli import new_session
    from lms.eligibility.operations import human_services_fields

    session = new_session()
    try:
        for name in human_services_fields(session):
            click.echo(name)
    finally:
        session.close()


@fields_group.command("add")
@click.argument("name")
def fields_add(name: str) -> None:
    """Add NAME to the list (existing credentials keep their classification)."""
    _change_fields(name, add=True)


@fields_group.command("remove")
@click.argument("name")
def fields_remove(name: str) -> None:
    """Remove NAME from the list (existing credentials keep their classification)."""
    _change_fields(name, add=False)


def _change_fields(name: str, add: bool) -> None:
    from lms.cli import cli_actor, new_session
    from lms.eligibility.operations import add_human_services_field, remove_human_services_field

    session = new_session()
    try:
        change = add_human_services_field if add else remove_human_services_field
        change(session, cli_actor(), name)
        session.commit()
    except InvalidInput as error:
        session.rollback()
        click.echo(f"name: {error.message}", err=True)
        sys.exit(2)
    finally:
        session.close()
    click.echo(f"{'Added' if add else 'Removed'} “{name.strip()}”.")
