"""The notifications pages: a user's own list, marking read, the digest choice, the nav count."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from lms.alerts.models import Alert, AlertKind, Notification
from lms.auditlog.models import AuditEvent
from lms.staff.models import Person, Position
from tests.conftest import csrf_token
from tests.support.factories import insert_person

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def mentor_person(db, users) -> Person:
    person = insert_person(
        db,
        "Jordan Ellis",
        date_of_birth=dt.date(1998, 4, 2),
        hire_on=dt.date(2025, 11, 1),
        user_id=users["mentor"].id,
        created_at=NOW,
    )
    db.commit()
    return person


def notify(
    db,
    user,
    person,
    subject,
    *,
    hours_ago=0,
    read=False,
    kind=AlertKind.TRAINING_DUE,
    about=None,
    own=None,
):
    created = NOW - dt.timedelta(hours=hours_ago)
    alert = Alert(
        person_id=person.id if person is not None else None,
        subject_key=about or f"person:{person.id}",
        own_subject=own[0] if own else None,
        own_body=own[1] if own else None,
        kind=kind,
        threshold=hours_ago,  # distinct per alert in these tests
        due_on=dt.date(2026, 12, 23),
        decided_on=dt.date(2026, 11, 23),
        subject=subject,
        body=f"Body of {subject}.",
        created_at=created,
    )
    db.add(alert)
    db.flush()
    notification = Notification(
        user_id=user.id, alert_id=alert.id, created_at=created, read_at=created if read else None
    )
    db.add(notification)
    db.commit()
    return notification


def fresh(db, instance):
    """The row as stored now (each request closes the shared session, detaching instances)."""
    return db.get(type(instance), instance.id, populate_existing=True)


def nav_count(page: str) -> str | None:
    """The unread count shown beside "Notifications" in the navigation, if any."""
    link = re.search(r'href="/notifications/"[^>]*>(.*?)</a>', page, re.S)
    assert link, "no Notifications link in the navigation"
    count = re.search(r"\((\d+)<span class=\"visually-hidden\"> unread</span>\)", link.group(1))
    return count.group(1) if count else None


def post(client, url, data=None):
    return client.post(
        url, data={"csrf_token": csrf_token(client, "/notifications/"), **(data or {})}
    )


def test_the_list_shows_only_my_notifications_newest_first(
    client, auth, db, users, mentor_person, frozen_clock
):
    notify(db, users["mentor"], mentor_person, "Oldest, already read", hours_ago=48, read=True)
    notify(db, users["mentor"], mentor_person, "Training due in 30 days", hours_ago=24)
    notify(db, users["mentor"], mentor_person, "Training due in 14 days", hours_ago=1)
    notify(db, users["supervisor"], mentor_person, "Someone else's alert")
    auth.login("mentor@example.org")
    page = client.get("/notifications/").get_data(as_text=True)
    subjects = re.findall(r'class="notification__subject">(.*?)</h2>', page, re.S)
    assert [re.sub(r"<.*?>", "", s).strip() for s in subjects] == [
        "Unread Training due in 14 days",
        "Unread Training due in 30 days",
        "Oldest, already read",
    ]
    assert "Someone else" not in page
    assert page.count('class="notification notification--unread"') == 2
    assert nav_count(page) == "2"
    # A mentor's own training alert leads to their training; no digest choice for mentors.
    assert 'href="/training/">Open the record' in page
    assert "One digest email a day" not in page


def test_the_nav_shows_no_count_when_all_are_read(client, auth, db, users, mentor_person):
    notify(db, users["mentor"], mentor_person, "Read", read=True)
    auth.login("mentor@example.org")
    page = client.get("/training/", follow_redirects=True).get_data(as_text=True)
    assert nav_count(page) is None
    assert client.get("/login").status_code in (200, 302)


def test_marking_one_read(client, auth, db, users, mentor_person, frozen_clock):
    first = notify(db, users["mentor"], mentor_person, "First", hours_ago=2)
    notify(db, users["mentor"], mentor_person, "Second", hours_ago=1)
    auth.login("mentor@example.org")
    response = post(client, f"/notifications/{first.id}/read", {"page": "1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/notifications/?page=1"
    first = fresh(db, first)
    assert first.read_at == NOW
    page = client.get("/notifications/").get_data(as_text=True)
    assert nav_count(page) == "1"
    frozen_clock.advance(hours=1)
    post(client, f"/notifications/{first.id}/read")
    first = fresh(db, first)
    assert first.read_at == NOW  # reading again keeps the first time


def test_someone_elses_notification_is_refused(client, auth, db, users, mentor_person):
    theirs = notify(db, users["supervisor"], mentor_person, "Theirs")
    auth.login("mentor@example.org")
    assert post(client, f"/notifications/{theirs.id}/read").status_code == 404  # as if absent
    assert post(client, "/notifications/999999/read").status_code == 404
    theirs = fresh(db, theirs)
    assert theirs.read_at is None


def test_marking_all_read_touches_only_mine(client, auth, db, users, mentor_person, frozen_clock):
    mine = [notify(db, users["mentor"], mentor_person, f"Mine {n}", hours_ago=n) for n in (1, 2)]
    theirs = notify(db, users["supervisor"], mentor_person, "Theirs")
    auth.login("mentor@example.org")
    response = post(client, "/notifications/read-all")
    assert response.status_code == 302
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Marked 2 notification(s) as read." in page
    assert nav_count(page) is None
    assert [fresh(db, n).read_at for n in mine] == [NOW, NOW]
    assert fresh(db, theirs).read_at is None


@pytest.mark.parametrize("role", ["supervisor", "hr"])
def test_supervisors_and_hr_choose_a_daily_digest(client, auth, db, users, role):
    auth.login(f"{role}@example.org")
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'id="delivery-each" name="delivery" value="each" checked' in page
    response = post(client, "/notifications/preferences", {"delivery": "digest"})
    assert response.status_code == 302
    assert fresh(db, users[role]).alert_digest is True
    page = client.get("/notifications/").get_data(as_text=True)
    assert "You will get one digest email a day." in page
    assert 'id="delivery-digest" name="delivery" value="digest" checked' in page
    event = db.execute(
        select(AuditEvent).where(AuditEvent.action == "alerts.set_digest")
    ).scalar_one()
    assert (event.target_id, event.details) == (str(users[role].id), {"alert_digest": True})
    post(client, "/notifications/preferences", {"delivery": "each"})
    assert fresh(db, users[role]).alert_digest is False


def test_a_bad_digest_choice_is_refused_naming_the_field(client, auth, db, users):
    auth.login("hr@example.org")
    response = post(client, "/notifications/preferences", {"delivery": "hourly"})
    assert response.status_code == 422
    assert "Choose how to receive alert emails" in response.get_data(as_text=True)
    assert fresh(db, users["hr"]).alert_digest is False


@pytest.mark.parametrize("role", ["mentor", "admin", "auditor"])
def test_only_supervisors_and_hr_have_a_digest_choice(client, auth, db, users, role):
    auth.login(f"{role}@example.org")
    assert post(client, "/notifications/preferences", {"delivery": "digest"}).status_code == 403
    assert fresh(db, users[role]).alert_digest is False


def test_a_supervisor_is_led_to_the_mentors_training(client, auth, db, users, mentor_person):
    notify(db, users["supervisor"], mentor_person, "Overdue", kind=AlertKind.TRAINING_OVERDUE)
    notify(db, users["supervisor"], mentor_person, "Provisional", kind=AlertKind.PROVISIONAL_STALE)
    auth.login("supervisor@example.org")
    page = client.get("/notifications/").get_data(as_text=True)
    assert f'href="/training/people/{mentor_person.id}">Open the record' in page
    assert f'href="/staff/{mentor_person.id}">Open the record' in page


def test_the_list_pages_by_fifty(client, auth, db, users, mentor_person):
    for n in range(55):
        notify(db, users["mentor"], mentor_person, f"Alert number {n:02}", hours_ago=n)
    auth.login("mentor@example.org")
    first = client.get("/notifications/").get_data(as_text=True)
    assert "Alert number 00" in first and "Alert number 49" in first
    assert "Alert number 50" not in first and 'href="/notifications/?page=2">Older' in first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert "Alert number 50" in second and "Alert number 54" in second
    assert 'href="/notifications/?page=1">Newer' in second


def test_the_list_costs_the_same_for_few_or_many(
    client, auth, db, users, mentor_person, count_queries
):
    auth.login("mentor@example.org")
    for n in range(3):
        notify(db, users["mentor"], mentor_person, f"Few {n}", hours_ago=n)
    with count_queries() as few:
        assert client.get("/notifications/").status_code == 200
    for n in range(3, 45):
        notify(db, users["mentor"], mentor_person, f"Many {n}", hours_ago=n)
    with count_queries() as many:
        assert client.get("/notifications/").status_code == 200
    assert many.count == few.count <= 6, many.statements


def test_a_supervisor_reads_your_licence_and_hr_their_name(client, auth, db, users):
    samuel = insert_person(
        db,
        "Samuel Okafor",
        Position.LICENSED_CLINICIAN,
        date_of_birth=dt.date(1980, 4, 2),
        hire_on=dt.date(2020, 1, 6),
        user_id=users["supervisor"].id,
        created_at=NOW,
    )
    db.commit()
    subject = "Licence expires in 30 days: Samuel Okafor"
    notification = notify(db, users["supervisor"], samuel, subject, kind=AlertKind.LICENCE_EXPIRING)
    alert = db.get(Alert, notification.alert_id)
    alert.body = "Samuel Okafor's LICSW licence expires on 23 December 2026 (in 30 days)."
    db.add(Notification(user_id=users["hr"].id, alert_id=alert.id, created_at=NOW))
    db.commit()

    auth.login("supervisor@example.org")
    own = client.get("/notifications/").get_data(as_text=True)
    assert "Your licence expires in 30 days</h2>" in own
    assert "Your LICSW licence expires on 23 December 2026 (in 30 days)." in own
    assert "Samuel Okafor" not in own.split("<main", 1)[1]
    auth.logout()

    auth.login("hr@example.org")
    theirs = client.get("/notifications/").get_data(as_text=True)
    assert "Licence expires in 30 days: Samuel Okafor</h2>" in theirs
    assert "Samuel Okafor&#39;s LICSW licence expires on 23 December 2026" in theirs


def test_a_mentor_reads_their_own_training_alert_as_theirs(client, auth, db, users, mentor_person):
    notification = notify(
        db,
        users["mentor"],
        mentor_person,
        "Training due in 30 days: Jordan Ellis",
        own=("Your training is due in 30 days", "Your Therapeutic Mentoring training is due."),
    )
    db.add(
        Notification(user_id=users["supervisor"].id, alert_id=notification.alert_id, created_at=NOW)
    )
    db.commit()
    auth.login("mentor@example.org")
    own = client.get("/notifications/").get_data(as_text=True)
    assert "Your training is due in 30 days</h2>" in own
    assert "Jordan Ellis" not in own.split("<main", 1)[1]
    auth.logout()
    auth.login("supervisor@example.org")
    theirs = client.get("/notifications/").get_data(as_text=True)
    assert "Training due in 30 days: Jordan Ellis</h2>" in theirs


def test_an_oncall_gap_leads_hr_to_the_roster(client, auth, db, users):
    notify(
        db,
        users["hr"],
        None,
        "On-call gap: 1 December 2026 12:00 (UTC-05:00) to 1 December 2026 14:00 (UTC-05:00)",
        kind=AlertKind.ONCALL_GAP,
        about="oncall-gap:2026-12-01T12:00:00-05:00/2026-12-01T14:00:00-05:00",
    )
    auth.login("hr@example.org")
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'href="/oncall/roster' in page
    assert "On-call gap: 1 December 2026 12:00" in page


def test_supervision_and_requirement_alerts_lead_to_their_pages(
    client, auth, db, users, mentor_person
):
    notify(db, users["supervisor"], mentor_person, "Pending", kind=AlertKind.SUPERVISION_PENDING)
    notify(db, users["hr"], mentor_person, "Missed", kind=AlertKind.SUPERVISION_MISSED, hours_ago=1)
    notify(
        db,
        users["mentor"],
        mentor_person,
        "Policy",
        kind=AlertKind.POLICY_TO_SIGN,
        about=f"person:{mentor_person.id}/requirement:code_of_conduct/version:2",
        hours_ago=2,
    )
    notify(
        db,
        users["hr"],
        mentor_person,
        "CPR",
        kind=AlertKind.REQUIREMENT_DUE,
        about=f"person:{mentor_person.id}/requirement:cpr_first_aid",
        hours_ago=3,
    )
    auth.login("supervisor@example.org")
    assert 'href="/supervision/week' in client.get("/notifications/").get_data(as_text=True)
    auth.logout()
    auth.login("hr@example.org")
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'href="/supervision/missed' in page
    assert f'href="/requirements/people/{mentor_person.id}' in page
    auth.logout()
    auth.login("mentor@example.org")
    assert 'href="/requirements/sign' in client.get("/notifications/").get_data(as_text=True)
