"""Importing historical training completions from CSV, so a provider can leave its spreadsheets.

Columns: ``work_email`` (of a person already on file), ``completed_on`` (YYYY-MM-DD) and an
optional ``note`` (where the record came from). The whole file is checked in a savepoint by
the same operation the real import uses, so a dry run and the import cannot disagree; the real
import is all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.auditlog.operations import record
from lms.csvfile import CsvProblem, read_table
from lms.staff.models import Person
from lms.training.operations import TrainingSettings, record_imported_completion
from lms.validation import InvalidInput

REQUIRED_COLUMNS = ("work_email", "completed_on")
OPTIONAL_COLUMNS = ("note",)


ImportProblem = CsvProblem  # one problem in the file, with its line and column


@dataclass(frozen=True)
class ImportResult:
    problems: tuple[ImportProblem, ...]
    completions: int


def _rows(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[ImportProblem]]:
    return read_table(data, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)


def _import_row(session, actor, row, today, settings) -> None:
    email = row.get("work_email", "").lower()
    person = (
        session.execute(select(Person).where(Person.work_email == email)).scalar_one_or_none()
        if email
        else None
    )
    if person is None:
        raise InvalidInput("No person on file has this work email.", "work_email")
    try:
        completed_on = dt.date.fromisoformat(row.get("completed_on", ""))
    except ValueError:
        raise InvalidInput("Give the date as YYYY-MM-DD.", "completed_on") from None
    note = row.get("note") or "Imported from the provider's earlier records"
    record_imported_completion(session, actor, person, completed_on, note, today, settings)


def import_completions(
    session: Session,
    actor: Actor,
    data: bytes,
    today: dt.date,
    settings: TrainingSettings,
    dry_run: bool,
) -> ImportResult:
    """Check every row; unless ``dry_run`` and only when no row has a problem, keep them all."""
    rows, problems = _rows(data)
    if problems:
        return ImportResult(tuple(problems), 0)
    savepoint = session.begin_nested()
    for line, row in rows:
        try:
            with session.begin_nested():
                _import_row(session, actor, row, today, settings)
        except InvalidInput as error:
            problems.append(ImportProblem(line, error.field, error.message))
    if problems or dry_run:
        savepoint.rollback()
        return ImportResult(tuple(problems), 0 if problems else len(rows))
    savepoint.commit()
    record(
        session,
        actor,
        "training.import",
        None,
        None,
        {
            "completions": len(rows),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    return ImportResult((), len(rows))
