"""The compliance dashboard's supervision columns and filter (issue 10): weeks ``missed`` among
the last 4 and 13 weeks over as of the dashboard's date, by the weekly rule, on the page and in
the CSV, at a constant number of statements.

Expected values are worked by hand from the issue's weekly rule. The frozen clock stands on
Monday 2026-11-23; weeks run Sunday to Saturday, so the week in progress (22-28 November) is
pending and never counted, the last 4 weeks over start on 25 October, 1, 8 and 15 November
and the last 13 on 23 August to 15 November."""

import csv
import datetime as dt
import io

import pytest

from lms import clock
from lms.compliance.rules import STATUS_ORDER
from lms.staff.models import Position
from lms.supervision.models import LeavePeriod, LeaveReason, SupervisionSession
from lms.supervision.rules import Modality, SessionFormat
from tests.integration.supervision_records import add_licence, add_person
from tests.web.test_compliance_pages import shown

D = dt.date
THIRTEEN_WEEKS = [D(2026, 8, 23) + dt.timedelta(weeks=n) for n in range(13)]


def add_session(db, mentor, supervisor, held_on, session_format=SessionFormat.INDIVIDUAL):
    now = clock.now()
    db.add(
        SupervisionSession(
            mentor_id=mentor.id,
            supervisor_id=supervisor.id,
            held_on=held_on,
            minutes=60,
            format=session_format,
            modality=Modality.IN_PERSON,
            topics=[],
            recorded_at=now,
            recorded_by_label="test",
            imported=False,
            signed_at=now,
            signed_name="Sue Visor",
        )
    )


def add_leave(db, person, first_day, last_day):
    db.add(
        LeavePeriod(
            person_id=person.id,
            first_day=first_day,
            last_day=last_day,
            reason=LeaveReason.VACATION,
            recorded_at=clock.now(),
        )
    )


@pytest.fixture
def people(db, users, frozen_clock):
    """All hired 2026-01-05, supervised by Sue (licence valid 2020-2028), nobody trained:

    Ann  a session on the Tuesday of every week but those of 1 and 15 November: two required,
         finished weeks of the last 4 without one -> 2 and 2.
    Ben  a session every week except: the week of 8 November, on leave Monday to Wednesday
         (three weekdays: two on duty, not required, not missed); the week of 4 October, a group
         session only (does not count: missed) -> 0 and 1.
    Cat  a session every week over -> 0 and 0 (none yet this week: pending, not counted).
    Dee  no session at all; leave on two weekdays (16-17 November) still leaves three on duty,
         so that week is required too -> 4 and 13.
    """
    sue = add_person(db, "Sue Visor", position=Position.LICENSED_CLINICIAN)
    add_licence(db, sue)
    team = {name: add_person(db, name, supervisor=sue) for name in ("Ann", "Ben", "Cat", "Dee")}
    for week in THIRTEEN_WEEKS:
        tuesday = week + dt.timedelta(days=2)
        if week not in (D(2026, 11, 1), D(2026, 11, 15)):
            add_session(db, team["Ann"], sue, tuesday)
        if week == D(2026, 10, 4):
            add_session(db, team["Ben"], sue, tuesday, SessionFormat.GROUP)
        elif week != D(2026, 11, 8):
            add_session(db, team["Ben"], sue, tuesday)
        add_session(db, team["Cat"], sue, tuesday)
    add_leave(db, team["Ben"], D(2026, 11, 9), D(2026, 11, 11))
    add_leave(db, team["Dee"], D(2026, 11, 16), D(2026, 11, 17))
    db.commit()
    team["sue"] = sue
    return team


@pytest.fixture
def hr_client(client, auth, people):
    auth.login("hr@example.org")
    return client


def missed_columns(rows):
    return {row[0]: row[6:] for row in rows[1:] if len(row) > 1}


def test_columns_count_missed_weeks_by_the_weekly_rule(hr_client):
    rows = shown(hr_client.get("/compliance/"))
    assert rows[0][6:] == [
        "Supervision weeks missed (last 4)",
        "Supervision weeks missed (last 13)",
    ]
    assert missed_columns(rows) == {
        "Ann": ["2", "2"],
        "Ben": ["0", "1"],
        "Cat": ["0", "0"],
        "Dee": ["4", "13"],
    }


def test_columns_follow_the_as_of_date(hr_client):
    # As of Saturday 2026-11-14 the week of 8 November is still in progress; the last 4 over
    # start 11 October to 1 November (Ann missed 1 November), the last 13 on 9 August, and
    # nobody had a session in the weeks of 9 and 16 August. Ben's group-only week of 4 October
    # is among the 13.
    rows = shown(hr_client.get("/compliance/?as_of=2026-11-14"))
    assert missed_columns(rows) == {
        "Ann": ["1", "3"],
        "Ben": ["0", "3"],
        "Cat": ["0", "2"],
        # Hired Monday 5 January: the 13 weeks from 9 August are all required.
        "Dee": ["4", "13"],
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("missed_supervision=4", ["Ann", "Dee"]),
        ("missed_supervision=13", ["Ann", "Ben", "Dee"]),
        ("missed_supervision=4&as_of=2026-11-14", ["Ann", "Dee"]),
        ("missed_supervision=13&status=compliant", []),
    ],
)
def test_filter_keeps_mentors_who_missed_a_week(hr_client, query, expected):
    rows = shown(hr_client.get("/compliance/?" + query))
    assert [row[0] for row in rows[1:] if len(row) > 1] == expected


