"""The JSON API: bearer tokens only, JSON errors, staff CRUD, and one rules engine for all."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.api.openapi import openapi_document
from lms.api.schemas import CREDENTIAL_FIELDS, EXPERIENCE_FIELDS, PERSON_FIELDS
from lms.auditlog.models import AuditEvent
from lms.auth.permissions import declared_access
from lms.clinicians.models import Licence
from lms.eligibility.models import Determination, EducationCredential, ExperienceRecord
from lms.eligibility.operations import verify_fact
from lms.staff.models import Person, StaffStatus, VerificationMethod
from lms.staff.operations import verify_identity
from tests.support.factories import attach_document, insert_people
from tests.web.permission_matrix import PUBLIC


class Api:
    """Calls /api/v1 with one role's token and nothing else (no cookies are ever set)."""

    def __init__(self, client, secret: str | None) -> None:
        self.client, self.secret = client, secret

    def __call__(self, method: str, path: str, body=None, raw: str | bytes | None = None):
        headers = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        if body is not None:
            raw = json.dumps(body)
        return self.client.open(
            f"/api/v1{path}",
            method=method,
            headers=headers,
            data=raw,
            content_type="application/json" if raw is not None else None,
        )

    def get(self, path: str):
        return self("GET", path)

    def post(self, path: str, body=None, raw=None):
        return self("POST", path, body, raw)

    def patch(self, path: str, body=None, raw=None):
        return self("PATCH", path, body, raw)


@pytest.fixture
def hr(app, tokens) -> Api:
    return Api(app.test_client(), tokens["hr"])


@pytest.fixture
def api_as(app, tokens):
    return lambda role: Api(app.test_client(), tokens[role])


def count(db, model) -> int:
    return db.execute(select(func.count()).select_from(model)).scalar_one()


def snapshot(db) -> dict[str, int]:
    """Row counts of everything a write could touch."""
    models = (Person, EducationCredential, ExperienceRecord, Determination, AuditEvent, Licence)
    return {model.__name__: count(db, model) for model in models}


PERSON = {
    "legal_name": "Alex Rivera",
    "preferred_name": "Alex",
    "date_of_birth": "1998-04-02",
    "work_email": "Alex.Rivera@Agency.example",
    "position": "therapeutic_mentor",
}
CREDENTIAL = {
    "level": "bachelor",
    "institution": "UMass Boston",
    "conferred_on": "2020-05-15",
    "accredited": True,
    "field_of_study": "Psychology",
    "human_services_basis": "listed",
}
EXPERIENCE = {
    "employer": "Boys & Girls Club",
    "role": "Youth counsellor",
    "start_on": "2021-01-04",
    "end_on": None,
    "hours_per_week": 17.5,
    "population": "youth",
    "target_population": True,
}


def create(api: Api, body=None) -> dict:
    response = api.post("/staff", body or PERSON)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# -- authentication -----------------------------------------------------------------------------


def test_no_token_is_401_with_a_bearer_challenge(client):
    response = client.get("/api/v1/staff")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.is_json
    assert "Authorization: Bearer" in response.get_json()["error"]


