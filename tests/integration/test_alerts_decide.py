"""Deciding alerts against the database: what the outbox holds, idempotent runs, catch-up.

``build_org`` (also used by the delivery and concurrency tests) makes, on 23 November 2026:
Jordan (renewal due in 30 days: the mentor only), Riley (initial training 10 days overdue, a
work email but no account), Casey (initial training due today, no email and no account) and
their supervisor Sam (licence expiring in 60 days), plus one HR account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.alerts.mailer import SmtpSettings
from lms.alerts.models import Alert, AlertDelivery, AlertKind, DeliveryStatus, Notification
from lms.alerts.operations import decide_alerts
from lms.alerts.queries import plan_alerts
from lms.alerts.rules import AlertPolicy
from lms.alerts.settings import AlertSettings
from lms.auditlog.models import AuditEvent
from lms.auth.models import Role, User, UserRole
from lms.eligibility.models import Determination
from lms.staff.models import Person, Position, StaffStatus
from lms.staff.operations import PersonDetails, create_person
from lms.training.operations import TrainingSettings, record_imported_completion
from lms.training.rules import CyclePolicy
from tests.support.factories import add_licence_record, insert_person, person_details

TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # the frozen clock: 10:00 in Boston
ACTOR = Actor.system("test")
TRAINING = TrainingSettings(CyclePolicy(), "tm-core", 0, dt.timedelta(minutes=5))


def alert_settings(port: int = 25, max_attempts: int = 8) -> AlertSettings:
    return AlertSettings(
        policy=AlertPolicy(),
        cycle_policy=CyclePolicy(),
        max_attempts=max_attempts,
        timezone="America/New_York",
        public_url="https://lms.example.org",
        organisation="Harbor Mentoring",
        smtp=SmtpSettings(
            host="127.0.0.1", port=port, sender="training@harbor.example", timeout_seconds=5
        ),
        # These tests are about training, licence and provisional alerts; supervision, on-call
        # and requirement alerts are tested in test_staffing_alerts.py.
        families=frozenset({"training", "licence", "provisional"}),
    )


@dataclass
class Org:
    hr: User
    supervisor_user: User
    mentor_user: User
    supervisor: Person
    jordan: Person
    riley: Person
    casey: Person


def add_user(session: Session, email: str, *roles: Role, digest: bool = False) -> User:
    user = User(
        email=email,
        full_name=email.split("@")[0].title(),
        password_hash="not-a-real-hash",
        is_active=True,
        session_version=1,
        created_at=NOW,
        password_changed_at=NOW,
        alert_digest=digest,
        role_grants=[UserRole(role=role) for role in roles],
    )
    session.add(user)
    session.flush()
    return user


def mentor_details(name: str, hired: dt.date, supervisor: Person, **fields) -> PersonDetails:
    return person_details(
        name,
        date_of_birth=dt.date(1998, 4, 2),
        position=Position.THERAPEUTIC_MENTOR,
        status=StaffStatus.ACTIVE,
        hire_on=hired,
        supervisor_id=supervisor.id,
        **fields,
    )


def drop_licences(session: Session, person) -> None:
    from lms.clinicians.models import Licence

    session.execute(delete(Licence).where(Licence.person_id == person.id))
    session.flush()


def build_org(session: Session, digest: bool = False, jordan_name: str = "Jordan Ellis") -> Org:
    hr = add_user(session, "hr@example.org", Role.HR, digest=digest)
    supervisor_user = add_user(session, "supervisor@example.org", Role.SUPERVISOR, digest=digest)
    mentor_user = add_user(session, "mentor@example.org", Role.MENTOR)
    supervisor = create_person(
        session,
        ACTOR,
        person_details(
            "Sam Okafor",
            date_of_birth=dt.date(1979, 5, 14),
            position=Position.LICENSED_CLINICIAN,
            status=StaffStatus.ACTIVE,
            hire_on=dt.date(2020, 1, 6),
            user_email="supervisor@example.org",  # no work email: mail goes to the account's
        ),
        TODAY,
    )
    add_licence_record(session, supervisor, TODAY + dt.timedelta(days=60), licence_number="LICSW-1")
    jordan = create_person(
        session,
        ACTOR,
        mentor_details(
            jordan_name,
            dt.date(2025, 11, 1),
            supervisor,
            work_email="Jordan.Ellis@Example.org",
            user_email="mentor@example.org",
        ),
        TODAY,
    )
    # Completed 23 December 2025: certified until 23 December 2026, 30 days from today.
    record_imported_completion(
        session, ACTOR, jordan, dt.date(2025, 12, 23), "paper", TODAY, TRAINING
    )
    riley = create_person(
        session,
        ACTOR,
        mentor_details(
            "Riley Santos",
            TODAY - dt.timedelta(days=40),
            supervisor,
            work_email="riley@example.org",
        ),
        TODAY,
    )
    casey = create_person(
        session,
        ACTOR,
        mentor_details("Casey Nguyen", TODAY - dt.timedelta(days=30), supervisor),
        TODAY,
    )
    session.commit()
    return Org(hr, supervisor_user, mentor_user, supervisor, jordan, riley, casey)


def count(session: Session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def outbox(session: Session) -> set[tuple[str, str, str, str]]:
    """(person, kind, recipient, status) for every delivery."""
    rows = session.execute(
        select(Person.legal_name, Alert.kind, AlertDelivery.recipient_key, AlertDelivery.status)
        .join(Alert, Alert.id == AlertDelivery.alert_id)
        .join(Person, Person.id == Alert.person_id)
    ).all()
    return {(name, kind.value, key, status.value) for name, kind, key, status in rows}


def test_deciding_writes_alerts_deliveries_and_notifications(db, frozen_clock):
    org = build_org(db)
    counts = decide_alerts(db, ACTOR, TODAY, alert_settings())
    db.commit()
    assert (counts.alerts, counts.deliveries, counts.no_address, counts.notifications) == (
        4,
        8,
        1,
        7,
    )
    alerts = {
        (a.person_id, a.kind, a.threshold, a.due_on) for a in db.execute(select(Alert)).scalars()
    }
    assert alerts == {
        (org.jordan.id, AlertKind.TRAINING_DUE, 30, dt.date(2026, 12, 23)),
        (org.riley.id, AlertKind.TRAINING_OVERDUE, -7, dt.date(2026, 11, 13)),
        (org.casey.id, AlertKind.TRAINING_DUE, 0, TODAY),
        (org.supervisor.id, AlertKind.LICENCE_EXPIRING, 60, dt.date(2027, 1, 22)),
    }
    pending, no_address = DeliveryStatus.PENDING.value, DeliveryStatus.NO_ADDRESS.value
    assert outbox(db) == {
        ("Jordan Ellis", "training_due", "jordan.ellis@example.org", pending),
        ("Riley Santos", "training_overdue", "riley@example.org", pending),
        ("Riley Santos", "training_overdue", "supervisor@example.org", pending),
        ("Riley Santos", "training_overdue", "hr@example.org", pending),
        ("Casey Nguyen", "training_due", f"person:{org.casey.id}", no_address),
        ("Casey Nguyen", "training_due", "supervisor@example.org", pending),
        ("Casey Nguyen", "training_due", "hr@example.org", pending),
        ("Sam Okafor", "licence_expiring", "supervisor@example.org", pending),
        ("Sam Okafor", "licence_expiring", "hr@example.org", pending),
    }
    notified = db.execute(
        select(Notification.user_id, func.count()).group_by(Notification.user_id)
    ).all()
    assert dict(notified) == {org.mentor_user.id: 1, org.supervisor_user.id: 3, org.hr.id: 3}
    unreachable = db.execute(
        select(AlertDelivery).where(AlertDelivery.status == DeliveryStatus.NO_ADDRESS)
    ).scalar_one()
    assert (unreachable.recipient_email, unreachable.recipient_user_id) == (None, None)
    assert unreachable.next_attempt_at is None
    # The alert about Casey is still in the app for the people it escalated to.
    casey_alert = db.execute(select(Alert).where(Alert.person_id == org.casey.id)).scalar_one()
    assert {
        n.user_id
        for n in db.execute(
            select(Notification).where(Notification.alert_id == casey_alert.id)
        ).scalars()
    } == {org.supervisor_user.id, org.hr.id}


def test_the_alert_text_is_stored_with_the_alert(db, frozen_clock):
    org = build_org(db)
    decide_alerts(db, ACTOR, TODAY, alert_settings())
    riley = db.execute(select(Alert).where(Alert.person_id == org.riley.id)).scalar_one()
    assert riley.subject == "Training overdue by 10 days: Riley Santos"
    assert riley.decided_on == TODAY
    assert riley.created_at == NOW


def test_running_twice_adds_nothing(db, frozen_clock):
    build_org(db)
    decide_alerts(db, ACTOR, TODAY, alert_settings())
    db.commit()
    before = (count(db, Alert), count(db, AlertDelivery), count(db, Notification))
    assert plan_alerts(db, TODAY, alert_settings()) == []
    again = decide_alerts(db, ACTOR, TODAY, alert_settings())
    assert (again.alerts, again.deliveries, again.notifications) == (0, 0, 0)
    assert (count(db, Alert), count(db, AlertDelivery), count(db, Notification)) == before


def test_a_run_after_missed_days_fires_what_was_crossed_meanwhile(db, frozen_clock):
    org = build_org(db)
    decide_alerts(db, ACTOR, TODAY, alert_settings())
    # Eight days later: Riley passes -14, Casey -7; Jordan (22 days left) and Sam's licence
    # (52 days) have passed nothing new.
    counts = decide_alerts(db, ACTOR, TODAY + dt.timedelta(days=8), alert_settings())
    assert counts.alerts == 2
    latest = db.execute(
        select(Alert.person_id, Alert.threshold).where(
            Alert.decided_on == TODAY + dt.timedelta(days=8)
        )
    ).all()
    assert set(latest) == {(org.riley.id, -14), (org.casey.id, -7)}
    # Going back in time never fires an older threshold after a newer one.
    assert decide_alerts(db, ACTOR, TODAY - dt.timedelta(days=3), alert_settings()).alerts == 0


def test_only_current_staff_are_alerted(db, frozen_clock):
    org = build_org(db)
    org.riley.status = StaffStatus.SEPARATED
    org.riley.separated_on = TODAY - dt.timedelta(days=1)
    drop_licences(db, org.supervisor)
    db.commit()
    decide_alerts(db, ACTOR, TODAY, alert_settings())
    assert {a.person_id for a in db.execute(select(Alert)).scalars()} == {
        org.jordan.id,
        org.casey.id,
    }


def add_determination(session: Session, person: Person, day: dt.date, status: str) -> None:
    session.add(
        Determination(
            person_id=person.id,
            determined_at=dt.datetime.combine(day, dt.time(15), dt.UTC),
            as_of=day,
            ruleset="ma-tm-2023",
            status=status,
            inputs={},
            result={},
            record={},
            trigger="test",
            actor_label="test",
        )
    )
    session.flush()


def add_candidate(session: Session, frozen_clock, days_ago: int) -> Person:
    """A candidate added ``days_ago`` (their first determination, with no facts: not eligible)."""
    frozen_clock.current = NOW - dt.timedelta(days=days_ago)
    candidate = create_person(
        session,
        ACTOR,
        person_details(
            "Avery Chen",
            date_of_birth=dt.date(2000, 1, 1),
            position=Position.THERAPEUTIC_MENTOR,
            status=StaffStatus.CANDIDATE,
        ),
        TODAY - dt.timedelta(days=days_ago),
    )
    frozen_clock.current = NOW
    return candidate


def test_candidates_provisional_for_more_than_14_days_are_reported_to_hr(db, frozen_clock):
    org = build_org(db)
    candidate = add_candidate(db, frozen_clock, 41)
    # Provisional 40 days ago, eligible in between, provisional again 15 days ago, and a later
    # provisional determination continues the same streak.
    add_determination(db, candidate, TODAY - dt.timedelta(days=40), "provisional")
    add_determination(db, candidate, TODAY - dt.timedelta(days=30), "eligible")
    add_determination(db, candidate, TODAY - dt.timedelta(days=15), "provisional")
    add_determination(db, candidate, TODAY - dt.timedelta(days=2), "provisional")
    db.commit()
    decide_alerts(db, ACTOR, TODAY, alert_settings())
    alert = db.execute(select(Alert).where(Alert.person_id == candidate.id)).scalar_one()
    assert (alert.kind, alert.threshold) == (AlertKind.PROVISIONAL_STALE, -1)
    assert alert.due_on == TODAY - dt.timedelta(days=1)  # streak start + 14 days
    recipients = db.execute(
        select(AlertDelivery.recipient_key, AlertDelivery.role).where(
            AlertDelivery.alert_id == alert.id
        )
    ).all()
    assert recipients == [("hr@example.org", "hr")]
    assert org.hr.id in {
        n.user_id
        for n in db.execute(select(Notification).where(Notification.alert_id == alert.id)).scalars()
    }
    # One alert per streak: later runs add nothing about the candidate.
    decide_alerts(db, ACTOR, TODAY + dt.timedelta(days=7), alert_settings())
    assert len(db.execute(select(Alert).where(Alert.person_id == candidate.id)).all()) == 1


def test_a_streak_of_14_days_is_not_reported_yet(db, frozen_clock):
    build_org(db)
    candidate = add_candidate(db, frozen_clock, 20)
    add_determination(db, candidate, TODAY - dt.timedelta(days=14), "provisional")
    decide_alerts(db, ACTOR, TODAY, alert_settings())
    assert db.execute(select(Alert).where(Alert.person_id == candidate.id)).first() is None


def test_hr_accounts_that_are_disabled_or_expired_are_not_told(db, frozen_clock):
    org = build_org(db)
    retired = add_user(db, "retired-hr@example.org", Role.HR)
    retired.is_active = False
    ended = add_user(db, "temp-hr@example.org", Role.HR)
    ended.access_ends_on = TODAY - dt.timedelta(days=1)
    db.commit()
    decide_alerts(db, ACTOR, TODAY, alert_settings())
    keys = {key for _, _, key, _ in outbox(db)}
    assert "hr@example.org" in keys
    assert not keys & {"retired-hr@example.org", "temp-hr@example.org"}
    assert org.hr.id


def test_deciding_is_audited(db, frozen_clock):
    build_org(db)
    decide_alerts(db, ACTOR, TODAY, alert_settings())
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "alerts.decide")).scalar_one()
    assert event.details["alerts"] == 4
    assert event.details["as_of"] == "2026-11-23"


def add_mentors(session: Session, supervisor: Person, first: int, number: int) -> None:
    """Mentors in a spread of states, inserted directly (setup, not the behaviour under test)."""
    for index in range(first, first + number):
        user = add_user(session, f"m{index}@example.org", Role.MENTOR) if index % 2 else None
        insert_person(
            session,
            f"Mentor {index:03}",
            date_of_birth=dt.date(1995, 1, 1),
            hire_on=TODAY - dt.timedelta(days=index % 90),
            work_email=f"mentor{index}@example.org" if index % 3 else None,
            supervisor_id=supervisor.id,
            user_id=user.id if user else None,
            created_at=NOW,
        )


def test_deciding_costs_the_same_number_of_queries_for_10_or_300_mentors(
    db, frozen_clock, count_queries
):
    org = build_org(db)
    add_mentors(db, org.supervisor, 0, 10)
    db.commit()
    with count_queries() as few:
        small = decide_alerts(db, ACTOR, TODAY, alert_settings())
    db.rollback()  # forget those alerts: the second run must decide as much again
    add_mentors(db, org.supervisor, 10, 290)
    db.commit()
    with count_queries() as many:
        large = decide_alerts(db, ACTOR, TODAY, alert_settings())
    assert large.alerts > 200 > small.alerts > 0
    # Constant in the number of mentors: people, training histories (2), licences, streaks...
    assert many.count == few.count <= 13, many.statements


def test_licence_alerts_come_from_the_licence_records(db, frozen_clock):
    """The records are the only source: a licence record expiring in 30 days alerts at 30, and
    a recorded renewal stops the alert."""
    from lms.clinicians.models import Licence

    org = build_org(db)
    drop_licences(db, org.supervisor)  # the LICSW one expiring in 60 days
    expiring = Licence(
        person_id=org.supervisor.id,
        licence_type="LMHC",
        licence_number="M-1",
        issuing_state="MA",
        issuing_board="Board",
        issued_on=dt.date(2024, 12, 23),
        expires_on=TODAY + dt.timedelta(days=30),
        migrated=False,
        created_at=NOW,
        updated_at=NOW,
    )
    db.add(expiring)
    db.flush()
    [decision] = [
        d for d in plan_alerts(db, TODAY, alert_settings()) if d.person_id == org.supervisor.id
    ]
    assert (decision.kind, decision.threshold, decision.due_on) == (
        AlertKind.LICENCE_EXPIRING,
        30,
        dt.date(2026, 12, 23),
    )
    assert "LMHC" in decision.subject + decision.body
    db.add(
        Licence(
            person_id=org.supervisor.id,
            licence_type="LMHC",
            licence_number="M-1",
            issuing_state="MA",
            issuing_board="Board",
            issued_on=dt.date(2026, 11, 20),
            expires_on=dt.date(2028, 12, 23),
            migrated=False,
            created_at=NOW,
            updated_at=NOW,
        )
    )
    db.flush()
    assert [
        d for d in plan_alerts(db, TODAY, alert_settings()) if d.person_id == org.supervisor.id
    ] == []
