"""The weekly rule's settings, read from the app's configuration (``LMS_SUPERVISION_*``)."""

from __future__ import annotations

from collections.abc import Mapping

from lms.supervision.rules import SupervisionSettings


def supervision_settings(config: Mapping[str, object]) -> SupervisionSettings:
    return SupervisionSettings(
        week_starts=str(config.get("SUPERVISION_WEEK_STARTS", "sunday")),
        min_duty_weekdays=int(config.get("SUPERVISION_MIN_DUTY_WEEKDAYS", 3)),
        min_minutes=int(config.get("SUPERVISION_MIN_MINUTES", 1)),
        late_entry_days=int(config.get("SUPERVISION_LATE_ENTRY_DAYS", 7)),
        timezone=str(config.get("LMS_TIMEZONE", "America/New_York")),
    )
