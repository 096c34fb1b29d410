"""The supervision part of the JSON API: HR and admin tokens report sessions and leave, every
reading token lists them, and bad input is 422 naming the field with nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.staff.models import Position
from lms.supervision.models import LeavePeriod, SupervisionSession
from tests.integration.supervision_records import add_licence, add_person
from tests.web.test_api import Api

SESSION = {
    "mentor_email": "mia@example.org",
    "supervisor_email": "sam@example.org",
    "held_on": "2026-11-17",
    "minutes": 50,
    "format": "individual",
    "modality": "telehealth",
    "topics": ["Case review"],
}


@pytest.fixture
def team(db, frozen_clock):
    supervisor = add_person(
        db, "Sam Super", position=Position.LICENSED_CLINICIAN, email="sam@example.org"
    )
    add_licence(db, supervisor)
    mentor = add_person(db, "Mia Mentor", supervisor=supervisor)
    db.commit()
    return {"supervisor": supervisor, "mentor": mentor}


def count(db, model) -> int:
    return db.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_a_session_round_trip(app, tokens, db, team, role):
    api = Api(app.test_client(), tokens[role])
    response = api.post("/supervision/sessions", SESSION)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {key: body[key] for key in ("mentor_email", "held_on", "minutes", "imported")} == {
        "mentor_email": "mia@example.org",
        "held_on": "2026-11-17",
        "minutes": 50,
        "imported": True,
    }
    listed = Api(app.test_client(), tokens["auditor"]).get(
        "/supervision/sessions?from=2026-11-15&to=2026-11-21&mentor_email=MIA@example.org"
    )
    assert [item["id"] for item in listed.get_json()["items"]] == [body["id"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"format": "pair"}, "format"),
        ({"held_on": "2026-11-30"}, "held_on"),
        ({"mentor_email": "sam@example.org"}, "mentor_email"),
        ({"supervisor_email": "nobody@example.org"}, "supervisor_email"),
        ({"topics": ["Gossip"]}, "topics"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_bad_session_is_422_naming_the_field(app, tokens, db, team, change, field):
    response = Api(app.test_client(), tokens["hr"]).post(
        "/supervision/sessions", {**SESSION, **change}
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == field
    assert count(db, SupervisionSession) == 0


def test_leave_round_trip_and_refusal(app, tokens, db, team):
    api = Api(app.test_client(), tokens["hr"])
    leave = {
        "person_email": "mia@example.org",
        "first_day": "2026-11-16",
        "last_day": "2026-11-19",
        "reason": "vacation",
    }
    assert api.post("/supervision/leave", leave).status_code == 201
    overlapping = api.post("/supervision/leave", {**leave, "first_day": "2026-11-18"})
    assert (overlapping.status_code, overlapping.get_json()["field"]) == (422, "first_day")
    backwards = api.post("/supervision/leave", {**leave, "last_day": "2026-11-01"})
    assert backwards.get_json()["field"] == "last_day"
    assert count(db, LeavePeriod) == 1
    listed = api.get("/supervision/leave?from=2026-11-01&to=2026-11-30").get_json()["items"]
    assert [(item["person_email"], item["reason"]) for item in listed] == [
        ("mia@example.org", "vacation")
    ]


def test_listing_needs_a_range(app, tokens):
    response = Api(app.test_client(), tokens["hr"]).get("/supervision/sessions?from=2026-11-01")
    assert (response.status_code, response.get_json()["field"]) == (422, "to")
