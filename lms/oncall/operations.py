"""On-call use cases: put a block on the roster, take one off, copy a week, import a CSV."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.auditlog.operations import record
from lms.csvfile import CsvProblem, read_table
from lms.oncall.models import OnCallBlock
from lms.oncall.queries import blocks_between
from lms.oncall.rules import (
    MINUTES_PER_DAY,
    block_problems,
    parse_local_datetime,
    phone_problem,
    wall_clock,
)
from lms.staff.models import Person, Position
from lms.uniqueness import take_turns
from lms.validation import InvalidInput

LOCAL_TEXT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class BlockDetails:
    """A block as entered: local wall-clock text, the clinician and the number to call."""

    starts_at: str
    ends_at: str
    clinician: Person | None
    phone: str


def add_block(session: Session, actor: Actor, details: BlockDetails, timezone: str) -> OnCallBlock:
    """Put a senior clinician on call from ``starts_at`` to ``ends_at`` (local times).

    Raises InvalidInput naming the field: an unreadable or non-existent local time, a block that
    does not end after it starts, a clinician who is not a senior clinician, a bad phone number.
    """
    starts_at = parse_local_datetime(details.starts_at, timezone, "starts_at")
    ends_at = parse_local_datetime(details.ends_at, timezone, "ends_at")
    for field, message in block_problems(starts_at, ends_at):
        raise InvalidInput(message, field)
    clinician = details.clinician
    if clinician is None:
        raise InvalidInput("Choose the senior clinician on call.", "clinician")
    if clinician.position != Position.SENIOR_CLINICIAN:
        raise InvalidInput(
            f"{clinician.legal_name} is not a senior licensed clinician.", "clinician"
        )
    phone = details.phone.strip()
    problem = phone_problem(phone)
    if problem is not None:
        raise InvalidInput(problem, "phone")
    zone = ZoneInfo(timezone)
    block = OnCallBlock(
        clinician_id=clinician.id,
        clinician=clinician,
        starts_at=starts_at,
        ends_at=ends_at,
        starts_local=starts_at.astimezone(zone).strftime(LOCAL_TEXT),
        ends_local=ends_at.astimezone(zone).strftime(LOCAL_TEXT),
        phone=phone,
        created_at=actor.now(),
        created_by_id=actor.user_id,
        created_by_label=actor.label,
    )
    session.add(block)
    session.flush()
    record(
        session,
        actor,
        "oncall.block_add",
        "oncall_block",
        block.id,
        {
            "clinician_id": clinician.id,
            "starts_at": block.starts_local,
            "ends_at": block.ends_local,
            "phone": phone,
        },
    )
    return block


def remove_block(session: Session, actor: Actor, block_id: int) -> OnCallBlock:
    """Take a block off the roster; it stays on record for coverage as it stood before."""
    block = session.get(OnCallBlock, block_id)
    if block is None or block.removed_at is not None:
        raise InvalidInput("That block is not on the roster.", "block")
    block.removed_at = actor.now()
    block.removed_by_label = actor.label
    session.flush()
    record(session, actor, "oncall.block_remove", "oncall_block", block.id, None)
    return block


def copy_week(session: Session, actor: Actor, week_starts_on: dt.date, timezone: str) -> int:
    """Copy the blocks that start in the seven days before ``week_starts_on`` onto the same
    wall-clock times a week later; blocks already there are not copied twice. Returns how
    many were added. All or nothing: a copied time that does not exist is refused. Copies take
    turns, so a doubled copy finds the first's blocks and adds none."""
    take_turns(session, "oncall.copy_week")
    zone = ZoneInfo(timezone)
    source_start = wall_clock(week_starts_on - dt.timedelta(days=7), 0, zone)
    target_start = wall_clock(week_starts_on, 0, zone)
    target_end = wall_clock(week_starts_on + dt.timedelta(days=6), MINUTES_PER_DAY, zone)
    source = [
        block
        for block in blocks_between(session, source_start, target_start)
        if source_start <= block.starts_at < target_start
    ]
    existing = {
        (block.clinician_id, block.starts_at, block.ends_at)
        for block in blocks_between(session, target_start, target_end)
    }
    added = 0
    for block in source:
        starts = _week_later(block.starts_local)
        ends = _week_later(block.ends_local)
        starts_at = parse_local_datetime(starts, timezone, "starts_at")
        ends_at = parse_local_datetime(ends, timezone, "ends_at")
        if (block.clinician_id, starts_at, ends_at) in existing:
            continue
        add_block(
            session, actor, BlockDetails(starts, ends, block.clinician, block.phone), timezone
        )
        added += 1
    return added


def _week_later(local_text: str) -> str:
    return (dt.datetime.strptime(local_text, LOCAL_TEXT) + dt.timedelta(days=7)).strftime(
        LOCAL_TEXT
    )


# -- CSV import ---------------------------------------------------------------------------------

COLUMNS = ("starts_at", "ends_at", "clinician_email", "phone")


ImportProblem = CsvProblem  # one problem in the file, with its line and column


@dataclass(frozen=True)
class ImportResult:
    problems: tuple[ImportProblem, ...]
    blocks: int


def _rows(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[ImportProblem]]:
    return read_table(data, COLUMNS)


def import_blocks(
    session: Session, actor: Actor, data: bytes, timezone: str, dry_run: bool
) -> ImportResult:
    """Check every row of an on-call CSV (``starts_at,ends_at,clinician_email,phone``, local
    times like ``2026-03-08T18:00``); keep them all only when none has a problem and this is
    not a dry run. Every problem is reported with its line."""
    rows, problems = _rows(data)
    if problems and not rows:
        return ImportResult(tuple(problems), 0)
    emails = {row.get("clinician_email", "").lower() for _, row in rows}
    people = {
        person.work_email: person
        for person in session.execute(
            select(Person).where(Person.work_email.in_(sorted(email for email in emails if email)))
        ).scalars()
    }
    savepoint = session.begin_nested()
    for line, row in rows:
        email = row.get("clinician_email", "").lower()
        clinician = people.get(email)
        try:
            if clinician is None:
                raise InvalidInput(
                    "No person on file has this work email."
                    if email
                    else "Give the clinician's work email.",
                    "clinician_email",
                )
            with session.begin_nested():
                add_block(
                    session,
                    actor,
                    BlockDetails(
                        row.get("starts_at", ""),
                        row.get("ends_at", ""),
                        clinician,
                        row.get("phone", ""),
                    ),
                    timezone,
                )
        except InvalidInput as error:
            field = "clinician_email" if error.field == "clinician" else error.field
            problems.append(ImportProblem(line, field, error.message))
    if problems or dry_run:
        savepoint.rollback()
        return ImportResult(tuple(problems), 0 if problems else len(rows))
    savepoint.commit()
    record(
        session,
        actor,
        "oncall.import",
        None,
        None,
        {"blocks": len(rows), "sha256": hashlib.sha256(data).hexdigest()},
    )
    return ImportResult((), len(rows))
