"""Reading an import CSV into a plan needs no database: the pure half of the staff import."""

import datetime as dt

from lms.staffimport.import_plan import read_plan
from lms.staff.models import Position, StaffStatus

HEADER = "record,person_ref,legal_name,date_of_birth,position,status,hire_on\n"


def plan_of(text: str):
    problems = []
    plan = read_plan(text.encode("utf-8"), problems)
    return plan, problems


def test_a_person_row_becomes_planned_details():
    plan, problems = plan_of(
        HEADER + "person,p1,Dana Reyes,1997-06-30,therapeutic_mentor,active,2026-11-14\n"
    )
    assert problems == []
    [row] = plan.people
    assert (row.line, row.ref) == (2, "p1")
    details = row.details
    assert (details.legal_name, details.date_of_birth, details.hire_on) == (
        "Dana Reyes",
        dt.date(1997, 6, 30),
        dt.date(2026, 11, 14),
    )
    assert (details.position, details.status) == (Position.THERAPEUTIC_MENTOR, StaffStatus.ACTIVE)


def test_every_bad_cell_is_reported_with_its_line_and_column_in_one_pass():
    plan, problems = plan_of(
        HEADER
        + "person,p1,Dana Reyes,1997-13-30,therapeutic_mentor,active,2026-11-14\n"
        + "person,p2,Eli Park,1996-01-01,astronaut,active,2026-11-14\n"
    )
    assert [(p.line, p.field) for p in problems] == [(2, "date_of_birth"), (3, "position")]
    assert [row.failed for row in plan.people] == [True, True]


def test_example_rows_marked_with_a_hash_are_skipped():
    plan, problems = plan_of(
        HEADER
        + "#person,p1,Sample Person,1997-06-30,therapeutic_mentor,candidate,\n"
        + "person,p2,Dana Reyes,1997-06-30,therapeutic_mentor,candidate,\n"
    )
    assert problems == []
    assert [row.details.legal_name for row in plan.people] == ["Dana Reyes"]


def test_a_file_of_examples_only_imports_no_one_and_says_why():
    plan, problems = plan_of(
        HEADER + "#person,p1,Sample Person,1997-06-30,therapeutic_mentor,candidate,\n"
    )
    assert plan.people == []
    [problem] = problems
    assert (problem.line, problem.field) == (1, "file")
    assert "examples" in problem.message
