"""Signing in and out: responses, throttling, sessions and what is written."""

import dataclasses
import datetime as dt

from sqlalchemy import func, select

from lms.auditlog.models import AuditEvent
from lms.auth.models import LoginAttempt, LoginOutcome, Role, User
from tests.conftest import PASSWORD, csrf_token


def count(db, model) -> int:
    return db.execute(select(func.count()).select_from(model)).scalar_one()


def test_each_role_lands_on_its_home_page(client, auth, users):
    homes = {
        "admin": "/admin",
        "hr": "/hr",
        "supervisor": "/training/team",
        "mentor": "/training/",
        "auditor": "/auditor",
    }
    for role, path in homes.items():
        response = auth.login(f"{role}@example.org", follow_redirects=True)
        assert response.status_code == 200
        assert response.request.path == path
        auth.logout()


def test_sign_in_rotates_the_session(client, auth, users):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login("mentor@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{users['mentor'].id}:1"


def test_wrong_password_and_unknown_email_look_the_same(client, auth, users, db):
    wrong = auth.login("mentor@example.org", "not-the-password-at-all")
    unknown = auth.login("nobody@example.org", "not-the-password-at-all")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "Email or password is incorrect." in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    outcomes = db.execute(select(LoginAttempt.outcome)).scalars().all()
    assert outcomes == [LoginOutcome.FAILED, LoginOutcome.FAILED]


def test_email_is_case_insensitive(auth, users):
    assert auth.login("  MENTOR@Example.ORG ").status_code == 302


def test_deactivated_account_is_refused(auth, users, db):
    users["hr"].is_active = False
    db.commit()  # the sign-in page's request would roll back what was only flushed
    response = auth.login("hr@example.org")
    assert response.status_code == 403
    assert "deactivated" in response.get_data(as_text=True)


def test_auditor_after_access_end_is_refused(auth, make_user, frozen_clock):
    make_user("late@example.org", Role.AUDITOR, access_ends_on=dt.date(2026, 11, 22))
    response = auth.login("late@example.org")
    assert response.status_code == 403
    assert "Your access ended on November 22, 2026." in response.get_data(as_text=True)


def test_signed_in_auditor_is_signed_out_when_access_ends(
    app, client, auth, make_user, frozen_clock
):
    app.config["SESSION_IDLE_MINUTES"] = 24 * 60  # only the access window matters here
    make_user("aud@example.org", Role.AUDITOR, access_ends_on=dt.date(2026, 11, 23))
    assert auth.login("aud@example.org").status_code == 302
    frozen_clock.advance(hours=10)  # 01:00 UTC on the 24th is 20:00 on the 23rd in Boston
    assert client.get("/auditor").status_code == 200
    frozen_clock.advance(hours=9)  # now 24 November in Boston
    assert client.get("/auditor").status_code == 302


def test_five_failures_lock_the_account_for_fifteen_minutes(client, auth, users, db, frozen_clock):
    for _ in range(5):
        assert auth.login("mentor@example.org", "wrong-password-here").status_code == 401
        frozen_clock.advance(minutes=1)
    locked = auth.login("mentor@example.org")  # the right password no longer helps
    assert locked.status_code == 429
    assert locked.headers["Retry-After"]
    # Failures at minutes 0-4 lock until minute 19; it is now minute 5.
    assert "Too many failed sign-ins. Try again in 14 minutes." in locked.get_data(as_text=True)
    frozen_clock.advance(minutes=13, seconds=59)
    assert auth.login("mentor@example.org").status_code == 429
    frozen_clock.advance(seconds=1)
    assert auth.login("mentor@example.org").status_code == 302


def test_lock_for_one_account_leaves_others_alone(auth, users, frozen_clock):
    for _ in range(5):
        auth.login("mentor@example.org", "wrong-password-here")
    assert auth.login("hr@example.org").status_code == 302


def test_address_limit_stops_spraying_many_accounts(auth, users, app, frozen_clock):
    limit = app.config["LOGIN_MAX_FAILURES_PER_IP"]
    for number in range(limit):
        auth.login(f"guess{number}@example.org", "wrong-password-here")
    assert auth.login("hr@example.org").status_code == 429


def test_success_resets_the_failure_count(auth, users, frozen_clock):
    for _ in range(4):
        auth.login("mentor@example.org", "wrong-password-here")
    assert auth.login("mentor@example.org").status_code == 302
    auth.logout()
    for _ in range(4):
        assert auth.login("mentor@example.org", "wrong-password-here").status_code == 401
    assert auth.login("mentor@example.org").status_code == 302


def test_sign_in_and_failures_are_audited(auth, users, db):
    auth.login("mentor@example.org", "wrong-password-here")
    auth.login("mentor@example.org")
    actions = db.execute(select(AuditEvent.action).order_by(AuditEvent.sequence)).scalars().all()
    assert actions == ["auth.sign_in_failed", "auth.sign_in"]


def test_logout_invalidates_copies_of_the_cookie(client, app, auth, users):
    auth.login("mentor@example.org")
    with client.session_transaction() as session:
        stolen = dict(session)
    auth.logout()
    other = app.test_client()
    with other.session_transaction() as session:
        session.update(stolen)
    assert other.get("/training/").status_code == 302  # sent to sign in


def test_logout_needs_post(client, auth, users):
    auth.login("mentor@example.org")
    assert client.get("/logout").status_code == 405


def test_password_change_ends_other_sessions_but_keeps_this_one(client, app, auth, users):
    auth.login("mentor@example.org")
    laptop = app.test_client()
    with client.session_transaction() as session:
        copied = dict(session)
    with laptop.session_transaction() as session:
        session.update(copied)
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current_password": PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/training/").status_code == 200
    assert laptop.get("/training/").status_code == 302


