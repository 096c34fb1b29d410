"""Taking training against the database: assignment, study time, attempts, attestation,
completing and renewing a cycle."""

import datetime as dt
import random

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.curriculum.loader import load_edition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.staff.models import Position, StaffStatus
from lms.staff.operations import create_person
from lms.training.models import Attestation, CycleKind, KnowledgeCheckAttempt, TrainingCycle
from lms.training.operations import (
    TrainingSettings,
    attest,
    ensure_current_cycle,
    open_module,
    record_imported_completion,
    start_attempt,
    submit_attempt,
)
from lms.training.queries import edition_modules
from lms.training.quiz import correct_choice
from lms.training.rules import CyclePolicy
from lms.validation import InvalidInput
from tests.support.editions import Folder
from tests.support.factories import person_details

SETTINGS = TrainingSettings(CyclePolicy(30, 90), "demo", 0, dt.timedelta(minutes=5))
HIRED = dt.date(2030, 1, 6)
ACTOR = Actor(None, "test")


@pytest.fixture
def edition(db, tmp_path):
    loaded, problems = load_edition(Folder(tmp_path / "demo" / "2030").path)
    assert not problems
    published, _ = publish_edition(db, ACTOR, plan_publication(db, loaded, {}))
    return published


@pytest.fixture
def mentor(db):
    return create_person(
        db,
        ACTOR,
        person_details(
            "Rosa María Díaz",
            preferred_name="Rosa",
            date_of_birth=dt.date(1999, 5, 5),
            position=Position.THERAPEUTIC_MENTOR,
            status=StaffStatus.ACTIVE,
            hire_on=HIRED,
        ),
        HIRED,
    )


def answers_for(attempt, module, right=True):
    questions = {q["id"]: q for q in module.questions}
    answers = {}
    for item in attempt.paper:
        correct = correct_choice(questions[item["id"]])
        answers[item["id"]] = (
            sorted(correct) if right else [next(o for o in item["options"] if o not in correct)]
        )
    return answers


def complete_module(db, mentor, cycle, position, day):
    module, progress = open_module(db, cycle, position, 0, SETTINGS)
    attempt = start_attempt(db, ACTOR, progress, SETTINGS, random.Random(position))
    submit_attempt(db, ACTOR, attempt, answers_for(attempt, module), 75)
    attest(db, ACTOR, mentor, cycle, progress, "rosa maría  díaz", day, SETTINGS)


def test_initial_cycle_is_assigned_once_with_its_due_date(db, mentor, edition):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    assert cycle.kind is CycleKind.INITIAL
    assert cycle.due_on == dt.date(2030, 2, 5)
    assert cycle.edition_id == edition.id
    assert ensure_current_cycle(db, mentor, HIRED, SETTINGS).id == cycle.id


def test_no_assignment_before_any_edition_is_published(db, mentor):
    assert ensure_current_cycle(db, mentor, HIRED, SETTINGS) is None  # nothing published


def test_completing_every_module_completes_the_cycle_with_a_year_of_validity(db, mentor, edition):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    complete_module(db, mentor, cycle, 1, dt.date(2030, 1, 20))
    assert cycle.completed_on is None
    complete_module(db, mentor, cycle, 2, dt.date(2030, 1, 28))
    assert cycle.completed_on == dt.date(2030, 1, 28)
    assert cycle.expires_on == dt.date(2031, 1, 28)
    # Nothing new before the renewal window opens (2030-10-30), the annual cycle after.
    assert ensure_current_cycle(db, mentor, dt.date(2030, 10, 29), SETTINGS) is None
    annual = ensure_current_cycle(db, mentor, dt.date(2030, 10, 30), SETTINGS)
    assert annual.kind is CycleKind.ANNUAL
    assert annual.due_on == dt.date(2031, 1, 28)
    complete_module(db, mentor, annual, 1, dt.date(2030, 12, 1))
    complete_module(db, mentor, annual, 2, dt.date(2030, 12, 1))
    assert annual.expires_on == dt.date(2032, 1, 28)  # the anniversary is kept


def test_failed_then_passed_attempts_are_all_kept(db, mentor, edition):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    module, progress = open_module(db, cycle, 1, 0, SETTINGS)
    first = start_attempt(db, ACTOR, progress, SETTINGS, random.Random(1))
    assert start_attempt(db, ACTOR, progress, SETTINGS, random.Random(2)).id == first.id
    submit_attempt(db, ACTOR, first, answers_for(first, module, right=False), 75)
    assert first.passed is False
    with pytest.raises(InvalidInput, match="Pass the knowledge check"):
        attest(db, ACTOR, mentor, cycle, progress, "Rosa María Díaz", HIRED, SETTINGS)
    second = start_attempt(db, ACTOR, progress, SETTINGS, random.Random(3))
    assert second.number == 2
    submit_attempt(db, ACTOR, second, answers_for(second, module), 75)
    assert second.passed and progress.passed_at is not None
    count = db.execute(select(func.count()).select_from(KnowledgeCheckAttempt)).scalar_one()
    assert count == 2


def test_resubmitting_changes_nothing(db, mentor, edition):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    module, progress = open_module(db, cycle, 1, 0, SETTINGS)
    attempt = start_attempt(db, ACTOR, progress, SETTINGS, random.Random(1))
    _, first = submit_attempt(db, ACTOR, attempt, answers_for(attempt, module, right=False), 75)
    _, again = submit_attempt(db, ACTOR, attempt, answers_for(attempt, module), 75)
    assert (first, again) == (True, False)
    assert attempt.passed is False


