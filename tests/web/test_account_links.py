"""An administrator links a sign-in account to a staff record in one step, from the account's
page; the link shows on both sides."""

import datetime as dt

from sqlalchemy import select

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.staff.models import Person, Position, StaffStatus
from lms.staff.operations import create_person
from tests.conftest import csrf_token
from tests.support.factories import person_details


def add(db, name: str, **fields) -> Person:
    details = person_details(
        name,
        date_of_birth=dt.date(1998, 5, 1),
        position=Position.THERAPEUTIC_MENTOR,
        status=StaffStatus.CANDIDATE,
        **fields,
    )
    person = create_person(db, Actor.system("test"), details, dt.date(2026, 11, 23))
    db.commit()
    return person


def test_admin_links_an_account_to_a_staff_record_and_both_pages_show_it(client, auth, users, db):
    mentor = users["mentor"]
    kai = add(db, "Kai Moreno")
    auth.login("admin@example.org")
    page = client.get(f"/admin/users/{mentor.id}").get_data(as_text=True)
    assert "Not linked" in page
    assert f'<option value="{kai.id}">Kai Moreno — Therapeutic mentor</option>' in page

    response = client.post(
        "/staff/link-account",
        data={
            "csrf_token": csrf_token(client, f"/admin/users/{mentor.id}"),
            "user_id": mentor.id,
            "person_id": kai.id,
        },
        follow_redirects=True,
    )
    assert "Linked to the staff record of Kai Moreno." in response.get_data(as_text=True)
    assert db.get(Person, kai.id, populate_existing=True).user_id == mentor.id
    user_page = client.get(f"/admin/users/{mentor.id}").get_data(as_text=True)
    assert f'Linked to <a href="/staff/{kai.id}">Kai Moreno</a>' in user_page
    person_page = client.get(f"/staff/{kai.id}").get_data(as_text=True)
    assert f'<a href="/admin/users/{mentor.id}#staff-record">mentor@example.org</a>' in person_page
    changes = [
        e.details["changes"]
        for e in db.execute(
            select(AuditEvent).where(AuditEvent.action == "person.update")
        ).scalars()
    ]
    assert {"user_id": [None, mentor.id]} in changes


def test_an_account_linked_to_someone_else_is_refused_and_nothing_changes(client, auth, users, db):
    mentor = users["mentor"]
    kai = add(db, "Kai Moreno", user_email="mentor@example.org")
    ana = add(db, "Ana Silva")
    auth.login("admin@example.org")
    response = client.post(
        "/staff/link-account",
        data={
            "csrf_token": csrf_token(client, f"/admin/users/{mentor.id}"),
            "user_id": mentor.id,
            "person_id": ana.id,
        },
        follow_redirects=True,
    )
    assert "That sign-in account is linked to another person." in response.get_data(as_text=True)
    assert db.get(Person, ana.id, populate_existing=True).user_id is None
    assert db.get(Person, kai.id, populate_existing=True).user_id == mentor.id


def test_hr_sees_the_account_on_the_person_page_without_a_link_to_admin(client, auth, users, db):
    kai = add(db, "Kai Moreno", user_email="mentor@example.org")
    auth.login("hr@example.org")
    page = client.get(f"/staff/{kai.id}").get_data(as_text=True)
    assert "<dt>Sign-in account</dt><dd>mentor@example.org</dd>" in page
