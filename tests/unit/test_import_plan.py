"""Reading an import CSV into a plan needs no database: the pure half of the staff import."""

import datetime as dt

from lms.clinicians.operations import LicenceDetails
from lms.staff.models import Position, StaffStatus
from lms.staff.rules import Employment, past_employment_problems
from lms.staffimport.import_plan import EmploymentDetails, LeaveDetails, PlanSettings, read_plan
from lms.supervision.models import LeaveReason

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


# -- licence, leave and employment rows (issue #10) ---------------------------------------------

RECORDS_HEADER = (
    "record,person_ref,licence_type,licence_number,issued_on,expires_on,issuing_state,"
    "starts_on,ends_on,reason,hired_on,separated_on\n"
)
SETTINGS = PlanSettings(dt.date(2026, 11, 23), ("LICSW", "LMHC"))


def records_plan(*rows: str):
    problems = []
    plan = read_plan((RECORDS_HEADER + "".join(rows)).encode(), problems, SETTINGS)
    return plan, [(p.line, p.field) for p in problems]


def test_licence_leave_and_employment_rows_become_typed_facts():
    plan, problems = records_plan(
        "licence,sam@example.org,licsw,112233,2024-10-01,2026-10-01,ma,,,,,\n",
        "leave,ann@example.org,,,,,,2026-07-06,2026-07-10,Vacation,,\n",
        "employment,ann@example.org,,,,,,,,,2012-06-18,2016-08-31\n",
    )
    assert problems == []
    assert [(fact.line, fact.ref) for fact in plan.facts] == [
        (2, "sam@example.org"),
        (3, "ann@example.org"),
        (4, "ann@example.org"),
    ]
    # The licence type as the configured list spells it; the state in capitals.
    assert plan.facts[0].details == LicenceDetails(
        "LICSW", "112233", "MA", None, dt.date(2024, 10, 1), dt.date(2026, 10, 1)
    )
    assert plan.facts[1].details == LeaveDetails(
        dt.date(2026, 7, 6), dt.date(2026, 7, 10), LeaveReason.VACATION
    )
    assert plan.facts[2].details == EmploymentDetails(dt.date(2012, 6, 18), dt.date(2016, 8, 31))


def test_every_problem_of_the_new_rows_in_one_pass_with_line_and_column():
    plan, problems = records_plan(
        # a type not on the configured list; a three-letter state; expiring before issued
        "licence,sam@example.org,LCSW,1,2024-10-01,2024-09-30,MAS,,,,,\n",
        # issued in the future (today is 2026-11-23); expiring on the issue day
        "licence,sam@example.org,LMHC,2,2026-11-24,2026-11-24,MA,,,,,\n",
        # ending before it starts; a reason that is not a category
        "leave,ann@example.org,,,,,,2026-07-10,2026-07-06,surgery,,\n",
        # leave more than a year ahead
        "leave,ann@example.org,,,,,,2027-11-24,2027-11-25,vacation,,\n",
        # separated before hired; a period still going on (no last day)
        "employment,ann@example.org,,,,,,,,,2016-08-31,2012-06-18\n",
        "employment,bob@example.org,,,,,,,,,2012-06-18,\n",
        # ends in the future: not a past period
        "employment,cy@example.org,,,,,,,,,2020-01-01,2026-11-24\n",
    )
    assert problems == [
        (2, "licence_type"),
        (2, "issuing_state"),
        (2, "expires_on"),
        (3, "issued_on"),
        (4, "reason"),
        (4, "ends_on"),
        (5, "starts_on"),
        (5, "ends_on"),
        (6, "separated_on"),
        (7, "separated_on"),
        (8, "separated_on"),
    ]
    assert all(fact.details is None for fact in plan.facts)


def test_a_licence_expiring_the_day_after_issue_is_accepted():
    # Valid on its issue day only (issued_on <= day < expires_on).
    _, problems = records_plan("licence,s,LMHC,2,2026-11-22,2026-11-23,MA,,,,,\n")
    assert problems == []


def test_employment_rows_of_one_person_that_overlap_are_refused_at_the_later_line():
    plan, problems = records_plan(
        "employment,ann,,,,,,,,,2010-01-04,2012-06-29\n",
        "employment,bob,,,,,,,,,2011-01-03,2011-12-30\n",  # another person: no clash
        "employment,ann,,,,,,,,,2012-06-29,2013-01-31\n",  # shares 2012-06-29 with line 2
        "employment,ann,,,,,,,,,2012-07-02,2013-01-31\n",  # the day after: fine
    )
    assert problems == [(4, "hired_on")]
    assert [fact.details is None for fact in plan.facts] == [False, False, True, False]


def test_a_past_period_may_not_overlap_nor_follow_the_current_employment():
    current = Employment(dt.date(2020, 3, 2))  # employed since 2 March 2020, still employed
    earlier = Employment(dt.date(2014, 1, 6), dt.date(2016, 5, 31))
    today = dt.date(2026, 11, 23)

    def fields(hired, separated, periods=(earlier, current), planned=None):
        period = Employment(hired, separated)
        return [p.field for p in past_employment_problems(periods, planned, period, today)]

    assert fields(dt.date(2017, 1, 2), dt.date(2020, 3, 1)) == []  # between the two: fine
    assert fields(dt.date(2017, 1, 2), dt.date(2020, 3, 2)) == ["hired_on"]  # current's first day
    assert fields(dt.date(2016, 5, 31), dt.date(2017, 1, 1)) == ["hired_on"]  # earlier's last day
    # After a separated latest period: it would become the latest, which the record describes.
    ended = Employment(dt.date(2020, 3, 2), dt.date(2023, 6, 30))
    assert fields(dt.date(2024, 1, 2), dt.date(2024, 6, 28), (ended,)) == ["hired_on"]
    # A candidate's planned start: a past period ends before it.
    assert fields(dt.date(2020, 1, 6), dt.date(2026, 12, 1), (), dt.date(2026, 12, 1)) == [
        "separated_on"
    ]
    assert fields(dt.date(2020, 1, 6), dt.date(2020, 12, 1), (), dt.date(2026, 12, 1)) == []
