"""The supervision, on-call and requirement alerts against the database: what the outbox holds,
that each is decided exactly once (running again the same day or the next adds nothing), that an
on-call gap that changes is alerted again, and that deciding costs a constant number of queries.

The daily job runs on Thursday 26 November 2026 (the reminder weekday by default); its week runs
from Sunday 22 to Saturday 28 November, the week before from 15 to 21 November.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.alerts.models import Alert, AlertDelivery, AlertKind, Notification
from lms.alerts.operations import decide_alerts
from lms.alerts.settings import FAMILIES
from lms.auth.models import Role
from lms.oncall.operations import BlockDetails, add_block, remove_block
from lms.requirements.operations import (
    ItemDetails,
    ensure_catalogue,
    publish_policy,
    record_item,
    requirement_for,
)
from lms.staff.models import Person, Position, VerificationMethod
from lms.supervision.models import SupervisionSession
from lms.supervision.rules import Modality, SessionFormat
from tests.integration.supervision_records import add_licence, add_person
from tests.integration.test_alerts_decide import ACTOR, NOW, add_user, alert_settings

THURSDAY = dt.date(2026, 11, 26)
ZONE = "America/New_York"


def settings(*families: str):
    return dataclasses.replace(alert_settings(), families=frozenset(families or FAMILIES))


def add_session(db: Session, mentor: Person, supervisor: Person, held_on: dt.date) -> None:
    db.add(
        SupervisionSession(
            mentor_id=mentor.id,
            supervisor_id=supervisor.id,
            held_on=held_on,
            minutes=45,
            format=SessionFormat.INDIVIDUAL,
            modality=Modality.IN_PERSON,
            topics=[],
            recorded_at=NOW,
            recorded_by_label="test",
            imported=True,  # from a paper log: counts as signed
        )
    )
    db.flush()


def alerts(db: Session) -> list[Alert]:
    return list(db.execute(select(Alert).order_by(Alert.id)).scalars())


def deliveries(db: Session, alert: Alert) -> list[tuple[str, str, bool]]:
    rows = db.execute(
        select(AlertDelivery).where(AlertDelivery.alert_id == alert.id).order_by(AlertDelivery.id)
    ).scalars()
    return [(row.recipient_key, row.role, row.digest) for row in rows]


# -- supervision ----------------------------------------------------------------------------------


def supervision_org(db: Session):
    hr = add_user(db, "hr@example.org", Role.HR)
    sam_user = add_user(db, "sam@example.org", Role.SUPERVISOR)
    sam = add_person(db, "Sam Okafor", position=Position.LICENSED_CLINICIAN, user_id=sam_user.id)
    add_licence(db, sam)
    # Lee's licence expired on 10 November 2026: valid to the 9th.
    lee = add_person(db, "Lee Park", position=Position.LICENSED_CLINICIAN)
    add_licence(db, lee, dt.date(2020, 1, 1), dt.date(2026, 11, 10))
    ana = add_person(db, "Ana Lima", supervisor=sam)
    ben = add_person(db, "Ben Cruz", supervisor=sam)
    # Both met the weeks of 25 October, 1 and 8 November; nothing counts from 15 November.
    for held_on in (dt.date(2026, 10, 26), dt.date(2026, 11, 2), dt.date(2026, 11, 9)):
        add_session(db, ana, sam, held_on)
        add_session(db, ben, lee, held_on)
    add_session(db, ben, lee, dt.date(2026, 11, 17))  # Lee's licence had lapsed
    db.commit()
    return hr, sam, lee, ana, ben


def test_supervision_alerts_are_decided_once(db, frozen_clock):
    _hr, sam, lee, ana, ben = supervision_org(db)
    counts = decide_alerts(db, ACTOR, THURSDAY, settings("supervision"))
    db.commit()
    found = {(a.kind, a.person_id, a.due_on): a for a in alerts(db)}
    assert set(found) == {
        # This week is still pending for both: their supervisor Sam hears on Thursday.
        (AlertKind.SUPERVISION_PENDING, ana.id, dt.date(2026, 11, 28)),
        (AlertKind.SUPERVISION_PENDING, ben.id, dt.date(2026, 11, 28)),
        # Last week was missed by both (Ben's only session was by Lee, unlicensed that day).
        (AlertKind.SUPERVISION_MISSED, ana.id, dt.date(2026, 11, 15)),
        (AlertKind.SUPERVISION_MISSED, ben.id, dt.date(2026, 11, 15)),
        # Lee supervised on 17 November with no valid licence: HR at once.
        (AlertKind.UNLICENSED_SUPERVISION, lee.id, dt.date(2026, 11, 17)),
    }
    assert counts.alerts == 5
    reminder = found[(AlertKind.SUPERVISION_PENDING, ana.id, dt.date(2026, 11, 28))]
    assert deliveries(db, reminder) == [("sam@example.org", "supervisor", False)]
    missed = found[(AlertKind.SUPERVISION_MISSED, ben.id, dt.date(2026, 11, 15))]
    assert deliveries(db, missed) == [("hr@example.org", "hr", True)]  # the daily digest
    unlicensed = found[(AlertKind.UNLICENSED_SUPERVISION, lee.id, dt.date(2026, 11, 17))]
    assert unlicensed.subject_key.startswith("session:")
    assert deliveries(db, unlicensed) == [("hr@example.org", "hr", False)]  # at once
    # In the app too: Sam's notifications hold both reminders.
    sam_notes = db.execute(
        select(Notification).where(Notification.user_id == sam.user_id)
    ).scalars()
    assert len(list(sam_notes)) == 2

    # Running again the same day, the next day, or the next Thursday for those weeks: nothing.
    for day in (THURSDAY, THURSDAY + dt.timedelta(days=1)):
        assert decide_alerts(db, ACTOR, day, settings("supervision")).alerts == 0
    db.commit()
    assert len(alerts(db)) == 5


def test_a_recorded_session_stops_the_reminder(db, frozen_clock):
    _hr, sam, _lee, ana, ben = supervision_org(db)
    add_session(db, ana, sam, dt.date(2026, 11, 24))
    db.commit()
    decide_alerts(db, ACTOR, THURSDAY, settings("supervision"))
    pending = [a.person_id for a in alerts(db) if a.kind is AlertKind.SUPERVISION_PENDING]
    assert pending == [ben.id]


def test_no_reminder_on_another_weekday(db, frozen_clock):
    supervision_org(db)
    decide_alerts(db, ACTOR, THURSDAY - dt.timedelta(days=1), settings("supervision"))
    assert AlertKind.SUPERVISION_PENDING not in {a.kind for a in alerts(db)}


# -- on-call gaps ---------------------------------------------------------------------------------


def oncall_org(db: Session) -> Person:
    add_user(db, "hr@example.org", Role.HR)
    add_user(db, "admin@example.org", Role.ADMIN, digest=True)
    senior = add_person(db, "Rae Senior", position=Position.SENIOR_CLINICIAN)
    add_licence(db, senior)
    db.commit()
    return senior


def block(db: Session, senior: Person, starts_at: str, ends_at: str):
    return add_block(db, ACTOR, BlockDetails(starts_at, ends_at, senior, "617-555-0100"), ZONE)


def test_an_oncall_gap_is_alerted_once_and_again_when_it_changes(db, frozen_clock):
    senior = oncall_org(db)
    # Everything from Thursday 26 November to 12 December is covered except 12:00-14:00 on
    # Tuesday 1 December (service hours Monday to Friday 08:00-21:00).
    block(db, senior, "2026-11-26T00:00", "2026-12-01T12:00")
    second = block(db, senior, "2026-12-01T14:00", "2026-12-12T00:00")
    db.commit()
    assert decide_alerts(db, ACTOR, THURSDAY, settings("oncall")).alerts == 1
    db.commit()
    (gap,) = alerts(db)
    assert gap.kind is AlertKind.ONCALL_GAP and gap.person_id is None
    assert gap.subject_key == "oncall-gap:2026-12-01T12:00:00-05:00/2026-12-01T14:00:00-05:00"
    assert gap.due_on == dt.date(2026, 12, 1)
    # To admins (the admin chose the digest) and HR.
    assert deliveries(db, gap) == [
        ("admin@example.org", "admin", True),
        ("hr@example.org", "hr", False),
    ]
    for day in (THURSDAY, THURSDAY + dt.timedelta(days=1)):
        assert decide_alerts(db, ACTOR, day, settings("oncall")).alerts == 0

    # The gap changes: the second block now starts at 13:00, so the gap is 12:00-13:00.
    remove_block(db, ACTOR, second.id)
    block(db, senior, "2026-12-01T13:00", "2026-12-12T00:00")
    db.commit()
    assert decide_alerts(db, ACTOR, THURSDAY + dt.timedelta(days=1), settings("oncall")).alerts == 1
    db.commit()
    assert alerts(db)[-1].subject_key.endswith("/2026-12-01T13:00:00-05:00")


def test_only_gaps_in_the_next_14_days_are_alerted(db, frozen_clock):
    senior = oncall_org(db)
    # Covered through Wednesday 9 December (the 14th day); nothing after.
    block(db, senior, "2026-11-26T00:00", "2026-12-10T00:00")
    db.commit()
    assert decide_alerts(db, ACTOR, THURSDAY, settings("oncall")).alerts == 0
    counts = decide_alerts(db, ACTOR, THURSDAY + dt.timedelta(days=1), settings("oncall"))
    assert counts.alerts == 1  # Thursday 10 December is now in the window
    assert alerts(db)[-1].due_on == dt.date(2026, 12, 10)


# -- requirements ---------------------------------------------------------------------------------


def test_requirement_alerts_are_decided_once(db, frozen_clock):
    add_user(db, "hr@example.org", Role.HR)
    ana = add_person(db, "Ana Lima", hire_on=dt.date(2026, 1, 5))
    ensure_catalogue(db, ACTOR, dt.date(2026, 1, 1))
    # A CPR card expiring 15 January 2027: the 60-day warning began on 16 November.
    record_item(
        db,
        ACTOR,
        ana,
        requirement_for(db, "cpr_first_aid", THURSDAY),
        ItemDetails(
            dt.date(2025, 1, 15),
            dt.date(2027, 1, 15),
            "AHA-1",
            VerificationMethod.OTHER,
            "Card seen on the day",
        ),
        None,
        THURSDAY,
    )
    # OIG screening on 31 October, monthly: it expires 30 November; 7 days' warning from the 23rd.
    record_item(
        db,
        ACTOR,
        ana,
        requirement_for(db, "oig_exclusion_screening", THURSDAY),
        ItemDetails(
            dt.date(2026, 10, 31),
            None,
            None,
            VerificationMethod.OTHER,
            "State portal look-up on the day: cleared",
        ),
        None,
        THURSDAY,
    )
    publish_policy(
        db,
        ACTOR,
        requirement_for(db, "code_of_conduct", THURSDAY),
        "Code of conduct",
        "Be kind.",
        dt.date(2026, 11, 1),
        dt.date(2026, 10, 20),
    )
    db.commit()
    assert decide_alerts(db, ACTOR, THURSDAY, settings("requirements")).alerts == 3
    db.commit()
    found = {a.kind: a for a in alerts(db)}
    assert set(found) == {AlertKind.REQUIREMENT_DUE, AlertKind.CHECK_DUE, AlertKind.POLICY_TO_SIGN}
    cpr = found[AlertKind.REQUIREMENT_DUE]
    assert cpr.subject_key == f"person:{ana.id}/requirement:cpr_first_aid"
    assert cpr.due_on == dt.date(2027, 1, 15)
    assert cpr.own_subject == "Your CPR and first aid certification expires in 50 days"
    assert deliveries(db, cpr) == [
        ("ana@example.org", "self", False),
        ("hr@example.org", "hr", True),
    ]
    screening = found[AlertKind.CHECK_DUE]
    assert screening.due_on == dt.date(2026, 11, 30)
    assert deliveries(db, screening) == [("hr@example.org", "hr", True)]
    policy = found[AlertKind.POLICY_TO_SIGN]
    assert deliveries(db, policy) == [
        ("ana@example.org", "self", False),
        ("hr@example.org", "hr", True),
    ]
    for day in (THURSDAY, THURSDAY + dt.timedelta(days=1)):
        assert decide_alerts(db, ACTOR, day, settings("requirements")).alerts == 0
    # On 30 November the screening lapses: that is new.
    lapsed = decide_alerts(db, ACTOR, dt.date(2026, 11, 30), settings("requirements"))
    assert lapsed.alerts == 1
    assert alerts(db)[-1].kind is AlertKind.REQUIREMENT_LAPSED


# -- the cost of deciding -------------------------------------------------------------------------


def add_team(db: Session, supervisor: Person, number: int, first: int) -> None:
    for index in range(first, first + number):
        mentor = add_person(
            db, f"Mentor {index:03}", supervisor=supervisor, email=f"m{index}@example.org"
        )
        add_session(db, mentor, supervisor, dt.date(2026, 11, 9))
        add_session(db, mentor, supervisor, dt.date(2026, 11, 17))
    db.flush()


def test_deciding_every_family_costs_the_same_number_of_queries_for_5_or_120_mentors(
    db, frozen_clock, count_queries
):
    add_user(db, "hr@example.org", Role.HR)
    add_user(db, "admin@example.org", Role.ADMIN)
    sam = add_person(db, "Sam Okafor", position=Position.LICENSED_CLINICIAN)
    add_licence(db, sam, dt.date(2020, 1, 1), dt.date(2026, 11, 12))  # lapsed before the 17th
    senior = add_person(db, "Rae Senior", position=Position.SENIOR_CLINICIAN)
    add_licence(db, senior)
    block(db, senior, "2026-11-26T00:00", "2026-12-01T12:00")
    ensure_catalogue(db, ACTOR, dt.date(2026, 1, 1))
    publish_policy(
        db,
        ACTOR,
        requirement_for(db, "code_of_conduct", THURSDAY),
        "Code of conduct",
        "Be kind.",
        dt.date(2026, 11, 1),
        dt.date(2026, 10, 20),
    )
    add_team(db, sam, 5, 0)
    db.commit()
    with count_queries() as few:
        small = decide_alerts(db, ACTOR, THURSDAY, settings())
    db.rollback()
    add_team(db, sam, 115, 5)
    db.commit()
    with count_queries() as many:
        large = decide_alerts(db, ACTOR, THURSDAY, settings())
    assert large.alerts > 5 * 115 > small.alerts > 5 * 5
    # Constant in the number of mentors: the old families (13) plus the weekly rule's loads,
    # recent sessions and their licences, the roster's coverage, the compliance matrix (with
    # position history and clinicians' licences), the newest policy versions and their
    # signatures, and the inserts.
    assert many.count == few.count <= 37, many.statements


# -- the demo -------------------------------------------------------------------------------------


def test_the_demo_shows_every_kind_of_alert(app, runner, db):
    """``lms demo`` then ``lms alerts run --dry-run``: the demo holds data for each alert (the
    supervision reminder only on its weekday, so the run is as of the coming reminder day)."""
    from lms import clock

    assert runner.invoke(args=["demo"]).exit_code == 0
    today = clock.today()
    reminder_day = today + dt.timedelta(days=(3 - today.weekday()) % 7)  # Thursday
    kinds = set()
    for day in (today, reminder_day):
        result = runner.invoke(args=["alerts", "run", "--dry-run", "--as-of", day.isoformat()])
        assert result.exit_code == 0, result.output
        kinds |= {
            line.split("[", 1)[1].split(",", 1)[0]
            for line in result.output.splitlines()
            if line.startswith("  ") and "[" in line and ", threshold" in line
        }
    assert {
        "licence_expiring",
        "supervision_missed",
        "unlicensed_supervision",
        "oncall_gap",
        "requirement_due",
        "check_due",
        "requirement_lapsed",
        "policy_to_sign",
    } <= kinds
    assert "supervision_pending" in kinds or reminder_day == today


def test_hr_changing_the_digest_choice_keeps_the_rules_routing(db, frozen_clock):
    from lms.alerts.operations import set_alert_digest

    hr, *_ = supervision_org(db)
    decide_alerts(db, ACTOR, THURSDAY, settings("supervision"))
    db.commit()

    def routing() -> dict[AlertKind, set[bool]]:
        found: dict[AlertKind, set[bool]] = {}
        for alert in alerts(db):
            for key, _role, digest in deliveries(db, alert):
                if key == "hr@example.org":
                    found.setdefault(alert.kind, set()).add(digest)
        return found

    expected = {
        AlertKind.SUPERVISION_MISSED: {True},  # always the digest
        AlertKind.UNLICENSED_SUPERVISION: {False},  # always at once
    }
    assert routing() == expected
    for choice in (True, False):
        assert set_alert_digest(db, ACTOR, hr, choice)
        db.commit()
        assert routing() == expected