@pytest.mark.parametrize(
    "header",
    ["Bearer tmlms_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "tmlms_x", "Bearer a b"],
)
def test_a_bad_token_is_401(client, tokens, header):
    response = client.get("/api/v1/staff", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]


def test_the_token_hash_does_not_authenticate(client, db, tokens):
    from lms.api.models import ApiToken

    token_hash = db.execute(select(ApiToken.token_hash).where(ApiToken.role == "hr")).scalar_one()
    response = client.get("/api/v1/staff", headers={"Authorization": f"Bearer {token_hash}"})
    assert response.status_code == 401


def test_the_scheme_name_is_case_insensitive(client, tokens):
    response = client.get("/api/v1/staff", headers={"Authorization": f"bearer {tokens['hr']}"})
    assert response.status_code == 200


def test_a_signed_in_browser_is_not_an_api_client(client, auth, users):
    auth.login("hr@example.org")
    assert client.get("/", follow_redirects=True).status_code == 200  # pages: signed in…
    response = client.get("/api/v1/staff")  # …but is ignored by the API
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers  # the session is neither read nor touched


def test_a_signed_in_browser_cannot_write_through_the_api(client, auth, users, db):
    auth.login("hr@example.org")
    before = snapshot(db)
    response = client.post("/api/v1/staff", json=PERSON)
    assert response.status_code == 401
    assert snapshot(db) == before


def test_api_requests_do_not_need_csrf_tokens(hr):
    assert hr.post("/staff", PERSON).status_code == 201


# -- the permission matrix, by token role: tests/web/test_permissions.py::test_permission_matrix


@pytest.mark.parametrize("role", ["mentor", "auditor", "admin", "supervisor"])
def test_only_hr_tokens_write(api_as, db, role):
    before = snapshot(db)
    response = api_as(role).post("/staff", PERSON)
    assert response.status_code == 403
    assert response.get_json() == {"error": "This token's role may not use this endpoint."}
    assert snapshot(db) == before


# -- errors are JSON ----------------------------------------------------------------------------


def test_unknown_address_is_json_404(hr):
    response = hr.get("/no-such-thing")
    assert response.status_code == 404
    assert response.get_json() == {"error": "There is nothing at this address."}


def test_unknown_person_is_json_404(hr):
    for path in ("/staff/999999", "/staff/999999/credentials", "/staff/999999/eligibility"):
        response = hr.get(path)
        assert response.status_code == 404, path
        assert response.is_json, path


def test_someone_elses_fact_is_404(hr):
    first, second = create(hr), create(hr, {**PERSON, "work_email": "b@agency.example"})
    credential = hr.post(f"/staff/{first['id']}/credentials", CREDENTIAL).get_json()
    response = hr.patch(
        f"/staff/{second['id']}/credentials/{credential['id']}", {"institution": "Other"}
    )
    assert response.status_code == 404


def test_wrong_method_is_json_405_with_allow(hr):
    response = hr("DELETE", "/staff")
    assert response.status_code == 405
    assert response.is_json
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize("raw", ["{not json", "", "[1, 2", '{"a": NaN}', "\xff"])
def test_malformed_json_is_400(hr, db, raw):
    before = snapshot(db)
    response = hr.post("/staff", raw=raw.encode("latin-1"))
    assert response.status_code == 400
    assert "not valid JSON" in response.get_json()["error"]
    assert snapshot(db) == before


def test_too_large_body_is_json_413(app, hr, db):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    before = snapshot(db)
    response = hr.post("/staff", {**PERSON, "legal_name": "x" * 2000})
    assert response.status_code == 413
    assert response.get_json()["error"]
    assert snapshot(db) == before


def test_server_error_is_json_and_reveals_nothing(app, tokens):
    @app.route("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    boom.lms_access = "public"
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.is_json
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_pages_outside_the_api_keep_their_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert not response.is_json


# -- people -------------------------------------------------------------------------------------


def test_person_round_trip(hr, db, tokens, users):
    response = hr.post("/staff", {**PERSON, "user_email": "mentor@example.org"})
    assert response.status_code == 201
    person = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/staff/{person['id']}")
    assert person["status"] == "candidate"  # the default
    assert person["work_email"] == "alex.rivera@agency.example"
    assert person["user_email"] == "mentor@example.org"
    assert person["identity_verified"] is False
    assert hr.get(f"/staff/{person['id']}").get_json() == person

    changed = hr.patch(f"/staff/{person['id']}", {"status": "active", "hire_on": "2026-01-05"})
    assert changed.status_code == 200
    updated = changed.get_json()
    assert (updated["status"], updated["hire_on"]) == ("active", "2026-01-05")
    # Fields not sent are kept, the account link included.
    for name in ("legal_name", "preferred_name", "date_of_birth", "work_email", "user_email"):
        assert updated[name] == person[name], name

    cleared = hr.patch(f"/staff/{person['id']}", {"preferred_name": None}).get_json()
    assert cleared["preferred_name"] is None

    prefix = tokens["hr"][:12]
    events = db.execute(
        select(AuditEvent.action, AuditEvent.actor_label, AuditEvent.actor_user_id)
        .where(AuditEvent.target_type == "person")
        .order_by(AuditEvent.sequence)
    ).all()
    assert [tuple(event) for event in events] == [
        ("person.create", f"api-token:{prefix}", None),
        ("person.update", f"api-token:{prefix}", None),
        ("person.update", f"api-token:{prefix}", None),
    ]


def test_patch_with_nothing_new_changes_nothing(hr, db):
    person = create(hr)
    before = snapshot(db)
    response = hr.patch(f"/staff/{person['id']}", {"legal_name": PERSON["legal_name"]})
    assert response.status_code == 200
    assert snapshot(db) == before


CLINICIAN = {
    "legal_name": "Sam Clinician",
    "date_of_birth": "1980-01-01",
    "position": "licensed_clinician",
    "status": "active",
    "hire_on": "2020-01-01",
}
LICENCE = {
    "licence_type": "LICSW",
    "licence_number": "123456",
    "issuing_state": "MA",
    "issued_on": "2025-07-01",
    "expires_on": "2027-06-30",
}


def test_a_supervisor_with_a_licence(hr):
    """A person carries no licence: it is a licence record, read and added under the person."""
    supervisor = create(hr, CLINICIAN)
    assert not any(name.startswith("licence") for name in supervisor)
    mentor = create(hr, {**PERSON, "supervisor_id": supervisor["id"]})
    assert mentor["supervisor_id"] == supervisor["id"]
    assert hr.get(f"/staff/{supervisor['id']}/licences").get_json() == {"items": []}

    response = hr.post(f"/staff/{supervisor['id']}/licences", LICENCE)
    assert response.status_code == 201, response.get_json()
    licence = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/staff/{supervisor['id']}/licences")
    assert (licence["licence_type"], licence["expires_on"], licence["verified"]) == (
        "LICSW",
        "2027-06-30",
        False,  # HR verifies it at the primary source, on the clinician's page
    )
    assert licence["valid_today"] is True  # issued 2025-07-01, valid up to 2027-06-29
    listed = hr.get(f"/staff/{supervisor['id']}/licences").get_json()["items"]
    assert [item["id"] for item in listed] == [licence["id"]]


def test_the_retired_licence_fields_of_a_person_point_to_the_licence_records(hr, db):
    supervisor = create(hr, CLINICIAN)
    before = snapshot(db)
    for body in ({"licence_expires_on": "2027-06-30"}, {"licence_number": "1"}):
        response = hr.patch(f"/staff/{supervisor['id']}", body)
        assert response.status_code == 422
        error = response.get_json()
        assert error["field"] == next(iter(body))
        assert "/licences" in error["error"]
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"licence_type": "Astrologer"}, "licence_type"),
        ({"licence_number": None}, "licence_number"),
        ({"issuing_state": "Massachusetts"}, "issuing_state"),
        ({"expires_on": "2025-07-01"}, "expires_on"),  # not after the issue date
        ({"issued_on": "01/07/2025"}, "issued_on"),
        ({"issued_on": "2026-12-31", "expires_on": "2028-12-31"}, "issued_on"),  # not issued yet
        ({"verified": True}, "verified"),
    ],
)
def test_a_bad_licence_is_422_and_writes_nothing(hr, db, change, field):
    supervisor = create(hr, CLINICIAN)
    before = snapshot(db)
    response = hr.post(f"/staff/{supervisor['id']}/licences", {**LICENCE, **change})
    assert response.status_code == 422
    assert response.get_json()["field"] == field
    assert snapshot(db) == before