def test_password_change_with_wrong_current_password_changes_nothing(client, auth, users, db):
    auth.login("mentor@example.org")
    before = users["mentor"].password_hash
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current_password": "not my password",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 422
    assert "Your current password is not correct." in response.get_data(as_text=True)
    assert db.get(User, users["mentor"].id).password_hash == before


def test_idle_timeout(client, auth, users, frozen_clock):
    auth.login("mentor@example.org")
    frozen_clock.advance(minutes=29)
    assert client.get("/training/").status_code == 200
    frozen_clock.advance(minutes=29)  # activity keeps the session alive
    assert client.get("/training/").status_code == 200
    frozen_clock.advance(minutes=31)
    response = client.get("/training/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_absolute_timeout(client, auth, users, frozen_clock):
    auth.login("mentor@example.org")
    for _ in range(25):  # active every 29 minutes for just over 12 hours
        frozen_clock.advance(minutes=29)
        last = client.get("/training/")
    assert last.status_code == 302


def test_missing_csrf_token_is_refused_and_nothing_written(client, users, db):
    before = count(db, LoginAttempt), count(db, AuditEvent)
    response = client.post("/login", data={"email": "mentor@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)
    assert (count(db, LoginAttempt), count(db, AuditEvent)) == before


def test_oversized_fields_get_422(client, users):
    response = client.post(
        "/login",
        data={
            "email": "a" * 300 + "@example.org",
            "password": "x" * 400,
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 422


def test_next_parameter_cannot_leave_the_site(client, users):
    token = csrf_token(client)
    response = client.post(
        "/login?next=https://evil.example/phish",
        data={"email": "mentor@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_next_parameter_returns_to_the_page_asked_for(client, users):
    assert client.get("/admin/users").headers["Location"] == "/login?next=/admin/users"
    token = csrf_token(client)
    response = client.post(
        "/login?next=/admin/users",
        data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/admin/users"


def test_rehash_on_login_when_parameters_rise(client, app, auth, users, db):
    from lms.auth.passwords import make_hasher

    settings = app.extensions["lms.auth"]
    stronger = make_hasher(32 * 1024, 3, 1)
    app.extensions["lms.auth"] = type(settings)(
        stronger, settings.account_throttle, settings.address_throttle, settings.timezone
    )
    auth.login("mentor@example.org")
    new_hash = db.get(User, users["mentor"].id).password_hash
    assert new_hash.startswith("$argon2id$v=19$m=32768,t=3,p=1$")


def test_a_success_does_not_reset_the_address_count(auth, users, app, frozen_clock):
    # With a limit of 5 per address, an attacker holding one valid account must not be able to
    # sign in with it between guesses to keep guessing at other accounts without limit.
    app.extensions["lms.auth"] = dataclasses.replace(
        app.extensions["lms.auth"],
        address_throttle=dataclasses.replace(
            app.extensions["lms.auth"].address_throttle, max_failures=5
        ),
    )
    for number in range(4):
        assert auth.login(f"guess{number}@example.org", "wrong-password-here").status_code == 401
    assert auth.login("mentor@example.org").status_code == 302  # the attacker's own account
    auth.logout()
    assert auth.login("guess4@example.org", "wrong-password-here").status_code == 401  # 5th
    assert auth.login("guess5@example.org", "wrong-password-here").status_code == 429
    assert auth.login("hr@example.org").status_code == 429  # the whole address waits
