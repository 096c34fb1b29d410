"""Another person's record, certificate, cycle, attempt, notification or export job is "not
found" (404), exactly like an id that does not exist: a 403 would tell the asker that the id is
real (issue 13). Walks every endpoint with the fixture mentor's ids, signed in as a second user
of each role that may use the endpoint but does not own the rows."""

import datetime as dt

import pytest

from lms.auth.models import Role
from lms.staff.models import Position, StaffStatus
from tests.conftest import PASSWORD, csrf_token
from tests.support.factories import make_person
from tests.web.permission_matrix import MATRIX as EXPECTED
from tests.web.permission_matrix import PUBLIC, endpoint_requests, is_api

OTHERS = {
    "mentor": ("other-mentor@example.org", Position.THERAPEUTIC_MENTOR),
    "supervisor": ("other-supervisor@example.org", Position.LICENSED_CLINICIAN),
    "auditor": ("other-auditor@example.org", None),
}
#: Endpoints that take an id of something owned by (or about) the fixture mentor.
PERSONAL_ENDPOINTS = {
    "staff.show",
    "training.module",
    "training.new_attempt",
    "training.attempt",
    "training.attestation",
    "training.person",
    "training.reset",
    "certificates.download",
    "notifications.read",
}
#: What each other user may not see: the mentor's own things; the fixture auditor's jobs.
HIDDEN = {
    "mentor": PERSONAL_ENDPOINTS,
    "supervisor": PERSONAL_ENDPOINTS,
    "auditor": {"auditor.packet", "auditor.packet_download", "notifications.read"},
}


@pytest.mark.parametrize("role", sorted(OTHERS))
def test_someone_elses_ids_answer_404_never_403(app, client, db, make_user, users, records, role):
    email, position = OTHERS[role]
    extra = {"access_ends_on": dt.date(2099, 12, 31)} if role == "auditor" else {}
    make_user(email, Role(role), **extra)
    if position is not None:  # their own staff record, so the refusal is about the ids alone
        make_person(
            db,
            "Other Person",
            today=dt.date(2026, 11, 23),
            date_of_birth=dt.date(1990, 1, 1),
            position=position,
            status=StaffStatus.ACTIVE,
            hire_on=dt.date(2020, 1, 1),
            user_email=email,
        )
        db.commit()
    requests = list(endpoint_requests(app, users, records))  # fills the sample rows first
    client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    )
    token = csrf_token(client, "/account/password")
    checked = []
    for endpoint, method, url in requests:
        if endpoint in ("auth.logout",) or is_api(endpoint):
            continue
        allowed = EXPECTED[endpoint]
        if allowed != PUBLIC and role not in allowed:
            continue  # refused to the whole role: a 403 there reveals nothing about ids
        # Only the id checks get a CSRF token: other allowed POSTs stop at the CSRF check (400),
        # after the access check, and change nothing.
        data = {"csrf_token": token} if endpoint in HIDDEN[role] else None
        response = client.open(url, method=method, data=data)
        assert response.status_code != 403, (endpoint, method, url)
        if endpoint in HIDDEN[role]:
            assert response.status_code == 404, (endpoint, method, url, response.status_code)
            checked.append(endpoint)
    assert set(checked) == {e for e in HIDDEN[role] if role in EXPECTED[e]}