def test_tampered_answers_are_refused(db, mentor, edition):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    _module, progress = open_module(db, cycle, 1, 0, SETTINGS)
    attempt = start_attempt(db, ACTOR, progress, SETTINGS, random.Random(1))
    with pytest.raises(InvalidInput):
        submit_attempt(db, ACTOR, attempt, {"q99": ["a"]}, 75)
    with pytest.raises(InvalidInput):
        submit_attempt(db, ACTOR, attempt, {attempt.paper[0]["id"]: ["z"]}, 75)
    assert attempt.submitted_at is None


def test_attempt_cap(db, mentor, edition):
    capped = TrainingSettings(SETTINGS.policy, "demo", 1, SETTINGS.study_time_cap)
    cycle = ensure_current_cycle(db, mentor, HIRED, capped)
    module, progress = open_module(db, cycle, 1, 0, capped)
    attempt = start_attempt(db, ACTOR, progress, capped, random.Random(1))
    submit_attempt(db, ACTOR, attempt, answers_for(attempt, module, right=False), 75)
    with pytest.raises(InvalidInput, match="every attempt allowed"):
        start_attempt(db, ACTOR, progress, capped, random.Random(2))


def test_attestation_needs_the_persons_name(db, mentor, edition):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    module, progress = open_module(db, cycle, 1, 0, SETTINGS)
    attempt = start_attempt(db, ACTOR, progress, SETTINGS, random.Random(1))
    submit_attempt(db, ACTOR, attempt, answers_for(attempt, module), 75)
    with pytest.raises(InvalidInput) as raised:
        attest(db, ACTOR, mentor, cycle, progress, "Someone Else", HIRED, SETTINGS)
    assert raised.value.field == "typed_name"
    signed = attest(db, ACTOR, mentor, cycle, progress, "Rosa Díaz", HIRED, SETTINGS)
    assert signed.module_version_id == module.id
    assert db.execute(select(func.count()).select_from(Attestation)).scalar_one() == 1


def test_study_time_is_capped_between_page_views(db, mentor, edition, frozen_clock):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    _, progress = open_module(db, cycle, 1, 0, SETTINGS)
    frozen_clock.advance(minutes=3)
    open_module(db, cycle, 1, 1, SETTINGS)
    frozen_clock.advance(hours=2)  # left the tab open
    open_module(db, cycle, 1, 0, SETTINGS)
    assert progress.seconds_spent == 3 * 60 + 5 * 60
    assert (progress.current_section, progress.furthest_section) == (0, 1)


def test_a_module_outside_the_edition_is_refused(db, mentor, edition):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    assert len(edition_modules(db, edition.id)) == 2
    with pytest.raises(InvalidInput):
        open_module(db, cycle, 3, 0, SETTINGS)


def test_imported_completion_counts_and_says_so(db, mentor, edition):
    cycle = record_imported_completion(
        db,
        ACTOR,
        mentor,
        dt.date(2030, 2, 1),
        "Paper sign-in sheet",
        dt.date(2030, 6, 1),
        SETTINGS,
    )
    assert cycle.imported and cycle.expires_on == dt.date(2031, 2, 1)
    assert ensure_current_cycle(db, mentor, dt.date(2030, 6, 1), SETTINGS) is None
    with pytest.raises(InvalidInput):
        record_imported_completion(db, ACTOR, mentor, dt.date(2029, 1, 1), "", HIRED, SETTINGS)
    count = db.execute(select(func.count()).select_from(TrainingCycle)).scalar_one()
    assert count == 1


def test_a_reset_gives_a_fresh_allowance_and_keeps_the_old_attempts(
    db, mentor, edition, frozen_clock
):
    from lms.training.operations import reset_attempts

    capped = TrainingSettings(SETTINGS.policy, "demo", 1, SETTINGS.study_time_cap)
    cycle = ensure_current_cycle(db, mentor, HIRED, capped)
    module, progress = open_module(db, cycle, 1, 0, capped)
    first = start_attempt(db, ACTOR, progress, capped, random.Random(1))
    submit_attempt(db, ACTOR, first, answers_for(first, module, right=False), 75)
    frozen_clock.advance(minutes=1)
    reset_attempts(db, ACTOR, progress)
    frozen_clock.advance(minutes=1)
    second = start_attempt(db, ACTOR, progress, capped, random.Random(2))
    assert second.number == 2


def test_a_rehire_starts_a_new_initial_cycle_and_closes_the_old_one(db, mentor, edition):
    from lms.staff.operations import update_person

    old = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    rehired_on = dt.date(2031, 3, 2)
    update_person(
        db,
        ACTOR,
        mentor,
        person_details(
            mentor.legal_name,
            preferred_name=mentor.preferred_name,
            date_of_birth=mentor.date_of_birth,
            position=Position.THERAPEUTIC_MENTOR,
            status=StaffStatus.ACTIVE,
            hire_on=rehired_on,
        ),
        rehired_on,
    )
    new = ensure_current_cycle(db, mentor, rehired_on, SETTINGS)
    assert new.id != old.id
    assert (new.kind, new.due_on) == (CycleKind.INITIAL, dt.date(2031, 4, 1))
    assert old.withdrawn_on == rehired_on and old.completed_on is None
    with pytest.raises(InvalidInput, match="earlier employment"):
        open_module(db, old, 1, 0, SETTINGS)
