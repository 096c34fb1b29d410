"""Property: whatever JSON body (or bytes) a token holder sends to a create or update endpoint,
the answer is never a 500, and a refused request changes no row (issue 13)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.api.schemas import (
    CREDENTIAL_FIELDS,
    EXPERIENCE_FIELDS,
    PERSON_FIELDS,
    REQUIREMENT_RECORD_FIELDS,
)
from lms.api.supervision import LEAVE_FIELDS, SESSION_FIELDS
from lms.staff.models import Position
from tests.integration.supervision_records import add_licence, add_person
from tests.property.support import BOUNDED, RAW_BODIES, bodies, dumps, fingerprint
from tests.web.conftest import tokens  # noqa: F401 - a fixture
from tests.web.test_api import CREDENTIAL, EXPERIENCE, PERSON

SESSION = {
    "mentor_email": "mia@example.org",
    "supervisor_email": "sam@example.org",
    "held_on": "2026-11-17",
    "minutes": 50,
    "format": "individual",
    "modality": "telehealth",
    "topics": ["Case review"],
}
LEAVE = {
    "person_email": "mia@example.org",
    "first_day": "2026-11-16",
    "last_day": "2026-11-20",
    "reason": "vacation",
}
RECORD = {
    "requirement": "cori",
    "done_on": "2026-01-02",
    "verification_method": "other",
    "verification_note": "iCORI",
    "evidence_sha256": "a" * 64,
}
FACTS = {
    "date_of_birth": "1998-04-02",
    "education": [{"level": "bachelor", "accredited": True, "human_services_basis": "listed",
                   "conferred_on": "2020-05-15"}],
    "experience": [],
}  # fmt: skip


@pytest.fixture
def world(app, db, tokens, frozen_clock):  # noqa: F811
    """Rows for the endpoints' paths and valid bodies to start from."""
    supervisor = add_person(
        db, "Sam Super", position=Position.LICENSED_CLINICIAN, email="sam@example.org"
    )
    add_licence(db, supervisor)
    add_person(db, "Mia Mentor", supervisor=supervisor, email="mia@example.org")
    senior = add_person(
        db, "Sol Senior", position=Position.SENIOR_CLINICIAN, email="sol@example.org"
    )
    add_licence(db, senior)
    db.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {tokens['hr']}"}

    def send(method: str, path: str, raw: bytes):
        return client.open(
            f"/api/v1{path}",
            method=method,
            headers=headers,
            data=raw,
            content_type="application/json",
        )

    person = send("POST", "/staff", dumps(PERSON)).get_json()
    credential = send("POST", f"/staff/{person['id']}/credentials", dumps(CREDENTIAL)).get_json()
    experience = send("POST", f"/staff/{person['id']}/experience", dumps(EXPERIENCE)).get_json()
    block = {
        "starts_at": "2026-11-23T08:00",
        "ends_at": "2026-11-23T15:00",
        "clinician_id": senior.id,
        "phone": "617-555-0100",
    }
    pid = person["id"]
    endpoints = {
        "create staff": ("POST", "/staff", PERSON, PERSON_FIELDS),
        "update staff": ("PATCH", f"/staff/{pid}", PERSON, PERSON_FIELDS),
        "add credential": ("POST", f"/staff/{pid}/credentials", CREDENTIAL, CREDENTIAL_FIELDS),
        "update credential": (
            "PATCH", f"/staff/{pid}/credentials/{credential['id']}", CREDENTIAL, CREDENTIAL_FIELDS
        ),
        "add experience": ("POST", f"/staff/{pid}/experience", EXPERIENCE, EXPERIENCE_FIELDS),
        "update experience": (
            "PATCH", f"/staff/{pid}/experience/{experience['id']}", EXPERIENCE, EXPERIENCE_FIELDS
        ),
        "requirement record": (
            "POST", f"/staff/{pid}/requirement-records", RECORD, REQUIREMENT_RECORD_FIELDS
        ),
        "supervision session": ("POST", "/supervision/sessions", SESSION, SESSION_FIELDS),
        "leave": ("POST", "/supervision/leave", LEAVE, LEAVE_FIELDS),
        "on-call block": ("POST", "/oncall/blocks", block, block),
        "evaluate": ("POST", "/eligibility/evaluate", FACTS, FACTS),
    }  # fmt: skip
    return send, endpoints


def check(db, send, method: str, path: str, raw: bytes) -> None:
    before = fingerprint(db)
    response = send(method, path, raw)
    assert response.status_code < 500, (response.status_code, raw[:200])
    assert response.is_json, response.status_code
    if response.status_code >= 400:
        assert fingerprint(db) == before, (response.status_code, response.get_json(), raw[:200])
        if response.status_code == 422:
            assert response.get_json()["error"]


ENDPOINTS = [
    "create staff",
    "update staff",
    "add credential",
    "update credential",
    "add experience",
    "update experience",
    "requirement record",
    "supervision session",
    "leave",
    "on-call block",
    "evaluate",
]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_no_json_body_gives_a_500_or_a_partial_write(world, db, name, request):
    send, endpoints = world
    method, path, valid, fields = endpoints[name]

    @BOUNDED
    @given(body=bodies(valid, fields))
    def one(body):
        check(db, send, method, path, dumps(body))

    one()


@BOUNDED
@given(raw=RAW_BODIES, name=st.sampled_from(ENDPOINTS))
def test_no_raw_body_gives_a_500(world, db, raw, name):
    send, endpoints = world
    method, path, _, _ = endpoints[name]
    check(db, send, method, path, raw)
