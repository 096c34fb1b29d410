"""Use cases for supervision: record, sign, acknowledge and correct sessions; record leave;
import paper logs. Flush, never commit."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.auditlog.operations import record
from lms.staff.models import Person, Position
from lms.supervision.models import LeavePeriod, LeaveReason, SupervisionSession
from lms.supervision.rules import (
    Modality,
    SessionFormat,
    check_leave,
    check_session_input,
    youth_data_warnings,
)
from lms.validation import InvalidInput, text_problem


@dataclass(frozen=True)
class SessionDetails:
    mentor_id: int
    supervisor_id: int
    held_on: dt.date
    minutes: int
    format: SessionFormat
    modality: Modality
    starts_at_time: dt.time | None = None
    topics: tuple[str, ...] = ()
    note: str | None = None
    follow_ups: str | None = None


def _mentor(session: Session, person_id: int, field_name: str = "mentor_id") -> Person:
    person = session.get(Person, person_id)
    if person is None or person.position is not Position.THERAPEUTIC_MENTOR:
        raise InvalidInput("Choose a therapeutic mentor.", field_name)
    return person


def _check(
    session: Session, details: SessionDetails, today: dt.date, topics: tuple[str, ...]
) -> SessionDetails:
    _mentor(session, details.mentor_id)
    if session.get(Person, details.supervisor_id) is None:
        raise InvalidInput("Choose the supervising clinician.", "supervisor_id")
    if details.mentor_id == details.supervisor_id:
        raise InvalidInput("A mentor cannot supervise themselves.", "supervisor_id")
    if details.held_on is None:
        raise InvalidInput("Enter the date the session was held.", "held_on")
    if details.minutes is None:
        raise InvalidInput("Enter how many minutes the session lasted.", "minutes")
    check_session_input(details.held_on, details.minutes, today)
    unknown = [topic for topic in details.topics if topic not in topics]
    if unknown:
        raise InvalidInput(f"Unknown topic: {unknown[0]}.", "topics")
    note = (details.note or "").strip() or None
    follow_ups = (details.follow_ups or "").strip() or None
    return SessionDetails(
        mentor_id=details.mentor_id,
        supervisor_id=details.supervisor_id,
        held_on=details.held_on,
        minutes=details.minutes,
        format=SessionFormat(details.format),
        modality=Modality(details.modality),
        starts_at_time=details.starts_at_time,
        topics=tuple(dict.fromkeys(details.topics)),
        note=note,
        follow_ups=follow_ups,
    )


def _audit(row: SupervisionSession) -> dict[str, object]:
    return {
        "mentor_id": row.mentor_id,
        "supervisor_id": row.supervisor_id,
        "held_on": row.held_on.isoformat(),
        "minutes": row.minutes,
        "format": row.format.value,
        "modality": row.modality.value,
        "imported": row.imported,
        "supersedes_id": row.supersedes_id,
    }


def _new_row(
    details: SessionDetails, actor: Actor, *, imported: bool = False
) -> SupervisionSession:
    return SupervisionSession(
        mentor_id=details.mentor_id,
        supervisor_id=details.supervisor_id,
        held_on=details.held_on,
        starts_at_time=details.starts_at_time,
        minutes=details.minutes,
        format=details.format,
        modality=details.modality,
        topics=list(details.topics),
        note=details.note,
        follow_ups=details.follow_ups,
        recorded_at=actor.now(),
        recorded_by_id=actor.user_id,
        recorded_by_label=actor.label,
        imported=imported,
    )


def _sign(row: SupervisionSession, actor: Actor, supervisor: Person, typed_name: str) -> None:
    typed = " ".join((typed_name or "").split())
    if not typed:
        raise InvalidInput("Type your full name to sign.", "signed_name")
    if len(typed) > 200:
        raise InvalidInput("The typed name is at most 200 characters.", "signed_name")
    if actor.user_id is None or supervisor.user_id != actor.user_id:
        raise InvalidInput("Only the supervising clinician can sign the session.", "signed_name")
    row.signed_at = actor.now()
    row.signed_by_id = actor.user_id
    row.signed_name = typed


def record_session(
    session: Session,
    actor: Actor,
    details: SessionDetails,
    today: dt.date,
    topics: tuple[str, ...],
    signed_name: str | None = None,
    supersedes: SupervisionSession | None = None,
) -> tuple[SupervisionSession, list[str]]:
    """Record a session (signed at once when ``signed_name`` is given) and return it with any
    warnings about its note. With ``supersedes``, the new session is a correction of that one."""
    details = _check(session, details, today, topics)
    row = _new_row(details, actor)
    if supersedes is not None:
        # Two corrections at once take turns here: the second then finds the first.
        supersedes = _locked(session, supersedes)
        if supersedes.mentor_id != details.mentor_id:
            raise InvalidInput("A correction is for the same mentor.", "mentor_id")
        already = session.execute(
            select(func.count())
            .select_from(SupervisionSession)
            .where(SupervisionSession.supersedes_id == supersedes.id)
        ).scalar_one()
        if already:
            raise InvalidInput("That session has already been corrected; correct the correction.")
        row.supersedes_id = supersedes.id
    if signed_name:
        _sign(row, actor, session.get(Person, details.supervisor_id), signed_name)
    session.add(row)
    session.flush()
    action = "supervision.correct" if supersedes is not None else "supervision.record"
    record(session, actor, action, "supervision_session", row.id, _audit(row))
    if row.signed:
        record(
            session,
            actor,
            "supervision.sign",
            "supervision_session",
            row.id,
            {"signed_name": row.signed_name},
        )
    return row, youth_data_warnings(details.note or "") + youth_data_warnings(
        details.follow_ups or ""
    )


def _locked(session: Session, row: SupervisionSession) -> SupervisionSession:
    """``row`` re-read under a row lock held until the transaction ends."""
    return session.execute(
        select(SupervisionSession)
        .where(SupervisionSession.id == row.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def record_imported_session(
    session: Session,
    actor: Actor,
    details: SessionDetails,
    today: dt.date,
    topics: tuple[str, ...],
) -> SupervisionSession:
    """A session another system (the API) reports, recorded as imported by ``actor``: like a
    paper log, it counts as signed."""
    details = _check(session, details, today, topics)
    row = _new_row(details, actor, imported=True)
    session.add(row)
    session.flush()
    record(session, actor, "supervision.record", "supervision_session", row.id, _audit(row))
    return row


def sign_session(session: Session, actor: Actor, row: SupervisionSession, typed_name: str) -> None:
    """The supervising clinician signs: their account, the name they type, and the instant."""
    row = _locked(session, row)  # a doubled request waits, then finds it signed
    if row.signed:
        raise InvalidInput("This session is already signed.")
    _sign(row, actor, session.get(Person, row.supervisor_id), typed_name)
    session.flush()
    record(
        session,
        actor,
        "supervision.sign",
        "supervision_session",
        row.id,
        {"signed_name": row.signed_name},
    )


def acknowledge_session(session: Session, actor: Actor, row: SupervisionSession) -> None:
    """The mentor acknowledges a signed session from their home page."""
    row = _locked(session, row)  # a doubled request waits, then finds it acknowledged
    mentor = session.get(Person, row.mentor_id)
    if actor.user_id is None or mentor is None or mentor.user_id != actor.user_id:
        raise InvalidInput("Only the mentor supervised can acknowledge the session.")
    if not (row.signed or row.imported):
        raise InvalidInput("The session is not signed yet.")
    if row.acknowledged_at is not None:
        raise InvalidInput("You have already acknowledged this session.")
    row.acknowledged_at = actor.now()
    row.acknowledged_by_id = actor.user_id
    session.flush()
    record(session, actor, "supervision.acknowledge", "supervision_session", row.id, {})


def record_leave(
    session: Session,
    actor: Actor,
    person_id: int,
    first_day: dt.date,
    last_day: dt.date,
    reason: LeaveReason,
) -> LeavePeriod:
    """HR records a mentor's leave: first and last day (inclusive), a reason category."""
    _mentor(session, person_id, "person_id")
    if first_day is None:
        raise InvalidInput("Enter the first day of leave.", "first_day")
    if last_day is None:
        raise InvalidInput("Enter the last day of leave.", "last_day")
    check_leave(first_day, last_day)
    try:
        reason = LeaveReason(reason)
    except ValueError:
        raise InvalidInput("Choose a reason category.", "reason") from None
    overlapping = session.execute(
        select(func.count())
        .select_from(LeavePeriod)
        .where(
            LeavePeriod.person_id == person_id,
            LeavePeriod.first_day <= last_day,
            LeavePeriod.last_day >= first_day,
        )
    ).scalar_one()
    if overlapping:
        raise InvalidInput("This overlaps leave already recorded.", "first_day")
    row = LeavePeriod(
        person_id=person_id,
        first_day=first_day,
        last_day=last_day,
        reason=reason,
        recorded_at=actor.now(),
        recorded_by_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor,
        "leave.record",
        "leave",
        row.id,
        {
            "person_id": person_id,
            "first_day": first_day.isoformat(),
            "last_day": last_day.isoformat(),
            "reason": reason.value,
        },
    )
    return row


