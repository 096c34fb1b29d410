"""CSV import of candidates and hires with their credentials and experience, clinicians'
licences, mentors' leave and past periods of employment.

The whole file is read and checked first, then applied through the ordinary operations inside
a SAVEPOINT: a dry run always rolls it back, a real import keeps it only when no row had a
problem. Both run the same code, so a dry run and the import that follows can never disagree,
and an import is all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.auditlog.operations import record
from lms.clinicians.operations import LicenceDetails, add_licence
from lms.config import LICENCE_TYPES
from lms.eligibility.operations import (
    CredentialDetails,
    ExperienceDetails,
    add_credential,
    add_experience,
)
from lms.staff.models import CLINICAL_POSITIONS, Person, Position, StaffStatus
from lms.staff.operations import (
    PersonDetails,
    add_past_employment,
    create_person,
    person_problems,
)
from lms.staffimport.import_plan import (
    COLUMN_NAMES,
    COLUMNS_BY_NAME,
    OPERATION_FIELDS,
    EmploymentDetails,
    FactDetails,
    FactRow,
    ImportPlan,
    ImportProblem,
    ImportResult,
    LeaveDetails,
    PersonRow,
    PlannedPerson,
    PlanSettings,
    T,
    read_plan,
)
from lms.supervision.operations import record_leave
from lms.validation import InvalidInput

# -- applying the plan through the operations ---------------------------------------------------


def _existing_people(session: Session, emails: set[str]) -> dict[str, Person]:
    """People already on record whose work email is one of ``emails``, by that email."""
    found: dict[str, Person] = {}
    ordered = sorted(emails)
    for start in range(0, len(ordered), 500):  # keep within every database's parameter limit
        chunk = ordered[start : start + 500]
        rows = session.execute(select(Person).where(func.lower(Person.work_email).in_(chunk)))
        found.update({person.work_email.lower(): person for person in rows.scalars()})
    return found


def _column(error: InvalidInput) -> str:
    name = OPERATION_FIELDS.get(error.field or "", error.field)
    return name if name in COLUMNS_BY_NAME else "record"


class _Applier:
    """Runs each planned row through its operation, turning InvalidInput into a row problem."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        plan: ImportPlan,
        today: dt.date,
        problems: list[ImportProblem],
        licence_types: tuple[str, ...] = LICENCE_TYPES,
    ) -> None:
        self.session, self.actor, self.plan, self.today = session, actor, plan, today
        self.licence_types = licence_types
        self.problems = problems
        #: the columns already reported on each line, so that a cell is not reported twice
        self.reported: dict[int, set[str]] = {}
        for problem in problems:
            self.reported.setdefault(problem.line, set()).add(problem.field)
        self.created: dict[int, Person] = {}  # line of the person row -> person
        self.planned: dict[int, PlannedPerson] = {}  # person id -> summary
        self.stand_in: Person | None = None
        wanted = {fact.ref for fact in plan.facts} | set(plan.person_keys)
        wanted |= {row.supervisor_email for row in plan.people if row.supervisor_email}
        self.existing = _existing_people(session, wanted)

    def run(self, line: int, operation: Callable[[], T]) -> T | None:
        """Call ``operation`` in its own savepoint; on InvalidInput, record it and give None."""
        try:
            with self.session.begin_nested():
                return operation()
        except InvalidInput as error:
            self.problems.append(ImportProblem(line, _column(error), error.message))
            return None

    def apply(self) -> list[PlannedPerson]:
        for row in self.plan.people:
            found = self.person_problems(row)
            for error in found:
                if _column(error) not in self.reported.get(row.line, ()):
                    self.problems.append(ImportProblem(row.line, _column(error), error.message))
            if found or row.failed:
                continue
            person = self.run(row.line, lambda row=row: self.add_person(row))
            if person is not None:
                self.created[row.line] = person
                self.planned[person.id] = PlannedPerson(
                    row.line, person.legal_name, person.work_email, person.position, False
                )
        for row in self.plan.facts:
            self.add_fact(row)
        return sorted(self.planned.values(), key=lambda person: person.line)

    def person_problems(self, row: PersonRow) -> list[InvalidInput]:
        """Every problem with a person row beyond its cells, so all are reported in one pass."""
        found: list[InvalidInput] = []
        if row.ref and row.ref != row.details.work_email and row.ref in self.existing:
            found.append(
                InvalidInput(
                    "This is the work email of someone already on record; give this row "
                    "another reference, or leave the row out to add facts to them.",
                    "person_ref",
                )
            )
        try:
            supervisor_id = self.supervisor_id(row)
        except InvalidInput as error:
            found.append(error)
            supervisor_id = None
        details = replace(row.details, supervisor_id=supervisor_id)
        found.extend(person_problems(self.session, details, None, self.today))
        return found

    def add_person(self, row: PersonRow) -> Person:
        details = replace(row.details, supervisor_id=self.supervisor_id(row))
        return create_person(self.session, self.actor, details, self.today)

    def supervisor_id(self, row: PersonRow) -> int | None:
        """The id of the supervisor named on ``row``: on record, or on a person row above."""
        email = row.supervisor_email
        if email is None:
            return None
        line = self.plan.person_emails.get(email)
        if line is None and email in self.existing:
            return self.existing[email].id
        if line is not None and line < row.line and line in self.created:
            return self.created[line].id
        if line is None:
            message = "No one on record or on a person row above has this work email."
        elif line == row.line:
            message = "A person cannot supervise themselves."
        elif line > row.line:
            message = f"Put the supervisor's row (line {line}) above the people they supervise."
        else:
            message = f"The supervisor's row (line {line}) has problems; fix those first."
        raise InvalidInput(message, "supervisor_email")

    def add_fact(self, row: FactRow) -> None:
        person, existing = self.person_for(row)
        details = row.details
        if details is None:
            return
        counter = _COUNTERS[type(details)]
        fact = self.run(row.line, lambda: self.add(person, details))
        if fact is None or person is self.stand_in:
            return
        summary = self.planned.get(person.id) or PlannedPerson(
            row.line, person.legal_name, person.work_email, person.position, existing
        )
        self.planned[person.id] = replace(summary, **{counter: getattr(summary, counter) + 1})

    def add(self, person: Person, details: FactDetails) -> object:
        """Apply one fact row through its feature's operation (audited, events announced)."""
        session, actor, today = self.session, self.actor, self.today
        if isinstance(details, CredentialDetails):
            return add_credential(session, actor, person, details, today)
        if isinstance(details, ExperienceDetails):
            return add_experience(session, actor, person, details, today)
        if isinstance(details, LicenceDetails):
            if person.position not in CLINICAL_POSITIONS and person is not self.stand_in:
                raise InvalidInput(
                    "Only licensed and senior clinicians hold a licence on record; this "
                    f"person's position is {person.position.label.lower()}.",
                    "person_ref",
                )
            return add_licence(
                session, actor, person, details, self.licence_types, board_required=False
            )
        if isinstance(details, LeaveDetails):
            if person is self.stand_in:
                return None  # leave is for therapeutic mentors; the reference is reported
            if person.position is not Position.THERAPEUTIC_MENTOR:
                raise InvalidInput(
                    "Leave is recorded for therapeutic mentors; this person's position is "
                    f"{person.position.label.lower()}.",
                    "person_ref",
                )
            return record_leave(
                session, actor, person.id, details.starts_on, details.ends_on, details.reason
            )
        return add_past_employment(
            session, actor, person, details.hired_on, details.separated_on, today
        )

    def person_for(self, row: FactRow) -> tuple[Person, bool]:
        """The person a fact row belongs to, and whether they were already on record.

        Facts of a person whose own row failed, or of an unknown reference, are still checked
        by their operation, against a stand-in, so that every problem is reported at once.
        """
        line = self.plan.person_keys.get(row.ref)
        if line is not None and line in self.created:
            return self.created[line], False
        if line is None and row.ref in self.existing:
            return self.existing[row.ref], True
        if line is None:
            message = "No person row in this file, and no one on record, has this reference."
            self.problems.append(ImportProblem(row.line, "person_ref", message))
        return self.stand_in_person(), False

    def stand_in_person(self) -> Person:
        # Only reached once a problem is recorded; _import never keeps an import that used it.
        if self.stand_in is None:
            details = PersonDetails(
                legal_name="Stand-in for checking rows",
                date_of_birth=dt.date(2000, 1, 1),
                position=Position.OTHER,
                status=StaffStatus.CANDIDATE,
            )
            self.stand_in = create_person(self.session, self.actor, details, self.today)
        return self.stand_in


