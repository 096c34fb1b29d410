"""HR records a separation and a rehire through the person form; the page keeps the first
employment, and a rehire dated too early is refused with the reason."""

from __future__ import annotations

import datetime as dt

import pytest

from lms.staff.models import Position, StaffStatus
from lms.staff.queries import employment_periods
from tests.conftest import csrf_token
from tests.support.factories import make_person

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def mentor(db):
    person = make_person(
        db,
        "Dario Pereira",
        today=TODAY,
        date_of_birth=dt.date(1998, 2, 3),
        position=Position.THERAPEUTIC_MENTOR,
        status=StaffStatus.SEPARATED,
        hire_on=dt.date(2023, 9, 5),
        separated_on=dt.date(2025, 1, 10),
    )
    db.commit()
    return person


def post_edit(client, person, **fields):
    path = f"/staff/{person.id}/edit"
    data = {
        "csrf_token": csrf_token(client, path),
        "legal_name": person.legal_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "position": person.position.value,
        "supervisor_id": "",
    }
    return client.post(path, data=data | fields)


def test_a_rehire_keeps_the_earlier_employment_on_the_page(client, auth, users, db, mentor):
    auth.login("hr@example.org")
    response = post_edit(client, mentor, status="active", hire_on="2026-10-01")
    assert response.status_code == 302
    page = client.get(f"/staff/{mentor.id}").get_data(as_text=True)
    assert "Earlier employment" in page
    assert "2023-09-05 to 2025-01-10" in page
    assert [p.hired_on for p in employment_periods(db, mentor.id)] == [
        dt.date(2023, 9, 5),
        dt.date(2026, 10, 1),
    ]


def test_a_rehire_dated_before_the_day_they_left_is_refused(client, auth, users, db, mentor):
    auth.login("hr@example.org")
    response = post_edit(client, mentor, status="active", hire_on="2024-12-01")
    assert response.status_code == 422
    assert "A rehire date must be after the day they left (10 January 2025)." in (
        response.get_data(as_text=True)
    )
    db.expire_all()
    assert mentor.status is StaffStatus.SEPARATED
    assert [p.hired_on for p in employment_periods(db, mentor.id)] == [dt.date(2023, 9, 5)]


def test_a_change_of_position_takes_the_date_it_took_effect(client, auth, users, db):
    from lms.staff.queries import position_changes

    person = make_person(
        db,
        "Rowan Hale",
        date_of_birth=dt.date(1990, 3, 3),
        status=StaffStatus.ACTIVE,
        hire_on=dt.date(2025, 1, 6),
        today=TODAY,
        commit=True,
    )
    auth.login("hr@example.org")
    form = client.get(f"/staff/{person.id}/edit").get_data(as_text=True)
    assert 'name="position_since"' in form
    change = {"status": "active", "hire_on": "2025-01-06", "position": "licensed_clinician"}
    future = post_edit(client, person, **change, position_since="2030-01-01")
    assert future.status_code == 422
    assert "A change of position takes effect by today" in future.get_data(as_text=True)
    assert post_edit(client, person, **change, position_since="2026-07-01").status_code == 302
    db.expire_all()
    assert [(c.effective_on, c.position) for c in position_changes(db, person.id)] == [
        (dt.date(2025, 1, 6), Position.THERAPEUTIC_MENTOR),
        (dt.date(2026, 7, 1), Position.LICENSED_CLINICIAN),
    ]
