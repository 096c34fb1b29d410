"""``lms alerts``: deciding and delivering alerts.

``lms alerts run`` exits 0 when everything due was decided and every message was accepted,
1 when some messages could not be sent (they stay in the outbox and are retried with back-off
by later runs), and 2 on bad input.
"""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from lms import clock
from lms.validation import InvalidInput, parse_as_of

alerts_group = AppGroup("alerts", help="Decide which alerts are due and deliver them.")

#: --as-of may look at most this far ahead (a typo like 2062 for 2026 must not fire alerts).
FURTHEST_AS_OF = dt.timedelta(days=365)


def _settings():
    from lms.alerts.settings import settings_from_config
    from lms.cli import new_session
    from lms.organisation.queries import organisation_settings

    session = new_session()
    try:
        organisation = organisation_settings(session, current_app.config).organisation_name
    finally:
        session.close()
    return settings_from_config(current_app.config, organisation)


def _parse_as_of(value: str | None, today: dt.date) -> dt.date:
    if value is None:
        return today
    try:
        as_of = parse_as_of(value, today, latest=dt.date.max)  # the upper bound says more below
    except InvalidInput as error:
        raise click.BadParameter(error.message, param_hint="--as-of") from None
    if as_of > today + FURTHEST_AS_OF:
        raise click.BadParameter(
            f"{as_of.isoformat()} is more than a year after today ({today.isoformat()}).",
            param_hint="--as-of",
        )
    return as_of


def _local_time(instant: dt.datetime, timezone: str) -> str:
    from zoneinfo import ZoneInfo

    return instant.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")


@alerts_group.command("run")
@click.option("--as-of", "as_of_text", metavar="DATE", help="Decide as if today were DATE.")
@click.option(
    "--dry-run", is_flag=True, help="Show what would be decided and sent; change nothing."
)
def run_command(as_of_text: str | None, dry_run: bool) -> None:
    """Decide which alerts are due, write them to the outbox, then send the outbox.

    Exit status: 0 when every email was accepted; 1 when some could not be sent (they stay
    in the outbox and later runs retry them); 2 on bad input.
    """
    from lms.alerts.mailer import SmtpSender
    from lms.alerts.operations import decide_alerts
    from lms.alerts.outbox import deliver
    from lms.cli import cli_actor, new_session
    from lms.training.operations import assign_due_cycles
    from lms.training.operations import settings_from_config as training_settings

    settings = _settings()
    as_of = _parse_as_of(as_of_text, clock.today(settings.timezone))
    if dry_run:
        _dry_run(as_of, settings)
        return
    session = new_session()
    try:
        # The daily job opens the cycles that fell due first, so an alert and the training
        # page it points to tell the same story.
        opened = assign_due_cycles(session, as_of, training_settings(current_app.config))
        counts = decide_alerts(session, cli_actor(), as_of, settings)
        session.commit()
    finally:
        session.close()
    if opened:
        click.echo(f"Opened {opened} training cycle(s) that fell due.")
    click.echo(
        f"Decided {counts.alerts} new alert(s) for {as_of.isoformat()}: "
        f"{counts.deliveries} email(s) to send, {counts.no_address} recipient(s) without an "
        f"email address, {counts.notifications} in-app notification(s)."
    )
    with SmtpSender(settings.smtp) as sender:
        report = deliver(new_session, settings, clock.now(), sender)
    click.echo(
        f"Sent {report.messages_sent} email(s) ({report.digests_sent} digest(s)) covering "
        f"{report.deliveries_sent} alert delivery(ies)."
    )
    if report.deferred:
        click.echo(f"{report.deferred} alert(s) wait for tomorrow's digest.")
    if report.gave_up:
        click.echo(
            f"{report.gave_up} delivery(ies) gave up after too many failures; "
            "see `lms alerts status` and `lms alerts retry-failed`.",
            err=True,
        )
    if not report.ok:
        for error in report.errors:
            click.echo(f"Could not send: {error}", err=True)
        retry = (
            f" from {_local_time(report.next_retry_at, settings.timezone)}"
            if report.next_retry_at
            else ""
        )
        click.echo(
            f"{report.messages_failed} email(s) not sent; they stay in the outbox and will be "
            f"retried{retry} by the next run.",
            err=True,
        )
        sys.exit(1)


def _dry_run(as_of: dt.date, settings) -> None:
    from lms.alerts.outbox import preview_deliveries
    from lms.alerts.queries import plan_alerts
    from lms.cli import new_session

    session = new_session()
    try:
        decisions = plan_alerts(session, as_of, settings)
        preview = preview_deliveries(session, clock.now())
    finally:
        session.rollback()
        session.close()
    click.echo(f"Dry run for {as_of.isoformat()}: nothing is written or sent.")
    click.echo(f"{len(decisions)} new alert(s) would be decided:")
    emails = 0
    for decision in decisions:
        click.echo(f"  {decision.subject} [{decision.kind.value}, threshold {decision.threshold}]")
        for recipient in decision.recipients:
            contact = recipient.contact
            where = contact.email or "no email address: in the app only"
            click.echo(f"    -> {recipient.role.value}: {where}")
            emails += contact.email is not None
    click.echo(
        f"Would send: {emails} new alert email(s), plus {preview.single} email(s) and "
        f"{preview.digests} digest(s) already waiting in the outbox."
    )


@alerts_group.command("status")
def status_command() -> None:
    """Show how many outbox rows are pending, sent, failed or without an address."""
    from lms.alerts.outbox import outbox_status
    from lms.cli import new_session

    session = new_session()
    try:
        status = outbox_status(session, clock.now())
    finally:
        session.close()
    counts = status.counts
    click.echo(
        f"Pending: {counts['pending']} ({status.due_now} due now), sent: {counts['sent']}, "
        f"failed: {counts['failed']}, without an email address: {counts['no_address']}."
    )
    for recipient, subject, attempts, error in status.failed:
        click.echo(f"  failed after {attempts} attempt(s): {recipient}: {subject}: {error}")


@alerts_group.command("retry-failed")
def retry_failed_command() -> None:
    """Queue every delivery that gave up for sending again (e.g. after a long mail outage)."""
    from lms.alerts.outbox import retry_failed
    from lms.cli import cli_actor, new_session

    session = new_session()
    try:
        count = retry_failed(session, cli_actor(), clock.now())
        session.commit()
    finally:
        session.close()
    click.echo(f"{count} delivery(ies) queued again; the next `lms alerts run` sends them.")
