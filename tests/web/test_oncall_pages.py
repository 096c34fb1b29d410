"""On-call pages: who is on call now, the roster kept by HR, and the coverage report.

The clock is frozen at 2026-11-23 15:00 UTC: Monday 23 November, 10:00 in America/New_York (EST,
UTC-05:00). Default service hours: mon-fri 08:00-21:00, sat-sun 09:00-18:00.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.clinicians.models import Licence
from lms.oncall.models import OnCallBlock
from lms.oncall.operations import BlockDetails, add_block
from lms.staff.models import Position, StaffStatus
from lms.staff.operations import create_person
from tests.conftest import csrf_token
from tests.support.factories import add_licence_record, person_details

ACTOR = Actor.system("test")
NY = "America/New_York"


@pytest.fixture
def senior(db):
    person = create_person(
        db,
        ACTOR,
        person_details(
            "Sam Senior",
            date_of_birth=dt.date(1975, 1, 1),
            work_email="sam@agency.example",
            position=Position.SENIOR_CLINICIAN,
            status=StaffStatus.ACTIVE,
            hire_on=dt.date(2020, 1, 1),
        ),
        dt.date(2026, 11, 1),
    )
    add_licence_record(db, person, dt.date(2028, 1, 1), licence_number="1")
    db.commit()
    return person


def put_on_call(db, clinician, start, end, phone="617-555-0100"):
    block = add_block(db, ACTOR, BlockDetails(start, end, clinician, phone), NY)
    db.commit()
    return block


def blocks(db):
    return db.execute(select(func.count()).select_from(OnCallBlock)).scalar_one()


def test_a_mentor_sees_who_is_on_call_with_a_tel_link(
    client, auth, users, db, senior, frozen_clock
):
    put_on_call(db, senior, "2026-11-23T08:00", "2026-11-23T21:00", "617-555-0100 x12")
    auth.login("mentor@example.org")
    page = client.get("/oncall/now")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Sam Senior" in html
    assert 'href="tel:6175550100;ext=12"' in html
    assert "In an emergency" in html
    assert "Follow the emergency protocol: call 911 first" in html  # the course's default


def test_nobody_on_call_says_so_and_a_lapsed_licence_does_not_count(
    client, auth, users, db, senior, frozen_clock
):
    licence = db.execute(select(Licence).where(Licence.person_id == senior.id)).scalar_one()
    licence.expires_on = dt.date(2026, 11, 23)  # valid up to yesterday
    db.commit()
    put_on_call(db, senior, "2026-11-23T08:00", "2026-11-23T21:00")
    auth.login("mentor@example.org")
    html = client.get("/oncall/now").get_data(as_text=True)
    assert "No senior clinician is on the roster right now" in html
    assert "Sam Senior" not in html


def test_hr_adds_a_block_and_the_roster_shows_it(client, auth, users, db, senior, frozen_clock):
    auth.login("hr@example.org")
    token = csrf_token(client, "/oncall/roster")
    response = client.post(
        "/oncall/blocks",
        data={
            "csrf_token": token,
            "clinician": str(senior.id),
            "starts_at": "2026-11-23T18:00",
            "ends_at": "2026-11-24T08:00",
            "phone": "617-555-0100",
        },
    )
    assert response.status_code == 302
    assert blocks(db) == 1
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2026-11-23 18:00 to 2026-11-24 08:00" in html


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-11-23T18:00", "2026-11-23T18:00", "must end after it starts"),
        ("2027-03-14T02:30", "2027-03-14T08:00", "does not exist"),
        ("tonight", "2026-11-23T18:00", "is not a local date and time"),
    ],
)
def test_a_bad_block_is_refused_with_its_message_and_nothing_stored(
    client, auth, users, db, senior, frozen_clock, start, end, message
):
    auth.login("hr@example.org")
    token = csrf_token(client, "/oncall/roster")
    response = client.post(
        "/oncall/blocks",
        data={
            "csrf_token": token,
            "clinician": str(senior.id),
            "starts_at": start,
            "ends_at": end,
            "phone": "617-555-0100",
        },
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert blocks(db) == 0


def test_the_roster_says_when_the_next_30_days_are_covered(
    client, auth, users, db, senior, frozen_clock
):
    # 30 days from Monday 23 November (10:00 now) run to Tuesday 22 December inclusive.
    put_on_call(db, senior, "2026-11-23T08:00", "2026-12-23T00:00")
    auth.login("hr@example.org")
    html = client.get("/oncall/roster").get_data(as_text=True)
    assert "has a senior clinician on call" in html
    assert 'class="oncall-gap"' not in html


def test_the_roster_highlights_gaps_in_the_next_30_days(
    client, auth, users, db, senior, frozen_clock
):
    put_on_call(db, senior, "2026-11-23T08:00", "2026-12-22T12:00")
    auth.login("hr@example.org")
    html = client.get("/oncall/roster").get_data(as_text=True)
    assert len(re.findall(r'class="oncall-gap"', html)) == 1
    assert "Tue 22 Dec 2026, 12:00 to Tue 22 Dec 2026, 21:00" in html


def test_the_gaps_ahead_start_now(client, auth, users, db, senior, frozen_clock):
    # Nothing on the roster at 10:00 on Monday: today's gap runs from now, not from 08:00.
    auth.login("hr@example.org")
    html = client.get("/oncall/roster").get_data(as_text=True)
    gaps = re.findall(r'<li class="oncall-gap">([^<]*)</li>', html)
    assert gaps[0] == "Mon 23 Nov 2026, 10:00 to Mon 23 Nov 2026, 21:00"
    assert gaps[-1] == "Tue 22 Dec 2026, 08:00 to Tue 22 Dec 2026, 21:00"
    assert len(gaps) == 30  # one a day: no service hours touch across midnight by default


def test_copy_last_week_and_remove_a_block(client, auth, users, db, senior, frozen_clock):
    put_on_call(db, senior, "2026-11-16T08:00", "2026-11-16T21:00")
    auth.login("admin@example.org")
    token = csrf_token(client, "/oncall/roster")
    response = client.post(
        "/oncall/copy-week", data={"csrf_token": token, "week_starts_on": "2026-11-22"}
    )
    assert response.status_code == 302
    copied = db.execute(
        select(OnCallBlock.id).where(OnCallBlock.starts_local == "2026-11-23T08:00")
    ).scalar_one()
    response = client.post(f"/oncall/blocks/{copied}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    removed_at = db.execute(
        select(OnCallBlock.removed_at).where(OnCallBlock.id == copied)
    ).scalar_one()
    assert removed_at == frozen_clock.current
    again = client.post(f"/oncall/blocks/{copied}/remove", data={"csrf_token": token})
    assert again.status_code == 302  # flashed: that block is not on the roster


def test_the_report_answers_who_was_on_call_at_a_past_moment(
    client, auth, users, db, senior, frozen_clock
):
    put_on_call(db, senior, "2026-11-02T08:00", "2026-11-02T20:30")
    auth.login("auditor@example.org")
    page = client.get("/oncall/report?from=2026-11-02&to=2026-11-02&at=2026-11-02T20:15")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Sam Senior, 617-555-0100" in html
    assert "2026-11-02T20:30:00-05:00" in html and "2026-11-02T21:00:00-05:00" in html


@pytest.mark.parametrize(
    "query", ["from=2026-11-05&to=2026-11-01", "from=yesterday", "at=2026-03-08T02:30"]
)
def test_the_report_refuses_bad_input_naming_the_field(client, auth, users, frozen_clock, query):
    auth.login("hr@example.org")
    page = client.get(f"/oncall/report?{query}")
    assert page.status_code == 400
    assert "There is a problem" in page.get_data(as_text=True)


def test_the_roster_takes_a_constant_number_of_queries(
    client, auth, users, db, senior, frozen_clock, count_queries
):
    put_on_call(db, senior, "2026-11-23T08:00", "2026-11-23T21:00")
    auth.login("hr@example.org")
    with count_queries() as few:
        assert client.get("/oncall/roster").status_code == 200
    for day in range(24, 30):
        put_on_call(db, senior, f"2026-11-{day}T08:00", f"2026-11-{day}T21:00")
    with count_queries() as many:
        assert client.get("/oncall/roster").status_code == 200
    assert many.count == few.count, many.statements


def test_the_report_downloads_as_csv_with_formulas_made_inert(
    client, auth, users, db, senior, frozen_clock
):
    senior.legal_name = "=HYPERLINK(1)"
    db.commit()
    put_on_call(db, senior, "2026-11-02T08:00", "2026-11-02T20:30")
    auth.login("auditor@example.org")
    response = client.get("/oncall/report.csv?from=2026-11-02&to=2026-11-02")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines() == [
        "record,starts_at,ends_at,clinician,clinician_email,phone,counts",
        "block,2026-11-02T08:00:00-05:00,2026-11-02T20:30:00-05:00,'=HYPERLINK(1),"
        "sam@agency.example,617-555-0100,yes",
        "gap,2026-11-02T20:30:00-05:00,2026-11-02T21:00:00-05:00,,,,",
    ]
    assert client.get("/oncall/report.csv?from=2026-11-05&to=2026-11-01").status_code == 400


def test_the_report_takes_a_constant_number_of_queries(
    client, auth, users, db, senior, frozen_clock, count_queries
):
    put_on_call(db, senior, "2026-11-02T08:00", "2026-11-02T21:00")
    auth.login("auditor@example.org")
    path = "/oncall/report?from=2026-11-01&to=2026-11-21&at=2026-11-02T12:00"
    with count_queries() as few:
        assert client.get(path).status_code == 200
    for day in range(3, 21):
        put_on_call(db, senior, f"2026-11-{day:02}T08:00", f"2026-11-{day:02}T21:00")
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count, many.statements
