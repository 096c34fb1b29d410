"""Development only: the dev server (`lms run`, which `make run` uses) decides and sends alerts
when it starts and every day while it runs, so notifications appear without anyone running
`lms alerts run` by hand. Production schedules `lms alerts run` itself (see the README); this
timer never starts there, nor under tests.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask

from lms.actor import Actor

log = logging.getLogger(__name__)

#: How often the development timer runs the alerts.
INTERVAL_SECONDS = 24 * 60 * 60


def wanted(env: str, reloading: bool, in_reloader_child: bool) -> bool:
    """Only a development server, and with the reloader only in the process that serves (the
    watching parent never serves, so it must not send)."""
    return env == "development" and (not reloading or in_reloader_child)


def run_alerts_once(app: Flask) -> None:
    """What `lms alerts run` does: decide today's alerts, then send the outbox. A failure is
    logged, never raised: the timer keeps running and the next run retries what was not sent."""
    from lms import clock
    from lms.alerts.mailer import SmtpSender
    from lms.alerts.operations import decide_alerts
    from lms.alerts.outbox import deliver
    from lms.alerts.settings import settings_from_config
    from lms.organisation.queries import organisation_settings

    with app.app_context():
        factory = app.extensions["lms.db"].session_factory
        session = factory()
        try:
            name = organisation_settings(session, app.config).organisation_name
            settings = settings_from_config(app.config, name)
            counts = decide_alerts(
                session, Actor.system("dev-server"), clock.today(settings.timezone), settings
            )
            session.commit()
        except Exception:
            session.rollback()
            log.exception("Development alerts: could not decide today's alerts")
            return
        finally:
            session.close()
        log.warning(
            "Development alerts: %s new alert(s), %s in-app notification(s).",
            counts.alerts,
            counts.notifications,
        )
        try:
            with SmtpSender(settings.smtp) as sender:
                report = deliver(factory, settings, clock.now(), sender)
        except Exception:
            log.exception("Development alerts: could not send the outbox")
            return
        if not report.ok:
            log.warning(
                "Development alerts: %s email(s) not sent (no mail server?); they stay in the "
                "outbox. In-app notifications do not need one.",
                report.messages_failed,
            )


def start(app: Flask, interval: float = INTERVAL_SECONDS) -> threading.Thread:
    """Run the alerts now and every ``interval`` seconds, in a daemon thread."""
    stop = threading.Event()

    def loop() -> None:
        while True:
            run_alerts_once(app)
            if stop.wait(interval):
                return

    thread = threading.Thread(target=loop, name="lms-dev-alerts", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
