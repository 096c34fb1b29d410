"""How features react to each other's events (``lms.events``): the one place they are wired.

This module sits above every feature, so it may import any of them; the features themselves
only announce. ``create_app`` imports it, and so does the test suite.
"""

from __future__ import annotations

from lms.certificates.operations import issue_certificate
from lms.eligibility.operations import record_determination
from lms.events import CycleCompleted, PersonChanged, subscribe


@subscribe(PersonChanged)
def redetermine_eligibility(event: PersonChanged) -> None:
    """A changed person gets a new determination, stored with its trigger."""
    record_determination(event.session, event.actor, event.person, event.trigger, event.today)


@subscribe(CycleCompleted)
def certify_completed_cycle(event: CycleCompleted) -> None:
    """A completed cycle gets its certificate (none for imported cycles)."""
    issue_certificate(event.session, event.actor, event.cycle, event.person, event.today)
