"""Read-only queries: the in-app notifications, and everything the alert rules need to decide."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

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
    PolicyFacts,
    RequirementFacts,
    SessionLicenceFacts,
    SuperviseeWeek,
    SupervisorFacts,
    decide,
    provisional_since,
)

#: How long a sender holds the rows it claimed; a crashed sender's rows are retried after it.
from lms.alerts.settings import AlertSettings, _day_start
from lms.auth.models import Role, User, UserRole
from lms.clinicians.models import Licence
from lms.clinicians.rules import LicenceTerm
from lms.eligibility.models import Determination
from lms.oncall.queries import coverage
from lms.oncall.rules import Gap
from lms.requirements.models import PolicyDocument, PolicySignature
from lms.requirements.queries import compliance_matrix
from lms.requirements.rules import RequirementKind, RequirementStatus
from lms.staff.models import CLINICAL_POSITIONS, Person, Position, StaffStatus
from lms.supervision.models import SupervisionSession
from lms.supervision.queries import mentor_weeks
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


#: How far back the daily job looks for missed supervision weeks and unlicensed sessions.
LOOKBACK = dt.timedelta(days=28)
#: On-call gaps are alerted this many days ahead (today included).
GAP_DAYS = 14


@dataclass(frozen=True)
class AlertFacts:
    mentors: list[MentorFacts]
    supervisors: list[SupervisorFacts]
    candidates: list[CandidateFacts]
    hr: list[Contact]
    alerted: dict[tuple[str, str, dt.date], int]
    admins: list[Contact] = field(default_factory=list)
    weeks: list[SuperviseeWeek] = field(default_factory=list)
    sessions: list[SessionLicenceFacts] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    requirements: list[RequirementFacts] = field(default_factory=list)
    policies: list[PolicyFacts] = field(default_factory=list)


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


def _role_contacts(session: Session, as_of: dt.date) -> dict[Role, list[Contact]]:
    """The active HR and admin accounts whose access covers ``as_of``, by role: one query."""
    rows = session.execute(
        select(
            UserRole.role,
            User.id,
            User.email,
            User.alert_digest,
            User.access_starts_on,
            User.access_ends_on,
            Person.work_email,
        )
        .join(UserRole, UserRole.user_id == User.id)
        .outerjoin(Person, Person.user_id == User.id)
        .where(UserRole.role.in_([Role.HR, Role.ADMIN]), User.is_active.is_(True))
        .order_by(User.id)
    )
    contacts: dict[Role, list[Contact]] = {Role.HR: [], Role.ADMIN: []}
    for role, user_id, email, digest, starts_on, ends_on, work_email in rows:
        if (starts_on and starts_on > as_of) or (ends_on and ends_on < as_of):
            continue
        account = _Account(user_id, email, True, digest)
        contacts[role].append(contact_for(None, work_email, account))
    return contacts


def _alerted(session: Session) -> dict[tuple[str, str, dt.date], int]:
    """The newest threshold alerted on each track (subject key, track, due date)."""
    newest: dict[tuple[str, str, dt.date], int] = {}
    rows = session.execute(
        select(Alert.subject_key, Alert.kind, Alert.due_on, func.min(Alert.threshold)).group_by(
            Alert.subject_key, Alert.kind, Alert.due_on
        )
    )
    for subject_key, kind, due_on, threshold in rows:
        key = (subject_key, Kind(kind.value).track, due_on)
        newest[key] = min(threshold, newest.get(key, threshold))
    return newest


def _supervision_weeks(
    session: Session, as_of: dt.date, settings: AlertSettings, contacts: dict[int, Contact]
) -> list[SuperviseeWeek]:
    """Every therapeutic mentor's weeks of the last four and this one, judged by the weekly
    rule (``lms.supervision.queries.mentor_weeks``: a constant number of queries)."""
    found = []
    for mentor in mentor_weeks(
        session, first=as_of - LOOKBACK, last=as_of, as_of=as_of, settings=settings.supervision
    ):
        supervisor = contacts.get(mentor.supervisor_id) if mentor.supervisor_id else None
        found.extend(
            SuperviseeWeek(
                mentor.mentor_id, mentor.name, week.starts_on, week.ends_on, week.status, supervisor
            )
            for week in mentor.weeks
        )
    return found


def _recent_sessions(
    session: Session, as_of: dt.date, settings: AlertSettings
) -> list[SessionLicenceFacts]:
    """Sessions held, or recorded, in the last four weeks and not superseded by a correction,
    with their supervisor's licence records: two queries."""
    since = as_of - LOOKBACK
    correction = aliased(SupervisionSession)
    supervisor, mentor = aliased(Person), aliased(Person)
    rows = session.execute(
        select(
            SupervisionSession.id,
            SupervisionSession.held_on,
            SupervisionSession.supervisor_id,
            supervisor.legal_name,
            mentor.legal_name,
        )
        .join(supervisor, supervisor.id == SupervisionSession.supervisor_id)
        .join(mentor, mentor.id == SupervisionSession.mentor_id)
        .where(
            SupervisionSession.held_on <= as_of,
            or_(
                SupervisionSession.held_on >= since,
                SupervisionSession.recorded_at >= _day_start(since, settings.timezone),
            ),
            ~select(correction.id)
            .where(correction.supersedes_id == SupervisionSession.id)
            .exists(),
        )
        .order_by(SupervisionSession.id)
    ).all()
    if not rows:
        return []
    licences: dict[int, list[LicenceTerm]] = defaultdict(list)
    for person_id, issued_on, expires_on in session.execute(
        select(Licence.person_id, Licence.issued_on, Licence.expires_on).where(
            Licence.person_id.in_({row[2] for row in rows})
        )
    ):
        licences[person_id].append(LicenceTerm(issued_on, expires_on))
    return [
        SessionLicenceFacts(
            session_id,
            held_on,
            supervisor_id,
            supervisor_name,
            mentor_name,
            tuple(licences.get(supervisor_id, ())),
        )
        for session_id, held_on, supervisor_id, supervisor_name, mentor_name in rows
    ]


