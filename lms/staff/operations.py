"""Use cases for staff records: adding and changing people, verifying identity."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.auditlog.operations import record
from lms.auth.models import User
from lms.eligibility.rules import verification_problem
from lms.events import PersonChanged, StaffRecordChanged, announce
from lms.staff.models import (
    CLINICAL_POSITIONS,
    EmploymentPeriod,
    Person,
    Position,
    PositionChange,
    StaffStatus,
    VerificationMethod,
)
from lms.staff.queries import employment_periods, has_identity_evidence, position_changes
from lms.staff.rules import Employment, employment_after_change, past_employment_problems
from lms.uniqueness import refusing_duplicates
from lms.validation import InvalidInput, check_date


@dataclass(frozen=True)
class PersonDetails:
    """What HR records about a person; every field is checked by ``_validate``."""

    legal_name: str
    date_of_birth: dt.date
    position: Position
    status: StaffStatus
    preferred_name: str | None = None
    work_email: str | None = None
    hire_on: dt.date | None = None
    separated_on: dt.date | None = None
    supervisor_id: int | None = None
    user_email: str | None = None
    #: When ``position`` is a change: the day the new position took effect (None: today).
    position_since: dt.date | None = None


def _clean(details: PersonDetails) -> PersonDetails:
    values = {}
    for item in fields(details):
        value = getattr(details, item.name)
        if isinstance(value, str) and not isinstance(value, enum.Enum):
            value = value.strip() or None
        values[item.name] = value
    if values["work_email"]:
        values["work_email"] = values["work_email"].lower()
    if values["user_email"]:
        values["user_email"] = values["user_email"].lower()
    return PersonDetails(**values)


def person_problems(
    session: Session, details: PersonDetails, person_id: int | None, today: dt.date
) -> list[InvalidInput]:
    """Every problem with ``details``, in the order of the fields (empty when they are fine).

    A field given as None where it is required is taken to be reported already by whoever
    read it (the CSV import checks cells first), so only the rules between fields apply.
    """
    return list(_problems(session, _clean(details), person_id, today))


def _validate(session: Session, details: PersonDetails, person_id: int | None, today: dt.date):
    for problem in _problems(session, details, person_id, today):
        raise problem


def _problems(
    session: Session, details: PersonDetails, person_id: int | None, today: dt.date
) -> Iterator[InvalidInput]:
    if not details.legal_name:
        yield InvalidInput("Enter the person's legal name.", "legal_name")
    if details.date_of_birth is not None:
        if details.date_of_birth > today:
            yield InvalidInput("The date of birth cannot be in the future.", "date_of_birth")
        elif details.date_of_birth < dt.date(1900, 1, 1):
            yield InvalidInput("Check the date of birth.", "date_of_birth")
    if details.status is StaffStatus.ACTIVE and details.hire_on is None:
        yield InvalidInput("An active employee needs a hire date.", "hire_on")
    for day, field, label in (
        (details.hire_on, "hire_on", "The hire date"),
        (details.separated_on, "separated_on", "The separation date"),
    ):
        if day is not None:
            try:
                check_date(day, field, label, today)
            except InvalidInput as problem:
                yield problem
    if details.status is StaffStatus.SEPARATED:
        if details.separated_on is None:
            yield InvalidInput("Enter the date the person left.", "separated_on")
        elif details.hire_on and details.separated_on < details.hire_on:
            yield InvalidInput("The separation date is before the hire date.", "separated_on")
    elif details.separated_on is not None:
        yield InvalidInput("Only separated staff have a separation date.", "separated_on")
    if details.work_email:
        clash = session.execute(
            select(Person.id).where(Person.work_email == details.work_email)
        ).scalar_one_or_none()
        if clash is not None and clash != person_id:
            yield InvalidInput("Another person already has this work email.", "work_email")
    if details.supervisor_id is not None:
        supervisor = session.get(Person, details.supervisor_id)
        if supervisor is None or supervisor.position not in CLINICAL_POSITIONS:
            yield InvalidInput("The supervisor must be a licensed clinician.", "supervisor_id")
        elif supervisor.status is StaffStatus.SEPARATED:
            yield InvalidInput("The supervisor has left the agency.", "supervisor_id")
        elif supervisor.id == person_id:
            yield InvalidInput("A person cannot supervise themselves.", "supervisor_id")


def _linked_user_id(session: Session, email: str | None, person_id: int | None) -> int | None:
    if not email:
        return None
    user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        raise InvalidInput("No user account has this email.", "user_email")
    other = session.execute(select(Person.id).where(Person.user_id == user.id)).scalar_one_or_none()
    if other is not None and other != person_id:
        raise InvalidInput("That user account belongs to another person.", "user_email")
    return user.id


def _audit_values(person: Person) -> dict[str, object]:
    names = (
        "legal_name",
        "preferred_name",
        "date_of_birth",
        "work_email",
        "hire_on",
        "position",
        "status",
        "separated_on",
        "supervisor_id",
        "user_id",
    )
    values = {}
    for name in names:
        value = getattr(person, name)
        values[name] = value.isoformat() if isinstance(value, dt.date) else value
    return values


def create_person(session: Session, actor: Actor, details: PersonDetails, today: dt.date) -> Person:
    """Add a candidate or employee and store their first determination."""
    details = _clean(details)
    _validate(session, details, None, today)
    now = actor.now()
    employment = employment_after_change([], details.status, details.hire_on, details.separated_on)
    person = Person(
        **{name: getattr(details, name) for name in _PERSON_FIELDS},
        user_id=_linked_user_id(session, details.user_email, None),
        created_at=now,
        updated_at=now,
    )
    with refusing_duplicates(session):  # a simultaneous create with the same work email
        session.add(person)
    record(session, actor, "person.create", "person", person.id, _audit_values(person))
    first_day = min(details.hire_on, today) if details.hire_on else today
    _store_position(session, actor, person, None, details.position, first_day)
    _store_employment(session, actor, person, [], employment)
    announce(PersonChanged(session, actor, person, "person.create", today))
    announce(StaffRecordChanged(session, actor, person, today))
    return person


_PERSON_FIELDS = (
    "legal_name",
    "preferred_name",
    "date_of_birth",
    "work_email",
    "hire_on",
    "position",
    "status",
    "separated_on",
    "supervisor_id",
)


def update_person(
    session: Session, actor: Actor, person: Person, details: PersonDetails, today: dt.date
) -> None:
    """Change a person's record; a new date of birth clears the identity verification."""
    details = _clean(details)
    _validate(session, details, person.id, today)
    periods = employment_periods(session, person.id)
    employment = employment_after_change(
        [period.employment for period in periods],
        details.status,
        details.hire_on,
        details.separated_on,
    )
    before = _audit_values(person)
    dob_changed = details.date_of_birth != person.date_of_birth
    position_changed = details.position != person.position
    if position_changed:
        since = _position_since(session, person, details.position_since, today)
    user_id = _linked_user_id(session, details.user_email, person.id)
    with refusing_duplicates(session):  # a simultaneous change to the same work email
        for name in _PERSON_FIELDS:
            setattr(person, name, getattr(details, name))
        person.user_id = user_id
    if dob_changed:
        _clear_identity_verification(person)
    after = _audit_values(person)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return
    person.updated_at = actor.now()
    session.flush()
    record(session, actor, "person.update", "person", person.id, {"changes": changes})
    if position_changed:
        if not position_changes(session, person.id):
            # A record from before position history (written without its operation): its
            # position until now is kept first, so earlier dates keep it.
            started = min([p.hired_on for p in periods] + [since - dt.timedelta(days=1)])
            _store_position(session, actor, person, None, Position(before["position"]), started)
        _store_position(session, actor, person, before["position"], person.position, since)
    _store_employment(session, actor, person, periods, employment)
    if dob_changed or position_changed:
        trigger = "person.date_of_birth" if dob_changed else "person.position"
        announce(PersonChanged(session, actor, person, trigger, today))
    announce(StaffRecordChanged(session, actor, person, today))


