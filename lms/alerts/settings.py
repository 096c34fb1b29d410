"""The alert policy and delivery settings, read once from the configuration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from lms.alerts.mailer import SmtpSettings
from lms.alerts.rules import (
    AlertPolicy,
)
from lms.supervision.rules import SupervisionSettings
from lms.supervision.settings import supervision_settings
from lms.training.rules import CyclePolicy

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: How long a sender holds the rows it claimed; a crashed sender's rows are retried after it.

FIRST_RETRY = dt.timedelta(minutes=5)
LONGEST_RETRY = dt.timedelta(hours=6)


#: The families of alerts the daily job decides (all of them; a test may look at fewer).
FAMILIES = frozenset(
    {"training", "licence", "provisional", "supervision", "oncall", "requirements"}
)


@dataclass(frozen=True)
class AlertSettings:
    policy: AlertPolicy
    cycle_policy: CyclePolicy
    max_attempts: int
    timezone: str
    public_url: str
    organisation: str
    smtp: SmtpSettings
    supervision: SupervisionSettings = field(default_factory=SupervisionSettings)
    #: ``LMS_SERVICE_HOURS``: the service hours when no organisation setting overrides them.
    service_hours: str = "mon-fri 08:00-21:00; sat-sun 09:00-18:00"
    families: frozenset[str] = FAMILIES

    @property
    def notifications_url(self) -> str:
        return f"{self.public_url}/notifications/"


def settings_from_config(config: Mapping[str, Any], organisation: str) -> AlertSettings:
    """Alert settings from the app config and the organisation's name (from
    lms.organisation.queries.organisation_settings, which the database may override)."""
    return AlertSettings(
        policy=AlertPolicy(
            due_days=tuple(config["ALERT_DUE_DAYS"]),
            repeat_days=int(config["ALERT_REPEAT_DAYS"]),
            licence_days=tuple(config["ALERT_LICENCE_DAYS"]),
            provisional_days=int(config["ALERT_PROVISIONAL_DAYS"]),
            reminder_weekday=WEEKDAYS.index(
                str(config.get("SUPERVISION_REMINDER_WEEKDAY", "thursday"))
            ),
        ),
        cycle_policy=CyclePolicy(
            initial_training_days=int(config["INITIAL_TRAINING_DAYS"]),
            renewal_window_days=int(config["RENEWAL_WINDOW_DAYS"]),
        ),
        max_attempts=int(config["ALERT_MAX_ATTEMPTS"]),
        timezone=str(config["LMS_TIMEZONE"]),
        public_url=str(config["PUBLIC_URL"]),
        organisation=organisation,
        smtp=SmtpSettings.from_config(config),
        supervision=supervision_settings(config),
        service_hours=str(config.get("SERVICE_HOURS", AlertSettings.service_hours)),
        families=frozenset(config.get("ALERT_FAMILIES", FAMILIES)),
    )


def retry_delay(attempts: int) -> dt.timedelta:
    """5 minutes after the first failure, doubling each time, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _day_start(day: dt.date, timezone: str) -> dt.datetime:
    """Midnight where the provider works, as a UTC instant."""
    return dt.datetime.combine(day, dt.time(0), ZoneInfo(timezone)).astimezone(dt.UTC)