def test_only_clinicians_hold_a_licence_record(hr, db):
    mentor = create(hr, PERSON)
    before = snapshot(db)
    response = hr.post(f"/staff/{mentor['id']}/licences", LICENCE)
    assert response.status_code == 422
    assert response.get_json()["field"] == "person_id"
    assert snapshot(db) == before
    for person_id in (999999, 2**31):
        assert hr.get(f"/staff/{person_id}/licences").status_code == 404
        assert hr.post(f"/staff/{person_id}/licences", LICENCE).status_code == 404


def test_staff_list_filters_and_pages(hr):
    for name, status in [("Cara", "candidate"), ("Abe", "candidate"), ("Bea", "active")]:
        body = {**PERSON, "legal_name": name, "work_email": f"{name}@agency.example"}
        if status == "active":
            body |= {"status": "active", "hire_on": "2026-01-05"}
        create(hr, body)
    everyone = hr.get("/staff").get_json()
    assert [p["legal_name"] for p in everyone["items"]] == ["Abe", "Bea", "Cara"]
    assert (everyone["total"], everyone["limit"], everyone["offset"]) == (3, 100, 0)

    page = hr.get("/staff?status=candidate&limit=1&offset=1").get_json()
    assert [p["legal_name"] for p in page["items"]] == ["Cara"]
    assert page["total"] == 2
    assert hr.get("/staff?position=other").get_json() == {
        "items": [],
        "total": 0,
        "limit": 100,
        "offset": 0,
    }
    assert len(hr.get("/staff?limit=500").get_json()["items"]) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=501", "limit"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("limit=²", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999999999999999999", "offset"),
        ("status=retired", "status"),
        ("position=ceo", "position"),
        ("postion=other", "postion"),
    ],
)
def test_bad_list_parameters_are_422(hr, query, field):
    response = hr.get(f"/staff?{query}")
    assert response.status_code == 422
    assert response.get_json()["field"] == field