def _position_since(
    session: Session, person: Person, since: dt.date | None, today: dt.date
) -> dt.date:
    """The day a change of position takes effect: by today, and after the last change (the
    same day as the last change corrects it)."""
    since = since or today
    if since > today:
        raise InvalidInput(
            "A change of position takes effect by today: record it on the day it happens.",
            "position_since",
        )
    check_date(since, "position_since", "The date the position changed", today)
    history = position_changes(session, person.id)
    if history and since < history[-1].effective_on:
        raise InvalidInput(
            "The position changed last on "
            f"{history[-1].effective_on.isoformat()}; a new change must be on or after it.",
            "position_since",
        )
    return since


def _store_position(
    session: Session,
    actor: Actor,
    person: Person,
    before: str | None,
    position: Position,
    effective_on: dt.date,
) -> None:
    """Write the position history: ``position`` from ``effective_on`` (a change on the day of
    the last one corrects it), audited."""
    row = session.execute(
        select(PositionChange).where(
            PositionChange.person_id == person.id, PositionChange.effective_on == effective_on
        )
    ).scalar_one_or_none()
    if row is None:
        row = PositionChange(person_id=person.id, effective_on=effective_on)
        session.add(row)
    row.position = position
    row.recorded_at = actor.now()
    row.recorded_by_id = actor.user_id
    session.flush()
    record(
        session,
        actor,
        "position.change",
        "position_change",
        row.id,
        {
            "person_id": person.id,
            "before": before,
            "position": position.value,
            "effective_on": effective_on.isoformat(),
        },
    )


