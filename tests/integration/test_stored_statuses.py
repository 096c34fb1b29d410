"""The stored statuses equal what the rules answer, for every person on every day asked.

A seeded random history — hires, rehires, separations, corrected dates, imported completions,
module activity, credentials and jobs added and verified, identity verified, dates of birth
changed — is built through the operations, committing as the app would. Then for many days the
SQL answers (``training_status_is``, ``eligibility_is`` and the stored dates) are compared with
the rules themselves (``state_on``, ``evaluate``) run on the same records.
"""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.compliance.rules import expires_within
from lms.curriculum.loader import load_edition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.eligibility.models import EducationCredential, EligibilityStatusPeriod
from lms.eligibility.operations import (
    CredentialDetails,
    ExperienceDetails,
    add_credential,
    add_experience,
    verify_fact,
)
from lms.eligibility.queries import eligibility_is
from lms.eligibility.rules import CredentialLevel, EligibilityStatus, Population
from lms.eligibility.snapshot import evaluate_person
from lms.staff.models import Person, Position, StaffStatus, VerificationMethod
from lms.staff.operations import PersonDetails, create_person, update_person, verify_identity
from lms.staff.queries import people_with_facts_by_id, person_with_facts, something_unverified
from lms.statuses.operations import StatusSettings, differences, rebuild
from lms.statuses.tracking import pending
from lms.tallies.queries import counts_on
from lms.tallies.rules import EXPIRING_WITHIN_DAYS
from lms.training.models import TrainingCycle, TrainingStatusPeriod
from lms.training.operations import (
    TrainingSettings,
    open_module,
    record_imported_completion,
)
from lms.training.queries import period_covers, training_histories, training_status_is
from lms.training.rules import (
    CyclePolicy,
    TrainingHistory,
    TrainingStatus,
    state_on,
)
from lms.validation import InvalidInput
from tests.support.editions import Folder
from tests.support.factories import attach_document

POLICY = CyclePolicy(30, 90)
SETTINGS = TrainingSettings(POLICY, "demo", 0, dt.timedelta(minutes=5))
STATUS_SETTINGS = StatusSettings(POLICY, "America/New_York")
ACTOR = Actor(None, "test")
PEOPLE = 14
STEPS = 250


@pytest.fixture(autouse=True)
def demo_curriculum(monkeypatch):
    monkeypatch.setenv("LMS_CURRICULUM", "demo")
    monkeypatch.setenv("LMS_INITIAL_TRAINING_DAYS", "30")
    monkeypatch.setenv("LMS_RENEWAL_WINDOW_DAYS", "90")


@pytest.fixture
def edition(db, tmp_path):
    loaded, problems = load_edition(Folder(tmp_path / "demo" / "2030").path)
    assert not problems
    published, _ = publish_edition(db, ACTOR, plan_publication(db, loaded, {}))
    db.commit()
    return published


def _details(person: Person, **changes) -> PersonDetails:
    values = {
        "legal_name": person.legal_name,
        "date_of_birth": person.date_of_birth,
        "position": person.position,
        "status": person.status,
        "hire_on": person.hire_on,
        "separated_on": person.separated_on,
    }
    values.update(changes)
    return PersonDetails(**values)


