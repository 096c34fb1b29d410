"""Idempotency-Key on the API's create endpoints: a retry gets the first answer, creates nothing.

Hand-worked from the brief: the same key from the same token to the same address with the same
body answers as the first request did (status, body, Location); the same key with another body
is 422 naming the header; a refusal keeps nothing; keys last 24 hours.
"""

import json

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.api.models import IdempotencyKey
from lms.api.openapi import openapi_document
from lms.api.operations import create_token
from lms.auth.models import Role
from lms.staff.models import Person
from tests.web.test_api import PERSON

CREATE_ENDPOINTS = {
    ("post", "/staff"),
    ("post", "/staff/{person_id}/credentials"),
    ("post", "/staff/{person_id}/experience"),
    ("post", "/staff/{person_id}/licences"),
    ("post", "/oncall/blocks"),
    ("post", "/supervision/sessions"),
    ("post", "/supervision/leave"),
    ("post", "/staff/{person_id}/requirement-records"),
}


def send(client, secret, path, body, key=None):
    headers = {"Authorization": f"Bearer {secret}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(
        f"/api/v1{path}", headers=headers, data=json.dumps(body), content_type="application/json"
    )


def people(db) -> int:
    db.expire_all()
    return db.execute(select(func.count()).select_from(Person)).scalar_one()


def test_a_retry_with_the_same_key_returns_the_first_response_and_creates_one_row(app, db, tokens):
    client, before = app.test_client(), people(db)
    first = send(client, tokens["hr"], "/staff", PERSON, key="create-alex-1")
    assert first.status_code == 201
    again = send(client, tokens["hr"], "/staff", PERSON, key="create-alex-1")
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert people(db) == before + 1


def test_without_a_key_a_retry_creates_again(app, db, tokens):
    client, before = app.test_client(), people(db)
    assert send(client, tokens["hr"], "/staff", PERSON).status_code == 201
    # The work email is unique, so the second is refused rather than duplicated.
    assert send(client, tokens["hr"], "/staff", PERSON).status_code == 422
    body = {**PERSON, "work_email": None}
    assert send(client, tokens["hr"], "/staff", body).status_code == 201
    assert send(client, tokens["hr"], "/staff", body).status_code == 201
    assert people(db) == before + 3


def test_the_same_key_with_a_different_body_is_refused_naming_the_header(app, db, tokens):
    client = app.test_client()
    assert send(client, tokens["hr"], "/staff", PERSON, key="k-2").status_code == 201
    before = people(db)
    other = {**PERSON, "legal_name": "Sam Other", "work_email": "sam@agency.example"}
    response = send(client, tokens["hr"], "/staff", other, key="k-2")
    assert response.status_code == 422
    assert response.get_json()["field"] == "Idempotency-Key"
    assert "Idempotency-Key" in response.get_json()["error"]
    assert people(db) == before


def test_the_same_key_at_another_address_is_refused(app, db, tokens):
    client = app.test_client()
    person = send(client, tokens["hr"], "/staff", PERSON, key="k-3").get_json()
    response = send(client, tokens["hr"], f"/staff/{person['id']}/credentials", PERSON, key="k-3")
    assert response.status_code == 422
    assert response.get_json()["field"] == "Idempotency-Key"


def test_keys_belong_to_one_token(app, db, users, tokens):
    _, second_hr = create_token(db, Actor(users["admin"].id, "admin@example.org"), "Two", Role.HR)
    db.commit()
    client, before = app.test_client(), people(db)
    body = {**PERSON, "work_email": None}
    assert send(client, tokens["hr"], "/staff", body, key="shared").status_code == 201
    assert send(client, second_hr, "/staff", body, key="shared").status_code == 201
    assert people(db) == before + 2


def test_a_refused_request_keeps_no_key_so_the_corrected_one_can_use_it(app, db, tokens):
    client, before = app.test_client(), people(db)
    bad = {**PERSON, "date_of_birth": "not a date"}
    assert send(client, tokens["hr"], "/staff", bad, key="fix-me").status_code == 422
    assert db.execute(select(func.count()).select_from(IdempotencyKey)).scalar_one() == 0
    assert send(client, tokens["hr"], "/staff", PERSON, key="fix-me").status_code == 201
    assert people(db) == before + 1


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "two words"])
def test_a_malformed_key_is_refused_naming_the_header(app, db, tokens, key):
    client, before = app.test_client(), people(db)
    headers = {"Authorization": f"Bearer {tokens['hr']}", "Idempotency-Key": key}
    response = client.post("/api/v1/staff", headers=headers, json=PERSON)
    assert response.status_code == 422
    assert response.get_json()["field"] == "Idempotency-Key"
    assert people(db) == before


def test_a_key_expires_after_24_hours(app, db, tokens, frozen_clock):
    client, before = app.test_client(), people(db)
    body = {**PERSON, "work_email": None}
    assert send(client, tokens["hr"], "/staff", body, key="daily").status_code == 201
    frozen_clock.advance(hours=23, minutes=59)
    replay = send(client, tokens["hr"], "/staff", body, key="daily")
    assert replay.headers.get("Idempotent-Replayed") == "true"
    frozen_clock.advance(minutes=1)  # 24 hours after the first request: the key is gone
    fresh = send(client, tokens["hr"], "/staff", body, key="daily")
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
    assert people(db) == before + 2
    assert db.execute(select(func.count()).select_from(IdempotencyKey)).scalar_one() == 1


def test_the_openapi_document_offers_the_header_on_every_create_endpoint(app):
    with app.test_request_context():
        document = openapi_document()
    offering = {
        (method, path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(
            parameter.get("name") == "Idempotency-Key"
            or parameter.get("$ref", "").endswith("/IdempotencyKey")
            for parameter in operation.get("parameters", [])
        )
    }
    assert offering == CREATE_ENDPOINTS


def test_every_create_endpoint_honours_the_key(app):
    from lms.api.idempotency import idempotent

    wrapped = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        and "POST" in rule.methods
        and getattr(app.view_functions[rule.endpoint], "__wrapped__", None) is not None
        and app.view_functions[rule.endpoint].__code__ is idempotent(lambda: None).__code__
    }
    expected = {
        "/api/v1" + path.replace("{person_id}", "<int:person_id>") for _, path in CREATE_ENDPOINTS
    }
    assert wrapped == expected