def _store_employment(
    session: Session,
    actor: Actor,
    person: Person,
    stored: list[EmploymentPeriod],
    wanted: list[Employment],
) -> None:
    """Bring the stored periods in line with ``wanted``. ``employment_after_change`` only ever
    changes the latest period or adds one after it, so that is all there is to write."""
    if [period.employment for period in stored] == wanted:
        return
    if len(wanted) > len(stored):
        period = EmploymentPeriod(person_id=person.id, created_at=actor.now())
        session.add(period)
        action, before = "employment.start", None
    else:
        period = stored[-1]
        action, before = "employment.change", _period_values(period.employment)
    period.hired_on, period.separated_on = wanted[-1].hired_on, wanted[-1].separated_on
    session.flush()
    details = {"person_id": person.id, "before": before, "after": _period_values(wanted[-1])}
    record(session, actor, action, "employment_period", period.id, details)


def add_past_employment(
    session: Session,
    actor: Actor,
    person: Person,
    hired_on: dt.date,
    separated_on: dt.date,
    today: dt.date,
) -> EmploymentPeriod:
    """Add a past period of employment to a person's history (a former or rehired employee's
    earlier spells, brought in from a provider's records). It must end by today, overlap no
    other period and end before the latest one begins; the staff record's own hire and
    separation dates keep describing the latest period."""
    for day, name, label in (
        (hired_on, "hired_on", "The hire date"),
        (separated_on, "separated_on", "The last day employed"),
    ):
        if day is None:
            raise InvalidInput(f"{label} is required.", name)
        check_date(day, name, label, today)
    stored = employment_periods(session, person.id)
    periods = [period.employment for period in stored]
    if not periods and person.status is not StaffStatus.CANDIDATE and person.hire_on:
        periods = [Employment(person.hire_on, person.separated_on)]  # a record without its period
    planned = person.hire_on if person.status is StaffStatus.CANDIDATE else None
    wanted = Employment(hired_on, separated_on)
    for problem in past_employment_problems(periods, planned, wanted, today):
        raise problem
    period = EmploymentPeriod(
        person_id=person.id, hired_on=hired_on, separated_on=separated_on, created_at=actor.now()
    )
    session.add(period)
    session.flush()
    record(
        session,
        actor,
        "employment.add_past",
        "employment_period",
        period.id,
        {"person_id": person.id, "before": None, "after": _period_values(wanted)},
    )
    announce(StaffRecordChanged(session, actor, person, today))
    return period


def _period_values(employment: Employment) -> dict[str, str | None]:
    ended = employment.separated_on
    return {
        "hired_on": employment.hired_on.isoformat(),
        "separated_on": ended.isoformat() if ended else None,
    }


def _clear_identity_verification(person: Person) -> None:
    person.identity_verified_at = None
    person.identity_verified_by_id = None
    person.identity_verification_method = None
    person.identity_verification_note = None


def verify_identity(
    session: Session,
    actor: Actor,
    person: Person,
    method: VerificationMethod,
    note: str | None,
    today: dt.date,
) -> None:
    """Record that HR checked the person's identity and date of birth: on the ID attached as
    evidence, or on a note saying how, whom and when (the rule every verification follows)."""
    note = (note or "").strip() or None
    if method is not VerificationMethod.GOVERNMENT_ID and note is None:
        raise InvalidInput(
            "Identity is checked against a government ID; say how it was checked otherwise.",
            "note",
        )
    problem = verification_problem(
        method.value, method.label, has_identity_evidence(session, person.id), note
    )
    if problem is not None:
        raise InvalidInput(problem[1], problem[0])
    person.identity_verified_at = actor.now()
    person.identity_verified_by_id = actor.user_id
    person.identity_verification_method = method
    person.identity_verification_note = note
    session.flush()
    record(
        session,
        actor,
        "person.verify_identity",
        "person",
        person.id,
        {"method": method.value, "note": person.identity_verification_note},
    )
    announce(PersonChanged(session, actor, person, "person.verify_identity", today))


def link_account(session: Session, actor: Actor, person: Person, user_id: int | None) -> None:
    """Link ``person``'s staff record to the sign-in account ``user_id`` (None: unlink), in one
    step from either side; an account belongs to at most one person."""
    if user_id is not None:
        if session.get(User, user_id) is None:
            raise InvalidInput("There is no such sign-in account.", "user_id")
        other = session.execute(
            select(Person.id).where(Person.user_id == user_id)
        ).scalar_one_or_none()
        if other is not None and other != person.id:
            raise InvalidInput("That sign-in account is linked to another person.", "user_id")
    if person.user_id == user_id:
        return
    before = person.user_id
    person.user_id = user_id
    person.updated_at = actor.now()
    session.flush()
    record(
        session,
        actor,
        "person.update",
        "person",
        person.id,
        {"changes": {"user_id": [before, user_id]}},
    )