def _step(db, rng: random.Random, person: Person, today: dt.date) -> None:
    """One random thing that happens to ``person`` on ``today``."""
    choice = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9])
    if choice == 0 and person.status is not StaffStatus.ACTIVE:  # hire or rehire
        after = person.separated_on or person.hire_on or today - dt.timedelta(days=400)
        hire_on = min(today, after + dt.timedelta(days=rng.randint(1, 200)))
        update_person(
            db,
            ACTOR,
            person,
            _details(person, status=StaffStatus.ACTIVE, hire_on=hire_on, separated_on=None),
            today,
        )
    elif choice == 1 and person.status is StaffStatus.ACTIVE:  # separation
        left = person.hire_on + dt.timedelta(days=rng.randint(0, 500))
        update_person(
            db,
            ACTOR,
            person,
            _details(person, status=StaffStatus.SEPARATED, separated_on=min(left, today)),
            today,
        )
    elif choice == 2 and person.status is StaffStatus.ACTIVE:  # the hire date corrected
        moved = person.hire_on + dt.timedelta(days=rng.randint(-40, 40))
        update_person(db, ACTOR, person, _details(person, hire_on=min(moved, today)), today)
    elif choice in (3, 4) and person.status is StaffStatus.ACTIVE:  # a completion imported
        day = person.hire_on + dt.timedelta(days=rng.randint(0, 800))
        if day <= today:
            record_imported_completion(db, ACTOR, person, day, "old records", today, SETTINGS)
    elif choice == 5:  # module activity in the open cycle
        cycle = db.execute(
            select(TrainingCycle).where(
                TrainingCycle.person_id == person.id,
                TrainingCycle.completed_on.is_(None),
                TrainingCycle.withdrawn_on.is_(None),
            )
        ).scalar_one_or_none()
        if cycle is not None and cycle.edition_id is not None:
            open_module(db, cycle, 1, 0, SETTINGS)
    elif choice == 6:  # a credential
        add_credential(
            db,
            ACTOR,
            person,
            CredentialDetails(
                level=rng.choice(
                    [
                        CredentialLevel.HIGH_SCHOOL,
                        CredentialLevel.ASSOCIATE,
                        CredentialLevel.BACHELOR,
                    ]
                ),
                institution="State College",
                conferred_on=today - dt.timedelta(days=rng.randint(0, 3000)),
                accredited=rng.random() < 0.8,
                field_of_study="Psychology",
                human_services_basis=None if rng.random() < 0.3 else _judgement(),
                human_services_justification="Psychology studies human behaviour and services.",
            ),
            today,
        )
    elif choice == 7:  # a job
        start = today - dt.timedelta(days=rng.randint(0, 2500))
        end = None if rng.random() < 0.4 else start + dt.timedelta(days=rng.randint(30, 1500))
        add_experience(
            db,
            ACTOR,
            person,
            ExperienceDetails(
                employer="Youth Services",
                role="Counsellor",
                start_on=start,
                end_on=end if end is None or end <= today else None,
                hours_per_week=Decimal(rng.choice([10, 20, 40])),
                population=rng.choice(list(Population)),
                target_population=rng.random() < 0.5,
            ),
            today,
        )
    elif choice == 8:  # identity or a fact verified
        unverified = [
            f for f in (*person.credentials, *person.experiences) if f.verified_at is None
        ]
        if person.identity_verified_at is None and (not unverified or rng.random() < 0.5):
            attach_document(db, person, None)
            verify_identity(db, ACTOR, person, VerificationMethod.GOVERNMENT_ID, None, today)
        elif unverified:
            fact = rng.choice(unverified)
            attach_document(db, person, fact)
            method = (
                VerificationMethod.TRANSCRIPT
                if isinstance(fact, EducationCredential)
                else VerificationMethod.EMPLOYER_REFERENCE
            )
            verify_fact(db, ACTOR, person, fact, method, None, today)
    elif choice == 9 and rng.random() < 0.3:  # the date of birth corrected
        born = person.date_of_birth + dt.timedelta(days=rng.randint(-900, 900))
        update_person(db, ACTOR, person, _details(person, date_of_birth=born), today)


def _qualify(db, person: Person, today: dt.date) -> None:
    """Someone who meets the bachelor's pathway on verified facts once old enough."""
    credential = add_credential(
        db,
        ACTOR,
        person,
        CredentialDetails(
            level=CredentialLevel.BACHELOR,
            institution="State College",
            conferred_on=dt.date(2019, 5, 20),
            accredited=True,
            field_of_study="Psychology",
            human_services_basis=_judgement(),
            human_services_justification="Psychology studies human behaviour and services.",
        ),
        today,
    )
    job = add_experience(
        db,
        ACTOR,
        person,
        ExperienceDetails(
            employer="Youth Services",
            role="Counsellor",
            start_on=dt.date(2019, 6, 1),
            end_on=None,
            hours_per_week=Decimal(40),
            population=Population.YOUTH,
            target_population=True,
        ),
        today,
    )
    for fact, method in (
        (credential, VerificationMethod.TRANSCRIPT),
        (job, VerificationMethod.EMPLOYER_REFERENCE),
    ):
        attach_document(db, person, fact)
        verify_fact(db, ACTOR, person, fact, method, None, today)
    attach_document(db, person, None)
    verify_identity(db, ACTOR, person, VerificationMethod.GOVERNMENT_ID, None, today)


