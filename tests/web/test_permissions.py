"""Deny by default: every endpoint declares who may use it, and the declarations hold.

``EXPECTED`` is written by hand: adding an endpoint means deciding here who may use it.
API endpoints (``api.*``) are listed with the token roles that may use them; they ignore
session cookies, so the session matrix here only checks that they refuse a signed-in browser
(tests/web/test_api.py walks them with tokens of every role).
"""

import pytest

from lms.auth.permissions import declared_access
from tests.conftest import PASSWORD

ROLES = ("admin", "hr", "supervisor", "mentor", "auditor")
EVERYONE = frozenset(ROLES)
PUBLIC = "public"

#: endpoint -> roles allowed (or PUBLIC). Anonymous users are sent to sign in everywhere else.
EXPECTED = {
    "auth.login": PUBLIC,
    "auth.logout": EVERYONE,
    "account.change_password": EVERYONE,
    "home.index": EVERYONE,
    "home.admin": {"admin"},
    "home.hr": {"hr"},
    "home.supervisor": {"supervisor"},
    "home.mentor": {"mentor"},
    "home.auditor": {"auditor"},
    "admin.users": {"admin"},
    "admin.new_user": {"admin"},
    "admin.user_detail": {"admin"},
    "admin.reset_password": {"admin"},
    "admin.set_active": {"admin"},
    "staff.index": {"admin", "hr", "auditor"},
    "staff.new": {"hr"},
    "staff.edit": {"hr"},
    "staff.me": {"mentor", "supervisor"},
    "staff.link_account_view": {"admin", "hr"},
    "staff.show": EVERYONE,  # HR, admins, auditors; mentors and supervisors: their own people
    "staff.verify_identity_view": {"hr"},
    "staff_import.upload": {"hr"},
    "staff_import.template": {"hr"},
    "staff_import.check": {"hr"},
    "staff_import.confirm": {"hr"},
    "facts.new_fact": {"hr"},
    "facts.edit_fact": {"hr"},
    "facts.verify": {"hr"},
    "facts.remove": {"hr"},
    "facts.upload_evidence": {"hr"},
    "facts.download_evidence": {"admin", "hr", "auditor"},
    "training.index": {"mentor"},
    "training.module": {"mentor"},  # their own cycles only
    "training.new_attempt": {"mentor"},
    "training.attempt": {"mentor"},
    "training.attestation": {"mentor"},
    "training.reread": {"mentor"},  # their own completed cycles only
    "training.team": {"supervisor", "hr", "admin"},
    "training.person": {"supervisor", "hr", "admin", "auditor"},  # supervisors: their team
    "training.reset": {"supervisor", "hr"},
    "curriculum_admin.index": {"admin"},
    "curriculum_admin.review": {"admin"},
    "curriculum_admin.publish": {"admin"},
    "api_tokens.index": {"admin"},
    "api_tokens.new": {"admin"},
    "api_tokens.revoke": {"admin"},
    # The JSON API, by token role.
    "api.openapi": PUBLIC,
    "api.evaluate_facts": {"hr", "admin"},
    "api.list_staff": {"hr", "admin", "auditor"},
    "api.create_staff": {"hr"},
    "api.person": {"hr", "admin", "auditor"},
    "api.update_staff": {"hr"},
    "api.eligibility": {"hr", "admin", "auditor"},
    "api.credentials": {"hr", "admin", "auditor"},
    "api.add_staff_credential": {"hr"},
    "api.update_staff_credential": {"hr"},
    "api.experience": {"hr", "admin", "auditor"},
    "api.add_staff_experience": {"hr"},
    "api.update_staff_experience": {"hr"},
}


def _feature_access_modules():
    """Features may keep their rows in tests/web/access_<feature>.py: ``EXPECTED_ACCESS`` (the
    same shape as EXPECTED) and optionally ``sample_values(db, records) -> dict`` for their URL
    arguments. The rows are still written by hand; they only live beside their feature."""
    import importlib
    import pathlib

    for path in sorted(pathlib.Path(__file__).parent.glob("access_*.py")):
        yield importlib.import_module(f"tests.web.{path.stem}")


for _module in _feature_access_modules():
    EXPECTED.update(_module.EXPECTED_ACCESS)


def is_api(endpoint: str) -> bool:
    return endpoint.startswith("api.")


