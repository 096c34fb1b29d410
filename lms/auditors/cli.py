"""``lms export audit-packet``: everything an auditor needs for a date, in one ZIP."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.provider_time import provider_today
from lms.validation import InvalidInput, parse_as_of

export_group = AppGroup("export", help="Documents for auditors.")


def _parse_people(value: str | None) -> list[int] | None:
    if not value:
        return None
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter("give person ids separated by commas, e.g. 12,15,40") from None


@export_group.command("audit-packet")
@click.option("--as-of", "as_of", required=True, help="The date the records are read as of.")
@click.option("--people", "people", default=None, help="Person ids, comma-separated.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def audit_packet(as_of: str, people: str | None, out: Path) -> None:
    """Write the audit packet ZIP for AS_OF (default people: everyone employed that day)."""
    from lms.auditors.packet import PacketOptions, build_packet
    from lms.cli import new_session
    from lms.db import begin_long_read
    from lms.organisation.queries import organisation_settings
    from lms.supervision.settings import supervision_settings
    from lms.training.operations import settings_from_config

    today = provider_today()
    try:
        day = parse_as_of(as_of, today, latest=today)
    except InvalidInput as error:
        click.echo(f"as-of: {error.message}", err=True)
        sys.exit(2)
    person_ids = _parse_people(people)
    partial = out.with_name(out.name + ".partial")
    session = new_session()
    try:
        begin_long_read(session)
        options = PacketOptions(
            as_of=day,
            organisation=organisation_settings(session, current_app.config).organisation_name,
            timezone=current_app.config["LMS_TIMEZONE"],
            settings=settings_from_config(current_app.config),
            person_ids=person_ids,
            supervision=supervision_settings(current_app.config),
            service_hours=str(current_app.config["SERVICE_HOURS"]),
        )
        with (
            partial.open("wb") as target,
            click.progressbar(length=1, label="Building the audit packet") as bar,
        ):

            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            header = build_packet(session, target, options, progress)
        partial.replace(out)  # only a complete packet ever has the requested name
    finally:
        session.close()
        partial.unlink(missing_ok=True)
    click.echo(f"Wrote {out}: {len(header['people'])} people, as of {day}.")