def _judgement():
    from lms.eligibility.models import HumanServicesBasis

    return HumanServicesBasis.JUDGEMENT


def _history(db, rng: random.Random) -> tuple[list[int], dt.date, dt.date]:
    start = dt.date(2022, 1, 3)
    people = []
    for index in range(PEOPLE):
        hired = rng.random() < 0.7
        people.append(
            create_person(
                db,
                ACTOR,
                PersonDetails(
                    legal_name=f"Mentor {index:02d}",
                    date_of_birth=dt.date(1990 + rng.randint(0, 14), rng.randint(1, 12), 1),
                    position=Position.THERAPEUTIC_MENTOR if rng.random() < 0.85 else Position.OTHER,
                    status=StaffStatus.ACTIVE if hired else StaffStatus.CANDIDATE,
                    hire_on=start - dt.timedelta(days=rng.randint(0, 700)) if hired else None,
                ),
                start,
            )
        )
    db.commit()
    _qualify(db, people[0], start)
    db.commit()
    today = start
    for _ in range(STEPS):
        today += dt.timedelta(days=rng.randint(0, 20))
        person = person_with_facts(db, rng.choice(people).id)
        try:
            with db.begin_nested():
                _step(db, rng, person, today)
        except InvalidInput:
            pass  # a refused change writes nothing, as on a page
        db.commit()
    assert not pending(db)
    return [p.id for p in people], start - dt.timedelta(days=800), today + dt.timedelta(days=900)


def _sql_training(db, day):
    return {
        status: set(db.execute(select(Person.id).where(training_status_is(status, day))).scalars())
        for status in TrainingStatus
    }


