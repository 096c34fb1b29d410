"""CSV import of candidates and hires: every bad row reported by line and column, dry runs that
write nothing, and real imports that are all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from decimal import Decimal
from importlib import resources

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.eligibility.models import Determination, EducationCredential, ExperienceRecord
from lms.eligibility.rules import EligibilityStatus
from lms.staff.models import Person, Position, StaffStatus
from lms.staff.operations import create_person
from lms.staffimport.import_plan import COLUMN_NAMES, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS
from lms.staffimport.imports import check_import, run_import
from tests.support.factories import person_details

ACTOR = Actor.system("test")
TODAY = dt.date(2026, 11, 23)


def person(ref: str = "ann@example.org", **values: str) -> dict[str, str]:
    return {
        "record": "person",
        "person_ref": ref,
        "legal_name": "Ann Example",
        "date_of_birth": "1998-04-02",
        "work_email": ref,
        "position": "therapeutic_mentor",
        "status": "candidate",
        **values,
    }


def credential(ref: str = "ann@example.org", **values: str) -> dict[str, str]:
    return {
        "record": "credential",
        "person_ref": ref,
        "credential": "bachelor",
        "field_of_study": "Psychology",
        "institution": "UMass Boston",
        "conferred_on": "2020-05-15",
        "accredited": "yes",
        "human_services": "listed",
        **values,
    }


def experience(ref: str = "ann@example.org", **values: str) -> dict[str, str]:
    return {
        "record": "experience",
        "person_ref": ref,
        "employer": "Dorchester Youth Center",
        "role": "Counselor",
        "start_on": "2020-06-01",
        "hours_per_week": "40",
        "population": "youth",
        "target_population": "no",
        **values,
    }


def csv_bytes(*rows: dict[str, str], header=COLUMN_NAMES) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def problems_of(db, data: bytes) -> list[tuple[int, str]]:
    return [(p.line, p.field) for p in check_import(db, ACTOR, data, TODAY).problems]


def count(db, model) -> int:
    return db.execute(select(func.count()).select_from(model)).scalar_one()


def existing(db, email: str, position: Position = Position.THERAPEUTIC_MENTOR) -> Person:
    details = person_details(
        email.split("@")[0].title(),
        date_of_birth=dt.date(1980, 1, 1),
        position=position,
        status=StaffStatus.ACTIVE,
        hire_on=dt.date(2020, 1, 1),
        work_email=email,
    )
    return create_person(db, ACTOR, details, TODAY)


NO_ROWS = (
    "The file has a header but no rows to import (rows whose record starts with # are "
    "examples and are skipped)."
)


def template_bytes() -> bytes:
    return resources.files("lms.staffimport").joinpath("import_template.csv").read_bytes()


def test_the_shipped_template_unchanged_adds_no_one(db):
    # Its sample rows are marked #person, #credential, #licence...: examples, skipped.
    result = run_import(db, ACTOR, template_bytes(), TODAY)
    assert [(p.line, p.field, p.message) for p in result.problems] == [(1, "file", NO_ROWS)]
    assert not result.applied
    assert count(db, Person) == 0


def test_the_template_rows_import_cleanly_once_the_example_mark_is_removed(db):
    data = template_bytes().replace(b"\n#", b"\n")
    result = check_import(db, ACTOR, data, TODAY)
    assert result.problems == ()
    assert result.summary() == (
        "2 people, 1 credential, 1 experience entry, 1 licence, 1 leave period, "
        "1 past employment period"
    )
    assert next(csv.reader(io.StringIO(data.decode()))) == list(COLUMN_NAMES)


def test_example_rows_are_skipped_beside_real_ones(db):
    data = csv_bytes(person(record="#person", legal_name=""), person("bob@example.org"))
    result = check_import(db, ACTOR, data, TODAY)
    assert result.problems == ()
    assert result.summary() == "1 person, 0 credentials, 0 experience entries"


def test_a_file_of_person_rows_needs_no_credential_or_experience_columns(db):
    header = [c for c in COLUMN_NAMES if c in person() or c == "hire_on"]
    # Left out: the 15 credential and experience columns (11 of them required for such rows),
    # the 11 licence, leave and employment columns, and the optional preferred_name and
    # supervisor_email.
    assert len(COLUMN_NAMES) - len(header) == 28
    data = csv_bytes(person(), header=header)
    result = check_import(db, ACTOR, data, TODAY)
    assert result.problems == ()
    assert result.summary() == "1 person, 0 credentials, 0 experience entries"


def test_columns_of_the_kinds_of_rows_present_are_still_required(db):
    header = [c for c in COLUMN_NAMES if c not in {"institution", "role"}]
    rows = [{k: v for k, v in row.items() if k in header} for row in (person(), credential())]
    assert problems_of(db, csv_bytes(*rows, header=header)) == [(1, "institution")]


def test_problems_behind_other_problems_are_reported_in_the_same_pass(db):
    # Each of these rows also has a bad cell; the rules beyond the cells are still checked.
    data = csv_bytes(
        person(date_of_birth="2030-01-01", work_email="not an email"),
        person("bob@example.org", status="active", position="boss"),
        experience("nobody@example.org", hours_per_week="lots"),
    )
    result = check_import(db, ACTOR, data, TODAY)
    assert [(p.line, p.field) for p in result.problems] == [
        (2, "date_of_birth"),
        (2, "work_email"),
        (3, "position"),
        (3, "hire_on"),
        (4, "person_ref"),
        (4, "hours_per_week"),
    ]
    messages = {(p.line, p.field): p.message for p in result.problems}
    assert messages[(2, "date_of_birth")] == "The date of birth cannot be in the future."
    assert messages[(3, "hire_on")] == "An active employee needs a hire date."
    assert count(db, Person) == 0


def test_experience_starting_in_the_future_is_refused(db):
    # TODAY is 2026-11-23.
    data = csv_bytes(person(), experience(start_on="2026-11-24"))
    result = check_import(db, ACTOR, data, TODAY)
    assert [(p.line, p.field, p.message) for p in result.problems] == [
        (3, "start_on", "The start date cannot be in the future.")
    ]


def test_a_good_file_creates_people_facts_determinations_and_one_audit_event(db):
    data = csv_bytes(
        person("sue", legal_name="Sue Pervisor", work_email="Sue@Example.org")
        | {"position": "licensed_clinician", "status": "active", "hire_on": "2019-01-07"},
        person(supervisor_email="sue@example.org"),
        credential(),
        experience(end_on="2021-12-31", hours_per_week="20.5"),
        experience(start_on="2022-01-01", target_population="yes"),
    )
    result = run_import(db, ACTOR, data, TODAY, filename="hires.csv")
    assert result.problems == ()
    assert result.applied
    assert result.summary() == "2 people, 1 credential, 2 experience entries"

    sue = db.execute(select(Person).where(Person.work_email == "sue@example.org")).scalar_one()
    ann = db.execute(select(Person).where(Person.work_email == "ann@example.org")).scalar_one()
    assert ann.supervisor_id == sue.id
    assert not ann.identity_verified
    credentials = db.execute(
        select(EducationCredential).where(EducationCredential.person_id == ann.id)
    ).scalars()
    (degree,) = credentials.all()
    entries = db.execute(
        select(ExperienceRecord)
        .where(ExperienceRecord.person_id == ann.id)
        .order_by(ExperienceRecord.start_on)
    ).scalars()
    jobs = entries.all()
    assert [Decimal(job.hours_per_week) for job in jobs] == [Decimal("20.5"), Decimal("40")]
    assert [job.target_population for job in jobs] == [False, True]
    # HR verifies each fact afterwards, with evidence.
    assert not any(fact.verified for fact in (degree, *jobs))

    determinations = (
        db.execute(
            select(Determination)
            .where(Determination.person_id == ann.id)
            .order_by(Determination.id)
        )
        .scalars()
        .all()
    )
    assert [d.trigger for d in determinations] == [
        "person.create",
        "credential.add",
        "experience.add",
        "experience.add",
    ]
    assert determinations[-1].status is EligibilityStatus.PROVISIONAL  # nothing verified yet

    events = db.execute(select(AuditEvent).where(AuditEvent.action == "staff.import")).scalars()
    (event,) = events.all()
    assert event.details == {
        "filename": "hires.csv",
        "sha256": hashlib.sha256(data).hexdigest(),
        "people": 2,
        "existing_people": 0,
        "credentials": 1,
        "experiences": 2,
        "licences": 0,
        "leave": 0,
        "employments": 0,
    }


def test_a_dry_run_writes_nothing(db):
    data = csv_bytes(person(), credential(), experience())
    before = [count(db, model) for model in (Person, Determination, AuditEvent)]
    result = check_import(db, ACTOR, data, TODAY)
    assert result.problems == ()
    assert not result.applied
    assert result.summary() == "1 person, 1 credential, 1 experience entry"
    assert [count(db, model) for model in (Person, Determination, AuditEvent)] == before


def test_one_bad_row_imports_nothing(db):
    data = csv_bytes(
        person(),
        credential(),
        person("bob@example.org", legal_name="Bob"),
        experience("bob@example.org", hours_per_week="0"),
    )
    before = [count(db, model) for model in (Person, AuditEvent)]
    result = run_import(db, ACTOR, data, TODAY)
    assert not result.applied
    assert [(p.line, p.field) for p in result.problems] == [(5, "hours_per_week")]
    assert [count(db, model) for model in (Person, AuditEvent)] == before


@pytest.mark.parametrize(
    ("rows", "expected", "message"),
    [
        ([person(record="persn")], (2, "record"), "is not one of: person, credential"),
        ([person(legal_name="")], (2, "legal_name"), "Required"),
        ([person(legal_name="x" * 201)], (2, "legal_name"), "At most 200 characters"),
        ([person(date_of_birth="02/04/1998")], (2, "date_of_birth"), "YYYY-MM-DD"),
        ([person(date_of_birth="1998-02-30")], (2, "date_of_birth"), "YYYY-MM-DD"),
        ([person(date_of_birth="2030-01-01")], (2, "date_of_birth"), "in the future"),
        ([person(work_email="not-an-email")], (2, "work_email"), "not a valid email"),
        ([person(position="mentor")], (2, "position"), "therapeutic_mentor"),
        ([person(status="separated")], (2, "status"), "candidates and active staff only"),
        ([person(status="active")], (2, "hire_on"), "hire date"),
        ([person(employer="Acme")], (2, "employer"), "Leave this empty on person rows"),
        ([person(supervisor_email="nobody@example.org")], (2, "supervisor_email"), "No one"),
        ([person(), credential(credential="phd")], (3, "credential"), "is not one of"),
        ([person(), credential(institution="")], (3, "institution"), "Required"),
        ([person(), credential(accredited="maybe")], (3, "accredited"), "yes, no"),
        ([person(), credential(conferred_on="2027-05-15")], (3, "conferred_on"), "conferred"),
        (
            [person(), credential(field_of_study="Basket weaving")],
            (3, "human_services"),
            "not on the list",
        ),
        (
            [person(), credential(human_services="judgement")],
            (3, "human_services_justification"),
            "why this field counts",
        ),
        (
            [person(), credential(human_services_justification="Because it is.")],
            (3, "human_services_justification"),
            "Only a human_services of judgement",
        ),
        ([person(), credential(legal_name="Ann")], (3, "legal_name"), "on credential rows"),
        ([person(), experience(employer="")], (3, "employer"), "Required"),
        ([person(), experience(end_on="2019-01-01")], (3, "end_on"), "before the start"),
        ([person(), experience(hours_per_week="200")], (3, "hours_per_week"), "at most 168"),
        ([person(), experience(hours_per_week="forty")], (3, "hours_per_week"), "not a number"),
        ([person(), experience(hours_per_week="10.125")], (3, "hours_per_week"), "two decimals"),
        ([person(), experience(population="adults")], (3, "population"), "youth, other"),
        (
            [person(), experience(population="other", target_population="yes")],
            (3, "target_population"),
            "always work with youth",
        ),
        ([person(), experience(credential="ged")], (3, "credential"), "on experience rows"),
        ([person(), experience("ann")], (3, "person_ref"), "No person row"),
        ([person(), experience("")], (3, "person_ref"), "Required"),
    ],
)
def test_each_kind_of_bad_row_is_reported_by_line_and_column(db, rows, expected, message):
    result = check_import(db, ACTOR, csv_bytes(*rows), TODAY)
    assert [(p.line, p.field) for p in result.problems] == [expected]
    assert message in result.problems[0].message


def test_references_and_work_emails_are_unique_in_the_file(db):
    data = csv_bytes(
        person("ann", work_email="ann@example.org"),
        person("ann", work_email="ann2@example.org"),
        person("bee", work_email="ann@example.org"),
        person("ann2@example.org", work_email="cat@example.org"),
    )
    result = check_import(db, ACTOR, data, TODAY)
    assert [(p.line, p.field, p.message) for p in result.problems] == [
        (3, "person_ref", "The person row on line 2 has this reference or email."),
        (4, "work_email", "The person row on line 2 has this reference or email."),
        (5, "person_ref", "The person row on line 3 has this reference or email."),
    ]


def test_facts_find_their_person_by_reference_or_work_email_in_any_case(db):
    data = csv_bytes(
        person("P-1", work_email="ann@example.org"),
        person("", work_email="bob@example.org", legal_name="Bob"),
        credential("p-1"),
        experience("ANN@example.org"),
        experience("bob@example.org"),
    )
    result = check_import(db, ACTOR, data, TODAY)
    assert result.problems == ()
    assert [(p.legal_name, p.credentials, p.experiences) for p in result.planned] == [
        ("Ann Example", 1, 1),
        ("Bob", 0, 1),
    ]


def test_clashes_with_people_already_on_record(db):
    existing(db, "ann@example.org")
    result = check_import(db, ACTOR, csv_bytes(person("ann", work_email="ANN@example.org")), TODAY)
    assert [(p.line, p.field, p.message) for p in result.problems] == [
        (2, "work_email", "Another person already has this work email.")
    ]
    # A new person's reference may not be someone else's work email either.
    data = csv_bytes(person("ann@example.org", work_email="new@example.org"))
    assert problems_of(db, data) == [(2, "person_ref")]


def test_supervisors_must_be_clinicians_on_record_or_above_in_the_file(db):
    existing(db, "mentor@example.org")
    existing(db, "clinician@example.org", Position.LICENSED_CLINICIAN)
    data = csv_bytes(
        person("a@example.org", supervisor_email="mentor@example.org"),
        person("b@example.org", supervisor_email="clinician@example.org"),
        person("c@example.org", supervisor_email="later@example.org"),
        person("later@example.org", position="licensed_clinician"),
        person("d@example.org", supervisor_email="later@example.org"),
        person("e@example.org", supervisor_email="b@example.org"),
        person("f@example.org", supervisor_email="f@example.org"),
        person("g@example.org", supervisor_email="a@example.org"),
    )
    result = check_import(db, ACTOR, data, TODAY)
    assert [(p.line, p.field, p.message) for p in result.problems] == [
        (2, "supervisor_email", "The supervisor must be a licensed clinician."),
        (
            4,
            "supervisor_email",
            "Put the supervisor's row (line 5) above the people they supervise.",
        ),
        (7, "supervisor_email", "The supervisor must be a licensed clinician."),
        (8, "supervisor_email", "A person cannot supervise themselves."),
        (9, "supervisor_email", "The supervisor's row (line 2) has problems; fix those first."),
    ]


def test_a_supervisor_whose_row_failed_is_named(db):
    data = csv_bytes(
        person("sue@example.org", position="licensed_clinician", date_of_birth="bad"),
        person(supervisor_email="sue@example.org"),
    )
    result = check_import(db, ACTOR, data, TODAY)
    assert [(p.line, p.field) for p in result.problems] == [
        (2, "date_of_birth"),
        (3, "supervisor_email"),
    ]
    assert "line 2" in result.problems[1].message


def test_every_problem_is_reported_at_once(db):
    data = csv_bytes(
        person(date_of_birth="1998-13-01", position="boss"),
        credential(conferred_on="2027-01-01"),  # its person failed: still checked
        person("bob@example.org"),
        experience("bob@example.org", end_on="2019-01-01"),
        experience("nobody", hours_per_week="0"),
    )
    result = check_import(db, ACTOR, data, TODAY)
    assert [(p.line, p.field) for p in result.problems] == [
        (2, "date_of_birth"),
        (2, "position"),
        (3, "conferred_on"),
        (5, "end_on"),
        (6, "person_ref"),
        (6, "hours_per_week"),
    ]
    assert count(db, Person) == 0  # the stand-in used for checking is rolled back too


def test_quoted_multi_line_cells_keep_line_numbers_right(db):
    justification = "Child and family studies:\nthree courses on development\nand two on families."
    data = csv_bytes(
        person(),
        credential(human_services="judgement", human_services_justification=justification),
        credential(accredited="perhaps", conferred_on="soon", field_of_study="Family\nlaw"),
        experience(hours_per_week="0"),
    )
    assert data.count(b"\n") == 8  # the header, then rows of 1, 3, 2 and 1 lines
    assert problems_of(db, data) == [
        (6, "conferred_on"),
        (6, "accredited"),
        (8, "hours_per_week"),
    ]


def test_a_byte_order_mark_is_accepted(db):
    data = "\ufeff".encode() + csv_bytes(person(), credential())
    result = check_import(db, ACTOR, data, TODAY)
    assert result.problems == ()
    assert result.summary() == "1 person, 1 credential, 0 experience entries"


def test_blank_lines_and_empty_rows_are_skipped_but_counted(db):
    header, ann = csv_bytes(person()).decode().splitlines()
    job = csv_bytes(experience(hours_per_week="x")).decode().splitlines()[1]
    data = "\r\n".join([header, ann, "", " , ,", job, ""]).encode()
    assert problems_of(db, data) == [(5, "hours_per_week")]


def test_text_that_is_not_utf8_is_reported_with_its_line(db):
    data = csv_bytes(person(), person("bob@example.org", legal_name="Zoë")).decode()
    assert problems_of(db, data.encode("latin-1")) == [(3, "file")]


def test_header_problems_are_reported_on_line_1_and_stop_the_check(db):
    header = [name for name in COLUMN_NAMES if name != "date_of_birth"] + ["shoe_size", "Record"]
    data = csv_bytes({"record": "person", "shoe_size": "9"}, header=header)
    result = check_import(db, ACTOR, data, TODAY)
    assert [(p.line, p.field, p.message) for p in result.problems] == [
        (1, "record", "This column appears more than once."),
        (1, "date_of_birth", "This column is missing from the header."),
        (1, "shoe_size", "Unknown column; the template has the columns this import reads."),
    ]


def test_optional_columns_may_be_left_out(db):
    header = [
        name
        for name in COLUMN_NAMES
        if name not in {"preferred_name", "hire_on", "supervisor_email", "end_on"}
    ]
    rows = [{k: v for k, v in row.items() if k in header} for row in (person(), experience())]
    assert problems_of(db, csv_bytes(*rows, header=header)) == []


def test_unknown_columns_and_cells_beyond_the_header(db):
    assert problems_of(db, csv_bytes(person(), header=[*COLUMN_NAMES, "notes"])) == [(1, "notes")]
    header, ann = csv_bytes(person()).decode().splitlines()
    assert problems_of(db, f"{header}\n{ann},,\n".encode()) == []  # empty extra cells
    assert problems_of(db, f"{header}\n{ann},,Surprise\n".encode()) == [(2, "column 38")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The first line must be the header."),
        (b"\n" + csv_bytes(person()), "The first line must be the header."),
        (csv_bytes(), NO_ROWS),
        (b"x" * (MAX_IMPORT_BYTES + 1), "The file is larger than 2 MB; split it."),
    ],
)
def test_files_that_cannot_be_imported_at_all(db, data, message):
    result = check_import(db, ACTOR, data, TODAY)
    assert [(p.line, p.field, p.message) for p in result.problems] == [(1, "file", message)]


def test_at_most_5000_rows(db):
    data = csv_bytes() + b"nonsense\n" * (MAX_IMPORT_ROWS + 1)
    problems = check_import(db, ACTOR, data, TODAY).problems
    assert len(problems) == MAX_IMPORT_ROWS + 1
    assert (problems[-1].line, problems[-1].field) == (MAX_IMPORT_ROWS + 2, "file")


def test_a_reference_to_someone_on_record_adds_facts_to_them(db):
    ann = existing(db, "ann@example.org")
    data = csv_bytes(credential("Ann@Example.org"), experience("ann@example.org"))
    result = run_import(db, ACTOR, data, TODAY)
    assert result.problems == ()
    assert (result.people, result.existing_people) == (0, 1)
    assert result.summary() == "0 people, 1 credential, 1 experience entry"
    assert count(db, Person) == 1
    triggers = db.execute(
        select(Determination.trigger).where(Determination.person_id == ann.id)
    ).scalars()
    assert sorted(triggers) == ["credential.add", "experience.add", "person.create"]


# -- the command --------------------------------------------------------------------------------


def test_command_imports_all_or_nothing_and_prints_the_counts(runner, db, tmp_path, frozen_clock):
    path = tmp_path / "hires.csv"
    path.write_bytes(csv_bytes(person(), credential(), experience()))
    result = runner.invoke(args=["staff", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Imported 1 person, 1 credential, 1 experience entry.")
    assert count(db, Person) == 1
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "staff.import")).scalar_one()
    assert event.actor_label.startswith("cli:")


def test_command_dry_run_says_what_it_would_add_and_writes_nothing(
    runner, db, tmp_path, frozen_clock
):
    path = tmp_path / "hires.csv"
    path.write_bytes(csv_bytes(person(), person("bob@example.org"), credential(), experience()))
    result = runner.invoke(args=["staff", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would add 2 people, 1 credential, 1 experience entry" in result.output
    assert count(db, Person) == 0
    assert count(db, AuditEvent) == 0


@pytest.mark.parametrize("dry_run", [False, True])
def test_command_prints_each_problem_and_exits_2(runner, db, tmp_path, frozen_clock, dry_run):
    path = tmp_path / "hires.csv"
    path.write_bytes(csv_bytes(person(), credential(conferred_on="2027-01-01"), experience("x")))
    args = ["staff", "import", str(path), *(["--dry-run"] if dry_run else [])]
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:3: conferred_on: Record a degree once it is conferred, not before.",
        f"{path}:4: person_ref: No person row in this file, and no one on record, has this "
        "reference.",
        "2 problems; nothing was imported.",
    ]
    assert result.stdout == ""
    assert count(db, Person) == 0


def test_command_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["staff", "import", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
