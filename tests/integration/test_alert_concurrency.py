"""Two ``lms alerts run`` at once (two threads, two sessions, one PostgreSQL database): every
alert is written once and every email sent once.

It needs committed data that both sessions see, so it works in a scratch database of its own.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from lms.alerts.mailer import SmtpSender
from lms.alerts.models import Alert, AlertDelivery, DeliveryAttempt, Notification
from lms.alerts.operations import DecideCounts, decide_alerts
from lms.alerts.outbox import DeliveryReport, deliver
from lms.db import make_engine
from lms.migrate import upgrade
from tests.integration.test_alert_delivery import smtp  # noqa: F401 (a fixture)
from tests.integration.test_alerts_decide import ACTOR, NOW, TODAY, alert_settings, build_org
from tests.support.databases import configured_url, scratch_database

URL = configured_url()

pytestmark = pytest.mark.skipif(
    URL is None or make_url(URL).get_backend_name() != "postgresql",
    reason="concurrent runs need PostgreSQL (SQLite lets one writer in at a time): "
    "set LMS_TEST_DATABASE_URL to a PostgreSQL URL",
)


def run_alerts(factory, settings, as_of, now, barrier) -> tuple[DecideCounts, DeliveryReport]:
    """What ``lms alerts run`` does, with both runs released at the same moment."""
    session = factory()
    try:
        barrier.wait()
        counts = decide_alerts(session, ACTOR, as_of, settings)
        session.commit()
    finally:
        session.close()
    barrier.wait()
    with SmtpSender(settings.smtp) as sender:
        return counts, deliver(factory, settings, now, sender)


def test_two_runs_at_once_write_and_send_each_alert_once(
    frozen_clock,
    monkeypatch,
    smtp,  # noqa: F811
):
    inbox, port = smtp
    # One row per claim, so the two senders take turns claiming from the same outbox.
    monkeypatch.setattr("lms.alerts.outbox.CLAIM_BATCH", 1)
    settings = alert_settings(port)
    with scratch_database(URL, "alerts") as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            factory = sessionmaker(engine, expire_on_commit=False)
            with factory() as session:
                build_org(session)
            # Three rounds a week apart, each with new alerts to race for.
            for week in range(3):
                as_of = TODAY + dt.timedelta(days=7 * week)
                now = NOW + dt.timedelta(days=7 * week)
                frozen_clock.current = now
                barrier = threading.Barrier(2, timeout=30)
                results, errors = [], []

                def run(as_of=as_of, now=now, barrier=barrier, results=results, errors=errors):
                    try:
                        results.append(run_alerts(factory, settings, as_of, now, barrier))
                    except BaseException as error:  # reported below, with the thread's error
                        errors.append(error)

                threads = [threading.Thread(target=run) for _ in range(2)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(60)
                assert errors == []
                decided = [counts.alerts for counts, _ in results]
                assert sorted(decided)[0] == 0 < sorted(decided)[1], decided  # one wrote them all
                assert sum(report.messages_failed for _, report in results) == 0
            with factory() as session:

                def total(model) -> int:
                    return session.execute(select(func.count()).select_from(model)).scalar_one()

                # Week 0: the 4 alerts of build_org. Weeks 1 and 2: Riley's and Casey's weekly
                # reminders (3 recipients each, Casey without an address); Jordan (23 and 16
                # days left) and Sam's licence (53 and 46) cross nothing new.
                assert total(Alert) == 4 + 2 + 2
                assert total(Notification) == 7 + 4 + 4
                assert total(AlertDelivery) == 9 + 6 + 6
                assert total(DeliveryAttempt) == 8 + 5 + 5  # one per email sent, none repeated
        finally:
            engine.dispose()
    received = Counter((rcpt[0], message["Subject"]) for rcpt, message in inbox.messages)
    assert len(inbox.messages) == 8 + 5 + 5
    assert set(received.values()) == {1}, received
