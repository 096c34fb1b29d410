"""API tokens: created by an admin and shown once, stored hashed, revocable, last use recorded."""

import datetime as dt
import hashlib
import json
import re

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.api.models import ApiToken
from lms.api.operations import TokenExpired, authenticate_token, create_token, revoke_token
from lms.auditlog.models import AuditEvent
from lms.auth.models import Role
from lms.staff.models import Person
from lms.validation import InvalidInput
from tests.conftest import csrf_token

SECRET_PATTERN = re.compile(r"tmlms_[A-Za-z0-9_-]{43}")


@pytest.fixture
def admin_client(client, auth, users):
    auth.login("admin@example.org")
    return client


def create_through_page(client, name="HRIS nightly sync", role="hr", **extra):
    token = csrf_token(client, "/admin/api-tokens/new")
    return client.post(
        "/admin/api-tokens/new", data={"csrf_token": token, "name": name, "role": role, **extra}
    )


def audit_events(db, action: str) -> list[AuditEvent]:
    return list(db.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def token_count(db) -> int:
    return db.execute(select(func.count()).select_from(ApiToken)).scalar_one()


def staff_list(client, secret: str):
    return client.get("/api/v1/staff", headers={"Authorization": f"Bearer {secret}"})


def test_secret_is_shown_once_and_stored_only_as_a_hash(frozen_clock, admin_client, db, users):
    response = create_through_page(admin_client)
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    secrets_shown = SECRET_PATTERN.findall(page)
    assert len(set(secrets_shown)) == 1
    secret = secrets_shown[0]
    assert "will not be shown again" in page

    token = db.execute(select(ApiToken)).scalar_one()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.token_prefix == secret[:12]
    assert token.role is Role.HR
    assert token.created_by_id == users["admin"].id
    (event,) = audit_events(db, "api_token.create")
    assert event.details == {
        "name": "HRIS nightly sync",
        "role": "hr",
        "token_prefix": secret[:12],
        "expires_at": "2027-02-21T15:00:00+00:00",  # the default lifetime: 90 days
    }
    assert secret not in json.dumps(event.details)

    # Never again: not on the list, not on the form, not in a flashed message.
    for path in ("/admin/api-tokens/", "/admin/api-tokens/new", "/"):
        later = admin_client.get(path, follow_redirects=True).get_data(as_text=True)
        assert secret not in later
    listing = admin_client.get("/admin/api-tokens/").get_data(as_text=True)
    assert "HRIS nightly sync" in listing
    assert f"{secret[:12]}…" in listing
    assert "Never" in listing  # not used yet


def test_the_new_token_works_at_once(admin_client, db):
    secret = SECRET_PATTERN.search(create_through_page(admin_client).get_data(as_text=True))[0]
    fresh = admin_client.application.test_client()  # no cookies: the token alone
    assert staff_list(fresh, secret).status_code == 200


@pytest.mark.parametrize(
    ("name", "role", "message"),
    [
        ("", "hr", "Give the token a name"),
        ("x" * 121, "hr", "Field cannot be longer than 120 characters."),
        ("Sync", "owner", "Not a valid choice."),
        ("Sync", "", "Choose the role the token acts as."),
    ],
)
def test_bad_form_creates_nothing(admin_client, db, name, role, message):
    response = create_through_page(admin_client, name=name, role=role)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert not SECRET_PATTERN.search(page)
    assert token_count(db) == 0


def test_revoke_ends_the_token(admin_client, db, client):
    secret = SECRET_PATTERN.search(create_through_page(admin_client).get_data(as_text=True))[0]
    token = db.execute(select(ApiToken)).scalar_one()
    fresh = client.application.test_client()
    assert staff_list(fresh, secret).status_code == 200

    response = admin_client.post(
        f"/admin/api-tokens/{token.id}/revoke",
        data={"csrf_token": csrf_token(admin_client, "/admin/api-tokens/")},
    )
    assert response.status_code == 302
    token = db.get(ApiToken, token.id)
    assert token.revoked_at is not None
    assert [e.target_id for e in audit_events(db, "api_token.revoke")] == [str(token.id)]

    refused = staff_list(fresh, secret)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert "Revoked" in admin_client.get("/admin/api-tokens/").get_data(as_text=True)


def test_revoke_needs_the_csrf_token(admin_client, db):
    create_through_page(admin_client)
    token = db.execute(select(ApiToken)).scalar_one()
    response = admin_client.post(f"/admin/api-tokens/{token.id}/revoke")
    assert response.status_code == 400
    token = db.get(ApiToken, token.id)
    assert token.revoked_at is None


def test_revoking_an_unknown_token_is_not_found(admin_client):
    token = csrf_token(admin_client, "/admin/api-tokens/")
    response = admin_client.post("/admin/api-tokens/999999/revoke", data={"csrf_token": token})
    assert response.status_code == 404


def test_revoke_is_idempotent(db, users):
    actor = Actor(users["admin"].id, "admin@example.org")
    token, _ = create_token(db, actor, "Sync", Role.AUDITOR)
    revoke_token(db, actor, token)
    first = token.revoked_at
    revoke_token(db, actor, token)
    assert token.revoked_at == first
    assert len(audit_events(db, "api_token.revoke")) == 1


@pytest.mark.parametrize(
    ("name", "role", "field"), [("  ", "hr", "name"), ("x" * 121, "hr", "name"), ("S", "x", "role")]
)
def test_create_token_refuses_bad_input(db, name, role, field):
    with pytest.raises(InvalidInput) as caught:
        create_token(db, Actor.system("test"), name, role)
    assert caught.value.field == field


def test_secrets_are_random_and_prefixed(db):
    secrets = {create_token(db, Actor.system("test"), "Sync", Role.HR)[1] for _ in range(5)}
    assert len(secrets) == 5
    assert all(SECRET_PATTERN.fullmatch(secret) for secret in secrets)


def test_last_use_is_recorded_at_most_once_a_minute(db, client, frozen_clock):
    token, secret = create_token(db, Actor.system("test"), "Sync", Role.HR)
    db.commit()
    assert token.last_used_at is None

    assert staff_list(client, secret).status_code == 200
    token = db.get(ApiToken, token.id)
    first_use = frozen_clock.current
    assert token.last_used_at == first_use

    frozen_clock.advance(seconds=59)
    assert staff_list(client, secret).status_code == 200
    token = db.get(ApiToken, token.id)
    assert token.last_used_at == first_use  # no write for every request

    frozen_clock.advance(seconds=1)
    assert staff_list(client, secret).status_code == 200
    token = db.get(ApiToken, token.id)
    assert token.last_used_at == first_use + dt.timedelta(minutes=1)


def test_last_use_is_kept_even_when_the_request_is_refused(db, client, frozen_clock):
    token, secret = create_token(db, Actor.system("test"), "Sync", Role.MENTOR)
    db.commit()
    token_id = token.id  # the refused request's rollback expires the objects loaded before it
    assert staff_list(client, secret).status_code == 403
    token = db.get(ApiToken, token_id)
    assert token.last_used_at == frozen_clock.current


def test_authenticate_token(db):
    now = dt.datetime(2026, 11, 23, 15, tzinfo=dt.UTC)
    token, secret = create_token(db, Actor.system("test"), "Sync", Role.HR)
    assert authenticate_token(db, secret, now) is token
    assert authenticate_token(db, secret + "x", now) is None
    assert authenticate_token(db, token.token_hash, now) is None  # the hash is not a secret
    revoke_token(db, Actor.system("test"), token)
    assert authenticate_token(db, secret, now) is None


def test_admin_home_links_to_the_token_pages(admin_client):
    page = admin_client.get("/admin", follow_redirects=True).get_data(as_text=True)
    assert 'href="/admin/api-tokens/"' in page


# -- expiry -------------------------------------------------------------------------------------

#: The frozen clock's start (2026-11-23 15:00 UTC) plus each lifetime, counted on a calendar.
EXPIRY_AFTER = {
    30: dt.datetime(2026, 12, 23, 15, 0, tzinfo=dt.UTC),
    90: dt.datetime(2027, 2, 21, 15, 0, tzinfo=dt.UTC),
    180: dt.datetime(2027, 5, 22, 15, 0, tzinfo=dt.UTC),
    365: dt.datetime(2027, 11, 23, 15, 0, tzinfo=dt.UTC),
}
#: The same instants as the page shows them, in Boston time (EST is UTC-5, EDT UTC-4).
EXPIRY_SHOWN = {
    30: "2026-12-23 10:00 EST",
    90: "2027-02-21 10:00 EST",
    180: "2027-05-22 11:00 EDT",
    365: "2027-11-23 10:00 EST",
}


def audit_count(db) -> int:
    return db.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


@pytest.mark.parametrize("days", [30, 90, 180, 365])
def test_the_chosen_lifetime_sets_the_expiry(frozen_clock, admin_client, db, days):
    response = create_through_page(admin_client, lifetime_days=str(days))
    assert response.status_code == 201
    assert EXPIRY_SHOWN[days] in response.get_data(as_text=True)
    token = db.execute(select(ApiToken)).scalar_one()
    assert token.created_at == frozen_clock.current
    assert token.expires_at == EXPIRY_AFTER[days]
    (event,) = audit_events(db, "api_token.create")
    assert event.details["expires_at"] == EXPIRY_AFTER[days].isoformat()


def test_the_form_offers_the_lifetimes_with_90_days_chosen(admin_client):
    page = admin_client.get("/admin/api-tokens/new").get_data(as_text=True)
    for days in (30, 90, 180, 365):
        assert f'<option {"selected " if days == 90 else ""}value="{days}">' in page


def test_a_token_made_without_a_lifetime_lives_90_days(db, frozen_clock):
    token, _ = create_token(db, Actor.system("test"), "Sync", Role.HR)
    assert token.expires_at == EXPIRY_AFTER[90]


@pytest.mark.parametrize("lifetime", ["7", "forever", "0"])
def test_a_lifetime_not_offered_creates_nothing(admin_client, db, lifetime):
    response = create_through_page(admin_client, lifetime_days=lifetime)
    assert response.status_code == 422
    assert not SECRET_PATTERN.search(response.get_data(as_text=True))
    assert token_count(db) == 0


@pytest.mark.parametrize("lifetime", [0, 7, 91, 3650, -90])
def test_create_token_refuses_a_lifetime_not_offered(db, lifetime):
    with pytest.raises(InvalidInput) as caught:
        create_token(db, Actor.system("test"), "Sync", Role.HR, lifetime)
    assert caught.value.field == "lifetime_days"
    assert "30, 90, 180 or 365 days" in caught.value.message
    assert token_count(db) == 0


def test_a_token_works_until_its_expiry_instant(db, client, frozen_clock):
    token, secret = create_token(db, Actor.system("test"), "Sync", Role.HR, 30)
    db.commit()
    frozen_clock.current = EXPIRY_AFTER[30] - dt.timedelta(seconds=1)
    assert staff_list(client, secret).status_code == 200
    last_use = db.get(ApiToken, token.id).last_used_at
    assert last_use == EXPIRY_AFTER[30] - dt.timedelta(seconds=1)
    audited = audit_count(db)

    frozen_clock.current = EXPIRY_AFTER[30]
    refused = staff_list(client, secret)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert refused.get_json() == {
        "error": "This API token expired at 2026-12-23 15:00 UTC."
        " Ask an administrator for a new one."
    }
    # Nothing is written: not even the last use (a refused token is not a use).
    assert db.get(ApiToken, token.id).last_used_at == last_use
    assert audit_count(db) == audited


def test_an_expired_token_cannot_write(db, client, frozen_clock):
    _, secret = create_token(db, Actor.system("test"), "Sync", Role.HR, 30)
    db.commit()
    audited = audit_count(db)
    frozen_clock.current = EXPIRY_AFTER[30] + dt.timedelta(days=1)
    response = client.post(
        "/api/v1/staff",
        headers={"Authorization": f"Bearer {secret}"},
        json={
            "legal_name": "Ada Ng",
            "date_of_birth": "1990-01-01",
            "position": "therapeutic_mentor",
        },
    )
    assert response.status_code == 401
    assert "expired" in response.get_json()["error"]
    assert db.execute(select(func.count()).select_from(Person)).scalar_one() == 0
    assert audit_count(db) == audited


def test_an_expired_token_does_not_block_public_endpoints(db, client, frozen_clock):
    _, secret = create_token(db, Actor.system("test"), "Sync", Role.HR, 30)
    db.commit()
    frozen_clock.current = EXPIRY_AFTER[30]
    response = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_unknown_and_revoked_tokens_keep_the_general_message(db, client):
    token, secret = create_token(db, Actor.system("test"), "Sync", Role.HR)
    revoke_token(db, Actor.system("test"), token)
    db.commit()
    general = "Send a valid API token as 'Authorization: Bearer <token>'."
    assert staff_list(client, secret).get_json() == {"error": general}
    assert staff_list(client, "tmlms_unknown").get_json() == {"error": general}


def test_authenticate_token_refuses_an_expired_token(db, frozen_clock):
    token, secret = create_token(db, Actor.system("test"), "Sync", Role.HR, 90)
    just_before = EXPIRY_AFTER[90] - dt.timedelta(microseconds=1)
    assert authenticate_token(db, secret, just_before) is token
    with pytest.raises(TokenExpired) as caught:
        authenticate_token(db, secret, EXPIRY_AFTER[90])
    assert caught.value.expires_at == EXPIRY_AFTER[90]
    assert token.last_used_at == just_before  # the refusal recorded no use


def table_row(page: str, name: str) -> str:
    (row,) = [row for row in page.split("<tr>") if f"<td>{name}</td>" in row]
    return row


def test_the_list_shows_each_expiry_and_marks_expired_tokens(frozen_clock, admin_client, auth):
    create_through_page(admin_client, name="Quarterly export", lifetime_days="30")
    create_through_page(admin_client, name="HRIS nightly sync", lifetime_days="365")
    frozen_clock.current = EXPIRY_AFTER[30]
    auth.login("admin@example.org")  # the earlier session has timed out by then
    page = admin_client.get("/admin/api-tokens/").get_data(as_text=True)
    assert '<th scope="col">Expires</th>' in page

    expired = table_row(page, "Quarterly export")
    # 15:00 UTC, shown in Boston time
    assert '<td data-label="Expires">2026-12-23 10:00 EST</td>' in expired
    assert "<strong>Expired</strong>" in expired
    assert "Revoke" not in expired  # nothing left to stop

    active = table_row(page, "HRIS nightly sync")
    assert '<td data-label="Expires">2027-11-23 10:00 EST</td>' in active
    assert "Active" in active and "Expired" not in active
    assert "Revoke" in active
