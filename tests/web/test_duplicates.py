"""A duplicate a concurrent request committed first gets the answer a sequential duplicate
gets — the form's error beside the field, the API's 422 naming it — never a 500 (issue 13).

Here the operation's own "is there one already?" check is switched off, so the database's
unique constraint is what refuses, as it does for the loser of a real race (those pairs run on
PostgreSQL in tests/integration/test_doubled_requests.py).
"""

from __future__ import annotations

import contextlib

from lms.staff import operations as staff_operations
from lms.staff.models import Person
from tests.conftest import csrf_token
from tests.web.test_api import PERSON, hr  # noqa: F401 -- a fixture
from tests.web.test_staff_pages import TODAY, count, hr_client, make_person  # noqa: F401


def _loser_of_the_race(monkeypatch) -> None:
    monkeypatch.setattr(staff_operations, "_validate", lambda *args: None)


def test_the_api_answers_a_raced_duplicate_work_email_with_the_sequential_422(
    hr,  # noqa: F811
    db,
    monkeypatch,
):
    assert hr.post("/staff", PERSON).status_code == 201
    sequential = hr.post("/staff", {**PERSON, "legal_name": "Alex Again"})
    _loser_of_the_race(monkeypatch)
    raced = hr.post("/staff", {**PERSON, "legal_name": "Alex Again"})
    assert (raced.status_code, raced.get_json()) == (422, sequential.get_json())
    assert sequential.get_json()["field"] == "work_email"
    assert count(db, Person) == 1


def test_the_form_shows_a_raced_duplicate_work_email_beside_the_field(
    hr_client,  # noqa: F811
    db,
    monkeypatch,
):
    make_person(db, "Ann First", work_email="ann@agency.example")
    _loser_of_the_race(monkeypatch)
    response = hr_client.post(
        "/staff/new",
        data={
            "csrf_token": csrf_token(hr_client, "/staff/new"),
            "legal_name": "Ann Second",
            "date_of_birth": "1999-03-04",
            "work_email": "ann@agency.example",
            "position": "therapeutic_mentor",
            "status": "candidate",
            "supervisor_id": "",
        },
    )
    assert response.status_code == 422
    assert "Another person already has this work email." in response.get_data(as_text=True)
    assert count(db, Person) == 1


def test_a_duplicate_no_operation_turned_into_a_refusal_is_still_no_500(
    hr,  # noqa: F811
    db,
    monkeypatch,
):
    # The safety net (lms.errors): a path without refusing_duplicates still answers 422.
    assert hr.post("/staff", PERSON).status_code == 201
    _loser_of_the_race(monkeypatch)
    monkeypatch.setattr(staff_operations, "refusing_duplicates", _plain_flush)
    raced = hr.post("/staff", {**PERSON, "legal_name": "Alex Again"})
    assert raced.status_code == 422
    assert raced.get_json() == {
        "error": "Another person already has this work email.",
        "field": "work_email",
    }
    assert count(db, Person) == 1


@contextlib.contextmanager
def _plain_flush(session):
    yield
    session.flush()
