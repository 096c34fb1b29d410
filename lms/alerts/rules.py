"""Which alerts are due on a date, as pure functions (time and history are passed in).

Each alert belongs to a *track*: one subject (see ``AlertDecision.subject_key``) and one due
date: one person's training due on one date, one supervisor's licence expiring on one date, one
candidate's provisional streak, one person's requirement expiring on one date. A track passes
thresholds in order (60, 30, 14, 7, 1 days before, the due date, then every week after, for
training; 90, 60, 30 for a licence); on any date the rules
offer only the most recent threshold already reached, and only if nothing as recent or newer was
alerted on that track. So a run missed for a few days still fires the threshold crossed meanwhile
(once), never an older threshold after a newer one, and running twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lms.clinicians.rules import LicencePeriod, licence_valid_on
from lms.oncall.rules import Gap
from lms.requirements.rules import RequirementKind, RequirementStatus
from lms.supervision.rules import WeekStatus
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
    SUPERVISION_PENDING = "supervision_pending"
    SUPERVISION_MISSED = "supervision_missed"
    UNLICENSED_SUPERVISION = "unlicensed_supervision"
    ONCALL_GAP = "oncall_gap"
    REQUIREMENT_DUE = "requirement_due"
    REQUIREMENT_LAPSED = "requirement_lapsed"
    CHECK_DUE = "check_due"
    POLICY_TO_SIGN = "policy_to_sign"

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
    Kind.SUPERVISION_PENDING: "supervision_pending",
    Kind.SUPERVISION_MISSED: "supervision_missed",
    Kind.UNLICENSED_SUPERVISION: "unlicensed_supervision",
    Kind.ONCALL_GAP: "oncall_gap",
    # Before expiry, then on lapse: one track per person, requirement and expiry date.
    Kind.REQUIREMENT_DUE: "requirement",
    Kind.CHECK_DUE: "requirement",
    Kind.REQUIREMENT_LAPSED: "requirement",
    Kind.POLICY_TO_SIGN: "policy",
}
#: Kinds whose rule says how HR receives them (the digest, or at once), whatever HR chose.
FIXED_DELIVERY_KINDS = frozenset(
    {
        Kind.SUPERVISION_MISSED,
        Kind.UNLICENSED_SUPERVISION,
        Kind.REQUIREMENT_DUE,
        Kind.REQUIREMENT_LAPSED,
        Kind.CHECK_DUE,
        Kind.POLICY_TO_SIGN,
    }
)


class RecipientRole(enum.StrEnum):
    MENTOR = "mentor"  # the mentor a training alert is about
    SELF = "self"  # the person any other alert is about (a requirement, a policy to sign)
    SUPERVISOR = "supervisor"
    HR = "hr"
    ADMIN = "admin"


#: Roles that read the alert as its own subject ("Your training…", "Your CPR card…").
OWN_ROLES = frozenset({RecipientRole.MENTOR, RecipientRole.SELF})


@dataclass(frozen=True)
class AlertPolicy:
    due_days: tuple[int, ...] = (60, 30, 14, 7, 1, 0)  # days before a training due date
    repeat_days: int = 7  # overdue and lapsed reminders, after the due date
    licence_days: tuple[int, ...] = (90, 60, 30)
    provisional_days: int = 14  # alert once a streak is longer than this
    #: The weekday (Monday 0 … Sunday 6) supervisors hear of supervisees' pending weeks.
    reminder_weekday: int = 3


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
class SuperviseeWeek:
    """One therapeutic mentor's supervision week as ``lms.supervision.rules`` judged it."""

    mentor_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    status: WeekStatus
    supervisor: Contact | None  # the mentor's supervisor on record


@dataclass(frozen=True)
class SessionLicenceFacts:
    """A supervision session (not superseded) and its supervisor's licence records."""

    session_id: int
    held_on: dt.date
    supervisor_id: int
    supervisor_name: str
    mentor_name: str
    supervisor_licences: tuple[LicencePeriod, ...]


@dataclass(frozen=True)
class RequirementFacts:
    """One person's status on one requirement, as ``lms.requirements.rules`` judged it."""

    person_id: int
    name: str
    contact: Contact
    key: str  # the requirement's key
    requirement: str  # its name
    kind: RequirementKind
    status: RequirementStatus
    valid_until: dt.date | None  # the last day the record that answers covers
    warning_days: int


@dataclass(frozen=True)
class PolicyFacts:
    """The newest published version of a policy a person must sign and has not."""

    person_id: int
    name: str
    contact: Contact
    key: str  # the acknowledgment requirement's key
    policy: str  # its name
    version: int
    effective_on: dt.date
    grace_days: int  # after the effective date during which an older signature still counts


