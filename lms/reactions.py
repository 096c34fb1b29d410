"""How features react to each other's events (``lms.events``): the one place they are wired.

This module sits above every feature, so it may import any of them; the features themselves
only announce. ``create_app`` imports it, and so does the test suite.
"""

from __future__ import annotations

from flask import current_app, has_app_context

import lms.statuses.tracking  # noqa: F401  (recomputes stored statuses before each commit)
from lms.certificates.operations import issue_certificate
from lms.config import load_config
from lms.eligibility.operations import record_determination
from lms.events import CycleCompleted, PersonChanged, StaffRecordChanged, subscribe
from lms.training.operations import TrainingSettings, ensure_current_cycle, settings_from_config


@subscribe(PersonChanged)
def redetermine_eligibility(event: PersonChanged) -> None:
    """A changed person gets a new determination, stored with its trigger."""
    record_determination(event.session, event.actor, event.person, event.trigger, event.today)


@subscribe(CycleCompleted)
def certify_completed_cycle(event: CycleCompleted) -> None:
    """A completed cycle gets its certificate (none for imported cycles)."""
    issue_certificate(event.session, event.actor, event.cycle, event.person, event.today)


def _training_settings() -> TrainingSettings:
    # Operations also run outside a request or command (tests, scripts): read the same
    # LMS_* settings the app would.
    return settings_from_config(current_app.config if has_app_context() else load_config())


@subscribe(StaffRecordChanged)
def assign_training_on_hire(event: StaffRecordChanged) -> None:
    """A hire, rehire or change that makes training due assigns the cycle at once, dated by the
    hire, whether or not the person has an account."""
    ensure_current_cycle(event.session, event.person, event.today, _training_settings())
