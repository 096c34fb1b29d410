"""Reading an import CSV into a plan: decoding, the header, every row's cells checked and typed.

Pure of the database: the whole file becomes an ``ImportPlan`` of people, credentials,
experience, licences, leave and past employment, plus every problem found with its line and
column, so it is tested without a database. ``lms.staffimport.imports`` applies the plan
through the operations.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from email_validator import EmailNotValidError, validate_email

from lms.clinicians.operations import LicenceDetails
from lms.config import LICENCE_TYPES
from lms.eligibility.models import HumanServicesBasis
from lms.eligibility.operations import (
    CredentialDetails,
    ExperienceDetails,
)
from lms.eligibility.rules import CredentialLevel, Population
from lms.staff.models import Position, StaffStatus
from lms.staff.operations import PersonDetails
from lms.staff.rules import Employment, periods_overlap
from lms.supervision.models import LeaveReason
from lms.validation import EARLIEST_DATE, latest_date, text_problem

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
TEXT_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
FILE = "file"  # the field named by problems about the whole file rather than one cell
#: A ``record`` cell starting with this marks an example or comment row, which is skipped: the
#: template's sample rows carry it, so importing the template unchanged adds no one.
EXAMPLE_MARK = "#"

T = TypeVar("T")


class RecordType(enum.StrEnum):
    PERSON = "person"
    CREDENTIAL = "credential"
    EXPERIENCE = "experience"
    LICENCE = "licence"
    LEAVE = "leave"
    EMPLOYMENT = "employment"


@dataclass(frozen=True)
class Column:
    """One CSV column: which rows use it, whether the header must have it, what goes in it."""

    name: str
    record: RecordType | None  # None: every row
    required: bool  # the header must name it when the file has its rows; else it may be left out
    help: str

    @property
    def header_rule(self) -> str:
        """When the header must name this column, in words."""
        if not self.required:
            return "optional"
        return f"required when the file has {self.record} rows" if self.record else "required"


COLUMNS = (
    Column(
        "record",
        None,
        True,
        "person, credential, experience, licence, leave or employment. A row whose record "
        "starts with # (like the template's #person example) is skipped.",
    ),
    Column(
        "person_ref",
        None,
        True,
        "Ties rows to a person. On a person row: any reference unique in the file, or empty "
        "(its work email serves). On the other rows: a person row's person_ref or work "
        "email, or the work email of someone already on record.",
    ),
    Column("legal_name", RecordType.PERSON, True, "Required."),
    Column("preferred_name", RecordType.PERSON, False, "Optional."),
    Column("date_of_birth", RecordType.PERSON, True, "Required, YYYY-MM-DD."),
    Column("work_email", RecordType.PERSON, False, "Optional; no two people share one."),
    Column(
        "position",
        RecordType.PERSON,
        True,
        "therapeutic_mentor, licensed_clinician, senior_clinician or other.",
    ),
    Column("status", RecordType.PERSON, True, "candidate or active."),
    Column("hire_on", RecordType.PERSON, False, "YYYY-MM-DD; required when active."),
    Column(
        "supervisor_email",
        RecordType.PERSON,
        False,
        "Optional: the work email of a licensed clinician already on record, or of a "
        "clinician's person row higher up in the file.",
    ),
    Column(
        "credential",
        RecordType.CREDENTIAL,
        True,
        "high_school, ged, associate, bachelor, master or doctorate.",
    ),
    Column("field_of_study", RecordType.CREDENTIAL, False, "Optional; needed with listed (below)."),
    Column("institution", RecordType.CREDENTIAL, True, "Required."),
    Column("conferred_on", RecordType.CREDENTIAL, True, "Required, YYYY-MM-DD, not in the future."),
    Column("accredited", RecordType.CREDENTIAL, True, "yes or no."),
    Column("accreditation_checked_how", RecordType.CREDENTIAL, False, "Optional: DAPIP look-up, …"),
    Column(
        "human_services",
        RecordType.CREDENTIAL,
        True,
        "listed (the field is on the agency's list), judgement (explain why in the next "
        "column) or no.",
    ),
    Column(
        "human_services_justification",
        RecordType.CREDENTIAL,
        False,
        "With judgement only: a sentence or two (20 characters or more).",
    ),
    Column("employer", RecordType.EXPERIENCE, True, "Required."),
    Column("role", RecordType.EXPERIENCE, True, "Required."),
    Column("start_on", RecordType.EXPERIENCE, True, "Required, YYYY-MM-DD."),
    Column("end_on", RecordType.EXPERIENCE, False, "YYYY-MM-DD; empty while ongoing."),
    Column(
        "hours_per_week",
        RecordType.EXPERIENCE,
        True,
        "More than 0 and at most 168, up to two decimals.",
    ),
    Column(
        "population",
        RecordType.EXPERIENCE,
        True,
        "youth (children, adolescents or transition-age youth) or other.",
    ),
    Column(
        "target_population",
        RecordType.EXPERIENCE,
        True,
        "yes if the work was with youth with behavioral-health needs (population youth), else no.",
    ),
    Column(
        "licence_type",
        RecordType.LICENCE,
        True,
        "One of the agency's licence types (setting LMS_LICENCE_TYPES; by default LICSW, LCSW, "
        "LMHC, LMFT, Psychologist, Psychiatric nurse (APRN)). Licensed or senior clinicians only.",
    ),
    Column("licence_number", RecordType.LICENCE, True, "Required, at most 60 characters."),
    Column("issued_on", RecordType.LICENCE, True, "Required, YYYY-MM-DD, not in the future."),
    Column(
        "expires_on",
        RecordType.LICENCE,
        True,
        "Required, YYYY-MM-DD, after issued_on (the licence is valid up to the day before).",
    ),
    Column("issuing_state", RecordType.LICENCE, True, "Two letters, e.g. MA."),
    Column("issuing_board", RecordType.LICENCE, False, "Optional: the licensing board."),
    Column(
        "starts_on",
        RecordType.LEAVE,
        True,
        "First day of leave, YYYY-MM-DD, at most a year from today. Therapeutic mentors only.",
    ),
    Column(
        "ends_on", RecordType.LEAVE, True, "Last day of leave, YYYY-MM-DD, not before starts_on."
    ),
    Column(
        "reason",
        RecordType.LEAVE,
        True,
        "A category only, no medical detail: " + ", ".join(LeaveReason) + ".",
    ),
    Column(
        "hired_on",
        RecordType.EMPLOYMENT,
        True,
        "A past period of employment (a former or rehired employee's earlier spell): its first "
        "day, YYYY-MM-DD.",
    ),
    Column(
        "separated_on",
        RecordType.EMPLOYMENT,
        True,
        "Its last day employed, YYYY-MM-DD, not in the future. Periods of one person may not "
        "overlap each other or the current employment, and end before it begins.",
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}
_LICENCE_ROW_HINT = (
    " A person's licence is a row of its own: record licence, the same person_ref, and "
    "licence_type, licence_number, issued_on, expires_on and issuing_state."
)
#: Columns an older template had; the import names where their values go now.
RETIRED_COLUMNS = {
    "licence_expires_on": "People no longer carry a licence expiry: put it in expires_on on a "
    "licence row." + _LICENCE_ROW_HINT,
}

#: Statuses an import may give: a separation is recorded on the person's page, with its date.
_IMPORT_STATUSES = (StaffStatus.CANDIDATE, StaffStatus.ACTIVE)
_YES_NO = {"yes": True, "no": False}
_HUMAN_SERVICES = {
    "listed": HumanServicesBasis.LISTED,
    "judgement": HumanServicesBasis.JUDGEMENT,
    "no": None,
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

#: Operations name their own fields; problems name the CSV column a person fills in.
OPERATION_FIELDS = {
    "supervisor_id": "supervisor_email",
    "level": "credential",
    "human_services_basis": "human_services",
    "person_id": "person_ref",
    "first_day": "starts_on",
    "last_day": "ends_on",
}


@dataclass(frozen=True)
class ImportProblem:
    """One problem: the CSV line it is on (the header is line 1), the column and what is wrong."""

    line: int
    field: str
    message: str


@dataclass(frozen=True)
class PlannedPerson:
    """Someone the import adds, or adds facts to, for the summary HR confirms."""

    line: int
    legal_name: str
    work_email: str | None
    position: Position
    existing: bool
    credentials: int = 0
    experiences: int = 0
    licences: int = 0
    leave: int = 0
    employments: int = 0


@dataclass(frozen=True)
class ImportResult:
    sha256: str
    problems: tuple[ImportProblem, ...]
    planned: tuple[PlannedPerson, ...]
    applied: bool  # the rows were written (a real import without problems)

    @property
    def people(self) -> int:
        return sum(not person.existing for person in self.planned)

    @property
    def existing_people(self) -> int:
        return sum(person.existing for person in self.planned)

    @property
    def credentials(self) -> int:
        return sum(person.credentials for person in self.planned)

    @property
    def experiences(self) -> int:
        return sum(person.experiences for person in self.planned)

    @property
    def licences(self) -> int:
        return sum(person.licences for person in self.planned)

    @property
    def leave(self) -> int:
        return sum(person.leave for person in self.planned)

    @property
    def employments(self) -> int:
        return sum(person.employments for person in self.planned)

    def summary(self) -> str:
        """What is added, in words: 12 people, 15 credentials, 20 experience entries (and any
        licences, leave and past periods of employment)."""
        parts = [
            _count(self.people, "person", "people"),
            _count(self.credentials, "credential", "credentials"),
            _count(self.experiences, "experience entry", "experience entries"),
        ]
        for number, singular, plural in (
            (self.licences, "licence", "licences"),
            (self.leave, "leave period", "leave periods"),
            (self.employments, "past employment period", "past employment periods"),
        ):
            if number:
                parts.append(_count(number, singular, plural))
        return ", ".join(parts)


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number:,} {singular if number == 1 else plural}"


# -- reading the file ---------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class PersonRow:
    line: int
    ref: str | None  # lower-cased
    details: PersonDetails  # None in the fields whose cells had problems
    supervisor_email: str | None
    failed: bool  # a cell had a problem: only checked, never added


@dataclass(frozen=True)
class LeaveDetails:
    starts_on: dt.date
    ends_on: dt.date
    reason: LeaveReason


@dataclass(frozen=True)
class EmploymentDetails:
    hired_on: dt.date
    separated_on: dt.date


FactDetails = (
    CredentialDetails | ExperienceDetails | LicenceDetails | LeaveDetails | EmploymentDetails
)


@dataclass(frozen=True)
class FactRow:
    line: int
    ref: str
    details: FactDetails | None  # None: a cell had a problem


@dataclass
class ImportPlan:
    people: list[PersonRow] = field(default_factory=list)
    facts: list[FactRow] = field(default_factory=list)
    #: each person row's person_ref and work email, lower-cased -> its line (rows with
    #: problems too, so that rows referring to them can say where they are)
    person_keys: dict[str, int] = field(default_factory=dict)
    person_emails: dict[str, int] = field(default_factory=dict)


def _decode(data: bytes, problems: list[ImportProblem]) -> str | None:
    if len(data) > MAX_IMPORT_BYTES:
        problems.append(ImportProblem(1, FILE, "The file is larger than 2 MB; split it."))
        return None
    try:
        return data.decode("utf-8-sig")  # strips the byte-order mark spreadsheets add
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.append(
            ImportProblem(
                line,
                FILE,
                "The file is not UTF-8 text. In the spreadsheet, save it as 'CSV UTF-8'.",
            )
        )
        return None


def _read_header(cells: list[str], problems: list[ImportProblem]) -> list[str] | None:
    names = [cell.strip().lower() for cell in cells]
    seen: set[str] = set()
    for name in names:
        if not name:
            continue
        if name in seen:
            problems.append(ImportProblem(1, name, "This column appears more than once."))
        elif name in RETIRED_COLUMNS:
            problems.append(ImportProblem(1, name, RETIRED_COLUMNS[name]))
        elif name not in COLUMNS_BY_NAME:
            problems.append(
                ImportProblem(
                    1, name, "Unknown column; the template has the columns this import reads."
                )
            )
        seen.add(name)
    return names


def _missing_columns(header: list[str], rows: list[_Row], problems: list[ImportProblem]) -> bool:
    """Report required columns the header lacks, for the kinds of rows the file has.

    A file of person rows needs no credential or experience columns. Without a column its rows
    need, every such row would fail for the same reason, so the check stops at the header.
    """
    kinds = {row.cells.get("record", "").lower() for row in rows}
    missing = [
        column.name
        for column in COLUMNS
        if column.required
        and column.name not in header
        and (column.record is None or column.record.value in kinds)
    ]
    for name in missing:
        problems.append(ImportProblem(1, name, "This column is missing from the header."))
    return bool(missing)


def _read_rows(text: str, problems: list[ImportProblem]) -> list[_Row]:
    """The non-blank rows as {column: stripped value}; reading stops at a broken file.

    A row's line is where its record starts: the reader's ``line_num`` counts the physical
    lines read so far, so a quoted cell spanning several lines moves the next row down.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next(reader, None)
        if first is None or not _filled(first):
            problems.append(ImportProblem(1, FILE, "The first line must be the header."))
            return []
        header = _read_header(first, problems)
        record_at = header.index("record") if "record" in header else None
        rows: list[_Row] = []
        line = reader.line_num + 1
        for cells in reader:
            # Skip blank lines, the empty rows spreadsheets leave, and example rows.
            if _filled(cells) and not _example(cells, record_at):
                if len(rows) == MAX_IMPORT_ROWS:
                    message = f"The file has more than {MAX_IMPORT_ROWS:,} rows; split it."
                    problems.append(ImportProblem(line, FILE, message))
                    return rows
                rows.append(_Row(line, _row_cells(line, header, cells, problems)))
            line = reader.line_num + 1
    except csv.Error as error:
        problems.append(ImportProblem(reader.line_num, FILE, f"Not readable as CSV: {error}."))
        return []
    if _missing_columns(header, rows, problems):
        return []
    if not rows:
        message = (
            "The file has a header but no rows to import (rows whose record starts with "
            f"{EXAMPLE_MARK} are examples and are skipped)."
        )
        problems.append(ImportProblem(1, FILE, message))
    return rows