@dataclass(frozen=True)
class Recipient:
    contact: Contact
    role: RecipientRole
    #: True: always in the daily digest; False: always at once; None: as the recipient chose.
    digest: bool | None = None


@dataclass(frozen=True)
class AlertDecision:
    person_id: int | None  # None: about no one (an on-call gap)
    kind: Kind
    threshold: int  # days before due_on; negative after it
    due_on: dt.date
    subject: str
    body: str
    recipients: tuple[Recipient, ...]
    #: What the alert is about when it is not simply the person (see lms.alerts.models).
    about: str | None = None
    #: The text as the person it is about reads it, when they are among the recipients.
    own_subject: str | None = None
    own_body: str | None = None

    @property
    def subject_key(self) -> str:
        return self.about or person_key(self.person_id)

    @property
    def key(self) -> tuple[str, str, int, dt.date]:
        return (self.subject_key, self.kind.value, self.threshold, self.due_on)


def person_key(person_id: int | None) -> str:
    return f"person:{person_id}"


#: The newest threshold already alerted per (subject key, track, due_on): the lowest number.
Alerted = Mapping[tuple[str, str, dt.date], int]


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


def is_new(alerted: Alerted, subject: str, kind: Kind, due_on: dt.date, threshold: int) -> bool:
    """Whether nothing as recent as ``threshold`` (or newer) was alerted on this track."""
    newest = alerted.get((subject, kind.track, due_on))
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


def _own_training_text(mentor: MentorFacts, kind: Kind, days_left: int) -> tuple[str, str]:
    """The training alert as the mentor reads it: their own training, in the second person."""
    state = mentor.training
    initial = state.last_completed_on is None
    what = "initial training" if initial else "annual training renewal"
    when = f"{long_date(state.due_on)} ({relative_days(days_left)})"
    if kind is Kind.TRAINING_DUE:
        if days_left < 0:
            subject = f"Your training was due {long_date(state.due_on)}"
        else:
            subject = f"Your training is due {relative_days(days_left)}"
        verb = "was due" if days_left < 0 else "is due"
        body = f"Your Therapeutic Mentoring {what} {verb} on {when}."
        if not initial:
            body += " Your current certificate expires that day."
        body += " Sign in to the training app to complete the remaining modules."
        return subject, body
    if kind is Kind.TRAINING_OVERDUE:
        subject = f"Your training is overdue by {_days(-days_left)}"
        body = (
            f"Your initial Therapeutic Mentoring training was due on {when} and is not "
            "complete. Your supervisor and HR are told every week until it is."
        )
        return subject, body
    subject = f"Your training certification lapsed {_days(-days_left)} ago"
    body = (
        f"Your annual Therapeutic Mentoring training expired on {when}. You are not current "
        "on training until you complete the renewal. Your supervisor and HR are told every "
        "week until you do."
    )
    return subject, body


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


