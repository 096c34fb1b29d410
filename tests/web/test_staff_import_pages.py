"""HR's import pages: upload, the dry run's problems or summary, and a confirm that checks the
carried file again in full before importing it all or nothing."""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import re
from importlib import resources

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lms.auditlog.models import AuditEvent
from lms.staff.models import Person
from lms.staffimport.import_plan import COLUMN_NAMES
from tests.conftest import csrf_token

HIDDEN = re.compile(r'<input type="hidden" name="(content|sha256|filename)" value="([^"]*)">')


def person(ref: str = "ann@example.org", **values: str) -> dict[str, str]:
    return {
        "record": "person",
        "person_ref": ref,
        "legal_name": "Ann Example",
        "date_of_birth": "1998-04-02",
        "work_email": ref,
        "position": "therapeutic_mentor",
        "status": "candidate",
        **values,
    }


def credential(**values: str) -> dict[str, str]:
    return {
        "record": "credential",
        "person_ref": "ann@example.org",
        "credential": "high_school",
        "institution": "Somerville High School",
        "conferred_on": "2016-06-10",
        "accredited": "yes",
        "human_services": "no",
        **values,
    }


def experience(**values: str) -> dict[str, str]:
    return {
        "record": "experience",
        "person_ref": "ann@example.org",
        "employer": "Dorchester Youth Center",
        "role": "Counselor",
        "start_on": "2020-06-01",
        "hours_per_week": "40",
        "population": "youth",
        "target_population": "no",
        **values,
    }


def csv_bytes(*rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def hr(client, auth, users, frozen_clock):
    auth.login("hr@example.org")
    return client


def people(db) -> int:
    return db.execute(select(func.count()).select_from(Person)).scalar_one()


def upload(client, data: bytes, filename: str = "hires.csv", token: str | None = None):
    # Encoded in memory: the test client spools large bodies to a file it never closes.
    boundary, body = encode_multipart(
        {
            "file": FileStorage(io.BytesIO(data), filename),
            "csrf_token": token or csrf_token(client, "/staff/import/"),
        }
    )
    return client.post(
        "/staff/import/check",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def carried(page: str) -> dict[str, str]:
    """The hidden fields of the confirm form: the file's content, its SHA-256 and name."""
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page)}


def confirm(client, fields: dict[str, str]):
    token = csrf_token(client, "/staff/import/")
    return client.post("/staff/import/confirm", data={**fields, "csrf_token": token})


def test_upload_page_explains_the_columns_and_offers_the_template(hr):
    page = hr.get("/staff/import/").get_data(as_text=True)
    assert '<label for="file">CSV file</label>' in page
    assert 'href="/staff/import/template.csv"' in page
    assert "<caption>Columns of the import file</caption>" in page
    assert '<th scope="row"><code>human_services_justification</code></th>' in page


