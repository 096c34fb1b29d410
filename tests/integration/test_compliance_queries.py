"""The compliance data against the database, made through the real operations: who was employed
and in what state on several past dates, the daily shares, filters, scoping, and the command."""

import csv
import datetime as dt
import io
import json

import pytest

from lms.actor import Actor
from lms.compliance.queries import (
    ComplianceFilters,
    cells,
    compliance_dashboard,
    dashboard_page,
    stream_rows,
)
from lms.curriculum.loader import load_edition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.staff.models import Position, StaffStatus
from lms.staff.operations import create_person
from lms.training.operations import (
    TrainingSettings,
    ensure_current_cycle,
    open_module,
    record_imported_completion,
)
from lms.training.rules import CyclePolicy, TrainingStatus
from tests.support.editions import Folder
from tests.support.factories import person_details

POLICY = CyclePolicy(30, 90)
SETTINGS = TrainingSettings(POLICY, "demo", 0, dt.timedelta(minutes=5))
ACTOR = Actor.system("test")
TODAY = dt.date(2031, 6, 30)
D = dt.date
S = TrainingStatus


@pytest.fixture
def organisation(db, tmp_path, frozen_clock):
    """Two supervisors and five mentors (initial training due in 30 days; renewal window 90):

    Ana  hired 2030-01-06, completed 2030-01-20 (expires 2031-01-20), renewed 2031-01-05 inside
         the window (expires 2032-01-20). Supervisor: Sue.
    Ben  hired 2030-02-01, completed 2030-02-25 (expires 2031-02-25), never renewed. Sue.
    Cam  hired 2030-03-01 (due 2030-03-31), completed late on 2030-05-10 (expires 2031-05-10),
         never renewed. No supervisor.
    Dee  hired 2030-04-01, completed 2030-04-15, left: last day 2030-09-30. Sam.
    Eve  hired 2031-06-01 (due 2031-07-01), opened her first module at 02:00 UTC on 2031-06-10,
         which is the evening of 2031-06-09 in Massachusetts. Sam.
    Fay  a candidate, never hired.
    """
    loaded, problems = load_edition(Folder(tmp_path / "demo" / "2030").path)
    assert not problems
    publish_edition(db, ACTOR, plan_publication(db, loaded, {}))

    def person(name, position=Position.THERAPEUTIC_MENTOR, **details):
        details.setdefault("status", StaffStatus.ACTIVE)
        return create_person(
            db,
            ACTOR,
            person_details(name, date_of_birth=D(1990, 1, 1), position=position, **details),
            TODAY,
        )

    sue = person("Sue Visor", Position.LICENSED_CLINICIAN, hire_on=D(2020, 1, 1))
    sam = person("Sam Visor", Position.LICENSED_CLINICIAN, hire_on=D(2020, 1, 1))
    people = {
        "sue": sue,
        "sam": sam,
        "Ana": person("Ana", hire_on=D(2030, 1, 6), supervisor_id=sue.id),
        "Ben": person("Ben", hire_on=D(2030, 2, 1), supervisor_id=sue.id),
        "Cam": person("Cam", hire_on=D(2030, 3, 1)),
        "Dee": person(
            "Dee",
            hire_on=D(2030, 4, 1),
            status=StaffStatus.SEPARATED,
            separated_on=D(2030, 9, 30),
            supervisor_id=sam.id,
        ),
        "Eve": person("Eve", hire_on=D(2031, 6, 1), supervisor_id=sam.id),
        "Fay": person("Fay", status=StaffStatus.CANDIDATE),
    }
    for name, day in (
        ("Ana", D(2030, 1, 20)),
        ("Ana", D(2031, 1, 5)),
        ("Ben", D(2030, 2, 25)),
        ("Cam", D(2030, 5, 10)),
        ("Dee", D(2030, 4, 15)),
    ):
        record_imported_completion(db, ACTOR, people[name], day, "binder", TODAY, SETTINGS)
    cycle = ensure_current_cycle(db, people["Eve"], D(2031, 6, 1), SETTINGS)
    frozen_clock.current = dt.datetime(2031, 6, 10, 2, 0, tzinfo=dt.UTC)
    open_module(db, cycle, 1, 0, SETTINGS)
    frozen_clock.current = dt.datetime(2031, 6, 30, 15, 0, tzinfo=dt.UTC)
    db.commit()
    return people


