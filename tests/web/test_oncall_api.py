"""On-call blocks and gaps on the JSON API: HR and admin tokens create, auditors read too; bad
input is 422 naming the field and writes nothing. Clock: Monday 23 November 2026, 10:00 EST."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from lms.oncall.models import OnCallBlock
from lms.staff.models import Position, StaffStatus
from tests.support.factories import add_licence_record, make_person
from tests.web.test_api import Api


@pytest.fixture
def clinicians(db):
    def make(name, position, email):
        person = make_person(
            db,
            name,
            today=dt.date(2026, 11, 1),
            date_of_birth=dt.date(1975, 1, 1),
            work_email=email,
            position=position,
            status=StaffStatus.ACTIVE,
            hire_on=dt.date(2020, 1, 1),
        )
        add_licence_record(db, person, dt.date(2028, 1, 1), licence_number="1")
        return person

    people = {
        "senior": make("Sam Senior", Position.SENIOR_CLINICIAN, "sam@agency.example"),
        "licensed": make("Lou Licensed", Position.LICENSED_CLINICIAN, "lou@agency.example"),
    }
    db.commit()
    return people


def blocks(db):
    return db.execute(select(func.count()).select_from(OnCallBlock)).scalar_one()


def test_create_list_and_gaps(app, tokens, db, clinicians, frozen_clock):
    hr = Api(app.test_client(), tokens["hr"])
    body = {
        "starts_at": "2026-11-23T08:00",
        "ends_at": "2026-11-23T15:00",
        "clinician_id": clinicians["senior"].id,
        "phone": "617-555-0100",
    }
    created = hr.post("/oncall/blocks", body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json() == {
        "id": created.get_json()["id"],
        "starts_at": "2026-11-23T08:00:00-05:00",
        "ends_at": "2026-11-23T15:00:00-05:00",
        "clinician_id": clinicians["senior"].id,
        "clinician_email": "sam@agency.example",
        "phone": "617-555-0100",
    }
    auditor = Api(app.test_client(), tokens["auditor"])
    listing = auditor.get("/oncall/blocks?from=2026-11-23&to=2026-11-23").get_json()
    assert [item["counts"] for item in listing["items"]] == [True]
    gaps = auditor.get("/oncall/gaps?from=2026-11-23&to=2026-11-23").get_json()
    assert gaps["items"] == [
        {"starts_at": "2026-11-23T15:00:00-05:00", "ends_at": "2026-11-23T21:00:00-05:00"}
    ]
    assert auditor.post("/oncall/blocks", body).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2026-11-23T08:00"}, "ends_at"),
        ({"starts_at": "2027-03-14T02:30"}, "starts_at"),
        ({"clinician_id": "sam"}, "clinician_id"),
        ({"clinician_id": 999999}, "clinician_id"),
        ({"clinician_id": 2**31}, "clinician_id"),  # past the column: 422, not 500
        ({"phone": ""}, "phone"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(
    app,
    tokens,
    db,
    clinicians,
    frozen_clock,
    change,
    field,
):
    admin = Api(app.test_client(), tokens["admin"])
    body = {
        "starts_at": "2026-11-23T08:00",
        "ends_at": "2026-11-23T15:00",
        "clinician_id": clinicians["senior"].id,
        "phone": "617-555-0100",
        **change,
    }
    response = admin.post("/oncall/blocks", body)
    assert response.status_code == 422
    assert response.get_json()["field"] == field
    assert blocks(db) == 0


def test_a_clinician_who_is_not_senior_is_refused(app, tokens, db, clinicians):
    hr = Api(app.test_client(), tokens["hr"])
    response = hr.post(
        "/oncall/blocks",
        {
            "starts_at": "2026-11-23T08:00",
            "ends_at": "2026-11-23T15:00",
            "clinician_id": clinicians["licensed"].id,
            "phone": "617-555-0100",
        },
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "clinician_id"


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=2026-11-23&to=2026-11-01", "to"), ("from=soon", "from"), ("when=now", "when")],
)
def test_bad_ranges_are_422(app, tokens, query, field):
    hr = Api(app.test_client(), tokens["hr"])
    response = hr.get(f"/oncall/gaps?{query}")
    assert response.status_code == 422
    assert response.get_json()["field"] == field
