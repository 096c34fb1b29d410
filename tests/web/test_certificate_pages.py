"""Certificate pages: the public check (three states, unknown and malformed serials, the rate
limit), the JSON verification, who may download the PDF, and HR's revocation."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lms import create_app
from lms.actor import Actor
from lms.api.openapi import openapi_document
from lms.auditlog.models import AuditEvent
from lms.auth.models import Role
from lms.certificates.models import Certificate
from lms.certificates.operations import revoke_certificate
from lms.curriculum.loader import load_edition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.ratelimits.models import RateLimitCounter
from lms.staff.models import Position, StaffStatus
from lms.staff.operations import create_person
from lms.training.operations import ensure_current_cycle
from tests.conftest import TEST_ARGON2, csrf_token
from tests.integration.test_training_operations import SETTINGS, complete_module
from tests.support.editions import Folder
from tests.support.factories import person_details

ACTOR = Actor.system("test")
COMPLETED = dt.date(2030, 1, 28)
UNKNOWN = "TM-2030-0000-000Y"  # a correct check character, but never issued


@pytest.fixture
def issued(db, users, make_user, frozen_clock, tmp_path):
    """A supervisor and their mentor (linked to the fixture accounts) who completed the demo
    training on 2030-01-28; the clock stands at 2030-03-01."""
    frozen_clock.current = dt.datetime(2030, 3, 1, 15, 0, tzinfo=dt.UTC)
    loaded, _ = load_edition(Folder(tmp_path / "demo" / "2030").path)
    publish_edition(db, ACTOR, plan_publication(db, loaded, {}))
    details = {"date_of_birth": dt.date(1980, 2, 2), "status": StaffStatus.ACTIVE}
    supervisor = create_person(
        db,
        ACTOR,
        person_details(
            "Sue Pervisor",
            position=Position.LICENSED_CLINICIAN,
            hire_on=dt.date(2020, 1, 1),
            user_email="supervisor@example.org",
            **details,
        ),
        COMPLETED,
    )
    mentor = create_person(
        db,
        ACTOR,
        person_details(
            "Rosa María Díaz",
            position=Position.THERAPEUTIC_MENTOR,
            hire_on=dt.date(2030, 1, 6),
            supervisor_id=supervisor.id,
            user_email="mentor@example.org",
            work_email="rosa.diaz@agency.example",
            **details,
        ),
        COMPLETED,
    )
    cycle = ensure_current_cycle(db, mentor, COMPLETED, SETTINGS)
    complete_module(db, mentor, cycle, 1, COMPLETED)
    complete_module(db, mentor, cycle, 2, COMPLETED)
    certificate = db.execute(select(Certificate)).scalar_one()
    db.commit()
    return SimpleNamespace(
        certificate=certificate, serial=certificate.serial, mentor=mentor, db=db, clock=frozen_clock
    )


def stored(issued) -> Certificate:
    """The certificate as stored now (a request closes the session, detaching earlier rows)."""
    return issued.db.get(Certificate, issued.certificate.id)


def failed_checks(db, address: str = "127.0.0.1") -> int:
    """Checks of unknown serials counted against ``address`` in its current window."""
    db.expire_all()
    count = db.execute(
        select(RateLimitCounter.count).where(
            RateLimitCounter.bucket == "certificate.verify", RateLimitCounter.key == address
        )
    ).scalar_one_or_none()
    return count or 0


def verify_events(db, action: str) -> list[AuditEvent]:
    return list(db.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


# -- the public check -------------------------------------------------------------------------


def test_a_valid_certificate_shows_only_what_it_should(client, issued):
    response = client.get(f"/verify/{issued.serial}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<h2 id="certificate-status">Valid</h2>' in page
    assert "valid until January 28, 2031" in page
    for shown in ["Rosa María Díaz", "Demo training, edition 2030", "January 28, 2030"]:
        assert shown in page
    for hidden in ["1980", "rosa.diaz@agency.example", "mentor@example.org", "Sue Pervisor"]:
        assert hidden not in page
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_an_expired_certificate_says_when_it_expired(client, issued):
    issued.clock.current = dt.datetime(2031, 1, 28, 15, 0, tzinfo=dt.UTC)
    page = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert '<h2 id="certificate-status">Expired</h2>' in page
    assert "expired on January 28, 2031" in page


def test_a_revoked_certificate_says_when_but_not_why(client, issued):
    revoke_certificate(
        issued.db, ACTOR, issued.certificate, "Signed by someone else", dt.date(2030, 3, 1)
    )
    issued.db.commit()
    page = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert '<h2 id="certificate-status">Revoked</h2>' in page
    assert "revoked on March 1, 2030" in page
    assert "someone else" not in page


def test_unknown_and_malformed_serials_get_the_same_plain_answer(client, issued):
    unknown = client.get(f"/verify/{UNKNOWN}")
    wrong_check = client.get(
        f"/verify/{issued.serial[:-1]}{'0' if issued.serial[-1] != '0' else '1'}"
    )
    malformed = client.get("/verify/not-a-serial")
    assert unknown.status_code == wrong_check.status_code == malformed.status_code == 404
    body = unknown.get_data(as_text=True)
    assert "No such certificate" in body
    assert wrong_check.get_data(as_text=True) == body == malformed.get_data(as_text=True)
    assert failed_checks(issued.db) == 3
    assert verify_events(issued.db, "certificate.verify_failed") == []  # not one per miss


def test_a_serial_typed_loosely_is_sent_to_its_printed_form(client, issued):
    loose = issued.serial.lower().replace("-", "")
    response = client.get(f"/verify/{loose}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{issued.serial}"
    assert failed_checks(issued.db) == 0


def test_the_form_page_takes_a_typed_serial(client, issued):
    page = client.get("/verify").get_data(as_text=True)
    assert '<label for="serial">Serial number</label>' in page
    response = client.get("/verify", query_string={"serial": f"  {issued.serial.lower()} "})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{issued.serial}"
    empty = client.get("/verify", query_string={"serial": "  "})
    assert empty.status_code == 422
    assert "Enter the serial number printed on the certificate." in empty.get_data(as_text=True)
    assert failed_checks(issued.db) == 0
    nonsense = client.get("/verify", query_string={"serial": "hello"})
    assert nonsense.status_code == 404
    assert "No such certificate" in nonsense.get_data(as_text=True)


def test_the_json_verification(client, issued):
    response = client.get(f"/api/v1/certificates/{issued.serial}/verification")
    assert response.status_code == 200
    assert response.get_json() == {
        "serial": issued.serial,
        "status": "valid",
        "as_of": "2030-03-01",
        "holder_name": "Rosa María Díaz",
        "curriculum_title": "Demo training",
        "edition": "2030",
        "issued_on": "2030-01-28",
        "expires_on": "2031-01-28",
        "revoked_on": None,
    }
    revoke_certificate(issued.db, ACTOR, issued.certificate, "Reason", dt.date(2030, 3, 1))
    issued.db.commit()
    revoked = client.get(f"/api/v1/certificates/{issued.serial.lower()}/verification").get_json()
    assert (revoked["status"], revoked["revoked_on"]) == ("revoked", "2030-03-01")
    for serial in (UNKNOWN, "garbage"):
        missing = client.get(f"/api/v1/certificates/{serial}/verification")
        assert missing.status_code == 404
        assert missing.get_json() == {"error": "No such certificate."}


def test_checking_unknown_serials_is_rate_limited_per_address(app, client, issued):
    app.config["CERTIFICATE_VERIFY_MAX_FAILURES"] = 3
    for _ in range(3):
        assert client.get(f"/verify/{UNKNOWN}").status_code == 404
    refused = client.get(f"/verify/{UNKNOWN}")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    # Even a real serial, and the JSON route, until the window has passed.
    assert client.get(f"/verify/{issued.serial}").status_code == 429
    api = client.get(f"/api/v1/certificates/{issued.serial}/verification")
    assert api.status_code == 429 and "error" in api.get_json()
    # Three misses, then three refusals (counted in the table, not the audit log): one audit
    # event says the address was refused, none per miss.
    assert failed_checks(issued.db) == 6
    assert verify_events(issued.db, "certificate.verify_failed") == []
    [throttled] = verify_events(issued.db, "certificate.verify_throttled")
    assert throttled.ip_address == "127.0.0.1"
    assert throttled.details["failed_checks"] == 3
    # Another address is not affected.
    other = client.get(f"/verify/{issued.serial}", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 200
    # Ten minutes after the first failure, the address may check again.
    issued.clock.advance(minutes=10, seconds=1)
    assert client.get(f"/verify/{issued.serial}").status_code == 200


def test_the_json_verification_has_the_documented_shape(client, issued):
    document = openapi_document()
    schema = document["components"]["schemas"]["CertificateVerification"]
    body = client.get(f"/api/v1/certificates/{issued.serial}/verification").get_json()
    assert set(body) == set(schema["properties"]) == set(schema["required"])
    assert body["status"] in schema["properties"]["status"]["enum"]
    error = document["components"]["schemas"]["Error"]
    missing = client.get(f"/api/v1/certificates/{UNKNOWN}/verification").get_json()
    assert set(missing) <= set(error["properties"]) and set(error["required"]) <= set(missing)


def test_forty_unknown_serials_write_no_audit_row_per_miss_and_the_31st_gets_429(
    app, client, issued
):
    assert app.config["CERTIFICATE_VERIFY_MAX_FAILURES"] == 30  # the documented default
    audit_rows = issued.db.query(AuditEvent).count()
    answers = [client.get(f"/verify/{UNKNOWN}").status_code for _ in range(40)]
    assert answers == [404] * 30 + [429] * 10
    # One audit row for the whole episode: the address was refused. None per miss.
    assert issued.db.query(AuditEvent).count() == audit_rows + 1
    [throttled] = verify_events(issued.db, "certificate.verify_throttled")
    assert throttled.details == {
        "failed_checks": 30,
        "window_minutes": 10,
        "refused_until": (issued.clock.current + dt.timedelta(minutes=10)).isoformat(),
    }
    assert failed_checks(issued.db) == 40
    # The state expires with its window: the next miss starts a fresh count, and the old row
    # is gone rather than kept.
    issued.clock.advance(minutes=10)
    assert client.get(f"/verify/{UNKNOWN}").status_code == 404
    assert failed_checks(issued.db) == 1
    assert issued.db.query(RateLimitCounter).count() == 1


@pytest.fixture
def strict_client(monkeypatch, db, database_url):
    """A client of an app started with LMS_CERTIFICATE_VERIFY_MAX_FAILURES=2 and
    LMS_CERTIFICATE_VERIFY_WINDOW_MINUTES=3 in its environment."""
    monkeypatch.setenv("LMS_CERTIFICATE_VERIFY_MAX_FAILURES", "2")
    monkeypatch.setenv("LMS_CERTIFICATE_VERIFY_WINDOW_MINUTES", "3")
    app = create_app({"DATABASE_URL": database_url, **TEST_ARGON2})
    app.extensions["lms.db"].session_factory = lambda: db
    yield app.test_client()
    app.extensions["lms.db"].engine.dispose()


def test_the_configured_limit_and_window_are_honoured(issued, strict_client):
    for _ in range(2):
        assert strict_client.get(f"/verify/{UNKNOWN}").status_code == 404
    refused = strict_client.get(f"/verify/{UNKNOWN}")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "180"  # the clock stands still: the whole window
    api = strict_client.get(f"/api/v1/certificates/{issued.serial}/verification")
    assert api.status_code == 429
    assert api.headers["Retry-After"] == "180"
    assert failed_checks(issued.db) == 4  # two misses and two refusals
    assert len(verify_events(issued.db, "certificate.verify_throttled")) == 1

    issued.clock.advance(minutes=2, seconds=59)
    still = strict_client.get(f"/verify/{issued.serial}")
    assert (still.status_code, still.headers["Retry-After"]) == (429, "1")
    # Three minutes after the failures, not the default ten, the address may check again.
    issued.clock.advance(seconds=2)
    assert strict_client.get(f"/verify/{issued.serial}").status_code == 200


# -- downloads ----------------------------------------------------------------------------------


def download(client, issued):
    return client.get(f"/certificates/{issued.certificate.id}.pdf")


@pytest.mark.parametrize("role", ["mentor", "supervisor", "hr", "auditor"])
def test_the_holder_their_supervisor_hr_and_auditors_download(client, auth, issued, role):
    auth.login(f"{role}@example.org")
    response = download(client, issued)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="certificate-{issued.serial}.pdf"'
    )
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    for item in [
        issued.serial,
        "Rosa María Díaz",
        "Demo training, edition 2030",
        "The beta module",
    ]:
        assert item in text
    assert f"http://127.0.0.1:5000/verify/{issued.serial}" in text
    downloads = issued.db.execute(
        select(AuditEvent).where(AuditEvent.action == "certificate.download")
    ).scalars()
    assert len(list(downloads)) == (1 if role == "auditor" else 0)


def test_the_same_certificate_downloads_byte_identical(client, auth, issued):
    auth.login("mentor@example.org")
    first = download(client, issued).data
    issued.clock.advance(days=30)
    auth.login("mentor@example.org")  # the earlier session has timed out by then
    assert download(client, issued).data == first


@pytest.mark.parametrize(
    ("email", "roles", "status"),
    [
        # Someone else's certificate is "not found": a 403 would confirm that it exists.
        ("other-mentor@example.org", (Role.MENTOR,), 404),
        ("other-supervisor@example.org", (Role.SUPERVISOR,), 404),
        ("admin@example.org", (), 403),  # the role may not download certificates at all
    ],
)
def test_nobody_else_downloads(client, auth, make_user, issued, email, roles, status):
    if roles:
        make_user(email, *roles)
    auth.login(email)
    assert download(client, issued).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, issued):
    response = download(client, issued)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_an_unknown_certificate_is_not_found(client, auth, issued):
    auth.login("hr@example.org")
    assert client.get("/certificates/999999.pdf").status_code == 404


# -- revocation ---------------------------------------------------------------------------------


def revoke(client, issued, reason, token=None):
    token = token or csrf_token(client, f"/training/people/{issued.mentor.id}")
    return client.post(
        f"/certificates/{issued.certificate.id}/revoke",
        data={"reason": reason, "csrf_token": token},
    )


def test_hr_revokes_with_a_reason_and_the_check_says_so_at_once(client, auth, issued):
    auth.login("hr@example.org")
    response = revoke(client, issued, "Attestation was signed by someone else.")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/training/people/{issued.mentor.id}"
    assert stored(issued).revoked_on == dt.date(2030, 3, 1)
    assert stored(issued).revocation_reason == "Attestation was signed by someone else."
    person_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is revoked from today" in person_page
    assert "Revoke…" not in person_page  # nothing left to revoke
    auth.logout()
    page = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert '<h2 id="certificate-status">Revoked</h2>' in page


def test_a_revocation_without_a_reason_is_refused(client, auth, issued):
    auth.login("hr@example.org")
    response = revoke(client, issued, "   ")
    assert response.status_code == 422
    assert "Give the reason for revoking this certificate." in response.get_data(as_text=True)
    assert stored(issued).revoked_on is None


def test_revoking_twice_is_refused_with_a_clear_message(client, auth, issued):
    auth.login("hr@example.org")
    token = csrf_token(client, f"/training/people/{issued.mentor.id}")
    assert revoke(client, issued, "First", token).status_code == 302
    again = revoke(client, issued, "Second", token)
    assert again.status_code == 422
    assert "already revoked on 2030-03-01" in again.get_data(as_text=True)
    assert stored(issued).revocation_reason == "First"


def test_only_hr_may_revoke(client, auth, issued):
    auth.login("supervisor@example.org")
    response = revoke(client, issued, "No", csrf_token(client, "/"))
    assert response.status_code == 403
    assert stored(issued).revoked_on is None


def test_a_revocation_without_the_csrf_token_is_refused(client, auth, issued):
    auth.login("hr@example.org")
    response = client.post(
        f"/certificates/{issued.certificate.id}/revoke", data={"reason": "Forged"}
    )
    assert response.status_code == 400
    assert stored(issued).revoked_on is None


# -- the lists on the training pages ------------------------------------------------------------


def test_the_mentor_sees_and_downloads_their_certificates(client, auth, issued):
    auth.login("mentor@example.org")
    page = client.get("/training/").get_data(as_text=True)
    assert '<h2 id="certificates-heading">Certificates</h2>' in page
    assert issued.serial in page
    assert f'href="/certificates/{issued.certificate.id}.pdf"' in page
    assert "Revoke" not in page


@pytest.mark.parametrize(
    ("role", "may_download", "may_revoke"),
    [
        ("hr", True, True),
        ("supervisor", True, False),
        ("auditor", True, False),
        ("admin", False, False),
    ],
)
def test_the_person_page_lists_certificates(client, auth, issued, role, may_download, may_revoke):
    auth.login(f"{role}@example.org")
    page = client.get(f"/training/people/{issued.mentor.id}").get_data(as_text=True)
    assert issued.serial in page
    assert (f'href="/certificates/{issued.certificate.id}.pdf"' in page) is may_download
    assert (f'action="/certificates/{issued.certificate.id}/revoke"' in page) is may_revoke
