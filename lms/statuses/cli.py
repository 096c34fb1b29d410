"""``lms status``: check the stored statuses against the rules, or rebuild them."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

status_group = AppGroup("status", help="Stored training and eligibility statuses.")


@status_group.command("verify")
def verify_command() -> None:
    """Recompute every stored status from the rules; print each difference (person, field,
    stored, recomputed) and exit 1 if there is any, 0 if none. Writes nothing."""
    from lms.cli import new_session
    from lms.csvfile import SafeWriter
    from lms.statuses.operations import differences

    session = new_session()
    found = 0
    try:
        writer = SafeWriter(sys.stdout, lineterminator="\n")
        for difference in differences(session):
            if not found:
                writer.writerow(["person_id", "field", "stored", "recomputed"])
            found += 1
            writer.writerow(
                [
                    difference.person_id,
                    difference.field,
                    difference.stored,
                    difference.recomputed,
                ]
            )
    finally:
        session.rollback()
        session.close()
    if found:
        click.echo(f"{found} stored status(es) differ from the rules.", err=True)
        sys.exit(1)
    click.echo("Every stored status agrees with the rules.")


@status_group.command("rebuild")
def rebuild_command() -> None:
    """Recompute every stored status from the rules, in one transaction (after changing
    LMS_INITIAL_TRAINING_DAYS, LMS_RENEWAL_WINDOW_DAYS or LMS_TIMEZONE, or to repair)."""
    from lms.cli import new_session
    from lms.statuses.operations import rebuild

    session = new_session()
    try:
        count = rebuild(session)
        session.commit()
    finally:
        session.close()
    click.echo(f"Recomputed the stored statuses of {count} people.")