def listed(db, as_of, **options):
    dashboard = compliance_dashboard(db, as_of, POLICY, chart=False, **options)
    return [(r.record.name, r.state.status, r.state.days_left) for r in dashboard.rows]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # Cam within his first 30 days; Ana's and Ben's first year running; Dee not yet hired.
        (
            D(2030, 3, 15),
            [("Cam", S.NOT_STARTED, 16), ("Ana", S.COMPLIANT, 311), ("Ben", S.COMPLIANT, 347)],
        ),
        # Cam overdue since 2030-04-01; Dee hired and trained.
        (
            D(2030, 4, 20),
            [
                ("Cam", S.OVERDUE, -20),
                ("Ana", S.COMPLIANT, 275),
                ("Ben", S.COMPLIANT, 311),
                ("Dee", S.COMPLIANT, 360),
            ],
        ),
        # Dee has left; Ana's and Ben's windows are open (Ben's from 2030-11-27); Ana's renewal
        # of 2031-01-05 has not happened yet on this day.
        (
            D(2030, 12, 1),
            [("Ana", S.DUE_SOON, 50), ("Ben", S.DUE_SOON, 86), ("Cam", S.COMPLIANT, 160)],
        ),
        # Ben lapsed on 2031-02-25; Cam's window opened 2031-02-09; Ana renewed to 2032-01-20.
        (
            D(2031, 3, 1),
            [("Ben", S.LAPSED, -4), ("Cam", S.DUE_SOON, 70), ("Ana", S.COMPLIANT, 325)],
        ),
        # Cam lapsed on 2031-05-10; Eve hired, nothing opened yet.
        (
            D(2031, 6, 5),
            [
                ("Ben", S.LAPSED, -100),
                ("Cam", S.LAPSED, -26),
                ("Eve", S.NOT_STARTED, 26),
                ("Ana", S.COMPLIANT, 229),
            ],
        ),
        # Eve opened a module that evening, local time.
        (
            D(2031, 6, 8),
            [
                ("Ben", S.LAPSED, -103),
                ("Cam", S.LAPSED, -29),
                ("Eve", S.NOT_STARTED, 23),
                ("Ana", S.COMPLIANT, 226),
            ],
        ),
        (
            D(2031, 6, 9),
            [
                ("Ben", S.LAPSED, -104),
                ("Cam", S.LAPSED, -30),
                ("Eve", S.IN_PROGRESS, 22),
                ("Ana", S.COMPLIANT, 225),
            ],
        ),
    ],
)
def test_each_past_date_shows_that_day(db, organisation, as_of, expected):
    assert listed(db, as_of) == expected


def test_counts_are_before_the_status_filter(db, organisation):
    dashboard = compliance_dashboard(
        db, D(2031, 6, 9), POLICY, filters=ComplianceFilters(status=S.LAPSED)
    )
    assert [r.record.name for r in dashboard.rows] == ["Ben", "Cam"]
    assert dashboard.counts == {
        S.LAPSED: 2,
        S.OVERDUE: 0,
        S.DUE_SOON: 0,
        S.IN_PROGRESS: 1,
        S.NOT_STARTED: 0,
        S.COMPLIANT: 1,
    }
    assert dashboard.total == 4


def test_the_daily_shares_over_the_year(db, organisation):
    dashboard = compliance_dashboard(db, TODAY, POLICY)
    by_day = {share.day: share for share in dashboard.shares}
    assert dashboard.shares[0].day == D(2030, 7, 1) and dashboard.shares[-1].day == TODAY
    assert len(dashboard.shares) == 365
    # Dee's last day: four mentors, all current; the next day three.
    assert (by_day[D(2030, 9, 30)].employed, by_day[D(2030, 9, 30)].current) == (4, 4)
    assert (by_day[D(2030, 10, 1)].employed, by_day[D(2030, 10, 1)].current) == (3, 3)
    # Ben lapsed: 2 of 3. Then Cam too, and Eve hired: Ana and Eve current, 2 of 4.
    assert (by_day[D(2031, 3, 1)].employed, by_day[D(2031, 3, 1)].current) == (3, 2)
    assert (by_day[D(2031, 6, 5)].employed, by_day[D(2031, 6, 5)].current) == (4, 2)
    assert [m.month for m in dashboard.months][0::6] == [D(2030, 7, 1), D(2031, 1, 1)]


def test_filters_and_a_supervisors_team(db, organisation):
    sue, sam = organisation["sue"], organisation["sam"]
    day = D(2030, 4, 20)
    assert [n for n, *_ in listed(db, day, team_of=sue.id)] == ["Ana", "Ben"]
    assert [n for n, *_ in listed(db, day, filters=ComplianceFilters(supervisor_id=sam.id))] == [
        "Dee"
    ]
    assert [n for n, *_ in listed(db, day, filters=ComplianceFilters(without_supervisor=True))] == [
        "Cam"
    ]
    # A team and another supervisor's filter: no one.
    assert listed(db, day, team_of=sue.id, filters=ComplianceFilters(supervisor_id=sam.id)) == []
    both = ComplianceFilters(position=Position.THERAPEUTIC_MENTOR, status=S.COMPLIANT)
    assert [n for n, *_ in listed(db, day, filters=both)] == ["Ana", "Ben", "Dee"]
    team = compliance_dashboard(db, TODAY, POLICY, team_of=sam.id)
    assert {s.employed for s in team.shares} == {0, 1}  # Dee until September, Eve from June


