"""A file over the request limit (12 MB) gets the same error beside the field as one just over
the form's own limit, not a bare "Too large" page; and nothing is stored."""

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lms.eligibility.models import EvidenceDocument
from tests.conftest import csrf_token
from tests.web.test_staff_pages import PDF, count, make_person

MB = 1024 * 1024


def post_file(client, path: str, data: dict):
    """POST a multipart form encoded in memory: the test client would spool a large body to a
    temporary file that stays open when the app refuses the request without reading it."""
    fields = {
        name: FileStorage(io.BytesIO(value[0].getvalue()), filename=value[1])
        if isinstance(value, tuple)
        else value
        for name, value in data.items()
    }
    boundary, body = encode_multipart(fields)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def hr_client(client, auth, users):
    auth.login("hr@example.org")
    return client


def upload_evidence(client, person, size: int):
    token = csrf_token(client, f"/staff/{person.id}")
    return post_file(
        client,
        f"/staff/{person.id}/evidence/identity",
        {"csrf_token": token, "file": (io.BytesIO(PDF + b"0" * (size - len(PDF))), "id.pdf")},
    )


def field_error(html: str, field_id: str) -> str:
    start = html.index(f'<p class="error-message" id="{field_id}-error">')
    return html[start : html.index("</p>", start)].split(">", 1)[1]


@pytest.mark.parametrize(("size", "status"), [(11 * MB, 422), (20 * MB, 413)])
def test_evidence_over_10_mb_is_refused_beside_the_field(hr_client, db, size, status):
    person = make_person(db)
    response = upload_evidence(hr_client, person, size)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert field_error(html, "identity-file") == "The file is larger than 10 MB."
    assert "<h1>Kai Moreno" in html  # the person's page, with its upload form open
    assert "Too large" not in html
    assert count(db, EvidenceDocument) == 0


@pytest.mark.parametrize(("size", "status"), [(3 * MB, 422), (20 * MB, 413)])
def test_an_import_over_2_mb_is_refused_beside_the_field(hr_client, size, status):
    token = csrf_token(hr_client, "/staff/import/")
    response = post_file(
        hr_client,
        "/staff/import/check",
        {"csrf_token": token, "file": (io.BytesIO(b"a" * size), "people.csv")},
    )
    assert response.status_code == status
    assert "The file is larger than 2 MB; split it." in response.get_data(as_text=True)


def test_someone_who_may_not_upload_gets_no_record_with_the_413(client, auth, users, db):
    person = make_person(db)
    auth.login("mentor@example.org")
    response = post_file(
        client,
        f"/staff/{person.id}/evidence/identity",
        {"file": (io.BytesIO(b"0" * 20 * MB), "id.pdf")},
    )
    assert response.status_code in (403, 413)
    assert "Kai Moreno" not in response.get_data(as_text=True)
