"""Named events: one feature announces what happened, others react, and neither imports the other.

A feature that must trigger work in a feature above it (staff → eligibility, training →
certificates) announces an event here instead of importing that feature. The reactions are
wired in one place, ``lms.reactions``, which ``create_app`` (and the test suite) import. A
reaction runs at once, in the announcer's session and transaction, so the announcing operation
and every reaction commit or roll back together.

Announcing an event nobody subscribed to is a programming error (the reactions module was not
imported), so it raises rather than silently skipping required work.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from lms.actor import Actor

Event = TypeVar("Event")
_receivers: dict[type, list[Callable[[Any], None]]] = defaultdict(list)


@dataclass(frozen=True)
class PersonChanged:
    """A person was created, or a fact that eligibility depends on changed (``trigger`` says
    which: the audit action that caused it)."""

    session: Session
    actor: Actor
    person: Any  # lms.staff.models.Person
    trigger: str
    today: dt.date


@dataclass(frozen=True)
class StaffRecordChanged:
    """A person was added or their record changed (hire, rehire, separation, position...)."""

    session: Session
    actor: Actor
    person: Any  # lms.staff.models.Person
    today: dt.date


@dataclass(frozen=True)
class CycleCompleted:
    """A mentor's training cycle was completed (its last module attested)."""

    session: Session
    actor: Actor
    cycle: Any  # lms.training.models.TrainingCycle
    person: Any  # lms.staff.models.Person
    today: dt.date


def subscribe(event_type: type[Event]) -> Callable[[Callable[[Event], None]], Callable]:
    """Register the decorated function to run whenever ``event_type`` is announced."""

    def register(receiver: Callable[[Event], None]) -> Callable[[Event], None]:
        if receiver not in _receivers[event_type]:
            _receivers[event_type].append(receiver)
        return receiver

    return register


def announce(event: object) -> None:
    """Run every reaction to ``event``, in the order they were subscribed."""
    receivers = _receivers.get(type(event))
    if not receivers:
        raise RuntimeError(f"nothing reacts to {type(event).__name__}: import lms.reactions")
    for receiver in receivers:
        receiver(event)
