"""Administrators' user pages: create, edit roles, deactivate, reset passwords."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from lms.auditlog.models import AuditEvent
from lms.auth.models import Role, User
from tests.conftest import csrf_token


@pytest.fixture
def admin_client(client, auth, users):
    auth.login("admin@example.org")
    return client


def audit_actions(db) -> list[str]:
    return db.execute(select(AuditEvent.action).order_by(AuditEvent.sequence)).scalars().all()


def user_count(db) -> int:
    return db.execute(select(func.count()).select_from(User)).scalar_one()


def new_user_form(client, **overrides):
    data = {
        "csrf_token": csrf_token(client, "/admin/users/new"),
        "email": "New.Mentor@Example.org",
        "full_name": "Nia Mentor",
        "roles": ["mentor"],
        "password": "river stone lantern",
        "confirm": "river stone lantern",
        "access_starts_on": "",
        "access_ends_on": "",
    }
    data.update(overrides)
    return data


def test_list_shows_users_and_filters_by_role(admin_client, users):
    page = admin_client.get("/admin/users").get_data(as_text=True)
    for role in ("admin", "hr", "mentor", "auditor", "supervisor"):
        assert f"{role}@example.org" in page
    filtered = admin_client.get("/admin/users?role=auditor").get_data(as_text=True)
    assert "auditor@example.org" in filtered
    assert "mentor@example.org" not in filtered


def test_unknown_role_filter_is_a_bad_request(admin_client):
    assert admin_client.get("/admin/users?role=owner").status_code == 400


def test_create_user(admin_client, db, client, auth):
    response = admin_client.post("/admin/users/new", data=new_user_form(admin_client))
    assert response.status_code == 302
    user = db.execute(select(User).where(User.email == "new.mentor@example.org")).scalar_one()
    assert user.roles == {Role.MENTOR}
    assert user.password_hash.startswith("$argon2id$")
    assert audit_actions(db)[-1] == "user.create"


def test_duplicate_email_in_other_case_is_refused(admin_client, db):
    before = user_count(db)
    response = admin_client.post(
        "/admin/users/new", data=new_user_form(admin_client, email="MENTOR@example.org")
    )
    assert response.status_code == 422
    assert "An account with this email already exists." in response.get_data(as_text=True)
    assert user_count(db) == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "short", "confirm": "short"}, "Use at least 12 characters."),
        (
            {"password": "password1234", "confirm": "password1234"},
            "commonly used passwords",
        ),
        ({"confirm": "something else entirely"}, "The two passwords do not match."),
        ({"email": "not an email"}, "Enter a valid email address."),
        ({"roles": []}, "Choose at least one role."),
        ({"roles": ["owner"]}, "is not a valid choice for this field."),
        ({"roles": ["auditor"]}, "Auditor accounts need an access end date."),
        (
            {"access_starts_on": "2026-12-01", "access_ends_on": "2026-11-01"},
            "Access cannot end before it starts.",
        ),
        ({"access_ends_on": "31/12/2026"}, "Not a valid date value."),
        ({"full_name": "x" * 201}, "Field cannot be longer than 200 characters."),
    ],
)
def test_bad_input_names_the_problem_and_writes_nothing(admin_client, db, overrides, message):
    before = user_count(db), len(audit_actions(db))
    response = admin_client.post("/admin/users/new", data=new_user_form(admin_client, **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert (user_count(db), len(audit_actions(db))) == before


def test_auditor_with_end_date_is_created(admin_client, db):
    data = new_user_form(
        admin_client, email="visitor@mce.example", roles=["auditor"], access_ends_on="2027-01-31"
    )
    assert admin_client.post("/admin/users/new", data=data).status_code == 302
    user = db.execute(select(User).where(User.email == "visitor@mce.example")).scalar_one()
    assert user.access_ends_on == dt.date(2027, 1, 31)


def test_change_roles_ends_the_users_sessions(app, admin_client, users, db):
    mentor_client = app.test_client()
    mentor_client.post(
        "/login",
        data={
            "email": "mentor@example.org",
            "password": "correct-horse-battery-staple",
            "csrf_token": csrf_token(mentor_client),
        },
    )
    assert mentor_client.get("/training/").status_code == 200
    mentor = users["mentor"]
    response = admin_client.post(
        f"/admin/users/{mentor.id}",
        data={
            "csrf_token": csrf_token(admin_client, f"/admin/users/{mentor.id}"),
            "full_name": "Mentor Renamed",
            "roles": ["mentor", "supervisor"],
            "access_starts_on": "",
            "access_ends_on": "",
        },
    )
    assert response.status_code == 302
    assert db.get(User, mentor.id).roles == {Role.MENTOR, Role.SUPERVISOR}
    assert mentor_client.get("/training/").status_code == 302
    event = db.execute(select(AuditEvent).order_by(AuditEvent.sequence.desc())).scalars().first()
    assert event.action == "user.update"
    assert event.details["changes"]["roles"] == [["mentor"], ["mentor", "supervisor"]]


def test_admin_cannot_remove_own_admin_role(admin_client, users, db):
    admin = users["admin"]
    response = admin_client.post(
        f"/admin/users/{admin.id}",
        data={
            "csrf_token": csrf_token(admin_client, f"/admin/users/{admin.id}"),
            "full_name": admin.full_name,
            "roles": ["hr"],
            "access_starts_on": "",
            "access_ends_on": "",
        },
    )
    assert response.status_code == 422
    assert "You cannot remove your own administrator role." in response.get_data(as_text=True)
    assert db.get(User, admin.id).roles == {Role.ADMIN}


def test_deactivate_and_reactivate(app, admin_client, users, db):
    hr = users["hr"]
    token = csrf_token(admin_client, f"/admin/users/{hr.id}")
    response = admin_client.post(
        f"/admin/users/{hr.id}/active", data={"csrf_token": token, "active": "false"}
    )
    assert response.status_code == 302
    assert db.get(User, hr.id).is_active is False
    response = admin_client.post(
        f"/admin/users/{hr.id}/active", data={"csrf_token": token, "active": "true"}
    )
    assert db.get(User, hr.id).is_active is True
    assert audit_actions(db)[-2:] == ["user.deactivate", "user.activate"]


def test_admin_cannot_deactivate_self(admin_client, users, db):
    admin = users["admin"]
    token = csrf_token(admin_client, f"/admin/users/{admin.id}")
    response = admin_client.post(
        f"/admin/users/{admin.id}/active",
        data={"csrf_token": token, "active": "false"},
        follow_redirects=True,
    )
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert db.get(User, admin.id).is_active is True


def test_malformed_active_value_is_a_bad_request(admin_client, users):
    hr = users["hr"]
    token = csrf_token(admin_client, f"/admin/users/{hr.id}")
    response = admin_client.post(
        f"/admin/users/{hr.id}/active", data={"csrf_token": token, "active": "maybe"}
    )
    assert response.status_code == 400


def test_reset_password(app, admin_client, users, db, auth):
    mentor = users["mentor"]
    token = csrf_token(admin_client, f"/admin/users/{mentor.id}")
    response = admin_client.post(
        f"/admin/users/{mentor.id}/password",
        data={
            "csrf_token": token,
            "password": "maple window canvas",
            "confirm": "maple window canvas",
        },
    )
    assert response.status_code == 302
    assert audit_actions(db)[-1] == "user.reset_password"
    fresh = app.test_client()
    token = csrf_token(fresh)
    signed_in = fresh.post(
        "/login",
        data={
            "email": "mentor@example.org",
            "password": "maple window canvas",
            "csrf_token": token,
        },
    )
    assert signed_in.status_code == 302


def test_reset_with_weak_password_changes_nothing(admin_client, users, db):
    mentor = users["mentor"]
    before = mentor.password_hash
    token = csrf_token(admin_client, f"/admin/users/{mentor.id}")
    response = admin_client.post(
        f"/admin/users/{mentor.id}/password",
        data={"csrf_token": token, "password": "abc", "confirm": "abc"},
    )
    assert response.status_code == 422
    assert db.get(User, mentor.id).password_hash == before


def test_unknown_user_is_404(admin_client):
    assert admin_client.get("/admin/users/999999").status_code == 404


def test_sign_in_times_are_in_local_time_with_the_zone(app, admin_client, users, db):
    app.config["LMS_TIMEZONE"] = "America/New_York"
    user = db.get(User, users["hr"].id)
    user.last_login_at = dt.datetime(2026, 11, 23, 14, 5, tzinfo=dt.UTC)  # 09:05 EST
    db.commit()
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert "2026-11-23 09:05 EST" in page
    assert "14:05 UTC" not in page
    detail = admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "2026-11-23 09:05 EST" in detail