def _stored_dates(db, day):
    return {
        row.person_id: (row.due_on, row.expires_on, row.window_opens_on, row.last_completed_on)
        for row in db.execute(select(TrainingStatusPeriod).where(*period_covers(day))).scalars()
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_statuses_equal_the_rules_over_a_random_history(db, edition, seed):
    rng = random.Random(seed)
    person_ids, first, last = _history(db, rng)
    histories = training_histories(db, person_ids, STATUS_SETTINGS.timezone)
    people = people_with_facts_by_id(db, person_ids)
    statuses_now = {person.id: person.status for person in people}
    days = {first + dt.timedelta(days=rng.randint(0, (last - first).days)) for _ in range(60)}
    days |= {p.hire_on for p in people if p.hire_on} | {dt.date.today()}
    # Each side of the day on which expiring training starts to count as expiring soon.
    expiries = db.execute(select(TrainingStatusPeriod.expires_on).distinct()).scalars()
    for expires_on in {day for day in expiries if day is not None}:
        days |= {expires_on - dt.timedelta(days=EXPIRING_WITHIN_DAYS + extra) for extra in (0, 1)}
    seen = set()
    for day in sorted(days):
        by_status = _sql_training(db, day)
        seen |= {status for status, ids in by_status.items() if ids}
        dates = _stored_dates(db, day)
        expected_counts: Counter[str] = Counter()
        expected_active: Counter[str] = Counter()
        for person_id in person_ids:
            state = state_on(histories.get(person_id, TrainingHistory(())), day, POLICY)
            if state is not None:
                expected_counts[state.status.value] += 1
                if statuses_now[person_id] is StaffStatus.ACTIVE:
                    expected_active[state.status.value] += 1
            found = [s for s, ids in by_status.items() if person_id in ids]
            assert found == ([state.status] if state else []), (person_id, day)
            if state is not None:
                assert dates[person_id] == (
                    state.due_on,
                    state.expires_on,
                    state.window_opens_on,
                    state.last_completed_on,
                ), (person_id, day)
        # The counters add up to the same counts, for everyone and for active staff only.
        assert counts_on(db, "training", day) == expected_counts, day
        assert counts_on(db, "training", day, staff_statuses={"active"}) == expected_active
        # Training valid and expiring within the counters' horizon: the rule's own test.
        expiring = sum(
            1
            for person_id in person_ids
            if (state := state_on(histories.get(person_id, TrainingHistory(())), day, POLICY))
            and expires_within(state, day, EXPIRING_WITHIN_DAYS)
        )
        assert counts_on(db, "training_expiring", day)["expiring"] == expiring, day
        eligibility_counts: Counter[str] = Counter()
        for person in people:
            result = evaluate_person(person, day) if day >= person.date_of_birth else None
            if result is not None:
                eligibility_counts[result.status.value] += 1
            stored = [
                status
                for status in EligibilityStatus
                if db.execute(
                    select(Person.id).where(
                        Person.id == person.id, eligibility_is(status, day, Person.id)
                    )
                ).first()
            ]
            assert stored == ([result.status] if result else []), (person.id, day)
            seen |= set(stored)
        assert counts_on(db, "eligibility", day) == eligibility_counts, day
    # The history reaches the statuses worth checking (in progress needs today's activity).
    assert seen >= set(TrainingStatus) - {TrainingStatus.IN_PROGRESS} | {
        EligibilityStatus.NOT_ELIGIBLE,
        EligibilityStatus.PROVISIONAL,
        EligibilityStatus.ELIGIBLE,
    }, seen
    # Who has something to verify, counted by the counters as the SQL condition finds them.
    for staff_statuses in (None, {"active"}, {"candidate", "active"}):
        found = counts_on(
            db, "verification", dt.date.max, staff_statuses=staff_statuses, statuses={"to_verify"}
        )
        conditions = [something_unverified()]
        if staff_statuses is not None:
            conditions.append(Person.status.in_(sorted(staff_statuses)))
        expected = db.execute(select(func.count()).select_from(Person).where(*conditions))
        assert found["to_verify"] == expected.scalar_one()
    assert list(differences(db, STATUS_SETTINGS)) == []


def test_verify_finds_a_changed_row_and_rebuild_repairs_it(db, edition):
    _history(db, random.Random(7))
    row = db.execute(select(TrainingStatusPeriod).limit(1)).scalar_one()
    row.due_on += dt.timedelta(days=1)
    db.delete(db.execute(select(EligibilityStatusPeriod).limit(1)).scalar_one())
    db.flush()
    found = list(differences(db, STATUS_SETTINGS))
    assert {(d.person_id, d.field) for d in found} >= {(row.person_id, "training")}
    assert {d.field for d in found if d.person_id} == {"training", "eligibility"}
    # The deleted period is still counted by the counters: they disagree with the periods left.
    assert next(d.field.split()[:2] for d in found if not d.person_id) == ["tally", "eligibility"]
    rebuild(db, STATUS_SETTINGS)
    assert list(differences(db, STATUS_SETTINGS)) == []


def test_the_status_commands(db, edition, runner):
    _history(db, random.Random(11))
    result = runner.invoke(args=["status", "verify"])
    assert (result.exit_code, result.output) == (0, "Every stored status agrees with the rules.\n")
    row = (
        db.execute(select(TrainingStatusPeriod).order_by(TrainingStatusPeriod.id)).scalars().first()
    )
    row.status = (
        TrainingStatus.COMPLIANT
        if row.status is not TrainingStatus.COMPLIANT
        else (TrainingStatus.LAPSED)
    )
    person_id = row.person_id
    db.commit()
    result = runner.invoke(args=["status", "verify"])
    assert result.exit_code == 1
    header, line, *tallies = result.stdout.splitlines()
    assert header == "person_id,field,stored,recomputed"
    assert line.startswith(f"{person_id},training,")
    # The counters still count the row's old status: they differ from what the periods add up to.
    assert tallies and all(t.startswith("0,tally training ") for t in tallies)
    result = runner.invoke(args=["status", "rebuild"])
    assert result.exit_code == 0 and "Recomputed the stored statuses of" in result.output
    assert runner.invoke(args=["status", "verify"]).exit_code == 0
