"""Which alerts are due on a date, as pure functions (time and history are passed in).

Each alert belongs to a *track*: one person's training due on one date, one supervisor's licence
expiring on one date, one candidate's provisional streak. A track passes thresholds in order
(60, 30, 14, 7, 1 days before, the due date, then every week after); on any date the rules
offer only the most recent threshold already reached, and only if nothing as recent or newer was
alerted on that track. So a run missed for a few days still fires the threshold crossed meanwhile
(once), never an older threshold after a newer one, and running twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lms.training.rules import TrainingState

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
PROVISIONAL = "provisional"  # the eligibility status a provisional streak is made of


class Kind(enum.StrEnum):
    """The same values as ``lms.alerts.models.AlertKind`` (kept apart: rules import no ORM)."""

    TRAINING_DUE = "training_due"
    TRAINING_OVERDUE = "training_overdue"
    TRAINING_LAPSED = "training_lapsed"
    LICENCE_EXPIRING = "licence_expiring"
    PROVISIONAL_STALE = "provisional_stale"

    @property
    def track(self) -> str:
        """Kinds on one track share one threshold order: due, then overdue or lapsed."""
        return TRACKS[self]


TRACKS = {
    Kind.TRAINING_DUE: "training",
    Kind.TRAINING_OVERDUE: "training",
    Kind.TRAINING_LAPSED: "training",
    Kind.LICENCE_EXPIRING: "licence",
    Kind.PROVISIONAL_STALE: "provisional",
}


class RecipientRole(enum.StrEnum):
    MENTOR = "mentor"  # the person the alert is about
    SUPERVISOR = "supervisor"
    HR = "hr"


@dataclass(frozen=True)
class AlertPolicy:
    due_days: tuple[int, ...] = (60, 30, 14, 7, 1, 0)  # days before a training due date
    repeat_days: int = 7  # overdue and lapsed reminders, after the due date
    licence_days: tuple[int, ...] = (90, 60, 30)
    provisional_days: int = 14  # alert once a streak is longer than this


@dataclass(frozen=True)
class Contact:
    """Someone an alert can reach: by email, in the app (``user_id``), or both."""

    key: str  # lower-case email, or "user:<id>" / "person:<id>" when there is no address
    user_id: int | None
    email: str | None
    digest: bool = False  # takes one daily digest instead of a message per alert


@dataclass(frozen=True)
class MentorFacts:
    person_id: int
    name: str
    training: TrainingState  # as of the date decided for
    contact: Contact
    supervisor: Contact | None


@dataclass(frozen=True)
class SupervisorFacts:
    person_id: int
    name: str
    licence_type: str | None
    licence_expires_on: dt.date
    contact: Contact


@dataclass(frozen=True)
class CandidateFacts:
    person_id: int
    name: str
    provisional_since: dt.date  # first day of the current, unbroken provisional streak


@dataclass(frozen=True)
class Recipient:
    contact: Contact
    role: RecipientRole


@dataclass(frozen=True)
class AlertDecision:
    person_id: int
    kind: Kind
    threshold: int  # days before due_on; negative after it
    due_on: dt.date
    subject: str
    body: str
    recipients: tuple[Recipient, ...]

    @property
    def key(self) -> tuple[int, str, int, dt.date]:
        return (self.person_id, self.kind.value, self.threshold, self.due_on)


#: The newest threshold already alerted per (person_id, track, due_on): the lowest number.
Alerted = Mapping[tuple[int, str, dt.date], int]


# -- thresholds ---------------------------------------------------------------------------------


def latest_threshold(days_left: int, thresholds: Iterable[int]) -> int | None:
    """The most recent threshold reached ``days_left`` days before the due date, if any."""
    reached = [threshold for threshold in thresholds if days_left <= threshold]
    return min(reached) if reached else None


def training_threshold(days_left: int, policy: AlertPolicy) -> int | None:
    """Before and on the due date the configured days; after it one more every repeat period."""
    candidates = [t for t in policy.due_days if days_left <= t]
    weeks_after = -days_left // policy.repeat_days if days_left < 0 else 0
    if weeks_after >= 1:
        candidates.append(-weeks_after * policy.repeat_days)
    return min(candidates) if candidates else None


def is_new(alerted: Alerted, person_id: int, kind: Kind, due_on: dt.date, threshold: int) -> bool:
    """Whether nothing as recent as ``threshold`` (or newer) was alerted on this track."""
    newest = alerted.get((person_id, kind.track, due_on))
    return newest is None or threshold < newest


def provisional_since(history: Iterable[tuple[dt.date, str]]) -> dt.date | None:
    """The first day of the latest unbroken run of provisional determinations, if it is current.

    ``history`` is each determination's (day, status) in the order they were made.
    """
    since = None
    for day, status in history:
        since = (since or day) if status == PROVISIONAL else None
    return since


# -- wording ------------------------------------------------------------------------------------


def long_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def relative_days(days_left: int) -> str:
    """'in 30 days', 'tomorrow', 'today', 'yesterday', '3 days ago'."""
    if days_left == 0:
        return "today"
    if days_left == 1:
        return "tomorrow"
    if days_left == -1:
        return "yesterday"
    return f"in {_days(days_left)}" if days_left > 0 else f"{_days(-days_left)} ago"


def _training_text(mentor: MentorFacts, kind: Kind, days_left: int) -> tuple[str, str]:
    state, name = mentor.training, mentor.name
    initial = state.last_completed_on is None
    what = "initial training" if initial else "annual training renewal"
    when = f"{long_date(state.due_on)} ({relative_days(days_left)})"
    if kind is Kind.TRAINING_DUE:
        verb = "was due" if days_left < 0 else "is due"
        subject = f"Training due {relative_days(days_left)}: {name}"
        if days_left < 0:
            subject = f"Training was due {long_date(state.due_on)}: {name}"
        body = f"{name}'s Therapeutic Mentoring {what} {verb} on {when}."
        if not initial:
            body += " Their current certificate expires that day."
        body += " Sign in to the training app to complete the remaining modules."
        return subject, body
    if kind is Kind.TRAINING_OVERDUE:
        subject = f"Training overdue by {_days(-days_left)}: {name}"
        body = (
            f"{name}'s initial Therapeutic Mentoring training was due on {when} and is not "
            "complete. Their supervisor and HR are told every week until it is."
        )
        return subject, body
    subject = f"Training certification lapsed {_days(-days_left)} ago: {name}"
    body = (
        f"{name}'s annual Therapeutic Mentoring training expired on {when}. They are not "
        "current on training until they complete the renewal. Their supervisor and HR are told "
        "every week until they do."
    )
    return subject, body


#: What a licence alert asks of HR and the supervisor's colleagues, and of the supervisor.
LICENCE_ADVICE = (
    " Mentors must be supervised by a licensed clinician: record the renewed licence, "
    "or arrange another supervisor, before it lapses."
)
OWN_LICENCE_ADVICE = (
    " Mentors must be supervised by a licensed clinician: renew it and give HR the new "
    "expiry date before it lapses."
)


def worded_for_its_subject(kind: Kind, subject: str, body: str) -> tuple[str, str]:
    """A licence alert as the supervisor it is about reads it: "Your LICSW licence expires…"
    rather than their own name. The stored alert (what HR reads) names them; any other alert,
    or text not in the shape ``_licence_text`` writes, is returned unchanged."""
    if kind is not Kind.LICENCE_EXPIRING or ": " not in subject:
        return subject, body
    headline, name = subject.rsplit(": ", 1)
    possessive = f"{name}'s "
    if not body.startswith(possessive):
        return subject, body
    own_body = "Your " + body[len(possessive) :]
    if own_body.endswith(LICENCE_ADVICE):
        own_body = own_body[: -len(LICENCE_ADVICE)] + OWN_LICENCE_ADVICE
    return "Your " + headline[0].lower() + headline[1:], own_body


def _licence_text(supervisor: SupervisorFacts, days_left: int) -> tuple[str, str]:
    licence = f"{supervisor.licence_type} licence" if supervisor.licence_type else "licence"
    when = f"{long_date(supervisor.licence_expires_on)} ({relative_days(days_left)})"
    if days_left < 0:
        subject = f"Licence expired: {supervisor.name}"
        body = f"{supervisor.name}'s {licence} expired on {when}."
    else:
        subject = f"Licence expires {relative_days(days_left)}: {supervisor.name}"
        body = f"{supervisor.name}'s {licence} expires on {when}."
    return subject, body + LICENCE_ADVICE


def _provisional_text(candidate: CandidateFacts, as_of: dt.date) -> tuple[str, str]:
    days = (as_of - candidate.provisional_since).days
    subject = f"Still provisional after {_days(days)}: {candidate.name}"
    body = (
        f"{candidate.name} has been provisionally eligible since "
        f"{long_date(candidate.provisional_since)} ({_days(days)}): their recorded "
        "qualifications meet the rules, but not every fact is verified. Verify the evidence "
        "or correct the record."
    )
    return subject, body


# -- deciding -----------------------------------------------------------------------------------


def _recipients(*pairs: tuple[Contact | None, RecipientRole]) -> tuple[Recipient, ...]:
    """Each contact once (by key and by account), in the order given."""
    seen_keys: set[str] = set()
    seen_users: set[int] = set()
    chosen = []
    for contact, role in pairs:
        if contact is None or contact.key in seen_keys or contact.user_id in seen_users:
            continue
        seen_keys.add(contact.key)
        if contact.user_id is not None:
            seen_users.add(contact.user_id)
        chosen.append(Recipient(contact, role))
    return tuple(chosen)


def training_alert(
    mentor: MentorFacts,
    as_of: dt.date,
    policy: AlertPolicy,
    hr: Sequence[Contact],
    alerted: Alerted,
) -> AlertDecision | None:
    """The training alert due for one mentor on ``as_of``, if any."""
    due_on = mentor.training.due_on
    days_left = (due_on - as_of).days
    threshold = training_threshold(days_left, policy)
    if threshold is None:
        return None
    if threshold >= 0:
        kind = Kind.TRAINING_DUE
    elif mentor.training.last_completed_on is None:
        kind = Kind.TRAINING_OVERDUE
    else:
        kind = Kind.TRAINING_LAPSED
    if not is_new(alerted, mentor.person_id, kind, due_on, threshold):
        return None
    pairs: list[tuple[Contact | None, RecipientRole]] = [(mentor.contact, RecipientRole.MENTOR)]
    if threshold <= 0:  # from the due date on, the supervisor and HR are told too
        pairs.append((mentor.supervisor, RecipientRole.SUPERVISOR))
        pairs.extend((contact, RecipientRole.HR) for contact in hr)
    subject, body = _training_text(mentor, kind, days_left)
    return AlertDecision(
        mentor.person_id, kind, threshold, due_on, subject, body, _recipients(*pairs)
    )


def licence_alert(
    supervisor: SupervisorFacts,
    as_of: dt.date,
    policy: AlertPolicy,
    hr: Sequence[Contact],
    alerted: Alerted,
) -> AlertDecision | None:
    """The licence alert due for one supervisor on ``as_of``, if any."""
    due_on = supervisor.licence_expires_on
    days_left = (due_on - as_of).days
    threshold = latest_threshold(days_left, policy.licence_days)
    kind = Kind.LICENCE_EXPIRING
    if threshold is None or not is_new(alerted, supervisor.person_id, kind, due_on, threshold):
        return None
    subject, body = _licence_text(supervisor, days_left)
    pairs = [(supervisor.contact, RecipientRole.SUPERVISOR)]
    pairs.extend((contact, RecipientRole.HR) for contact in hr)
    return AlertDecision(
        supervisor.person_id, kind, threshold, due_on, subject, body, _recipients(*pairs)
    )


def provisional_alert(
    candidate: CandidateFacts,
    as_of: dt.date,
    policy: AlertPolicy,
    hr: Sequence[Contact],
    alerted: Alerted,
) -> AlertDecision | None:
    """One alert per provisional streak, once it is longer than ``provisional_days``.

    The track's due date is the last day the streak may last; threshold -1 is the day after.
    """
    due_on = candidate.provisional_since + dt.timedelta(days=policy.provisional_days)
    kind = Kind.PROVISIONAL_STALE
    if as_of <= due_on or not is_new(alerted, candidate.person_id, kind, due_on, -1):
        return None
    subject, body = _provisional_text(candidate, as_of)
    recipients = _recipients(*((contact, RecipientRole.HR) for contact in hr))
    return AlertDecision(candidate.person_id, kind, -1, due_on, subject, body, recipients)


def decide(
    as_of: dt.date,
    policy: AlertPolicy,
    *,
    mentors: Iterable[MentorFacts] = (),
    supervisors: Iterable[SupervisorFacts] = (),
    candidates: Iterable[CandidateFacts] = (),
    hr: Sequence[Contact] = (),
    alerted: Alerted | None = None,
) -> list[AlertDecision]:
    """Every alert due on ``as_of`` that has not already been alerted."""
    alerted = alerted or {}
    found = [training_alert(mentor, as_of, policy, hr, alerted) for mentor in mentors]
    found += [licence_alert(person, as_of, policy, hr, alerted) for person in supervisors]
    found += [provisional_alert(person, as_of, policy, hr, alerted) for person in candidates]
    return [decision for decision in found if decision is not None]