def test_template_downloads_as_csv(hr):
    response = hr.get("/staff/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    shipped = resources.files("lms.staffimport").joinpath("import_template.csv").read_bytes()
    assert response.data == shipped


def test_the_hr_home_and_staff_list_link_to_the_import(hr):
    assert 'href="/staff/import/"' in hr.get("/hr").get_data(as_text=True)
    assert 'href="/staff/import/"' in hr.get("/staff/").get_data(as_text=True)


def test_upload_with_problems_shows_every_one_in_a_table(hr, db):
    data = csv_bytes(person(date_of_birth="1998-02-30"), credential(), experience(end_on="2019-01"))
    response = upload(hr, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "2 problems in hires.csv" in page
    assert "<caption>Problems in hires.csv</caption>" in page
    rows = re.findall(r'<th scope="row">(\d+)</th>\s*<td><code>(\w+)</code></td>', page)
    assert rows == [("2", "date_of_birth"), ("4", "end_on")]
    assert "is not a date as YYYY-MM-DD." in page
    assert 'name="content"' not in page  # no confirm form while there are problems
    assert people(db) == 0


def test_upload_then_confirm_imports_the_file(hr, db):
    data = csv_bytes(person(), credential(), experience())
    response = upload(hr, data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ready to import hires.csv" in page
    assert "1 person, 1 credential, 1 experience entry" in page
    assert ">Import 1 person</button>" in page
    fields = carried(page)
    assert fields["sha256"] == hashlib.sha256(data).hexdigest()
    assert base64.b64decode(fields["content"]) == data
    assert people(db) == 0  # the dry run wrote nothing

    response = confirm(hr, fields)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    listing = hr.get("/staff/").get_data(as_text=True)
    assert "Imported 1 person, 1 credential, 1 experience entry from hires.csv." in listing
    assert "Ann Example" in listing
    assert people(db) == 1
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "staff.import")).scalar_one()
    assert event.details["sha256"] == fields["sha256"]
    assert event.actor_label == "hr@example.org"


def test_a_file_larger_than_the_form_memory_limit_survives_the_round_trip(hr, db):
    # Blank lines are skipped but still make the file (and the carried copy) large.
    data = csv_bytes(person()) + b"\n" * 600_000
    fields = carried(upload(hr, data).get_data(as_text=True))
    assert len(fields["content"]) > 500_000  # Flask's default MAX_FORM_MEMORY_SIZE
    assert confirm(hr, fields).status_code == 302
    assert people(db) == 1


def test_tampered_content_is_refused_when_its_hash_no_longer_matches(hr, db):
    fields = carried(upload(hr, csv_bytes(person())).get_data(as_text=True))
    other = csv_bytes(person(), person("bob@example.org", legal_name="Bob"))
    response = confirm(hr, {**fields, "content": base64.b64encode(other).decode()})
    assert response.status_code == 422
    assert "did not come back intact" in response.get_data(as_text=True)
    assert people(db) == 0


@pytest.mark.parametrize("content", ["not base64!", "", "QUJD"])
def test_unreadable_carried_content_is_refused(hr, db, content):
    fields = carried(upload(hr, csv_bytes(person())).get_data(as_text=True))
    response = confirm(hr, {**fields, "content": content})
    assert response.status_code == 422
    assert people(db) == 0


def test_tampered_content_with_a_matching_hash_is_checked_again_in_full(hr, db):
    fields = carried(upload(hr, csv_bytes(person())).get_data(as_text=True))
    bad = csv_bytes(person(), experience(hours_per_week="500"))
    response = confirm(
        hr,
        {
            **fields,
            "content": base64.b64encode(bad).decode(),
            "sha256": hashlib.sha256(bad).hexdigest(),
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "1 problem in hires.csv" in page
    assert "Hours per week must be more than 0 and at most 168." in page
    assert people(db) == 0


def test_a_file_that_became_invalid_since_the_dry_run_imports_nothing(hr, db):
    fields = carried(upload(hr, csv_bytes(person())).get_data(as_text=True))
    # Someone else adds Ann between the dry run and the confirmation.
    confirm(hr, fields)
    response = confirm(hr, fields)
    assert response.status_code == 422
    assert "Another person already has this work email." in response.get_data(as_text=True)
    assert people(db) == 1


def test_check_without_a_file_asks_for_one(hr):
    response = hr.post("/staff/import/check", data={"csrf_token": csrf_token(hr, "/staff/import/")})
    assert response.status_code == 422
    assert "Choose a CSV file to check." in response.get_data(as_text=True)


def test_check_and_confirm_need_the_csrf_token(hr, db):
    response = hr.post(
        "/staff/import/check",
        data={"file": (io.BytesIO(csv_bytes(person())), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    data = csv_bytes(person())
    response = hr.post(
        "/staff/import/confirm",
        data={
            "content": base64.b64encode(data).decode(),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    assert response.status_code == 400
    assert people(db) == 0


@pytest.mark.parametrize("role", ["admin", "supervisor", "mentor", "auditor"])
def test_only_hr_may_import(client, auth, users, db, role):
    auth.login(f"{role}@example.org")
    assert client.get("/staff/import/").status_code == 403
    assert client.get("/staff/import/template.csv").status_code == 403
    data = csv_bytes(person())
    token = csrf_token(client, "/")
    assert upload(client, data, token=token).status_code == 403
    response = client.post(
        "/staff/import/confirm",
        data={
            "content": base64.b64encode(data).decode(),
            "sha256": hashlib.sha256(data).hexdigest(),
            "csrf_token": token,
        },
    )
    assert response.status_code == 403
    assert people(db) == 0


def test_licence_leave_and_employment_rows_through_the_page(hr, db):
    """The page runs the same import: the new record types are checked, summarised and kept."""
    page = hr.get("/staff/import/").get_data(as_text=True)
    for column in ("licence_type", "starts_on", "reason", "hired_on", "separated_on"):
        assert f'<th scope="row"><code>{column}</code></th>' in page
    clinician = person(
        "sam@example.org",
        legal_name="Sam Okafor",
        position="senior_clinician",
        status="active",
        hire_on="2019-03-04",
    )
    licence = {
        "record": "licence",
        "person_ref": "sam@example.org",
        "licence_type": "LICSW",
        "licence_number": "112233",
        "issued_on": "2024-10-01",
        "expires_on": "2026-10-01",
        "issuing_state": "MA",
    }
    leave = {
        "record": "leave",
        "person_ref": "ann@example.org",
        "starts_on": "2026-12-01",
        "ends_on": "2026-11-30",  # before it starts
        "reason": "vacation",
    }
    employment = {
        "record": "employment",
        "person_ref": "sam@example.org",
        "hired_on": "2012-06-18",
        "separated_on": "2016-08-31",
    }
    refused = upload(hr, csv_bytes(clinician, person(), licence, leave, employment))
    assert refused.status_code == 422
    text = html.unescape(refused.get_data(as_text=True))
    assert "The last day of leave is before the first." in text
    fixed = upload(
        hr, csv_bytes(clinician, person(), licence, {**leave, "ends_on": "2026-12-04"}, employment)
    )
    assert fixed.status_code == 200
    text = html.unescape(fixed.get_data(as_text=True))
    assert "1 licence, 1 leave period, 1 past employment period" in text
    assert confirm(hr, carried(fixed.get_data(as_text=True))).status_code == 302
    assert db.execute(select(func.count()).select_from(Person)).scalar_one() == 2
