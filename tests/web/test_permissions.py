"""Deny by default: every endpoint declares who may use it, and the declarations hold.

The matrix itself (endpoint x role) lives in ``tests/web/permission_matrix.py``, one table per
feature; this module checks it: every URL rule of the app has a row, and every cell holds for a
visitor who has not signed in, for a signed-in user of each role, and for an API token of each
role.
"""

import pathlib

import pytest
from sqlalchemy import func, select

from lms.auth.permissions import declared_access
from tests.conftest import PASSWORD, csrf_token
from tests.web.permission_matrix import (
    ANONYMOUS,
    MATRIX,
    PUBLIC,
    ROLES,
    Expect,
    endpoint_requests,
    expected,
    is_api,
)


def test_every_endpoint_declares_its_access(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and declared_access(app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == []


def test_every_url_rule_is_in_the_matrix(app):
    """A new route without a row fails here; so does a row for a route that is gone."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert sorted(endpoints - set(MATRIX)) == [], "missing from tests/web/permission_matrix.py"
    assert sorted(set(MATRIX) - endpoints) == [], "rows for routes the app does not serve"


def test_the_matrix_is_kept_in_one_place():
    """Rows live in tests/web/permission_matrix.py, not in per-feature access files."""
    here = pathlib.Path(__file__).parent
    strays = sorted(p.name for p in [*here.glob("access_*.py"), *here.glob("test_*_access.py")])
    assert strays == [], "move their rows into tests/web/permission_matrix.py"


def test_undeclared_endpoint_is_refused(app, client, auth, users):
    @app.route("/forgotten")
    def forgotten():
        return "should never be served"

    assert client.get("/forgotten").status_code == 403
    auth.login("admin@example.org")
    assert client.get("/forgotten").status_code == 403


def _mismatch(response, expect: Expect, *, token: bool) -> str | None:
    """What is wrong with ``response`` for the expected cell, or None."""
    status = response.status_code
    if token and not response.is_json:
        return f"{status}, not JSON"
    if expect is Expect.ALLOWED:
        refused = (401, 403) if token else (403,)
        return f"{status}" if status in refused else None
    if expect is Expect.FORBIDDEN:
        if status != 403:
            return f"{status}"
        if token and not response.get_json()["error"]:
            return "403 without an error"
        return None
    if expect is Expect.SIGN_IN:
        location = response.headers.get("Location", "")
        ok = status == 302 and location.startswith("/login?next=")
        return None if ok else f"{status} {location}"
    # Expect.UNAUTHENTICATED: no sign-in page for a program to be sent to.
    if status != 401:
        return f"{status}"
    if response.headers.get("WWW-Authenticate") != "Bearer":
        return "401 without a bearer challenge"
    if not response.is_json or not response.get_json()["error"]:
        return "401 without a JSON error"
    return None


def _row_counts(db) -> dict[str, int]:
    """Row counts of everything a write through the API could touch."""
    from lms.auditlog.models import AuditEvent
    from lms.eligibility.models import Determination, EducationCredential, ExperienceRecord
    from lms.staff.models import Person

    models = (Person, EducationCredential, ExperienceRecord, Determination, AuditEvent)
    return {
        model.__name__: db.execute(select(func.count()).select_from(model)).scalar_one()
        for model in models
    }


@pytest.mark.parametrize("role", [ANONYMOUS, *ROLES])
def test_permission_matrix(app, client, db, users, records, tokens, role):
    """Every endpoint and method, as ``role``: first with the browser (signed in, or not),
    then, for the JSON API, with a bearer token of that role and no cookies.

    No CSRF token and no body are sent: an allowed write stops at 400 and changes nothing.
    """
    requests = list(endpoint_requests(app, users, records))  # fills the sample rows first
    if role != ANONYMOUS:
        client.post(
            "/login",
            data={
                "email": f"{role}@example.org",
                "password": PASSWORD,
                "csrf_token": csrf_token(client),
            },
        )
    wrong = []
    for endpoint, method, url in requests:
        if endpoint == "auth.logout" and role != ANONYMOUS:
            continue  # checked separately: it would end this test's session
        expect = expected(endpoint, role)
        problem = _mismatch(client.open(url, method=method), expect, token=False)
        if problem:
            wrong.append((endpoint, method, "session", expect.value, problem))
    if role != ANONYMOUS:
        api = app.test_client()  # no cookies are ever set on it
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        before = _row_counts(db)
        for endpoint, method, url in requests:
            if not is_api(endpoint):
                continue
            expect = expected(endpoint, role, token=True)
            problem = _mismatch(api.open(url, method=method, headers=headers), expect, token=True)
            if problem:
                wrong.append((endpoint, method, "token", expect.value, problem))
        assert _row_counts(db) == before
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_sign_out(client, auth, users, role):
    auth.login(f"{role}@example.org")
    assert auth.logout().status_code == 302


def test_auditors_cannot_write_anything_anywhere(app):
    """Every endpoint that accepts a state-changing method is closed to auditors."""
    writable = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
    }
    # Signing out and marking one's own notifications read change only one's own session state.
    personal = {
        "auth.logout",
        "account.change_password",
        "notifications.read",
        "notifications.read_all",
        "notifications.preferences",
    }
    # Preparing an audit packet writes only the request for it (a read of everything else).
    reads_that_record = {"auditor.packets"}
    for endpoint in sorted(writable - personal - reads_that_record):
        allowed = MATRIX[endpoint]
        if allowed == PUBLIC:  # signing in: no record of the provider's changes
            assert endpoint == "auth.login", endpoint
            continue
        assert "auditor" not in allowed, endpoint
