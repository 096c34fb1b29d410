"""``lms alerts run|status|retry-failed`` through Flask's CLI runner, mailing to aiosmtpd."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.alerts.models import Alert, AlertDelivery, DeliveryStatus
from tests.integration.test_alert_delivery import free_port, smtp  # noqa: F401 (a fixture)
from tests.integration.test_alerts_decide import build_org


def configure(app, port: int) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="lms@harbor.example")
    # build_org's people are about training and licences; its mentors have no supervision
    # sessions and there is no on-call roster, which test_staffing_alerts.py covers.
    app.config["ALERT_FAMILIES"] = frozenset({"training", "licence", "provisional"})


def alert_count(db) -> int:
    return db.execute(select(func.count()).select_from(Alert)).scalar_one()


def test_run_decides_and_sends(app, runner, db, frozen_clock, smtp):  # noqa: F811
    inbox, port = smtp
    configure(app, port)
    build_org(db)
    result = runner.invoke(args=["alerts", "run"])
    assert result.exit_code == 0, result.output
    assert (
        "Decided 4 new alert(s) for 2026-11-23: 8 email(s) to send, 1 recipient(s) without an "
        "email address, 7 in-app notification(s)." in result.output
    )
    assert "Sent 8 email(s) (0 digest(s)) covering 8 alert delivery(ies)." in result.output
    assert len(inbox.messages) == 8
    assert all(message["From"] == "lms@harbor.example" for _, message in inbox.messages)
    again = runner.invoke(args=["alerts", "run"])
    assert again.exit_code == 0
    assert "Decided 0 new alert(s)" in again.output and "Sent 0 email(s)" in again.output
    assert len(inbox.messages) == 8


def test_run_as_of_a_date(app, runner, db, frozen_clock, smtp):  # noqa: F811
    inbox, port = smtp
    configure(app, port)
    build_org(db)
    result = runner.invoke(args=["alerts", "run", "--as-of", "2026-10-24"])
    assert result.exit_code == 0, result.output
    # A month ago Jordan had 60 days left, Sam's licence 90, and Riley (hired 10 days before)
    # and Casey (hired that day) 20 and 30 days: all four on the mentor-only side of the due date.
    assert (
        "Decided 4 new alert(s) for 2026-10-24: 4 email(s) to send, 1 recipient(s) without an "
        "email address, 3 in-app notification(s)." in result.output
    )
    assert sorted(message["Subject"] for _, message in inbox.messages) == [
        "Licence expires in 90 days: Sam Okafor",  # to HR
        "Your licence expires in 90 days",  # to Sam himself
        "Your training is due in 20 days",  # to Riley, about her own training
        "Your training is due in 60 days",  # to Jordan
    ]


def test_dry_run_shows_what_would_happen_and_changes_nothing(
    app,
    runner,
    db,
    frozen_clock,
    smtp,  # noqa: F811
):
    inbox, port = smtp
    configure(app, port)
    build_org(db)
    result = runner.invoke(args=["alerts", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run for 2026-11-23: nothing is written or sent." in result.output
    assert "4 new alert(s) would be decided:" in result.output
    assert "Training overdue by 10 days: Riley Santos [training_overdue, threshold -7]" in (
        result.output
    )
    assert "-> hr: hr@example.org" in result.output
    assert "-> mentor: no email address: in the app only" in result.output
    assert "Would send: 8 new alert email(s)" in result.output
    assert alert_count(db) == 0
    assert inbox.messages == []


def test_as_of_more_than_a_year_ahead_is_refused(app, runner, db, frozen_clock):
    build_org(db)
    result = runner.invoke(args=["alerts", "run", "--as-of", "2027-11-24"])
    assert result.exit_code == 2
    assert "--as-of" in result.output and "more than a year after today" in result.output
    assert alert_count(db) == 0
    assert runner.invoke(args=["alerts", "run", "--as-of", "next week"]).exit_code == 2
    assert (
        runner.invoke(args=["alerts", "run", "--as-of", "2027-11-23", "--dry-run"]).exit_code == 0
    )


def test_smtp_down_exits_1_with_a_clear_message_and_keeps_the_outbox(app, runner, db, frozen_clock):
    configure(app, free_port())
    build_org(db)
    result = runner.invoke(args=["alerts", "run"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Could not send: could not connect to 127.0.0.1:" in result.output
    assert (
        "8 email(s) not sent; they stay in the outbox and will be retried from "
        "2026-11-23 10:05 EST by the next run." in result.output
    )
    assert alert_count(db) == 4  # the decisions were committed before sending
    status = runner.invoke(args=["alerts", "status"])
    assert status.exit_code == 0
    assert (
        "Pending: 8 (0 due now), sent: 0, failed: 0, without an email address: 1." in status.output
    )


def test_status_lists_failures_and_retry_failed_queues_them_again(
    app,
    runner,
    db,
    frozen_clock,
    smtp,  # noqa: F811
):
    inbox, port = smtp
    configure(app, free_port())
    app.config["ALERT_MAX_ATTEMPTS"] = 1
    build_org(db)
    assert runner.invoke(args=["alerts", "run"]).exit_code == 1
    status = runner.invoke(args=["alerts", "status"])
    assert "failed: 8" in status.output
    assert "failed after 1 attempt(s): hr@example.org: Training overdue by 10 days" in (
        status.output
    )
    retried = runner.invoke(args=["alerts", "retry-failed"])
    assert retried.exit_code == 0
    assert "8 delivery(ies) queued again" in retried.output
    configure(app, port)
    result = runner.invoke(args=["alerts", "run"])
    assert result.exit_code == 0, result.output
    assert len(inbox.messages) == 8
    statuses = db.execute(
        select(AlertDelivery.status, func.count()).group_by(AlertDelivery.status)
    ).all()
    assert dict(statuses) == {DeliveryStatus.SENT: 8, DeliveryStatus.NO_ADDRESS: 1}