_COUNTERS = {
    CredentialDetails: "credentials",
    ExperienceDetails: "experiences",
    LicenceDetails: "licences",
    LeaveDetails: "leave",
    EmploymentDetails: "employments",
}


def _sorted(problems: list[ImportProblem]) -> tuple[ImportProblem, ...]:
    """By line, then in the order of the columns (problems about the whole file last)."""
    order = {name: index for index, name in enumerate(COLUMN_NAMES)}
    return tuple(sorted(problems, key=lambda p: (p.line, order.get(p.field, len(order)))))


def _import(
    session: Session,
    actor: Actor,
    data: bytes,
    today: dt.date,
    *,
    keep: bool,
    filename: str | None,
    licence_types: tuple[str, ...] | None,
) -> ImportResult:
    sha256 = hashlib.sha256(data).hexdigest()
    problems: list[ImportProblem] = []
    licence_types = tuple(licence_types or LICENCE_TYPES)
    plan = read_plan(data, problems, PlanSettings(today, licence_types))
    savepoint = session.begin_nested()
    try:
        applier = _Applier(session, actor, plan, today, problems, licence_types)
        planned = tuple(applier.apply())
        applied = keep and not problems and applier.stand_in is None
        result = ImportResult(sha256, _sorted(problems), planned, applied)
        if result.applied:
            _record_import(session, actor, result, filename)
            savepoint.commit()
        else:
            savepoint.rollback()
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    return result


def _record_import(
    session: Session, actor: Actor, result: ImportResult, filename: str | None
) -> None:
    record(
        session,
        actor,
        "staff.import",
        details={
            "filename": filename,
            "sha256": result.sha256,
            "people": result.people,
            "existing_people": result.existing_people,
            "credentials": result.credentials,
            "experiences": result.experiences,
            "licences": result.licences,
            "leave": result.leave,
            "employments": result.employments,
        },
    )


def check_import(
    session: Session,
    actor: Actor,
    data: bytes,
    today: dt.date,
    filename: str | None = None,
    licence_types: tuple[str, ...] | None = None,
) -> ImportResult:
    """Dry run: report every problem and what would be added; always rolls back."""
    return _import(
        session, actor, data, today, keep=False, filename=filename, licence_types=licence_types
    )


def run_import(
    session: Session,
    actor: Actor,
    data: bytes,
    today: dt.date,
    filename: str | None = None,
    licence_types: tuple[str, ...] | None = None,
) -> ImportResult:
    """Import all or nothing: rows are kept (flushed, for the caller to commit) only when no
    row has a problem; ``result.applied`` says which. ``licence_types``: the configured list
    (``LICENCE_TYPES``), the built-in one when None."""
    return _import(
        session, actor, data, today, keep=True, filename=filename, licence_types=licence_types
    )