# -- import from paper logs ---------------------------------------------------------------------

IMPORT_COLUMNS = (
    "mentor_email",
    "supervisor_email",
    "held_on",
    "minutes",
    "format",
    "modality",
    "note",
)
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    sessions: int = 0
    warnings: list[Problem] = field(default_factory=list)

    @property
    def applied(self) -> bool:
        return not self.problems


def import_sessions(
    session: Session, actor: Actor, data: bytes, today: dt.date, *, dry_run: bool = False
) -> ImportResult:
    """Historical sessions from a paper log, recorded as imported by ``actor``. Every row is
    checked first: any problem and nothing is written (every problem named with its line)."""
    result = ImportResult()
    if len(data) > MAX_IMPORT_BYTES:
        result.problems.append(Problem(1, "file", "The file is larger than 5 MB."))
        return result
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append(Problem(1, "file", "The file is not UTF-8 text."))
        return result
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in IMPORT_COLUMNS if name not in header]
    if missing:
        result.problems.append(Problem(1, "header", f"Missing columns: {', '.join(missing)}."))
        return result
    rows = list(reader)
    # Looked up all at once; a cell the database cannot take (a NUL) is left out of the lookup
    # and reported on its row below.
    emails = {
        (row.get(name) or "").strip().lower()
        for row in rows
        for name in ("mentor_email", "supervisor_email")
        if not text_problem(row.get(name) or "")
    }
    people = {
        email: (person_id, position)
        for person_id, email, position in session.execute(
            select(Person.id, func.lower(Person.work_email), Person.position).where(
                func.lower(Person.work_email).in_(sorted(emails - {""}))
            )
        )
    }
    details = []
    for index, raw in enumerate(rows, start=2):
        row = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
        unstorable = [
            Problem(index, key, f"This cell {problem}")
            for key, value in row.items()
            if (problem := text_problem(value))
        ]
        if unstorable:  # a NUL or lone surrogate would fail in the database, not here
            result.problems.extend(unstorable)
            continue
        problems = _import_row(row, index, people, today, details)
        result.problems.extend(problems)
        for warning in youth_data_warnings(row.get("note", "")):
            result.warnings.append(Problem(index, "note", warning))
    if not rows:
        result.problems.append(Problem(2, "file", "The file has no sessions."))
    if result.problems or dry_run:
        result.sessions = len(details)
        return result
    for item in details:
        row = _new_row(item, actor, imported=True)
        session.add(row)
    session.flush()
    result.sessions = len(details)
    record(
        session,
        actor,
        "supervision.import",
        "supervision_session",
        None,
        {"sessions": len(details)},
    )
    return result


