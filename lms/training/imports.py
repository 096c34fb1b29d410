"""Importing historical training completions from CSV, so a provider can leave its spreadsheets.

Columns: ``work_email`` (of a person already on file), ``completed_on`` (YYYY-MM-DD) and an
optional ``note`` (where the record came from). The whole file is checked in a savepoint by
the same operation the real import uses, so a dry run and the import cannot disagree; the real
import is all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.auditlog.operations import record
from lms.staff.models import Person
from lms.training.operations import TrainingSettings, record_imported_completion
from lms.validation import InvalidInput, text_problem

REQUIRED_COLUMNS = ("work_email", "completed_on")
OPTIONAL_COLUMNS = ("note",)
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class ImportProblem:
    line: int
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field + ': ' if self.field else ''}{self.message}"


@dataclass(frozen=True)
class ImportResult:
    problems: tuple[ImportProblem, ...]
    completions: int


def _rows(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[ImportProblem]]:
    if len(data) > MAX_BYTES:
        return [], [ImportProblem(1, None, "The file is larger than 2 MB.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [ImportProblem(1, None, "The file is not UTF-8 text; save it as CSV UTF-8.")]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [n for n in header if n and n not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    problems = [ImportProblem(1, name, "column is missing") for name in missing]
    problems += [ImportProblem(1, name, "is not a known column") for name in unknown]
    if problems:
        return [], problems
    rows = []
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        for name, cell in zip(header, cells, strict=False):
            if problem := text_problem(cell):
                problems.append(ImportProblem(start, name or None, f"This cell {problem}"))
        rows.append((start, dict(zip(header, (c.strip() for c in cells), strict=False))))
    if not rows:
        problems.append(ImportProblem(1, None, "The file has no rows to import."))
    return rows, problems


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