def test_staff_list_costs_the_same_for_ten_or_two_hundred_people(
    db, hr, count_queries, frozen_clock
):
    def add_people(start: int, stop: int) -> None:
        names = [f"Person {number:03}" for number in range(start, stop)]
        insert_people(db, names, date_of_birth=dt.date(1990, 1, 1), status=StaffStatus.CANDIDATE)
        db.commit()

    add_people(0, 10)
    assert hr.get("/staff").status_code == 200  # records the token's use: not a write later
    with count_queries() as few:
        assert len(hr.get("/staff?limit=500").get_json()["items"]) == 10
    add_people(10, 200)
    with count_queries() as many:
        assert len(hr.get("/staff?limit=500").get_json()["items"]) == 200
    assert many.count == few.count <= 4, many.statements


# -- bad input: 422 naming the field, nothing written -------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**PERSON, "nickname": "Al"}, "nickname"),
        ({**PERSON, "id": 5}, "id"),
        ({**PERSON, "date_of_birth": "02/04/1998"}, "date_of_birth"),
        ({**PERSON, "date_of_birth": "1998-02-30"}, "date_of_birth"),
        ({**PERSON, "date_of_birth": None}, "date_of_birth"),
        ({k: v for k, v in PERSON.items() if k != "legal_name"}, "legal_name"),
        ({**PERSON, "legal_name": "   "}, "legal_name"),
        ({**PERSON, "legal_name": 42}, "legal_name"),
        ({**PERSON, "legal_name": "x" * 201}, "legal_name"),
        ({**PERSON, "position": "ceo"}, "position"),
        ({**PERSON, "status": "active"}, "hire_on"),
        ({**PERSON, "work_email": "not-an-email"}, "work_email"),
        ({**PERSON, "supervisor_id": True}, "supervisor_id"),
        ({**PERSON, "supervisor_id": 999999}, "supervisor_id"),
        ({**PERSON, "user_email": "nobody@example.org"}, "user_email"),
        ({**PERSON, "licence_type": "LICSW"}, "licence_type"),
        ({**PERSON, "date_of_birth": "2099-01-01"}, "date_of_birth"),
        (["not", "an", "object"], "body"),
    ],
)
def test_bad_person_is_422_and_writes_nothing(hr, db, body, field):
    before = snapshot(db)
    response = hr.post("/staff", body)
    assert response.status_code == 422
    error = response.get_json()
    assert error["field"] == field
    assert error["error"]
    assert snapshot(db) == before