def test_filter_and_columns_in_the_csv(hr_client):
    response = hr_client.get("/compliance/export.csv?missed_supervision=13")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][6:] == [
        "Supervision weeks missed (last 4)",
        "Supervision weeks missed (last 13)",
    ]
    assert {row[0]: row[6:] for row in rows[1:]} == {
        "Ann": ["2", "2"],
        "Ben": ["0", "1"],
        "Dee": ["4", "13"],
    }


def test_filter_choice_is_kept_in_links_and_the_form(hr_client):
    page = hr_client.get("/compliance/?missed_supervision=4").get_data(as_text=True)
    assert '<option value="4" selected>Missed supervision in the last 4 weeks</option>' in page
    assert 'export.csv?as_of=2026-11-23&amp;missed_supervision=4"' in page
    assert ", missed supervision in the last 4 weeks: 2</h2>" in page


@pytest.mark.parametrize("value", ["5", "four", "0"])
def test_a_bad_filter_value_is_refused_naming_the_field(hr_client, value):
    response = hr_client.get(f"/compliance/?missed_supervision={value}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"Supervision “{value}” is not one of the choices offered." in page
    assert 'href="#missed_supervision"' in page
    assert hr_client.get(f"/compliance/export.csv?missed_supervision={value}").status_code == 400


#: The compliance list's query for one status's rows, in due-date order.
BY_STATUS = "ORDER BY training_status_periods.due_on"


def test_cost_is_the_same_for_five_or_sixty_mentors(hr_client, db, people, count_queries):
    def measure():
        counts = []
        for url in (
            "/compliance/",
            "/compliance/?missed_supervision=13",
            "/compliance/export.csv",
            "/compliance/export.csv?missed_supervision=4",
        ):
            with count_queries() as counted:
                assert hr_client.get(url).status_code == 200
            # The page reads its rows one status at a time, one query per status it reaches
            # (at most one per status, however many mentors): counted apart.
            by_status = [s for s in counted.statements if BY_STATUS in s]
            assert len(by_status) <= len(STATUS_ORDER)
            counts.append(counted.count - len(by_status))
        return counts

    few = measure()
    sue = people["sue"]
    for number in range(56):
        mentor = add_person(db, f"Many {number:02}", supervisor=sue, email=f"m{number}@x.org")
        for week in THIRTEEN_WEEKS[number % 3 :: 2]:
            add_session(db, mentor, sue, week + dt.timedelta(days=3))
    db.commit()
    many = measure()
    assert many == few
    # Page: the statements of the dashboard and 6 for the supervision weeks of its rows, its
    # rows apart (one query per status the page reaches); filtered, the rows are counted and
    # paged in SQL against the stored runs of unsupervised weeks (one count, one page of rows).
    assert few[0] <= 14 and few[1] <= 16
    assert few[2] <= 10 and few[3] <= 10


def test_the_missed_weeks_list_pages_mentors_found_from_the_stored_runs(
    hr_client, monkeypatch, count_queries
):
    # The last 4 weeks over (25 October to 21 November): Ann missed 1 and 15 November, Dee all
    # four; Ben (leave made the week of 8 November not required) and Cat missed none.
    monkeypatch.setattr("lms.supervision.views.MISSED_PAGE_SIZE", 1)
    period = "from=2026-10-25&to=2026-11-21&as_of=2026-11-23"
    hr_client.get(f"/supervision/missed?{period}")  # caches warmed, as for any later request
    pages = []
    for number in (1, 2):
        with count_queries() as counted:
            html = hr_client.get(f"/supervision/missed?{period}&page={number}").get_data(
                as_text=True
            )
        pages.append((html, counted.count))
    first, second = (html for html, _ in pages)
    assert "Mentors 1\u20131 of 2 with a missed week in this period" in first
    assert "Mentors 2\u20132 of 2 with a missed week in this period" in second
    assert first.count(">Ann<") == 2 and ">Dee<" not in first
    assert second.count(">Dee<") == 4 and ">Ann<" not in second
    assert 'rel="next"' in first and 'rel="prev"' in second
    # Any page: the user and roles, the count and the page's ids, the weekly rule's seven
    # queries for the page's mentors (six when they have no session: no supervisor's training
    # areas to read), the organisation and the notifications badge.
    assert [count for _, count in pages] == [13, 12]
    # A period with no week over yet lists nobody.
    html = hr_client.get("/supervision/missed?from=2026-11-22&to=2026-11-23&as_of=2026-11-23")
    assert "No missed weeks in this period." in html.get_data(as_text=True)