def _recipients(
    *pairs: tuple[Contact | None, RecipientRole], digest: Mapping[RecipientRole, bool] | None = None
) -> tuple[Recipient, ...]:
    """Each contact once (by key and by account), in the order given; ``digest`` forces the
    daily digest (True) or a message at once (False) on the roles it names."""
    seen_keys: set[str] = set()
    seen_users: set[int] = set()
    chosen = []
    for contact, role in pairs:
        if contact is None or contact.key in seen_keys or contact.user_id in seen_users:
            continue
        seen_keys.add(contact.key)
        if contact.user_id is not None:
            seen_users.add(contact.user_id)
        chosen.append(Recipient(contact, role, (digest or {}).get(role)))
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
    if not is_new(alerted, person_key(mentor.person_id), kind, due_on, threshold):
        return None
    pairs: list[tuple[Contact | None, RecipientRole]] = [(mentor.contact, RecipientRole.MENTOR)]
    if threshold <= 0:  # from the due date on, the supervisor and HR are told too
        pairs.append((mentor.supervisor, RecipientRole.SUPERVISOR))
        pairs.extend((contact, RecipientRole.HR) for contact in hr)
    subject, body = _training_text(mentor, kind, days_left)
    own_subject, own_body = _own_training_text(mentor, kind, days_left)
    return AlertDecision(
        mentor.person_id,
        kind,
        threshold,
        due_on,
        subject,
        body,
        _recipients(*pairs),
        own_subject=own_subject,
        own_body=own_body,
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
    subject_key = person_key(supervisor.person_id)
    if threshold is None or not is_new(alerted, subject_key, kind, due_on, threshold):
        return None
    subject, body = _licence_text(supervisor, days_left)
    own_subject, own_body = worded_for_its_subject(kind, subject, body)
    pairs = [(supervisor.contact, RecipientRole.SUPERVISOR)]
    pairs.extend((contact, RecipientRole.HR) for contact in hr)
    return AlertDecision(
        supervisor.person_id,
        kind,
        threshold,
        due_on,
        subject,
        body,
        _recipients(*pairs),
        own_subject=own_subject,
        own_body=own_body,
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
    if as_of <= due_on or not is_new(alerted, person_key(candidate.person_id), kind, due_on, -1):
        return None
    subject, body = _provisional_text(candidate, as_of)
    recipients = _recipients(*((contact, RecipientRole.HR) for contact in hr))
    return AlertDecision(candidate.person_id, kind, -1, due_on, subject, body, recipients)


# -- supervision (issue 10) ----------------------------------------------------------------------

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _week_text(week: SuperviseeWeek) -> str:
    return f"the week of {long_date(week.starts_on)} to {long_date(week.ends_on)}"


def supervision_reminder(
    week: SuperviseeWeek, as_of: dt.date, policy: AlertPolicy, alerted: Alerted
) -> AlertDecision | None:
    """On the reminder weekday, a supervisee's week still ``pending`` (required, not over, no
    session counting yet) to their supervisor: once per mentor and week."""
    if (
        as_of.weekday() != policy.reminder_weekday
        or week.status is not WeekStatus.PENDING
        or not week.starts_on <= as_of <= week.ends_on
        or week.supervisor is None
    ):
        return None
    kind, days_left = Kind.SUPERVISION_PENDING, (week.ends_on - as_of).days
    subject_key = person_key(week.mentor_id)
    if not is_new(alerted, subject_key, kind, week.ends_on, days_left):
        return None
    subject = f"Supervision not recorded yet this week: {week.name}"
    body = (
        f"No supervision session that counts is recorded for {week.name} in "
        f"{_week_text(week)}, and the week requires one. The week ends "
        f"{relative_days(days_left)}: hold an individual session with a licensed clinician "
        "and record it, or the week is reported to HR as missed."
    )
    recipients = _recipients((week.supervisor, RecipientRole.SUPERVISOR))
    return AlertDecision(week.mentor_id, kind, days_left, week.ends_on, subject, body, recipients)


def missed_week_alert(
    week: SuperviseeWeek, hr: Sequence[Contact], alerted: Alerted
) -> AlertDecision | None:
    """A week that required supervision and ended with none counting: to HR, in the daily
    digest, once per mentor and week (due on the week's first day)."""
    kind = Kind.SUPERVISION_MISSED
    if week.status is not WeekStatus.MISSED or not is_new(
        alerted, person_key(week.mentor_id), kind, week.starts_on, 0
    ):
        return None
    subject = f"Supervision missed: {week.name}, week of {long_date(week.starts_on)}"
    body = (
        f"{week.name} had no supervision session that counts in {_week_text(week)}, which "
        "required one. Record a session held that week if there was one (a late entry is "
        "flagged as such), or note why there was none."
    )
    recipients = _recipients(
        *((contact, RecipientRole.HR) for contact in hr), digest={RecipientRole.HR: True}
    )
    return AlertDecision(week.mentor_id, kind, 0, week.starts_on, subject, body, recipients)


def unlicensed_session_alert(
    session: SessionLicenceFacts, hr: Sequence[Contact], alerted: Alerted
) -> AlertDecision | None:
    """A session held by someone with no licence valid that day: to HR at once (never in a
    digest), once per session."""
    kind, about = Kind.UNLICENSED_SUPERVISION, f"session:{session.session_id}"
    if licence_valid_on(session.supervisor_licences, session.held_on) or not is_new(
        alerted, about, kind, session.held_on, 0
    ):
        return None
    subject = f"Supervision without a valid licence: {session.supervisor_name}"
    body = (
        f"{session.supervisor_name} supervised {session.mentor_name} on "
        f"{long_date(session.held_on)} with no licence valid that day, so the session does not "
        "count. Record the licence that was valid that day if there was one; otherwise arrange "
        "supervision by a licensed clinician."
    )
    recipients = _recipients(
        *((contact, RecipientRole.HR) for contact in hr), digest={RecipientRole.HR: False}
    )
    return AlertDecision(
        session.supervisor_id, kind, 0, session.held_on, subject, body, recipients, about=about
    )


# -- on-call coverage (issue 10) ------------------------------------------------------------------


def gap_key(gap: Gap, timezone: str) -> str:
    """``oncall-gap:<start>/<end>`` in local ISO 8601 with the offset: a changed gap is new."""
    times = gap.as_dict(timezone)
    return f"oncall-gap:{times['starts_at']}/{times['ends_at']}"


def _local_parts(instant: dt.datetime, timezone: str) -> tuple[str, str, str]:
    """("10 March 2026", "12:00", "UTC-04:00"): the local date, time and offset."""
    local = dt.datetime.fromisoformat(Gap(instant, instant).as_dict(timezone)["starts_at"])
    offset = local.strftime("%z")
    return long_date(local.date()), f"{local:%H:%M}", f"UTC{offset[:3]}:{offset[3:]}"


def gap_text(gap: Gap, timezone: str) -> tuple[str, str]:
    """The gap's start and end as people read them; the end's date is left out when it is
    the start's and the UTC offset is the same."""
    (day, time, offset), (end_day, end_time, end_offset) = (
        _local_parts(gap.starts_at, timezone),
        _local_parts(gap.ends_at, timezone),
    )
    if (day, offset) == (end_day, end_offset):
        return f"{day} {time}", f"{end_time} ({offset})"
    return f"{day} {time} ({offset})", f"{end_day} {end_time} ({end_offset})"


def oncall_gap_alert(
    gap: Gap, timezone: str, recipients: Sequence[Recipient], alerted: Alerted
) -> AlertDecision | None:
    """A gap in on-call coverage: to admins and HR, once per gap, and again when it changes."""
    kind, about = Kind.ONCALL_GAP, gap_key(gap, timezone)
    due_on = dt.date.fromisoformat(gap.as_dict(timezone)["starts_at"][:10])
    if not is_new(alerted, about, kind, due_on, 0):
        return None
    minutes = int((gap.ends_at - gap.starts_at).total_seconds() // 60)
    length = f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"
    start, end = gap_text(gap, timezone)
    subject = f"On-call gap: {start} to {end}"
    body = (
        f"No senior licensed clinician is on call from {start} to {end} ({length}) during "
        "service hours. Add an on-call block to the roster to cover it."
    )
    return AlertDecision(None, kind, 0, due_on, subject, body, tuple(recipients), about=about)


# -- requirements (issue 12) ----------------------------------------------------------------------


def requirement_alert(
    facts: RequirementFacts, as_of: dt.date, hr: Sequence[Contact], alerted: Alerted
) -> AlertDecision | None:
    """Before a requirement lapses (once its warning period begins) and on lapse, once per
    person, requirement and expiry date. A check (a background check, exclusion screening) is
    HR's to run, so it goes to HR only; a credential or course to the person too. HR reads
    these in the daily digest. Policies to sign are ``policy_alert``'s."""
    if facts.kind is RequirementKind.ACKNOWLEDGMENT or facts.valid_until is None:
        return None
    expires_on = facts.valid_until + dt.timedelta(days=1)
    days_left = (expires_on - as_of).days
    check = facts.kind is RequirementKind.CHECK
    if facts.status is RequirementStatus.DUE_SOON:
        kind = Kind.CHECK_DUE if check else Kind.REQUIREMENT_DUE
        threshold = max(facts.warning_days, 0)
    elif facts.status is RequirementStatus.EXPIRED:
        kind, threshold = Kind.REQUIREMENT_LAPSED, 0
    else:
        return None
    about = f"{person_key(facts.person_id)}/requirement:{facts.key}"
    if not is_new(alerted, about, kind, expires_on, threshold):
        return None
    what, name = facts.requirement, facts.name
    when = f"{long_date(expires_on)} ({relative_days(days_left)})"
    if kind is Kind.REQUIREMENT_LAPSED:
        subject = f"{what} lapsed: {name}"
        body = f"{name}'s {what} expired on {when}."
        own = (f"Your {what} has lapsed", f"Your {what} expired on {when}.")
        advice = " Record the new one with its evidence."
    else:
        subject = f"{what} due {relative_days(days_left)}: {name}"
        body = f"{name}'s {what} expires on {when}."
        own = (f"Your {what} expires {relative_days(days_left)}", f"Your {what} expires on {when}.")
        advice = " Record the renewal with its evidence before then."
    if check:
        advice = (
            " Run the check again and record that it cleared."
            if kind is Kind.CHECK_DUE
            else (" Run the check and record that it cleared.")
        )
    pairs: list[tuple[Contact | None, RecipientRole]] = []
    if not check:
        pairs.append((facts.contact, RecipientRole.SELF))
    pairs.extend((contact, RecipientRole.HR) for contact in hr)
    recipients = _recipients(*pairs, digest={RecipientRole.HR: True})
    own_advice = (
        " Renew it and give HR the new one."
        if kind is Kind.REQUIREMENT_LAPSED
        else " Renew it before then and give HR the new one."
    )
    own_subject, own_body = (None, None) if check else (own[0], own[1] + own_advice)
    return AlertDecision(
        facts.person_id,
        kind,
        threshold,
        expires_on,
        subject,
        body + advice,
        recipients,
        about=about,
        own_subject=own_subject,
        own_body=own_body,
    )


def sign_by(policy: PolicyFacts) -> dt.date:
    """The last day an older signature counts: the grace period's last day (the day before the
    effective date when there is no grace period)."""
    return policy.effective_on + dt.timedelta(days=policy.grace_days - 1)


def policy_alert(
    policy: PolicyFacts, as_of: dt.date, hr: Sequence[Contact], alerted: Alerted
) -> AlertDecision | None:
    """A policy version the person has not signed: to them, and to HR in the digest, once per
    person and version (due on the version's effective date)."""
    kind = Kind.POLICY_TO_SIGN
    about = f"{person_key(policy.person_id)}/requirement:{policy.key}/version:{policy.version}"
    if not is_new(alerted, about, kind, policy.effective_on, 0):
        return None
    deadline = sign_by(policy)
    starts = "took effect" if policy.effective_on <= as_of else "takes effect"
    due = "was due by" if deadline < as_of else "is due by"
    version = f"version {policy.version} of the {policy.policy}"
    subject = f"Policy to sign: {policy.policy} (version {policy.version}): {policy.name}"
    body = (
        f"{policy.name} has not signed {version}, which {starts} on "
        f"{long_date(policy.effective_on)}. Their signature {due} {long_date(deadline)}."
    )
    own_subject = f"Please sign the {policy.policy} (version {policy.version})"
    own_body = (
        f"{version[0].upper()}{version[1:]} {starts} on {long_date(policy.effective_on)}. "
        f"Read it and sign it from your home page in the app; your signature {due} "
        f"{long_date(deadline)}."
    )
    recipients = _recipients(
        (policy.contact, RecipientRole.SELF),
        *((contact, RecipientRole.HR) for contact in hr),
        digest={RecipientRole.HR: True},
    )
    return AlertDecision(
        policy.person_id,
        kind,
        0,
        policy.effective_on,
        subject,
        body,
        recipients,
        about=about,
        own_subject=own_subject,
        own_body=own_body,
    )


def gap_recipients(admins: Sequence[Contact], hr: Sequence[Contact]) -> tuple[Recipient, ...]:
    return _recipients(
        *((contact, RecipientRole.ADMIN) for contact in admins),
        *((contact, RecipientRole.HR) for contact in hr),
    )


def decide(
    as_of: dt.date,
    policy: AlertPolicy,
    *,
    mentors: Iterable[MentorFacts] = (),
    supervisors: Iterable[SupervisorFacts] = (),
    candidates: Iterable[CandidateFacts] = (),
    weeks: Iterable[SuperviseeWeek] = (),
    sessions: Iterable[SessionLicenceFacts] = (),
    gaps: Iterable[Gap] = (),
    requirements: Iterable[RequirementFacts] = (),
    policies: Iterable[PolicyFacts] = (),
    hr: Sequence[Contact] = (),
    admins: Sequence[Contact] = (),
    timezone: str = "America/New_York",
    alerted: Alerted | None = None,
) -> list[AlertDecision]:
    """Every alert due on ``as_of`` that has not already been alerted."""
    alerted = alerted or {}
    found = [training_alert(mentor, as_of, policy, hr, alerted) for mentor in mentors]
    found += [licence_alert(person, as_of, policy, hr, alerted) for person in supervisors]
    found += [provisional_alert(person, as_of, policy, hr, alerted) for person in candidates]
    weeks = list(weeks)
    found += [supervision_reminder(week, as_of, policy, alerted) for week in weeks]
    found += [missed_week_alert(week, hr, alerted) for week in weeks]
    found += [unlicensed_session_alert(session, hr, alerted) for session in sessions]
    to_gaps = gap_recipients(admins, hr)
    found += [oncall_gap_alert(gap, timezone, to_gaps, alerted) for gap in gaps]
    found += [requirement_alert(facts, as_of, hr, alerted) for facts in requirements]
    found += [policy_alert(facts, as_of, hr, alerted) for facts in policies]
    return [decision for decision in found if decision is not None]
