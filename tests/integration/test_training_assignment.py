"""Training is assigned when the hire, rehire or import happens, dated by those events, whether
or not the person has an account; the daily job opens renewals dated by the window's opening.
Every view answers from the same history, so the list, the dashboard and the open cycle agree.

Expected dates are worked from the policy: initial training due 30 days after hire, the renewal
window opening 90 days before expiry, a completion before the window earning a year from itself.
"""

import datetime as dt

import pytest
from sqlalchemy import select

from lms.actor import Actor
from lms.compliance.queries import mentor_records
from lms.compliance.rules import state_on as dashboard_state_on
from lms.curriculum.loader import load_edition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.staff.models import Position, StaffStatus
from lms.staff.operations import PersonDetails, create_person, update_person
from lms.training.models import CycleKind, TrainingCycle
from lms.training.operations import TrainingSettings, assign_due_cycles, record_imported_completion
from lms.training.queries import training_history
from lms.training.rules import CyclePolicy, TrainingStatus, state_on
from tests.support.editions import Folder
from tests.support.factories import person_details

SETTINGS = TrainingSettings(CyclePolicy(30, 90), "demo", 0, dt.timedelta(minutes=5))
ACTOR = Actor(None, "test")
TIMEZONE = "America/New_York"


@pytest.fixture(autouse=True)
def demo_curriculum(monkeypatch):
    # Hires announce an event; its reaction reads the LMS_* settings like the app does.
    monkeypatch.setenv("LMS_CURRICULUM", "demo")
    monkeypatch.setenv("LMS_INITIAL_TRAINING_DAYS", "30")
    monkeypatch.setenv("LMS_RENEWAL_WINDOW_DAYS", "90")


@pytest.fixture
def edition(db, tmp_path):
    loaded, problems = load_edition(Folder(tmp_path / "demo" / "2030").path)
    assert not problems
    published, _ = publish_edition(db, ACTOR, plan_publication(db, loaded, {}))
    return published


def details(**changes) -> PersonDetails:
    values = {
        "legal_name": "Alex Romero",
        "date_of_birth": dt.date(1998, 2, 2),
        "position": Position.THERAPEUTIC_MENTOR,
        "status": StaffStatus.ACTIVE,
        "hire_on": dt.date(2030, 1, 6),
    }
    values.update(changes)
    return person_details(**values)


def cycles(db, person):
    return list(
        db.execute(
            select(TrainingCycle)
            .where(TrainingCycle.person_id == person.id)
            .order_by(TrainingCycle.id)
        ).scalars()
    )


def test_a_hire_assigns_the_initial_cycle_dated_by_the_hire(db, edition):
    # Recorded on 5 February for a hire on 6 January; the mentor has no sign-in account.
    person = create_person(db, ACTOR, details(), dt.date(2030, 2, 5))
    assert person.user_id is None
    [cycle] = cycles(db, person)
    assert (cycle.kind, cycle.assigned_on, cycle.due_on) == (
        CycleKind.INITIAL,
        dt.date(2030, 1, 6),
        dt.date(2030, 2, 5),
    )
    assert cycle.is_open and cycle.edition_id == edition.id


def test_a_candidate_gets_no_training_until_hired(db, edition):
    person = create_person(
        db, ACTOR, details(status=StaffStatus.CANDIDATE, hire_on=None), dt.date(2030, 1, 2)
    )
    assert cycles(db, person) == []
    update_person(db, ACTOR, person, details(), dt.date(2030, 1, 6))
    [cycle] = cycles(db, person)
    assert cycle.assigned_on == dt.date(2030, 1, 6)


def test_a_rehire_assigns_a_new_cycle_and_every_view_tells_the_same_story(db, edition):
    person = create_person(db, ACTOR, details(), dt.date(2030, 1, 6))
    update_person(
        db,
        ACTOR,
        person,
        details(status=StaffStatus.SEPARATED, separated_on=dt.date(2030, 3, 1)),
        dt.date(2030, 3, 1),
    )
    update_person(db, ACTOR, person, details(hire_on=dt.date(2030, 6, 1)), dt.date(2030, 6, 1))
    first, second = cycles(db, person)
    assert first.withdrawn_on is not None  # left unfinished by the first employment
    assert (second.kind, second.assigned_on, second.due_on) == (
        CycleKind.INITIAL,
        dt.date(2030, 6, 1),
        dt.date(2030, 7, 1),
    )
    # On 15 July the rehired mentor is overdue (due 1 July) — on his own training history,
    # on the dashboard, and with an open cycle to act on, due that same day.
    today = dt.date(2030, 7, 15)
    mine = state_on(training_history(db, person.id, TIMEZONE), today, SETTINGS.policy)
    [record] = [
        r for r in mentor_records(db, today, today, timezone=TIMEZONE) if r.person_id == person.id
    ]
    dashboard = dashboard_state_on(record, today, SETTINGS.policy)
    assert mine == dashboard
    assert mine.status is TrainingStatus.OVERDUE
    assert mine.due_on == second.due_on == dt.date(2030, 7, 1)


def test_an_import_closes_the_initial_cycle_and_the_daily_job_opens_the_renewal(db, edition):
    person = create_person(db, ACTOR, details(), dt.date(2030, 1, 6))
    record_imported_completion(
        db, ACTOR, person, dt.date(2030, 1, 20), "paper record", dt.date(2030, 2, 1), SETTINGS
    )
    initial, imported = cycles(db, person)
    assert initial.withdrawn_on == dt.date(2030, 2, 1)  # the import answers for it
    assert imported.expires_on == dt.date(2031, 1, 20)
    # The renewal window opens 90 days before 2031-01-20: on 2030-10-22.
    assert assign_due_cycles(db, dt.date(2030, 10, 21), SETTINGS) == 0
    assert assign_due_cycles(db, dt.date(2030, 11, 2), SETTINGS) == 1
    renewal = cycles(db, person)[-1]
    assert (renewal.kind, renewal.assigned_on, renewal.due_on) == (
        CycleKind.ANNUAL,
        dt.date(2030, 10, 22),
        dt.date(2031, 1, 20),
    )
    assert assign_due_cycles(db, dt.date(2030, 11, 3), SETTINGS) == 0  # already open