def test_supervisors_and_positions_are_shown(db, organisation):
    dashboard = compliance_dashboard(db, D(2030, 4, 20), POLICY, chart=False)
    rows = {r.record.name: r.record for r in dashboard.rows}
    assert rows["Ana"].supervisor_name == "Sue Visor" and rows["Cam"].supervisor_name is None
    assert {r.position for r in rows.values()} == {"therapeutic_mentor"}


def test_the_command_prints_csv_and_json(runner, organisation):
    result = runner.invoke(args=["compliance", "report", "--as-of", "2031-03-01"])
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.output))) == [
        ["Mentor", "Status", "Due or expiry date", "Days left", "Supervisor", "Position"],
        ["Ben", "Lapsed", "2031-02-25", "-4", "Sue Visor", "Therapeutic mentor"],
        ["Cam", "Due soon", "2031-05-10", "70", "No supervisor", "Therapeutic mentor"],
        ["Ana", "Compliant", "2032-01-20", "325", "Sue Visor", "Therapeutic mentor"],
    ]
    result = runner.invoke(args=["compliance", "report", "--format", "json"])  # today
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["as_of"] == "2031-06-30"
    assert report["counts"]["lapsed"] == 2 and report["counts"]["in_progress"] == 1
    assert report["mentors"][0] == {
        "person_id": organisation["Ben"].id,
        "mentor": "Ben",
        "status": "lapsed",
        "due_or_expires_on": "2031-02-25",
        "days_left": -125,
        "supervisor": "Sue Visor",
        "supervisor_id": organisation["sue"].id,
        "position": "therapeutic_mentor",
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [("2032-07-01", "no later than 2032-06-30"), ("30/06/2031", "is not a date")],
)
def test_the_command_refuses_a_bad_date_with_exit_2(runner, organisation, value, message):
    result = runner.invoke(args=["compliance", "report", "--as-of", value])
    assert result.exit_code == 2
    assert message in result.output


def test_the_command_refuses_an_unknown_format(runner, organisation):
    assert runner.invoke(args=["compliance", "report", "--format", "xml"]).exit_code == 2


# -- the dashboard from the stored status periods equals the rules' dashboard ---------------


def _cells(rows):
    return [cells(row) for row in rows]


@pytest.mark.parametrize(
    "as_of",
    [D(2030, 3, 15), D(2030, 4, 20), D(2030, 12, 1), D(2031, 3, 1), D(2031, 6, 8), D(2031, 6, 9)],
)
@pytest.mark.parametrize(
    "filters",
    [
        ComplianceFilters(),
        ComplianceFilters(status=S.COMPLIANT),
        ComplianceFilters(status=S.LAPSED),
        ComplianceFilters(without_supervisor=True),
        ComplianceFilters(expiring_within=90),
        ComplianceFilters(expiring_within=366, position=Position.THERAPEUTIC_MENTOR),
    ],
)
def test_the_stored_dashboard_equals_the_rules(db, organisation, as_of, filters):
    reference = compliance_dashboard(db, as_of, POLICY, filters=filters)
    stored = dashboard_page(db, as_of, 1, 50, filters=filters)
    assert _cells(stored.rows) == _cells(reference.rows)
    assert stored.counts == reference.counts
    assert stored.page.total == len(reference.rows)
    assert stored.shares == reference.shares
    assert stored.months == reference.months
    assert _cells(stream_rows(db, as_of, filters=filters)) == _cells(reference.rows)


def test_the_stored_dashboard_pages_and_scopes_a_team(db, organisation):
    sue = organisation["sue"]
    first = dashboard_page(db, D(2030, 4, 20), 1, 2)
    second = dashboard_page(db, D(2030, 4, 20), 2, 2)
    assert [r.record.name for r in first.rows + second.rows] == ["Cam", "Ana", "Ben", "Dee"]
    assert (first.page.count, second.page.number) == (2, 2)
    team = dashboard_page(db, TODAY, 1, 50, team_of=sue.id)
    reference = compliance_dashboard(db, TODAY, POLICY, team_of=sue.id)
    assert _cells(team.rows) == _cells(reference.rows) and team.shares == reference.shares


@pytest.mark.parametrize("as_of", [D(2030, 4, 20), D(2031, 3, 1), D(2031, 6, 9)])
@pytest.mark.parametrize("filters", [ComplianceFilters(), ComplianceFilters(status=S.COMPLIANT)])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_pages_read_status_by_status_join_up_to_the_rules_list(
    db, organisation, as_of, filters, size
):
    # The whole provider's pages are read one status at a time from the counters' counts; every
    # page of every size, put together, is the rules' list in its order.
    reference = _cells(compliance_dashboard(db, as_of, POLICY, filters=filters).rows)
    first = dashboard_page(db, as_of, 1, size, filters=filters)
    joined = list(_cells(first.rows))
    for number in range(2, first.page.count + 1):
        joined += _cells(dashboard_page(db, as_of, number, size, filters=filters).rows)
    assert joined == reference and reference
