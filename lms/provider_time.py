""" "Today" and local dates where the provider works (``LMS_TIMEZONE``), for views and commands.

Rules and operations take dates as arguments; the request and command layers ask here, so no
call site can forget the setting and fall back to another zone.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from lms import clock


def provider_timezone() -> str:
    return current_app.config["LMS_TIMEZONE"]


def provider_today() -> dt.date:
    """Today's date in the provider's time zone."""
    return clock.today(provider_timezone())


def provider_date(instant: dt.datetime) -> dt.date:
    """The provider's calendar date of ``instant``."""
    return clock.local_date(instant, provider_timezone())