def test_bad_patch_leaves_the_person_as_they_were(hr, db):
    person = create(hr)
    before = snapshot(db)
    response = hr.patch(
        f"/staff/{person['id']}", {"legal_name": "Changed", "user_email": "nobody@example.org"}
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "user_email"
    assert snapshot(db) == before
    assert hr.get(f"/staff/{person['id']}").get_json() == person


def test_patch_cannot_clear_a_required_field(hr):
    person = create(hr)
    response = hr.patch(f"/staff/{person['id']}", {"position": None})
    assert response.status_code == 422
    assert response.get_json() == {"error": "position is required.", "field": "position"}


# -- education and experience -------------------------------------------------------------------


def test_credential_round_trip(hr, db):
    person = create(hr)
    determinations = count(db, Determination)
    response = hr.post(f"/staff/{person['id']}/credentials", CREDENTIAL)
    assert response.status_code == 201
    credential = response.get_json()
    assert credential["person_id"] == person["id"]
    assert credential["human_services_field"] is True
    assert credential["verified"] is False
    assert count(db, Determination) == determinations + 1  # every change is determined
    listed = hr.get(f"/staff/{person['id']}/credentials").get_json()
    assert listed == {"items": [credential]}

    changed = hr.patch(
        f"/staff/{person['id']}/credentials/{credential['id']}",
        {"accreditation_checked_how": "DAPIP look-up"},
    ).get_json()
    assert changed["accreditation_checked_how"] == "DAPIP look-up"
    assert {k: v for k, v in changed.items() if k != "accreditation_checked_how"} == {
        k: v for k, v in credential.items() if k != "accreditation_checked_how"
    }


def test_changing_a_verified_credential_clears_its_verification(hr, db, users):
    person = create(hr)
    credential = hr.post(f"/staff/{person['id']}/credentials", CREDENTIAL).get_json()
    verify_fact(
        db,
        Actor(users["hr"].id, "hr@example.org"),
        db.get(Person, person["id"]),
        db.get(EducationCredential, credential["id"]),
        VerificationMethod.REGISTRAR,
        "Called the registrar (617-555-0142) on 2026-11-23: confirmed.",
        dt.date(2026, 11, 23),
    )
    db.commit()
    assert hr.get(f"/staff/{person['id']}/credentials").get_json()["items"][0]["verified"]
    changed = hr.patch(
        f"/staff/{person['id']}/credentials/{credential['id']}", {"conferred_on": "2020-06-01"}
    ).get_json()
    assert changed["verified"] is False
    assert changed["verification_method"] is None


def test_experience_round_trip(hr, db):
    person = create(hr)
    response = hr.post(f"/staff/{person['id']}/experience", EXPERIENCE)
    assert response.status_code == 201
    entry = response.get_json()
    assert entry["hours_per_week"] == 17.5
    assert (entry["start_on"], entry["end_on"]) == ("2021-01-04", None)
    assert hr.get(f"/staff/{person['id']}/experience").get_json() == {"items": [entry]}
    stored = db.get(ExperienceRecord, entry["id"])
    assert stored.hours_per_week == Decimal("17.5")

    ended = hr.patch(
        f"/staff/{person['id']}/experience/{entry['id']}",
        {"end_on": "2025-12-31", "hours_per_week": 40},
    ).get_json()
    assert (ended["end_on"], ended["hours_per_week"]) == ("2025-12-31", 40)
    assert ended["employer"] == EXPERIENCE["employer"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CREDENTIAL, "level": "phd"}, "level"),
        ({**CREDENTIAL, "degree": "bachelor"}, "degree"),
        ({**CREDENTIAL, "accredited": "yes"}, "accredited"),
        ({**CREDENTIAL, "conferred_on": "2099-05-15"}, "conferred_on"),
        ({**CREDENTIAL, "field_of_study": "Business"}, "human_services_basis"),
        ({**CREDENTIAL, "human_services_basis": "judgement"}, "human_services_justification"),
        ({k: v for k, v in CREDENTIAL.items() if k != "institution"}, "institution"),
    ],
)
def test_bad_credential_is_422_and_writes_nothing(hr, db, body, field):
    person = create(hr)
    before = snapshot(db)
    response = hr.post(f"/staff/{person['id']}/credentials", body)
    assert response.status_code == 422
    assert response.get_json()["field"] == field
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**EXPERIENCE, "hours_per_week": 0}, "hours_per_week"),
        ({**EXPERIENCE, "hours_per_week": 169}, "hours_per_week"),
        ({**EXPERIENCE, "hours_per_week": "40"}, "hours_per_week"),
        ({**EXPERIENCE, "hours_per_week": True}, "hours_per_week"),
        ({**EXPERIENCE, "hours_per_week": 17.125}, "hours_per_week"),
        ({**EXPERIENCE, "end_on": "2020-01-01"}, "end_on"),
        ({**EXPERIENCE, "start_on": "2099-01-01"}, "start_on"),
        ({**EXPERIENCE, "population": "adults"}, "population"),
        ({**EXPERIENCE, "population": "other"}, "target_population"),
        ({**EXPERIENCE, "start": "2021-01-04"}, "start"),
        ({k: v for k, v in EXPERIENCE.items() if k != "role"}, "role"),
    ],
)
def test_bad_experience_is_422_and_writes_nothing(hr, db, body, field):
    person = create(hr)
    before = snapshot(db)
    response = hr.post(f"/staff/{person['id']}/experience", body)
    assert response.status_code == 422
    assert response.get_json()["field"] == field
    assert snapshot(db) == before


