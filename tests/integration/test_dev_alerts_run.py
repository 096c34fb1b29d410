"""The development timer's run does what `lms alerts run` does: in-app notifications appear."""

from sqlalchemy import func, select

from lms.alerts import dev_timer
from lms.alerts.models import Alert, Notification
from tests.integration.test_alerts_decide import build_org


def test_one_run_decides_todays_alerts_and_survives_no_mail_server(app, db, frozen_clock):
    build_org(db)
    db.commit()
    app.config["SMTP_HOST"], app.config["SMTP_PORT"] = "127.0.0.1", 9  # nothing listens
    app.config["SMTP_TIMEOUT_SECONDS"] = 1
    dev_timer.run_alerts_once(app)
    assert db.execute(select(func.count()).select_from(Alert)).scalar_one() > 0
    assert db.execute(select(func.count()).select_from(Notification)).scalar_one() > 0