def _oncall_gaps(session: Session, as_of: dt.date, settings: AlertSettings) -> list[Gap]:
    """Gaps in on-call coverage starting in the next ``GAP_DAYS`` days, today included.

    Computed a day further, so a gap running past the last day is seen whole rather than cut
    at midnight (which would make it look changed the next day)."""
    last = as_of + dt.timedelta(days=GAP_DAYS - 1)
    config = {"SERVICE_HOURS": settings.service_hours}
    found = coverage(session, config, as_of, last + dt.timedelta(days=1), settings.timezone)
    horizon = _day_start(last + dt.timedelta(days=1), settings.timezone)
    return [gap for gap in found.gaps if gap.starts_at < horizon]


def _requirements(
    session: Session, as_of: dt.date, contacts: dict[int, Contact]
) -> tuple[list[RequirementFacts], list[PolicyFacts]]:
    """Each current person's requirements due soon or lapsed, and the policy versions they have
    not signed: the compliance matrix (a constant number of queries) and two more."""
    matrix = compliance_matrix(session, as_of)
    columns = {requirement.key: requirement for requirement in matrix.requirements}
    policies_by_key: dict[str, tuple[int, int, dt.date]] = {}  # newest: (id, version, effective)
    for document_id, key, version, effective_on in session.execute(
        select(
            PolicyDocument.id,
            PolicyDocument.requirement_key,
            PolicyDocument.version,
            PolicyDocument.effective_on,
        ).order_by(PolicyDocument.requirement_key, PolicyDocument.version)
    ):
        policies_by_key[key] = (document_id, version, effective_on)
    newest_ids = [document_id for document_id, _, _ in policies_by_key.values()]
    signed: set[tuple[int, int]] = set()
    if newest_ids:
        signed = {
            (person_id, document_id)
            for person_id, document_id in session.execute(
                select(PolicySignature.person_id, PolicySignature.document_id).where(
                    PolicySignature.document_id.in_(newest_ids)
                )
            )
        }
    due: list[RequirementFacts] = []
    to_sign: list[PolicyFacts] = []
    for row in matrix.rows:
        contact = contacts.get(row.person.id)
        if contact is None:  # separated: nobody left to remind
            continue
        for key, result in row.statuses.items():
            requirement = columns.get(key)
            if requirement is None or result.status is RequirementStatus.NOT_APPLICABLE:
                continue
            if requirement.kind is RequirementKind.ACKNOWLEDGMENT:
                newest = policies_by_key.get(key)
                if newest is not None and (row.person.id, newest[0]) not in signed:
                    to_sign.append(
                        PolicyFacts(
                            row.person.id,
                            row.person.legal_name,
                            contact,
                            key,
                            requirement.name,
                            newest[1],
                            newest[2],
                            requirement.grace_days,
                        )
                    )
                continue
            if result.status in (RequirementStatus.DUE_SOON, RequirementStatus.EXPIRED):
                due.append(
                    RequirementFacts(
                        row.person.id,
                        row.person.legal_name,
                        contact,
                        key,
                        requirement.name,
                        requirement.kind,
                        result.status,
                        result.valid_until,
                        requirement.warning_days,
                    )
                )
    return due, to_sign


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
    """Everything the rules need, in a constant number of queries however many people, weeks,
    sessions, blocks and requirements there are (pinned in tests/integration)."""
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
        # The licence records are the only source: a clinician with none gets no expiry alert
        # (the licence alerts cover recorded licences; a missing one shows on their page).
        licence_type, expires_on = licences.get(person.id, (None, None))
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
    roles = _role_contacts(session, as_of)
    families = settings.families
    requirements, policies = (
        _requirements(session, as_of, contacts) if "requirements" in families else ([], [])
    )
    supervision = "supervision" in families
    return AlertFacts(
        mentors if "training" in families else [],
        supervisors if "licence" in families else [],
        candidates if "provisional" in families else [],
        roles[Role.HR],
        _alerted(session),
        admins=roles[Role.ADMIN],
        weeks=_supervision_weeks(session, as_of, settings, contacts) if supervision else [],
        sessions=_recent_sessions(session, as_of, settings) if supervision else [],
        gaps=_oncall_gaps(session, as_of, settings) if "oncall" in families else [],
        requirements=requirements,
        policies=policies,
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
        weeks=facts.weeks,
        sessions=facts.sessions,
        gaps=facts.gaps,
        requirements=facts.requirements,
        policies=facts.policies,
        hr=facts.hr,
        admins=facts.admins,
        timezone=settings.timezone,
        alerted=facts.alerted,
    )
    # One order everywhere, so concurrent runs take the unique-key locks in the same order.
    return sorted(decisions, key=lambda decision: decision.key)