def test_bad_experience_patch_writes_nothing(hr, db):
    person = create(hr)
    entry = hr.post(f"/staff/{person['id']}/experience", EXPERIENCE).get_json()
    before = snapshot(db)
    response = hr.patch(
        f"/staff/{person['id']}/experience/{entry['id']}",
        {"employer": "Renamed", "end_on": "2000-01-01"},
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "end_on"
    assert snapshot(db) == before
    assert hr.get(f"/staff/{person['id']}/experience").get_json()["items"] == [entry]


# -- the rules engine: the CLI, the API and a person's record agree -----------------------------


def facts(as_of, date_of_birth, identity, education, experience) -> dict:
    return {
        "as_of": as_of,
        "date_of_birth": date_of_birth,
        "identity_verified": identity,
        "education": education,
        "experience": experience,
    }


def degree(level, field, conferred_on, verified, human_services=True):
    return {
        "credential": level,
        "field": field,
        "institution": "Bunker Hill Community College",
        "human_services_field": human_services,
        "accredited": True,
        "conferred_on": conferred_on,
        "verified": verified,
    }


def job(start, end, hours, verified, target=False, employer="Boys & Girls Club"):
    return {
        "employer": employer,
        "role": "Youth counsellor",
        "start": start,
        "end": end,
        "hours_per_week": hours,
        "population": "youth",
        "target_population": target,
        "verified": verified,
    }


LEAP_DAY_FACTS = (
    "2008-02-29",
    True,
    [degree("bachelor", "Social work", "2028-05-20", True)],
    [job("2027-01-04", None, 40, True)],
)

#: name -> ((status, pathway, eligible_from) worked out by hand, the facts)
CASES = {
    "eligible": (
        ("eligible", "bachelor", "2022-01-03"),
        facts(
            "2026-11-23",
            "1998-04-02",
            True,
            [degree("bachelor", "Psychology", "2020-05-15", True)],
            [job("2021-01-04", None, 40, True)],
        ),
    ),
    "provisional, two overlapping part-time jobs": (
        ("provisional", "associate", "2024-02-22"),
        facts(
            "2026-11-23",
            "2001-07-14",
            True,
            [degree("associate", "Human services", "2022-06-01", False)],
            [
                job("2023-01-02", None, 20, True, target=True),
                job("2023-03-01", "2024-08-31", 17.5, False, target=True, employer="DYS"),
            ],
        ),
    ),
    "not eligible yet, projected": (
        ("not_eligible", None, "2029-05-30"),  # 730 days at half time from 2025-06-01
        facts(
            "2026-11-23",
            "2000-01-01",
            True,
            [degree("high_school", "General studies", "2018-06-01", True, False)],
            [job("2025-06-01", None, 20, True)],
        ),
    ),
    "leap-day birthday, the day before": (
        ("not_eligible", None, "2029-03-01"),
        facts("2029-02-28", *LEAP_DAY_FACTS),
    ),
    "leap-day birthday, 1 March": (
        ("eligible", "bachelor", "2029-03-01"),
        facts("2029-03-01", *LEAP_DAY_FACTS),
    ),
}


def create_from_facts(hr: Api, db, users, case: dict) -> int:
    """The same facts recorded as a person through the API; verified by HR in the app."""
    person = create(
        hr,
        {
            "legal_name": "Case Person",
            "date_of_birth": case["date_of_birth"],
            "position": "therapeutic_mentor",
        },
    )
    path = f"/staff/{person['id']}"
    verified = []
    for item in case["education"]:
        body = {
            "level": item["credential"],
            "field_of_study": item["field"],
            "institution": item["institution"],
            "accredited": item["accredited"],
            "conferred_on": item["conferred_on"],
            "human_services_basis": "listed" if item["human_services_field"] else None,
        }
        response = hr.post(f"{path}/credentials", body)
        assert response.status_code == 201, response.get_json()
        if item["verified"]:
            verified.append((EducationCredential, response.get_json()["id"]))
    for item in case["experience"]:
        body = {
            "employer": item["employer"],
            "role": item["role"],
            "start_on": item["start"],
            "end_on": item["end"],
            "hours_per_week": item["hours_per_week"],
            "population": item["population"],
            "target_population": item["target_population"],
        }
        response = hr.post(f"{path}/experience", body)
        assert response.status_code == 201, response.get_json()
        if item["verified"]:
            verified.append((ExperienceRecord, response.get_json()["id"]))
    # Verification is a person's act with evidence in the web app, not something a feed does.
    actor, today = Actor(users["hr"].id, "hr@example.org"), dt.date.fromisoformat(case["as_of"])
    record = db.get(Person, person["id"])
    if case["identity_verified"]:
        attach_document(db, record, None, "photo-id.pdf")
        verify_identity(db, actor, record, VerificationMethod.GOVERNMENT_ID, None, today)
    for model, fact_id in verified:
        method, note = VerificationMethod.REGISTRAR, "Called the registrar on the day: confirmed."
        verify_fact(db, actor, record, db.get(model, fact_id), method, note, today)
    db.commit()
    return person["id"]


@pytest.mark.parametrize("name", list(CASES))
def test_cli_api_and_person_record_agree(runner, hr, db, users, frozen_clock, name):
    (expected_status, pathway, eligible_from), case = CASES[name]
    as_of = dt.date.fromisoformat(case["as_of"])
    frozen_clock.current = dt.datetime.combine(as_of, dt.time(15), dt.UTC)

    command = runner.invoke(args=["eligibility", "evaluate"], input=json.dumps(case))
    assert command.exit_code == 0, command.output
    from_cli = json.loads(command.output)

    response = hr.post("/eligibility/evaluate", case)
    assert response.status_code == 200, response.get_json()
    from_api = response.get_json()

    person_id = create_from_facts(hr, db, users, case)
    response = hr.get(f"/staff/{person_id}/eligibility")
    assert response.status_code == 200
    from_record = response.get_json()

    assert (from_cli["status"], from_cli["pathway"], from_cli["eligible_from"]) == (
        expected_status,
        pathway,
        eligible_from,
    )
    assert from_api == from_cli
    assert {key: from_record[key] for key in from_cli} == from_cli
    assert from_record["as_of"] == case["as_of"]
    latest = from_record["latest_determination"]
    assert latest["status"] == expected_status  # the stored record says the same
    assert latest["id"] == db.execute(select(func.max(Determination.id))).scalar_one()


def test_a_leap_day_birthday_is_21_on_1_march(hr):
    day_before = hr.post("/eligibility/evaluate", CASES["leap-day birthday, the day before"][1])
    assert day_before.get_json()["age_years"] == 20
    on_the_day = hr.post("/eligibility/evaluate", CASES["leap-day birthday, 1 March"][1])
    assert on_the_day.get_json()["age_years"] == 21


def test_evaluate_defaults_as_of_to_today(hr, frozen_clock):
    case = {k: v for k, v in CASES["eligible"][1].items() if k != "as_of"}
    assert hr.post("/eligibility/evaluate", case).get_json()["status"] == "eligible"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_of_birth": "1998-4-2"}, "date_of_birth"),
        ({"as_of": "1990-01-01"}, "date_of_birth"),
        ({"colour": "blue"}, "colour"),
        ({"experience": [{**job("2021-01-04", None, 0, True)}]}, "experience[0].hours_per_week"),
        ({"education": [{"credential": "phd", "conferred_on": "2020-01-01"}]}, "education[0]."),
    ],
)
def test_evaluate_bad_input_is_422_with_the_cli_message(hr, runner, change, field):
    body = {**CASES["eligible"][1], **change}
    response = hr.post("/eligibility/evaluate", body)
    assert response.status_code == 422
    error = response.get_json()
    assert error["field"].startswith(field)
    command = runner.invoke(args=["eligibility", "evaluate"], input=json.dumps(body))
    assert command.exit_code == 2
    assert error["error"] == command.output.strip()