def _filled(cells: list[str]) -> bool:
    return any(cell.strip() for cell in cells)


def _example(cells: list[str], record_at: int | None) -> bool:
    return (
        record_at is not None
        and record_at < len(cells)
        and cells[record_at].strip().startswith(EXAMPLE_MARK)
    )


def _row_cells(
    line: int, header: list[str], cells: list[str], problems: list[ImportProblem]
) -> dict[str, str]:
    values: dict[str, str] = {}
    for position, cell in enumerate(cells):
        value = cell.strip()
        name = header[position] if position < len(header) else ""
        problem = text_problem(value)
        if problem:
            problems.append(
                ImportProblem(line, name or f"column {position + 1}", f"This cell {problem}")
            )
        elif name in COLUMNS_BY_NAME:
            values.setdefault(name, value)
        elif value and not name:
            problems.append(
                ImportProblem(
                    line, f"column {position + 1}", "This cell has no column name in the header."
                )
            )
    return values


# -- checking one row's cells -------------------------------------------------------------------


class _Cells:
    """One row's cells read into typed values; each bad cell adds a problem for that row."""

    def __init__(self, row: _Row, problems: list[ImportProblem]) -> None:
        self.line = row.line
        self.values = row.cells
        self.problems = problems
        self.failed = False

    def problem(self, name: str, message: str) -> None:
        self.failed = True
        self.problems.append(ImportProblem(self.line, name, message))

    def text(self, name: str, required: bool, max_length: int = TEXT_MAX_LENGTH) -> str | None:
        value = self.values.get(name) or None
        if value is None:
            if required:
                self.problem(name, "Required: this cell is empty.")
            return None
        if len(value) > max_length:
            self.problem(name, f"At most {max_length} characters.")
            return None
        return value

    def date(self, name: str, required: bool) -> dt.date | None:
        value = self.text(name, required)
        if value is None:
            return None
        try:
            if not _DATE.fullmatch(value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problem(name, f"“{value}” is not a date as YYYY-MM-DD.")
            return None

    def bounded(
        self, name: str, required: bool, latest: dt.date | None, latest_words: str
    ) -> dt.date | None:
        """A date cell between 1900-01-01 and ``latest`` (None: no upper bound known)."""
        day = self.date(name, required)
        if day is None:
            return None
        if day < EARLIEST_DATE or (latest is not None and day > latest):
            self.problem(name, f"Must be between {EARLIEST_DATE.isoformat()} and {latest_words}.")
            return None
        return day

    def choice(self, name: str, choices: dict[str, Any], required: bool = True) -> Any:
        value = self.text(name, required)
        if value is None:
            return None
        key = value.lower()
        if key not in choices:
            self.problem(name, f"“{value}” is not one of: {', '.join(choices)}.")
            return None
        return choices[key]

    def email(self, name: str) -> str | None:
        value = self.text(name, False, EMAIL_MAX_LENGTH)
        if value is None:
            return None
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            self.problem(name, f"“{value}” is not a valid email address.")
            return None
        return value.lower()

    def hours(self, name: str) -> Decimal | None:
        value = self.text(name, True)
        if value is None:
            return None
        try:
            return Decimal(value)
        except InvalidOperation:
            self.problem(name, f"“{value}” is not a number of hours.")
            return None

    def leave_empty(self, record_type: RecordType) -> None:
        for name, value in self.values.items():
            owner = COLUMNS_BY_NAME[name].record
            if value and owner is not None and owner is not record_type:
                message = f"Leave this empty on {record_type} rows: it belongs on {owner} rows."
                if owner is RecordType.LICENCE and record_type is RecordType.PERSON:
                    message += _LICENCE_ROW_HINT
                self.problem(name, message)


def _enum_choices(members: Iterable[enum.StrEnum]) -> dict[str, Any]:
    return {member.value: member for member in members}


def _person_row(cells: _Cells) -> PersonRow:
    values = {
        "legal_name": cells.text("legal_name", True),
        "preferred_name": cells.text("preferred_name", False),
        "date_of_birth": cells.date("date_of_birth", True),
        "work_email": cells.email("work_email"),
        "position": cells.choice("position", _enum_choices(Position)),
        "hire_on": cells.date("hire_on", False),
    }
    status = cells.values.get("status", "").lower()
    if status == StaffStatus.SEPARATED:
        cells.problem(
            "status",
            "Import candidates and active staff only; record a separation on the person's page.",
        )
        values["status"] = None
    else:
        values["status"] = cells.choice("status", _enum_choices(_IMPORT_STATUSES))
    supervisor_email = cells.email("supervisor_email")
    ref = cells.text("person_ref", False, EMAIL_MAX_LENGTH)
    return PersonRow(
        cells.line, ref and ref.lower(), PersonDetails(**values), supervisor_email, cells.failed
    )


def _credential_row(cells: _Cells) -> CredentialDetails | None:
    basis = cells.choice("human_services", _HUMAN_SERVICES)
    justification = cells.text("human_services_justification", False, 2000)
    if justification and cells.values.get("human_services", "").lower() != "judgement":
        cells.problem(
            "human_services_justification", "Only a human_services of judgement is justified."
        )
    details = {
        "level": cells.choice("credential", _enum_choices(CredentialLevel)),
        "field_of_study": cells.text("field_of_study", False),
        "institution": cells.text("institution", True),
        "conferred_on": cells.date("conferred_on", True),
        "accredited": cells.choice("accredited", _YES_NO),
        "accreditation_checked_how": cells.text("accreditation_checked_how", False),
    }
    if cells.failed:
        return None
    return CredentialDetails(
        **details, human_services_basis=basis, human_services_justification=justification
    )


def _experience_row(cells: _Cells) -> ExperienceDetails | None:
    details = ExperienceDetails(
        employer=cells.text("employer", True),
        role=cells.text("role", True),
        start_on=cells.date("start_on", True),
        end_on=cells.date("end_on", False),
        hours_per_week=cells.hours("hours_per_week"),
        population=cells.choice("population", _enum_choices(Population)),
        target_population=cells.choice("target_population", _YES_NO),
    )
    return None if cells.failed else details


@dataclass(frozen=True)
class PlanSettings:
    """What the pure plan needs to know besides the file: today and the configured lists."""

    today: dt.date | None = None  # None: only the fixed bounds are checked
    licence_types: tuple[str, ...] = LICENCE_TYPES

    def latest(self, kind: str) -> tuple[dt.date | None, str]:
        """The latest date a cell of ``kind`` may hold, and the words for it."""
        if self.today is None:
            return None, "today"
        if kind == "past":
            return self.today, f"today ({self.today.isoformat()})"
        if kind == "year":
            later = latest_date(self.today)
            return later, f"a year from today ({later.isoformat()})"
        later = self.today.replace(year=self.today.year + 10, day=min(self.today.day, 28))
        return later, f"ten years from today ({later.isoformat()})"


def _licence_row(cells: _Cells, settings: PlanSettings) -> LicenceDetails | None:
    types = {name.lower(): name for name in settings.licence_types}
    licence_type = cells.choice("licence_type", types)
    number = cells.text("licence_number", True, 60)
    state = cells.text("issuing_state", True)
    if state is not None and not re.fullmatch(r"[A-Za-z]{2}", state):
        cells.problem("issuing_state", f"“{state}” is not a two-letter state code, e.g. MA.")
    board = cells.text("issuing_board", False)
    issued_on = cells.bounded("issued_on", True, *settings.latest("past"))
    expires_on = cells.bounded("expires_on", True, *settings.latest("decade"))
    if issued_on and expires_on and expires_on <= issued_on:
        cells.problem("expires_on", "The expiry date must be after the issue date.")
    if cells.failed:
        return None
    return LicenceDetails(licence_type, number, state.upper(), board, issued_on, expires_on)


def _leave_row(cells: _Cells, settings: PlanSettings) -> LeaveDetails | None:
    starts_on = cells.bounded("starts_on", True, *settings.latest("year"))
    ends_on = cells.bounded("ends_on", True, *settings.latest("year"))
    reason = cells.choice("reason", _enum_choices(LeaveReason))
    if starts_on and ends_on and ends_on < starts_on:
        cells.problem("ends_on", "The last day of leave is before the first.")
    return None if cells.failed else LeaveDetails(starts_on, ends_on, reason)


def _employment_row(cells: _Cells, settings: PlanSettings) -> EmploymentDetails | None:
    hired_on = cells.bounded("hired_on", True, *settings.latest("past"))
    separated_on = cells.bounded("separated_on", True, *settings.latest("past"))
    if hired_on and separated_on and separated_on < hired_on:
        cells.problem("separated_on", "The last day employed is before the hire date.")
    return None if cells.failed else EmploymentDetails(hired_on, separated_on)


_READERS = {
    RecordType.CREDENTIAL: lambda cells, settings: _credential_row(cells),
    RecordType.EXPERIENCE: lambda cells, settings: _experience_row(cells),
    RecordType.LICENCE: _licence_row,
    RecordType.LEAVE: _leave_row,
    RecordType.EMPLOYMENT: _employment_row,
}


def _plan_row(
    row: _Row, plan: ImportPlan, problems: list[ImportProblem], settings: PlanSettings
) -> None:
    cells = _Cells(row, problems)
    record_type = cells.choice("record", _enum_choices(RecordType))
    if record_type is None:
        return
    cells.leave_empty(record_type)
    if record_type is RecordType.PERSON:
        _plan_person(cells, plan)
        return
    ref = cells.text("person_ref", True, EMAIL_MAX_LENGTH)
    details = _READERS[record_type](cells, settings)
    if ref is not None:  # even with bad cells, so that an unknown reference is reported too
        plan.facts.append(FactRow(row.line, ref.lower(), details))


def _plan_person(cells: _Cells, plan: ImportPlan) -> None:
    """Check a person row, and that its reference and work email are unique in the file."""
    person = _person_row(cells)
    ref = cells.values.get("person_ref", "").lower()
    email = cells.values.get("work_email", "").lower()
    for name, key in (("person_ref", ref), ("work_email", email)):
        if not key or (name == "work_email" and key == ref):
            continue
        if key in plan.person_keys:
            line = plan.person_keys[key]
            cells.problem(name, f"The person row on line {line} has this reference or email.")
        else:
            plan.person_keys[key] = cells.line
    if email:
        plan.person_emails.setdefault(email, cells.line)
    plan.people.append(replace(person, failed=cells.failed))


def _overlapping_employment(plan: ImportPlan, problems: list[ImportProblem]) -> None:
    """Refuse a past period that overlaps an earlier row's period of the same person; the row
    is then only reported, never applied (the database check would report it a second time)."""
    seen: dict[str, list[tuple[int, Employment]]] = {}
    for index, fact in enumerate(plan.facts):
        if not isinstance(fact.details, EmploymentDetails):
            continue
        period = Employment(fact.details.hired_on, fact.details.separated_on)
        earlier = seen.setdefault(fact.ref, [])
        clash = next((line for line, other in earlier if periods_overlap(other, period)), None)
        if clash is not None:
            message = f"This overlaps the period of employment on line {clash}."
            problems.append(ImportProblem(fact.line, "hired_on", message))
            plan.facts[index] = replace(fact, details=None)
        else:
            earlier.append((fact.line, period))


def read_plan(
    data: bytes, problems: list[ImportProblem], settings: PlanSettings | None = None
) -> ImportPlan:
    """Parse and check every row's cells; problems found are appended to ``problems``."""
    settings = settings or PlanSettings()
    plan = ImportPlan()
    text = _decode(data, problems)
    if text is None:
        return plan
    for row in _read_rows(text, problems):
        _plan_row(row, plan, problems, settings)
    _overlapping_employment(plan, problems)
    return plan