@pytest.fixture
def records(db, users, tmp_path):
    """A supervisor and their mentor (linked to the mentor account), with a credential and
    evidence, so that every URL has real rows behind it."""
    import datetime as dt
    from decimal import Decimal

    from lms.actor import Actor
    from lms.api.operations import create_token
    from lms.auth.models import Role
    from lms.eligibility.models import EvidenceSubject
    from lms.eligibility.operations import (
        CredentialDetails,
        ExperienceDetails,
        add_credential,
        add_experience,
        attach_evidence,
    )
    from lms.eligibility.rules import CredentialLevel, Population
    from lms.staff.models import Position, StaffStatus
    from lms.staff.operations import PersonDetails, create_person

    actor, today = Actor.system("test"), dt.date(2026, 11, 23)
    supervisor = create_person(
        db,
        actor,
        PersonDetails(
            legal_name="Sue Pervisor",
            date_of_birth=dt.date(1980, 1, 1),
            position=Position.LICENSED_CLINICIAN,
            status=StaffStatus.ACTIVE,
            hire_on=dt.date(2020, 1, 1),
            user_email="supervisor@example.org",
        ),
        today,
    )
    mentor = create_person(
        db,
        actor,
        PersonDetails(
            legal_name="Men Tor",
            date_of_birth=dt.date(1999, 1, 1),
            position=Position.THERAPEUTIC_MENTOR,
            status=StaffStatus.ACTIVE,
            hire_on=dt.date(2026, 1, 5),
            supervisor_id=supervisor.id,
            user_email="mentor@example.org",
        ),
        today,
    )
    credential = add_credential(
        db,
        actor,
        mentor,
        CredentialDetails(
            CredentialLevel.HIGH_SCHOOL,
            "Somerville High School",
            dt.date(2017, 6, 1),
            True,
        ),
        today,
    )
    document = attach_evidence(
        db, actor, mentor, EvidenceSubject.CREDENTIAL, credential, "diploma.pdf", b"%PDF-1.4 x"
    )
    entry = add_experience(
        db,
        actor,
        mentor,
        ExperienceDetails(
            "Boys & Girls Club",
            "Counsellor",
            dt.date(2019, 1, 1),
            None,
            Decimal(20),
            Population.YOUTH,
            False,
        ),
        today,
    )
    token, _ = create_token(db, actor, "HR system", Role.HR)
    cycle_id, attempt_id, progress_id = _training_records(db, mentor, tmp_path)
    return {
        "db": db,
        "mentor_person_id": mentor.id,
        "cycle_id": cycle_id,
        "position": 1,
        "attempt_id": attempt_id,
        "progress_id": progress_id,
        "person_id": mentor.id,
        "fact_id": credential.id,
        "credential_id": credential.id,
        "experience_id": entry.id,
        "document_id": document.id,
        "token_id": token.id,
    }


def _training_records(db, mentor, tmp_path):
    """A published edition, the mentor's cycle, and an open knowledge-check attempt."""
    import datetime as dt
    import random

    from lms.actor import Actor
    from lms.curriculum.loader import load_edition
    from lms.curriculum.operations import plan_publication, publish_edition
    from lms.training.operations import (
        TrainingSettings,
        ensure_current_cycle,
        open_module,
        start_attempt,
    )
    from lms.training.rules import CyclePolicy
    from tests.support.editions import Folder

    actor = Actor.system("test")
    edition, _ = load_edition(Folder(tmp_path / "demo" / "2030").path)
    publish_edition(db, actor, plan_publication(db, edition, {}))
    settings = TrainingSettings(CyclePolicy(), "demo", 0, dt.timedelta(minutes=5))
    cycle = ensure_current_cycle(db, mentor, dt.date(2030, 1, 10), settings)
    _, progress = open_module(db, cycle, 1, 0, settings)
    attempt = start_attempt(db, actor, progress, settings, random.Random(1))
    db.commit()
    return cycle.id, attempt.id, progress.id


def endpoint_requests(app, users, records):
    """Every (endpoint, method, url) the app serves, with ids filled from real rows."""
    samples = {"user_id": users["mentor"].id, "kind": "credentials", **records}
    for module in _feature_access_modules():
        if hasattr(module, "sample_values"):
            samples.update(module.sample_values(records))
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {argument: samples[argument] for argument in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_every_endpoint_declares_its_access(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and declared_access(app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == []


def test_every_endpoint_is_in_the_expected_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints == set(EXPECTED)


def test_undeclared_endpoint_is_refused(app, client, auth, users):
    @app.route("/forgotten")
    def forgotten():
        return "should never be served"

    assert client.get("/forgotten").status_code == 403
    auth.login("admin@example.org")
    assert client.get("/forgotten").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(app, client, users, records):
    for endpoint, method, url in endpoint_requests(app, users, records):
        response = client.open(url, method=method)
        if EXPECTED[endpoint] == PUBLIC:
            assert response.status_code != 403, (endpoint, method)
        elif is_api(endpoint):  # no sign-in page for a program to be sent to
            assert response.status_code == 401, (endpoint, method)
            assert response.headers["WWW-Authenticate"] == "Bearer", (endpoint, method)
            assert response.get_json()["error"], (endpoint, method)
        else:
            assert response.status_code == 302, (endpoint, method)
            assert response.headers["Location"].startswith("/login?next="), (endpoint, method)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, client, users, records, role):
    from tests.conftest import csrf_token

    client.post(
        "/login",
        data={
            "email": f"{role}@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    for endpoint, method, url in endpoint_requests(app, users, records):
        if endpoint == "auth.logout":
            continue  # checked separately: it would end this test's session
        # No CSRF token is sent: an allowed POST stops at the CSRF check (400) and changes nothing.
        response = client.open(url, method=method)
        allowed = EXPECTED[endpoint] == PUBLIC or role in EXPECTED[endpoint]
        if is_api(endpoint) and EXPECTED[endpoint] != PUBLIC:
            # The session cookie is ignored: a signed-in browser is anonymous to the API.
            assert response.status_code == 401, (endpoint, method, role)
        elif allowed:
            assert response.status_code != 403, (endpoint, method, role)
        else:
            assert response.status_code == 403, (endpoint, method, role)


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
        allowed = EXPECTED[endpoint]
        if allowed == PUBLIC:  # signing in: no record of the provider's changes
            assert endpoint == "auth.login", endpoint
            continue
        assert "auditor" not in allowed, endpoint
