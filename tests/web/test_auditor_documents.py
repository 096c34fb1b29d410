"""Auditors download the curriculum documentation; what they view and download is logged."""

import pytest
from sqlalchemy import select

from lms.auditlog.models import AuditEvent
from tests.support.factories import make_person, publish_small_edition


def publish_small(db, tmp_path):
    return publish_small_edition(db, tmp_path, commit=True)


def actions(db):
    return [
        (e.action, e.details)
        for e in db.execute(select(AuditEvent).order_by(AuditEvent.sequence)).scalars()
    ]


def test_auditor_home_lists_documents_and_downloads_are_logged(client, auth, users, db, tmp_path):
    edition = publish_small(db, tmp_path)
    auth.login("auditor@example.org")
    home = client.get("/auditor").get_data(as_text=True)
    assert "Curriculum documentation (PDF)" in home
    response = client.get(f"/audit/curriculum/{edition.id}/documentation.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    assert "curriculum-demo-2030-v1.pdf" in response.headers["Content-Disposition"]
    logged = actions(db)
    assert ("auditor.view", {"path": "/auditor", "status": 200}) in logged
    download = next(details for action, details in logged if action == "export.download")
    assert download["filename"] == "curriculum-demo-2030-v1.pdf"
    assert len(download["sha256"]) == 64


def test_answer_key_is_refused_to_hr(client, auth, users, db, tmp_path):
    edition = publish_small(db, tmp_path)
    auth.login("hr@example.org")
    assert client.get(f"/audit/curriculum/{edition.id}/documentation.pdf").status_code == 200
    assert client.get(f"/audit/curriculum/{edition.id}/answer-key.pdf").status_code == 403


def test_other_roles_views_are_not_logged_as_auditor_views(client, auth, users, db):
    auth.login("hr@example.org")
    client.get("/hr")
    assert not [a for a, _ in actions(db) if a == "auditor.view"]


def test_packet_requested_on_the_web_is_prepared_and_downloaded(
    app, client, auth, users, db, monkeypatch
):
    import hashlib
    import io
    import json
    import zipfile

    from tests.conftest import csrf_token

    app.config["EXPORT_JOBS_INLINE"] = True  # the test client cannot wait for a thread
    monkeypatch.setattr("lms.auditors.jobs.CHUNK_BYTES", 4096)  # stored and sent in pieces
    auth.login("auditor@example.org")
    response = client.post(
        "/audit/packets",
        data={
            "csrf_token": csrf_token(client, "/audit/packets"),
            "as_of": "2026-11-01",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ready" in page
    download = client.get(response.headers["Location"] + "/download")
    assert download.status_code == 200
    assert len(download.data) == int(download.headers["Content-Length"]) > 4096
    with zipfile.ZipFile(io.BytesIO(download.data)) as packet:
        assert json.loads(packet.read("manifest.json"))["as_of"] == "2026-11-01"
    logged = [details for action, details in actions(db) if action == "export.download"]
    assert logged[-1]["sha256"] == hashlib.sha256(download.data).hexdigest()


def test_packet_for_a_future_date_is_refused(client, auth, users):
    from tests.conftest import csrf_token

    auth.login("auditor@example.org")
    response = client.post(
        "/audit/packets",
        data={
            "csrf_token": csrf_token(client, "/audit/packets"),
            "as_of": "2099-01-01",
        },
    )
    # Back to the form, with the message beside the date field rather than a bare 400 page.
    assert response.status_code == 302
    assert response.headers["Location"] == "/audit/packets"
    page = client.get("/audit/packets").get_data(as_text=True)
    error = 'id="as_of-error" role="alert">The date cannot be in the future.</p>'
    assert error in page
    assert 'aria-invalid="true"' in page
    assert page.count("The date cannot be in the future.") == 1  # not also a banner


@pytest.mark.parametrize(
    "path", ["/audit/roster.pdf", "/audit/roster.csv", "/audit/certificates.csv"]
)
@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2099-01-01", "The date cannot be in the future."),
        ("01/02/2024", "The as-of date “01/02/2024” is not a date: write it as YYYY-MM-DD."),
    ],
)
def test_a_report_date_refused_is_shown_on_the_form(client, auth, users, path, as_of, message):
    auth.login("auditor@example.org")
    response = client.get(f"{path}?as_of={as_of}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auditor"
    page = client.get("/auditor").get_data(as_text=True)
    assert f'id="report-as-of-error" role="alert">{message}</p>' in page


def test_an_eligibility_file_date_refused_is_shown_on_the_person_page(client, auth, users, db):
    import datetime as dt

    from lms.staff.models import Position, StaffStatus

    person = make_person(
        db,
        "Ann Example",
        today=dt.date(2026, 11, 23),
        date_of_birth=dt.date(1998, 4, 2),
        position=Position.THERAPEUTIC_MENTOR,
        status=StaffStatus.CANDIDATE,
    )
    db.commit()
    auth.login("hr@example.org")
    response = client.get(f"/audit/people/{person.id}/eligibility.pdf?as_of=2099-01-01")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/{person.id}"
    page = client.get(f"/staff/{person.id}").get_data(as_text=True)
    assert 'id="file-as-of-error" role="alert">The date cannot be in the future.</p>' in page


def test_an_auditor_limited_to_a_period_sees_only_records_in_it(client, auth, make_user, db):
    import datetime as dt

    from lms.auth.models import Role

    make_user(
        "period@mce.example",
        Role.AUDITOR,
        access_ends_on=dt.date(2099, 1, 1),
        records_from=dt.date(2026, 1, 1),
        records_until=dt.date(2026, 6, 30),
    )
    auth.login("period@mce.example")
    inside = client.get("/audit/roster.csv?as_of=2026-03-31")
    assert inside.status_code == 200
    outside = client.get("/audit/roster.csv?as_of=2026-11-01")
    assert outside.status_code == 403
    assert "Your access covers records up to 2026-06-30." in outside.get_data(as_text=True)


# -- the supervision log, on-call coverage and requirements register (issues 10 and 12) ---------

PERIOD_DOWNLOADS = [
    ("/audit/supervision-log.pdf", "application/pdf", "supervision-log-"),
    ("/audit/supervision-log.csv", "text/csv", "supervision-log-"),
    ("/audit/oncall-coverage.pdf", "application/pdf", "oncall-coverage-"),
    ("/audit/oncall-coverage.csv", "text/csv", "oncall-coverage-"),
    ("/audit/requirements-register.pdf", "application/pdf", "requirements-register-"),
    ("/audit/requirements-register.csv", "text/csv", "requirements-register-"),
]


@pytest.mark.parametrize(("path", "mimetype", "name"), PERIOD_DOWNLOADS)
def test_the_period_documents_download_and_are_logged(
    client, auth, users, db, path, mimetype, name
):
    auth.login("auditor@example.org")
    home = client.get("/auditor").get_data(as_text=True)
    assert f'action="{path}"' in home or f'formaction="{path}"' in home
    response = client.get(f"{path}?as_of=2026-11-01&from=2026-10-01&to=2026-10-31")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == mimetype
    disposition = response.headers["Content-Disposition"]
    if "requirements" in path:  # the register is on a date; the period does not apply
        assert f"{name}2026-11-01." in disposition
    else:
        assert f"{name}2026-10-01-to-2026-10-31-as-of-2026-11-01." in disposition
    download = [details for action, details in actions(db) if action == "export.download"]
    assert download[-1]["sha256"] and download[-1]["filename"] in disposition


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("as_of=2099-01-01", "as-of", "The date cannot be in the future."),
        (
            "as_of=2026-11-01&to=2026-11-02",
            "to",
            "The last day of the period cannot be after the as-of date (2026-11-01).",
        ),
        (
            "as_of=2026-11-01&from=2026-11-02&to=2026-11-01",
            "from",
            "The first day of the period must not be after the last day.",
        ),
        (
            "from=2024-01-01&to=2025-06-01&as_of=2026-11-01",
            "from",
            "Ask for at most 400 days at a time.",
        ),
        (
            "as_of=2026-11-01&from=1/2/2026",
            "from",
            "The first day of the period “1/2/2026” is not a date: write it as YYYY-MM-DD.",
        ),
    ],
)
def test_a_period_refused_is_shown_beside_its_field(client, auth, users, query, field, message):
    auth.login("auditor@example.org")
    response = client.get(f"/audit/supervision-log.pdf?{query}")
    assert response.status_code == 302 and response.headers["Location"] == "/auditor"
    page = client.get("/auditor").get_data(as_text=True)
    assert f'id="period-{field}-error" role="alert">{message}</p>' in page
    assert page.count(message) == 1  # not beside the other form's date, nor as a banner