def test_evaluate_keeps_decimal_hours_exact(hr):
    case = CASES["provisional, two overlapping part-time jobs"][1]
    raw = json.dumps(case).replace("17.5", "17.50")
    assert hr.post("/eligibility/evaluate", raw=raw).get_json() == (
        hr.post("/eligibility/evaluate", case).get_json()
    )


def test_eligibility_of_a_person_without_facts(hr, frozen_clock):
    person = create(hr)
    result = hr.get(f"/staff/{person['id']}/eligibility").get_json()
    assert result["status"] == "not_eligible"
    assert result["person_id"] == person["id"]
    assert result["latest_determination"]["status"] == "not_eligible"


# -- the OpenAPI document -----------------------------------------------------------------------


#: A URL rule's variable, with or without a converter: ``<int:person_id>``, ``<serial>``.
RULE_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^:<>]+)>")


def api_routes(app) -> dict[tuple[str, str], str]:
    """(OpenAPI path, method) -> endpoint, for every route under /api/v1, whatever blueprint
    serves it (the certificate verification lives with the certificates)."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = RULE_VARIABLE.sub(r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes[(path, method.lower())] = rule.endpoint
    return routes


def documented(document) -> dict[tuple[str, str], dict]:
    return {
        (path, method): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def test_openapi_is_public_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/api/v1"}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert document["security"] == [{"bearerAuth": []}]


def test_openapi_describes_every_route_and_nothing_else(app):
    routes = api_routes(app)
    operations = documented(openapi_document())
    assert set(operations) == set(routes)
    for key, endpoint in routes.items():
        operation = operations[key]
        assert endpoint.rsplit(".", 1)[-1] == operation["operationId"], key
        access = declared_access(app.view_functions[endpoint])
        if access == PUBLIC:
            assert operation["security"] == [], key
        else:
            assert sorted(operation["x-roles"]) == sorted(access), key
            assert {"401", "403", "500"} <= set(operation["responses"]), key


def test_api_routes_include_those_of_other_blueprints(app):
    routes = api_routes(app)
    assert routes[("/staff/{person_id}", "get")] == "api.person"
    assert routes[("/certificates/{serial}/verification", "get")] == "certificates.verification"


def test_openapi_documents_the_public_certificate_verification():
    document = openapi_document()
    operation = document["paths"]["/certificates/{serial}/verification"]["get"]
    assert operation["security"] == []  # public: no token
    assert set(operation["responses"]) >= {"200", "404", "429"}
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/CertificateVerification"}
    schema = document["components"]["schemas"]["CertificateVerification"]
    assert schema["properties"]["status"]["enum"] == [
        "not_yet_issued",
        "valid",
        "expired",
        "revoked",
    ]
    for status in ("404", "429"):
        name = operation["responses"][status]["$ref"].rsplit("/", 1)[-1]
        response = document["components"]["responses"][name]
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
    too_many = operation["responses"]["429"]["$ref"].rsplit("/", 1)[-1]
    assert "Retry-After" in document["components"]["responses"][too_many]["headers"]


def test_openapi_path_parameters_are_declared(app):
    document = openapi_document()
    parameters = document["components"]["parameters"]
    for (path, _method), operation in documented(document).items():
        declared = [
            parameters[p["$ref"].rsplit("/", 1)[-1]]
            for p in operation.get("parameters", [])
            if "$ref" in p
        ]
        names = {p["name"] for p in declared if p["in"] == "path"}
        assert names == set(part[1:-1] for part in path.split("/") if part.startswith("{"))


def test_openapi_references_resolve():
    document = openapi_document()

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = list(refs(document))
    assert found
    for ref in found:
        target = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict), ref


def test_openapi_request_schemas_match_the_parsers():
    schemas = openapi_document()["components"]["schemas"]
    for name, fields in [
        ("Person", PERSON_FIELDS),
        ("Credential", CREDENTIAL_FIELDS),
        ("Experience", EXPERIENCE_FIELDS),
    ]:
        for variant in (f"{name}Input", f"{name}Patch"):
            assert set(schemas[variant]["properties"]) == set(fields), variant
            assert schemas[variant]["additionalProperties"] is False, variant


def test_openapi_response_schemas_match_what_is_sent(hr):
    schemas = openapi_document()["components"]["schemas"]
    person = create(hr)
    credential = hr.post(f"/staff/{person['id']}/credentials", CREDENTIAL).get_json()
    entry = hr.post(f"/staff/{person['id']}/experience", EXPERIENCE).get_json()
    eligibility = hr.get(f"/staff/{person['id']}/eligibility").get_json()
    listing = hr.get("/staff").get_json()
    for name, body in [
        ("Person", person),
        ("Credential", credential),
        ("Experience", entry),
        ("PersonList", listing),
    ]:
        assert set(schemas[name]["properties"]) == set(body), name
        assert set(schemas[name]["required"]) <= set(body), name
    _result, extra = schemas["PersonEligibility"]["allOf"]
    assert set(schemas["EligibilityResult"]["properties"]) | set(extra["properties"]) == set(
        eligibility
    )
    assert set(schemas["Error"]["properties"]) == {"error", "field"}


def test_a_clinicians_eligibility_is_not_evaluated_against_the_mentor_rules(hr, db):
    clinician = create(
        hr,
        {
            **PERSON,
            "work_email": "dr.lee@agency.example",
            "position": "licensed_clinician",
        },
    )
    response = hr.get(f"/staff/{clinician['id']}/eligibility")
    assert response.status_code == 422
    body = response.get_json()
    assert body["field"] == "position"
    assert "Only therapeutic mentors are evaluated" in body["error"]
    mentor = create(hr)
    assert hr.get(f"/staff/{mentor['id']}/eligibility").status_code == 200
