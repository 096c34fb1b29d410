"""Read-only queries: the in-app notifications, and everything the alert rules need to decide."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import clock
from lms.alerts.models import (
    Alert,
    Notification,
)
from lms.alerts.rules import (
    AlertDecision,
    CandidateFacts,
    Contact,
    Kind,
    MentorFacts,
    SupervisorFacts,
    decide,
    provisional_since,
)

#: How long a sender holds the rows it claimed; a crashed sender's rows are retried after it.
from lms.alerts.settings import AlertSettings
from lms.auth.models import Role, User, UserRole
from lms.clinicians.models import Licence
from lms.eligibility.models import Determination
from lms.staff.models import CLINICAL_POSITIONS, Person, Position, StaffStatus
from lms.training.queries import training_histories
from lms.training.rules import TrainingHistory, state_on


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    alert: Alert

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def unread_count(session: Session, user_id: int) -> int:
    return session.execute(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ).scalar_one()


def notifications_for(
    session: Session, user_id: int, limit: int, offset: int = 0
) -> list[NotificationRow]:
    """One user's notifications with their alerts, newest first: one query."""
    rows = session.execute(
        select(Notification, Alert)
        .join(Alert, Alert.id == Notification.alert_id)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [NotificationRow(notification, alert) for notification, alert in rows]


# -- loading what the rules need ------------------------------------------------------------------


@dataclass(frozen=True)
class _Account:
    id: int
    email: str
    is_active: bool
    digest: bool


def contact_for(person_id: int | None, work_email: str | None, account: _Account | None) -> Contact:
    """Mail goes to the work email, else the sign-in email; the app reaches active accounts."""
    email = (work_email or (account.email if account else "") or "").strip().lower() or None
    user_id = account.id if account is not None and account.is_active else None
    if email:
        key = email
    elif user_id is not None:
        key = f"user:{user_id}"
    else:
        key = f"person:{person_id}"
    return Contact(key, user_id, email, bool(account and account.digest))


@dataclass(frozen=True)
class AlertFacts:
    mentors: list[MentorFacts]
    supervisors: list[SupervisorFacts]
    candidates: list[CandidateFacts]
    hr: list[Contact]
    alerted: dict[tuple[int, str, dt.date], int]


def _people(session: Session) -> list[tuple[Person, _Account | None]]:
    rows = session.execute(
        select(Person, User.id, User.email, User.is_active, User.alert_digest)
        .outerjoin(User, User.id == Person.user_id)
        .where(Person.status != StaffStatus.SEPARATED)
        .order_by(Person.id)
    ).all()
    return [
        (person, _Account(user_id, email, active, digest) if user_id is not None else None)
        for person, user_id, email, active, digest in rows
    ]


def _provisional_streaks(session: Session, as_of: dt.date, timezone: str) -> dict[int, dt.date]:
    """Each current mentor's or candidate's provisional streak start, from their determinations."""
    history: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    rows = session.execute(
        select(Determination.person_id, Determination.status, Determination.determined_at)
        .join(Person, Person.id == Determination.person_id)
        .where(
            Person.status != StaffStatus.SEPARATED,
            Person.position == Position.THERAPEUTIC_MENTOR,
        )
        .order_by(Determination.person_id, Determination.determined_at, Determination.id)
    )
    for person_id, status, determined_at in rows:
        day = clock.local_date(determined_at, timezone)
        if day <= as_of:  # a past --as-of sees the history as it stood then
            history[person_id].append((day, status.value))
    streaks = {person_id: provisional_since(days) for person_id, days in history.items()}
    return {person_id: since for person_id, since in streaks.items() if since is not None}


def _hr_contacts(session: Session, as_of: dt.date) -> list[Contact]:
    rows = session.execute(
        select(
            User.id,
            User.email,
            User.alert_digest,
            User.access_starts_on,
            User.access_ends_on,
            Person.work_email,
        )
        .join(UserRole, UserRole.user_id == User.id)
        .outerjoin(Person, Person.user_id == User.id)
        .where(UserRole.role == Role.HR, User.is_active.is_(True))
        .order_by(User.id)
    )
    contacts = []
    for user_id, email, digest, starts_on, ends_on, work_email in rows:
        if (starts_on and starts_on > as_of) or (ends_on and ends_on < as_of):
            continue
        contacts.append(contact_for(None, work_email, _Account(user_id, email, True, digest)))
    return contacts


def _alerted(session: Session) -> dict[tuple[int, str, dt.date], int]:
    """The newest threshold alerted on each track of everyone still on record."""
    newest: dict[tuple[int, str, dt.date], int] = {}
    rows = session.execute(
        select(Alert.person_id, Alert.kind, Alert.due_on, func.min(Alert.threshold))
        .join(Person, Person.id == Alert.person_id)
        .where(Person.status != StaffStatus.SEPARATED)
        .group_by(Alert.person_id, Alert.kind, Alert.due_on)
    )
    for person_id, kind, due_on, threshold in rows:
        key = (person_id, Kind(kind.value).track, due_on)
        newest[key] = min(threshold, newest.get(key, threshold))
    return newest


def _latest_licences(session: Session) -> dict[int, tuple[str, dt.date]]:
    """Each clinician's licence that expires last (a recorded renewal supersedes the licence it
    renews, so no alert is due for the old one), as (type, expires_on)."""
    latest: dict[int, tuple[str, dt.date]] = {}
    for person_id, licence_type, expires_on in session.execute(
        select(Licence.person_id, Licence.licence_type, Licence.expires_on).order_by(
            Licence.expires_on, Licence.id
        )
    ):
        latest[person_id] = (licence_type, expires_on)
    return latest


def load_facts(session: Session, as_of: dt.date, settings: AlertSettings) -> AlertFacts:
    """Everything the rules need, in six queries however many people there are."""
    people = _people(session)
    licences = _latest_licences(session)
    histories = training_histories(
        session,
        select(Person.id).where(
            Person.position == Position.THERAPEUTIC_MENTOR, Person.status == StaffStatus.ACTIVE
        ),
        settings.timezone,
    )
    streaks = _provisional_streaks(session, as_of, settings.timezone)
    contacts = {
        person.id: contact_for(person.id, person.work_email, account) for person, account in people
    }
    mentors, supervisors, candidates = [], [], []
    for person, _account in people:
        if person.position is Position.THERAPEUTIC_MENTOR and person.id in streaks:
            candidates.append(CandidateFacts(person.id, person.legal_name, streaks[person.id]))
        # The licence records are the source of truth; the old column on the person answers
        # only for someone with no licence record yet (entered through the staff form or API).
        licence_type, expires_on = licences.get(
            person.id, (person.licence_type, person.licence_expires_on)
        )
        if person.position in CLINICAL_POSITIONS and expires_on is not None:
            supervisors.append(
                SupervisorFacts(
                    person.id, person.legal_name, licence_type, expires_on, contacts[person.id]
                )
            )
        if (
            person.position is Position.THERAPEUTIC_MENTOR
            and person.status is StaffStatus.ACTIVE
            and person.hire_on is not None
        ):
            state = state_on(
                histories.get(person.id, TrainingHistory(())), as_of, settings.cycle_policy
            )
            if state is not None:
                supervisor = contacts.get(person.supervisor_id) if person.supervisor_id else None
                mentors.append(
                    MentorFacts(
                        person.id, person.legal_name, state, contacts[person.id], supervisor
                    )
                )
    return AlertFacts(
        mentors, supervisors, candidates, _hr_contacts(session, as_of), _alerted(session)
    )


def plan_alerts(session: Session, as_of: dt.date, settings: AlertSettings) -> list[AlertDecision]:
    """The alerts due on ``as_of`` that are not in the outbox yet; writes nothing."""
    facts = load_facts(session, as_of, settings)
    decisions = decide(
        as_of,
        settings.policy,
        mentors=facts.mentors,
        supervisors=facts.supervisors,
        candidates=facts.candidates,
        hr=facts.hr,
        alerted=facts.alerted,
    )
    # One order everywhere, so concurrent runs take the unique-key locks in the same order.
    return sorted(decisions, key=lambda decision: decision.key)
