"""The JSON API for requirements: HR tokens record credentials and checks; HR, admin and
auditor tokens read statuses; bad input is a 422 naming the field and writes nothing."""

from sqlalchemy import func, select

from lms.api.openapi import openapi_document
from lms.requirements.models import RequirementRecord
from lms.requirements.rules import RequirementStatus
from tests.web.test_api import Api, api_as, create, hr  # noqa: F401 - fixtures

ACTIVE = {
    "legal_name": "Alex Rivera",
    "date_of_birth": "1998-04-02",
    "position": "therapeutic_mentor",
    "status": "active",
    "hire_on": "2026-01-05",
}


def test_hr_records_a_check_and_everyone_reads_the_status(hr, api_as, db):  # noqa: F811
    person = create(hr, ACTIVE)
    path = f"/staff/{person['id']}/requirement-records"
    body = {
        "requirement": "cori",
        "done_on": "2026-01-02",
        "verification_method": "other",
        "verification_note": "iCORI",
        "evidence_sha256": "a" * 64,
    }
    response = hr.post(path, body)
    assert response.status_code == 201, response.get_json()
    record = response.get_json()
    schema = openapi_document()["components"]["schemas"]["RequirementRecord"]
    assert set(record) == set(schema["properties"])
    assert record["kind"] == "check"
    for role in ("hr", "admin", "auditor"):
        statuses = api_as(role).get(f"/staff/{person['id']}/requirements?as_of=2026-03-01")
        assert statuses.status_code == 200
        items = {item["requirement"]: item for item in statuses.get_json()["items"]}
        assert items["cori"]["status"] == RequirementStatus.MET
        assert items["cori"]["valid_until"] == "2029-01-01"
        assert items["sori"]["status"] == RequirementStatus.MISSING
        assert statuses.get_json()["cleared_to_work"] is False
    assert api_as("auditor").post(path, body).status_code == 403
    assert len(hr.get(path).get_json()["items"]) == 1


def test_bad_input_names_the_field_and_writes_nothing(hr, db):  # noqa: F811
    person = create(hr, ACTIVE)
    path = f"/staff/{person['id']}/requirement-records"
    for body, field in [
        ({"requirement": "cpr_first_aid", "done_on": "2026-01-02", "verification_method": "other",
          "verification_note": "card"}, "expires_on"),
        ({"requirement": "nonsense", "done_on": "2026-01-02", "verification_method": "other",
          "verification_note": "x"}, "requirement"),
        ({"requirement": "cori", "done_on": "2026-01-02"}, "verification_method"),
        ({"requirement": "cori", "done_on": "2026-01-02", "verification_method": "other",
          "verification_note": "x", "evidence_sha256": "xyz"}, "evidence_sha256"),
        ({"requirement": "cori", "colour": "red"}, "colour"),
        # Issue 14: no document and a note that says nothing of whom or when is refused; so is
        # a method that reads a document without the document's hash.
        ({"requirement": "cori", "done_on": "2026-01-02", "verification_method": "other",
          "verification_note": "iCORI"}, "verification_note"),
        ({"requirement": "cori", "done_on": "2026-01-02",
          "verification_method": "government_id"}, "evidence_sha256"),
    ]:  # fmt: skip
        response = hr.post(path, body)
        assert response.status_code == 422, body
        assert response.get_json()["field"] == field, body
    assert db.execute(select(func.count()).select_from(RequirementRecord)).scalar_one() == 0
    assert hr.get(f"/staff/{person['id']}/requirements?as_of=soon").status_code == 422
