"""Delivering the outbox through a real SMTP server (aiosmtpd on 127.0.0.1).

Uses ``build_org`` from test_alerts_decide: deciding on 23 November 2026 gives 8 emails (one
to Jordan; three each about Riley and Casey and two about Sam's licence, less Casey's own, who
has no address) and 1 row without an address.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from collections import Counter
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from lms.alerts.mailer import Item, SendError, SmtpSender, SmtpSettings, build_message
from lms.alerts.models import AlertDelivery, DeliveryAttempt, DeliveryStatus
from lms.alerts.operations import decide_alerts
from lms.alerts.outbox import LEASE, deliver
from lms.alerts.settings import retry_delay
from tests.integration.test_alerts_decide import ACTOR, NOW, TODAY, alert_settings, build_org


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message; refuses recipients listed in ``refuse``."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def received(self) -> Counter:
        """How many messages each (recipient, subject) pair got."""
        return Counter((rcpt[0], message["Subject"]) for rcpt, message in self.messages)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def session_factory(db):
    return lambda: db


def rows(db) -> list[AlertDelivery]:
    return list(
        db.execute(
            select(AlertDelivery)
            .order_by(AlertDelivery.id)
            .execution_options(populate_existing=True)
        ).scalars()
    )


def send(db, port: int, now: dt.datetime = NOW, **settings):
    config = alert_settings(port, **settings)
    with SmtpSender(config.smtp) as sender:
        return deliver(session_factory(db), config, now, sender)


def test_every_recipient_gets_their_alert_by_email(db, frozen_clock, smtp):
    inbox, port = smtp
    build_org(db)
    decide_alerts(db, ACTOR, TODAY, alert_settings(port))
    db.commit()
    report = send(db, port)
    assert (report.messages_sent, report.deliveries_sent, report.messages_failed) == (8, 8, 0)
    assert inbox.received() == {
        # Each mentor reads their own training alert in the second person (issue 14).
        ("jordan.ellis@example.org", "Your training is due in 30 days"): 1,
        ("riley@example.org", "Your training is overdue by 10 days"): 1,
        ("supervisor@example.org", "Training overdue by 10 days: Riley Santos"): 1,
        ("hr@example.org", "Training overdue by 10 days: Riley Santos"): 1,
        ("supervisor@example.org", "Training due today: Casey Nguyen"): 1,
        ("hr@example.org", "Training due today: Casey Nguyen"): 1,
        ("supervisor@example.org", "Your licence expires in 60 days"): 1,  # his own licence
        ("hr@example.org", "Licence expires in 60 days: Sam Okafor"): 1,
    }
    statuses = Counter(row.status for row in rows(db))
    assert statuses == {DeliveryStatus.SENT: 8, DeliveryStatus.NO_ADDRESS: 1}
    sent = [row for row in rows(db) if row.status is DeliveryStatus.SENT]
    assert all(row.sent_at == NOW and row.attempts == 1 for row in sent)
    assert all(row.claimed_until is None for row in sent)
    attempts = db.execute(select(DeliveryAttempt)).scalars().all()
    assert len(attempts) == 8 and all(attempt.succeeded for attempt in attempts)


def test_a_message_has_a_plain_text_and_an_html_part(db, frozen_clock, smtp):
    inbox, port = smtp
    build_org(db, jordan_name="Jo <b>Ellis</b> & Co")
    decide_alerts(db, ACTOR, TODAY, alert_settings(port))
    send(db, port)
    (_, message), *_ = [m for m in inbox.messages if m[0] == ["jordan.ellis@example.org"]]
    assert message["From"] == "training@harbor.example"
    assert message["To"] == "jordan.ellis@example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    page = message.get_body(("html",)).get_content()
    # The mentor reads their own alert as theirs (issue 14), not their name in the third person.
    assert "Your Therapeutic Mentoring annual training renewal is due" in text
    assert "on 23 December 2026 (in 30 days)" in text
    assert "Ellis" not in text
    assert "https://lms.example.org/notifications/" in text
    assert "Your training is due in 30 days" in page
    # Everyone else reads the name, escaped in the HTML part.
    decide_alerts(db, ACTOR, TODAY + dt.timedelta(days=30), alert_settings(port))
    send(db, port)
    (_, to_hr), *_ = [
        m for m in inbox.messages if m[0] == ["hr@example.org"] and "Ellis" in m[1]["Subject"]
    ]
    hr_page = to_hr.get_body(("html",)).get_content()
    assert "Jo &lt;b&gt;Ellis&lt;/b&gt; &amp; Co&#x27;s" in hr_page
    assert "<b>Ellis</b>" not in hr_page
    assert '<a href="https://lms.example.org/notifications/">' in page


def test_delivering_twice_sends_nothing_twice(db, frozen_clock, smtp):
    inbox, port = smtp
    build_org(db)
    decide_alerts(db, ACTOR, TODAY, alert_settings(port))
    send(db, port)
    decide_alerts(db, ACTOR, TODAY, alert_settings(port))  # the next run decides nothing new
    again = send(db, port, NOW + dt.timedelta(hours=1))
    assert again.messages_sent == 0
    assert len(inbox.messages) == 8
    assert len(db.execute(select(DeliveryAttempt)).all()) == 8


def test_digest_recipients_get_one_message_a_day(db, frozen_clock, smtp):
    inbox, port = smtp
    build_org(db, digest=True)
    decide_alerts(db, ACTOR, TODAY, alert_settings(port))
    report = send(db, port)
    # Jordan and Riley get their own; the supervisor and HR one digest each, of three alerts.
    assert (report.messages_sent, report.digests_sent, report.deliveries_sent) == (4, 2, 8)
    digests = {
        rcpt[0]: message for rcpt, message in inbox.messages if "digest" in message["Subject"]
    }
    assert set(digests) == {"supervisor@example.org", "hr@example.org"}
    digest = digests["hr@example.org"]
    assert digest["Subject"] == "Training records digest for 23 November 2026: 3 alerts"
    text = digest.get_body(("plain",)).get_content()
    for subject in (
        "Training overdue by 10 days: Riley Santos",
        "Training due today: Casey Nguyen",
        "Licence expires in 60 days: Sam Okafor",
    ):
        assert subject in text
        assert subject in digest.get_body(("html",)).get_content()
    # Later the same day a new alert for HR waits for tomorrow's digest.
    decide_alerts(db, ACTOR, TODAY + dt.timedelta(days=7), alert_settings(port))
    later = send(db, port, NOW + dt.timedelta(hours=2))
    assert later.digests_sent == 0 and later.deferred > 0
    held = [row for row in rows(db) if row.status is DeliveryStatus.PENDING]
    tomorrow = dt.datetime(2026, 11, 24, 5, 0, tzinfo=dt.UTC)  # midnight in Boston
    assert held and all(row.digest and row.next_attempt_at == tomorrow for row in held)
    next_day = send(db, port, tomorrow + dt.timedelta(hours=6))
    assert next_day.digests_sent == 2
    assert all(row.status is not DeliveryStatus.PENDING for row in rows(db))


class StopsAfter:
    """A sender that dies (like a killed process) after ``limit`` messages."""

    def __init__(self, sender: SmtpSender, limit: int) -> None:
        self.sender, self.limit, self.sent = sender, limit, 0

    def send(self, message) -> None:
        if self.sent == self.limit:
            raise RuntimeError("killed")
        self.sender.send(message)
        self.sent += 1


def test_a_run_killed_half_way_is_finished_by_the_next_without_repeats(db, frozen_clock, smtp):
    inbox, port = smtp
    build_org(db)
    settings = alert_settings(port)
    decide_alerts(db, ACTOR, TODAY, settings)
    db.commit()
    with SmtpSender(settings.smtp) as smtp_sender, pytest.raises(RuntimeError, match="killed"):
        deliver(session_factory(db), settings, NOW, StopsAfter(smtp_sender, 3))
    assert len(inbox.messages) == 3
    assert Counter(row.status for row in rows(db))[DeliveryStatus.SENT] == 3
    # A run during the dead run's lease leaves its rows alone ...
    assert send(db, port, NOW + dt.timedelta(minutes=1)).messages_sent == 0
    # ... and once the lease is over, sends exactly the rest.
    report = send(db, port, NOW + LEASE + dt.timedelta(seconds=1))
    assert report.messages_sent == 5
    received = inbox.received()
    assert len(received) == 8 and set(received.values()) == {1}
    assert Counter(row.status for row in rows(db)) == {
        DeliveryStatus.SENT: 8,
        DeliveryStatus.NO_ADDRESS: 1,
    }


def test_smtp_down_leaves_rows_to_retry_with_back_off(db, frozen_clock, smtp):
    inbox, port = smtp
    build_org(db)
    decide_alerts(db, ACTOR, TODAY, alert_settings(port))
    closed = free_port()  # nothing listens here: connection refused
    report = send(db, closed)
    assert (report.messages_sent, report.messages_failed, report.gave_up) == (0, 8, 0)
    assert (
        report.errors == [report.errors[0]]
        and "could not connect to 127.0.0.1" in (report.errors[0])
    )
    assert report.next_retry_at == NOW + dt.timedelta(minutes=5)
    pending = [row for row in rows(db) if row.status is DeliveryStatus.PENDING]
    assert len(pending) == 8
    assert all(
        row.attempts == 1 and row.next_attempt_at == NOW + dt.timedelta(minutes=5)
        for row in pending
    )
    assert all("could not connect" in row.last_error for row in pending)
    attempts = db.execute(select(DeliveryAttempt)).scalars().all()
    assert len(attempts) == 8 and not any(attempt.succeeded for attempt in attempts)
    # Not yet due: nothing is tried before the back-off is over.
    assert send(db, port, NOW + dt.timedelta(minutes=4)).messages_sent == 0
    # The server is back: everything goes out once.
    assert send(db, port, NOW + dt.timedelta(minutes=5)).messages_sent == 8
    assert len(inbox.messages) == 8
    assert all(row.attempts == 2 for row in rows(db) if row.status is DeliveryStatus.SENT)


def test_back_off_doubles_up_to_a_limit_then_the_row_fails(db, frozen_clock):
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [
        dt.timedelta(minutes=5),
        dt.timedelta(minutes=10),
        dt.timedelta(minutes=20),
        dt.timedelta(minutes=40),
    ]
    assert retry_delay(12) == dt.timedelta(hours=6)
    build_org(db)
    decide_alerts(db, ACTOR, TODAY, alert_settings())
    closed, now = free_port(), NOW
    for attempt in (1, 2, 3):
        report = send(db, closed, now, max_attempts=3)
        now += retry_delay(attempt)
    assert report.gave_up == 8
    failed = [row for row in rows(db) if row.status is DeliveryStatus.FAILED]
    assert len(failed) == 8 and all(row.attempts == 3 for row in failed)
    assert all(row.next_attempt_at is None for row in failed)


def test_a_refused_recipient_fails_at_once_and_the_others_are_sent(db, frozen_clock, smtp):
    inbox, port = smtp
    inbox.refuse.add("riley@example.org")
    build_org(db)
    decide_alerts(db, ACTOR, TODAY, alert_settings(port))
    report = send(db, port)
    assert (report.messages_sent, report.messages_failed, report.gave_up) == (7, 1, 1)
    (refused,) = [row for row in rows(db) if row.status is DeliveryStatus.FAILED]
    assert refused.recipient_email == "riley@example.org"
    assert "550" in refused.last_error


def test_the_sender_fails_fast_once_the_server_is_unreachable():
    sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=free_port(), timeout_seconds=5))
    message = build_message(
        sender="a@example.org",
        recipient="b@example.org",
        subject="s",
        items=[Item("s", "b")],
        link="http://x",
        organisation="o",
    )
    for _ in range(2):
        with pytest.raises(SendError, match="could not connect") as error:
            sender.send(message)
        assert not error.value.permanent
    sender.close()


def test_a_claim_takes_at_most_its_batch_and_never_a_leased_row(db, frozen_clock):
    from lms.alerts.outbox import _claim, _due

    build_org(db)
    decide_alerts(db, ACTOR, TODAY, alert_settings())
    lease = NOW + LEASE
    first = _claim(db, _due(NOW, False), lease, 3)
    second = _claim(db, _due(NOW, False), lease, 3)
    rest = _claim(db, _due(NOW, False), lease)
    assert len(first) == len(second) == 3 and len(rest) == 2
    assert not set(first) & set(second) and not (set(first) | set(second)) & set(rest)
    assert _claim(db, _due(NOW, False), lease) == []
    # Once the lease is over, the rows can be claimed again (their sender died).
    assert len(_claim(db, _due(lease, False), lease + LEASE)) == 8