def _import_row(
    row: dict[str, str],
    line: int,
    people: dict[str, tuple[int, Position]],
    today: dt.date,
    details: list[SessionDetails],
) -> list[Problem]:
    problems = []
    mentor = people.get(row["mentor_email"].lower())
    if mentor is None:
        problems.append(Problem(line, "mentor_email", "No person on record has this email."))
    elif mentor[1] is not Position.THERAPEUTIC_MENTOR:
        problems.append(Problem(line, "mentor_email", "This person is not a therapeutic mentor."))
    supervisor = people.get(row["supervisor_email"].lower())
    if supervisor is None:
        problems.append(Problem(line, "supervisor_email", "No person on record has this email."))
    elif mentor is not None and supervisor[0] == mentor[0]:
        problems.append(Problem(line, "supervisor_email", "A mentor cannot supervise themselves."))
    held_on = None
    try:
        held_on = dt.date.fromisoformat(row["held_on"])
    except ValueError:
        problems.append(Problem(line, "held_on", "Enter the date as YYYY-MM-DD."))
    else:
        if held_on > today:
            problems.append(Problem(line, "held_on", "The date is in the future."))
    minutes = None
    try:
        minutes = int(row["minutes"])
    except ValueError:
        problems.append(Problem(line, "minutes", "Enter a whole number of minutes."))
    else:
        if not 1 <= minutes <= 1440:
            problems.append(Problem(line, "minutes", "Minutes must be from 1 to 1440."))
    try:
        session_format = SessionFormat(row["format"].lower())
    except ValueError:
        problems.append(Problem(line, "format", "Enter individual or group."))
    try:
        modality = Modality(row["modality"].lower().replace(" ", "_"))
    except ValueError:
        problems.append(Problem(line, "modality", "Enter in_person or telehealth."))
    if not problems:
        details.append(
            SessionDetails(
                mentor_id=mentor[0],
                supervisor_id=supervisor[0],
                held_on=held_on,
                minutes=minutes,
                format=session_format,
                modality=modality,
                note=row.get("note") or None,
            )
        )
    return problems
