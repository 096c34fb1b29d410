"""A doubled request gets the same answer as a single one: every "create if absent" at once.

First views of a module, knowledge-check starts, signatures, training-area records and
corrections of a supervision session, each fired as a simultaneous pair.

Two threads, each with its own connection and transaction, as two app servers would be. Runs
only on PostgreSQL (SQLite has one writer at a time), in a scratch database of its own.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms import clock
from lms.curriculum.loader import load_edition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.db import make_engine
from lms.migrate import upgrade
from lms.staff.models import Person, StaffStatus
from lms.training import operations
from lms.training.models import Attestation, KnowledgeCheckAttempt, ModuleProgress, TrainingCycle
from lms.training.operations import attest, open_module, start_attempt
from tests.integration.test_certificate_concurrency import ACTOR, DAY, TIMEOUT, mentor_with_cycle
from tests.integration.test_training_operations import SETTINGS
from tests.support.databases import configured_url, scratch_database
from tests.support.editions import Folder
from tests.support.factories import person_details


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    url = configured_url()
    if url is None or url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL (set LMS_TEST_DATABASE_URL): SQLite allows one writer")
    with scratch_database(url, "training_races") as scratch_url:
        engine = make_engine(scratch_url)
        upgrade(engine)
        with Session(engine) as session:
            loaded, problems = load_edition(
                Folder(tmp_path_factory.mktemp("t") / "demo" / "2030").path
            )
            assert not problems
            publish_edition(session, ACTOR, plan_publication(session, loaded, {}))
            session.commit()
        yield engine
        engine.dispose()


def run_pair(engine, work: Callable[[Session, Person, TrainingCycle], object], person_id, cycle_id):
    """Run ``work`` in two threads at once, each in its own session and committed; the results."""
    errors: list[BaseException] = []
    results: list[object] = []
    barrier = threading.Barrier(2)

    def thread_body():
        try:
            with Session(engine) as session:
                person = session.get(Person, person_id) if person_id else None
                cycle = session.get(TrainingCycle, cycle_id) if cycle_id else None
                barrier.wait(TIMEOUT)
                results.append(work(session, person, cycle))
                session.commit()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=thread_body) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == []
    return results


def count(engine, model, *where) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_two_first_views_of_a_module_at_once_give_one_progress(engine, monkeypatch):
    person_id, cycle_id = mentor_with_cycle(engine, "Di Race", modules_done=False, cycle_done=False)
    barrier = threading.Barrier(2)
    looked = threading.local()
    original = operations._locked_progress

    def both_find_nothing(session, wanted_cycle_id, module_id):
        found = original(session, wanted_cycle_id, module_id)
        if not getattr(looked, "met", False):
            looked.met = True
            barrier.wait(TIMEOUT)  # both looked and found no row: both will insert
        return found

    monkeypatch.setattr(operations, "_locked_progress", both_find_nothing)
    ids = run_pair(
        engine,
        lambda session, person, cycle: open_module(session, cycle, 1, 0, SETTINGS)[1].id,
        person_id,
        cycle_id,
    )
    assert len(ids) == 2 and ids[0] == ids[1]
    assert count(engine, ModuleProgress, ModuleProgress.cycle_id == cycle_id) == 1


def _progress_id(engine, cycle_id: int, passed: bool) -> int:
    with Session(engine) as session:
        _, progress = open_module(session, session.get(TrainingCycle, cycle_id), 1, 0, SETTINGS)
        if passed:
            progress.passed_at = clock.now()
        session.commit()
        return progress.id


def test_a_doubled_start_gives_one_open_attempt_and_the_same_answer(engine):
    person_id, cycle_id = mentor_with_cycle(engine, "Ed Race", modules_done=False, cycle_done=False)
    progress_id = _progress_id(engine, cycle_id, passed=False)
    ids = run_pair(
        engine,
        lambda session, person, cycle: (
            start_attempt(
                session, ACTOR, session.get(ModuleProgress, progress_id), SETTINGS, random.Random()
            ).id
        ),
        person_id,
        cycle_id,
    )
    assert len(ids) == 2 and ids[0] == ids[1]
    attempts = count(
        engine, KnowledgeCheckAttempt, KnowledgeCheckAttempt.progress_id == progress_id
    )
    assert attempts == 1
    # And the next start still works: it returns the one open attempt.
    with Session(engine) as session:
        again = start_attempt(
            session, ACTOR, session.get(ModuleProgress, progress_id), SETTINGS, random.Random()
        )
        assert again.id == ids[0]


def test_the_database_refuses_a_second_open_attempt(engine):
    _, cycle_id = mentor_with_cycle(engine, "Fi Race", modules_done=False, cycle_done=False)
    progress_id = _progress_id(engine, cycle_id, passed=False)
    with Session(engine) as session:
        first = start_attempt(
            session, ACTOR, session.get(ModuleProgress, progress_id), SETTINGS, random.Random()
        )
        session.add(
            KnowledgeCheckAttempt(
                progress_id=progress_id,
                module_version_id=first.module_version_id,
                number=2,
                paper=first.paper,
                started_at=clock.now(),
                question_count=first.question_count,
            )
        )
        with pytest.raises(IntegrityError):
            session.flush()


def test_a_doubled_signature_gives_one_attestation(engine):
    person_id, cycle_id = mentor_with_cycle(engine, "Gus Race", False, cycle_done=False)
    progress_id = _progress_id(engine, cycle_id, passed=True)
    ids = run_pair(
        engine,
        lambda session, person, cycle: (
            attest(
                session,
                ACTOR,
                person,
                cycle,
                session.get(ModuleProgress, progress_id),
                "Gus Race",
                DAY,
                SETTINGS,
            ).id
        ),
        person_id,
        cycle_id,
    )
    assert len(ids) == 2 and ids[0] == ids[1]
    assert count(engine, Attestation, Attestation.progress_id == progress_id) == 1


def test_two_first_records_of_a_training_area_at_once_give_one_row(engine, monkeypatch):
    import datetime as dt

    from lms.clinicians import operations as clinician_operations
    from lms.clinicians.models import ShownHow, TrainingAreaRecord
    from lms.clinicians.operations import TrainingAreaDetails, record_training_area
    from lms.clinicians.rules import TrainingArea
    from lms.staff.models import Position, StaffStatus
    from lms.staff.operations import create_person

    with Session(engine) as session:
        clinician = create_person(
            session,
            ACTOR,
            person_details(
                "Hal Race",
                date_of_birth=dt.date(1980, 5, 5),
                position=Position.LICENSED_CLINICIAN,
                status=StaffStatus.ACTIVE,
                hire_on=dt.date(2030, 1, 6),
            ),
            DAY,
        )
        session.commit()
        clinician_id = clinician.id
    barrier = threading.Barrier(2)
    looked = threading.local()
    original = clinician_operations.training_area_record

    def both_find_nothing(session, person_id, area):
        found = original(session, person_id, area)
        if not getattr(looked, "met", False):
            looked.met = True
            barrier.wait(TIMEOUT)  # both looked and found no row: both will insert
        return found

    monkeypatch.setattr(clinician_operations, "training_area_record", both_find_nothing)
    note = "Course certificate confirmed with the trainer's office (617-555-0100) on the day."
    details = TrainingAreaDetails(TrainingArea.CHILD_ADOLESCENT, ShownHow.COURSE, DAY, note)
    ids = run_pair(
        engine,
        lambda session, person, cycle: (
            record_training_area(session, ACTOR, session.get(Person, clinician_id), details, DAY).id
        ),
        None,
        None,
    )
    assert len(ids) == 2 and ids[0] == ids[1]
    assert count(engine, TrainingAreaRecord, TrainingAreaRecord.person_id == clinician_id) == 1


def test_two_corrections_of_one_session_at_once_give_one_correction(engine):
    import datetime as dt

    from lms.staff.models import Position
    from lms.supervision.models import SupervisionSession
    from lms.supervision.operations import SessionDetails, record_session
    from lms.supervision.rules import Modality, SessionFormat
    from lms.validation import InvalidInput
    from tests.integration.supervision_records import LAST_WEEK, TODAY, add_licence, add_person

    with Session(engine) as session:
        supervisor = add_person(
            session, "Ivy Race", position=Position.LICENSED_CLINICIAN, email="ivy@race.example"
        )
        add_licence(session, supervisor)
        mentor = add_person(session, "Jo Race", supervisor=supervisor)
        details = SessionDetails(
            mentor_id=mentor.id,
            supervisor_id=supervisor.id,
            held_on=LAST_WEEK + dt.timedelta(days=2),
            minutes=60,
            format=SessionFormat.INDIVIDUAL,
            modality=Modality.IN_PERSON,
            topics=("Case review",),
            note="Reviewed boundaries.",
        )
        session.commit()
    for _ in range(5):  # a race lost only now and then must still be caught
        with Session(engine) as session:
            wrong, _ = record_session(session, ACTOR, details, TODAY, ("Case review",))
            session.commit()
            wrong_id = wrong.id
        outcomes: list[str] = []

        def correct(session, person, cycle, wrong_id=wrong_id, outcomes=outcomes):
            try:
                record_session(
                    session,
                    ACTOR,
                    details,
                    TODAY,
                    ("Case review",),
                    supersedes=session.get(SupervisionSession, wrong_id),
                )
                outcomes.append("corrected")
            except InvalidInput as refusal:
                outcomes.append(refusal.message)

        run_pair(engine, correct, None, None)
        assert sorted(outcomes) == [
            "That session has already been corrected; correct the correction.",
            "corrected",
        ]
        corrections = count(
            engine, SupervisionSession, SupervisionSession.supersedes_id == wrong_id
        )
        assert corrections == 1


def _both_checked_first(monkeypatch, module, name: str) -> None:
    """Make both threads finish ``module.name`` (the "is there one already?" check) before
    either writes: each sees no duplicate, as two requests racing do."""
    barrier = threading.Barrier(2)
    original = getattr(module, name)

    def checked_then_wait(*args, **kwargs):
        result = original(*args, **kwargs)
        barrier.wait(TIMEOUT)
        return result

    monkeypatch.setattr(module, name, checked_then_wait)


def _outcomes(engine, work: Callable[[Session], object]) -> list[str]:
    """Run ``work`` as a simultaneous pair; each side's outcome: its result or its refusal."""
    from lms.validation import InvalidInput

    outcomes: list[str] = []

    def one(session, person, cycle):
        try:
            outcomes.append(f"ok {work(session)}")
        except InvalidInput as refusal:
            outcomes.append(f"refused {refusal.field}: {refusal.message}")

    run_pair(engine, one, None, None)
    return sorted(outcomes)


def test_two_creates_of_a_person_with_one_work_email_give_one_person_and_a_refusal(
    engine, monkeypatch
):
    from lms.staff import operations as staff_operations
    from lms.staff.operations import create_person
    from tests.support.factories import person_details

    _both_checked_first(monkeypatch, staff_operations, "_validate")
    outcomes = _outcomes(
        engine,
        lambda session: (
            create_person(
                session, ACTOR, person_details("Kim Race", work_email="kim@race.example"), DAY
            ).legal_name
        ),
    )
    # The loser's answer is the one a sequential duplicate gets (the form's / the API's 422).
    assert outcomes == [
        "ok Kim Race",
        "refused work_email: Another person already has this work email.",
    ]
    assert count(engine, Person, Person.work_email == "kim@race.example") == 1


def test_two_accounts_with_one_email_at_once_give_one_account_and_a_refusal(engine, monkeypatch):
    from argon2 import PasswordHasher

    from lms.auth import operations as auth_operations
    from lms.auth.models import User

    _both_checked_first(monkeypatch, auth_operations, "find_user_by_email")
    hasher = PasswordHasher(memory_cost=8, time_cost=1, parallelism=1)
    outcomes = _outcomes(
        engine,
        lambda session: (
            auth_operations.create_user(
                session,
                ACTOR,
                hasher,
                email="lee@race.example",
                full_name="Lee Race",
                password="a long and unusual pass phrase 93",
                roles=["hr"],
            ).email
        ),
    )
    assert outcomes == [
        "ok lee@race.example",
        "refused email: An account with this email already exists.",
    ]
    assert count(engine, User, User.email == "lee@race.example") == 1


def test_one_edition_published_twice_at_once_is_stored_once(engine, tmp_path):
    from lms.curriculum.models import CurriculumEdition, ModuleVersion

    folder = Folder(tmp_path / "demo" / "2031")
    folder.edit("curriculum.yaml", 'edition: "2030"', 'edition: "2031"')
    folder.edit("alpha.md", "Some *text*.", "Some *raced* text.")
    loaded, problems = load_edition(folder.path)
    assert not problems

    def publish(session, person, cycle):
        plan = plan_publication(session, loaded, {})  # both plan: neither finds it stored
        edition, created = publish_edition(session, ACTOR, plan)
        return edition.id, created

    answers = run_pair(engine, publish, None, None)
    assert sorted(created for _, created in answers) == [False, True]
    assert answers[0][0] == answers[1][0]  # the same answer as a sequential repeat
    assert count(engine, CurriculumEdition, CurriculumEdition.edition == "2031") == 1
    with Session(engine) as session:
        versions = session.execute(
            select(ModuleVersion.module_key, func.count())
            .group_by(ModuleVersion.module_key)
            .having(func.count() != func.count(func.distinct(ModuleVersion.version)))
        ).all()
    assert versions == []


def test_two_different_editions_published_at_once_get_consecutive_versions(engine, tmp_path):
    from lms.curriculum.models import CurriculumEdition

    loaded = []
    for word in ("first", "second"):
        folder = Folder(tmp_path / word / "demo" / "2032")
        folder.edit("curriculum.yaml", 'edition: "2030"', 'edition: "2032"')
        folder.edit("beta.md", "Some *text*.", f"Some *{word}* text.")
        edition, problems = load_edition(folder.path)
        assert not problems
        loaded.append(edition)
    turn = iter(loaded)
    lock = threading.Lock()

    def publish(session, person, cycle):
        with lock:
            mine = next(turn)
        return publish_edition(session, ACTOR, plan_publication(session, mine, {}))[0].version

    versions = run_pair(engine, publish, None, None)
    assert sorted(versions) == [1, 2]
    assert count(engine, CurriculumEdition, CurriculumEdition.edition == "2032") == 2


def test_a_doubled_copy_of_last_weeks_on_call_adds_each_block_once(engine):
    import datetime as dt

    from lms.oncall.models import OnCallBlock
    from lms.oncall.operations import BlockDetails, add_block, copy_week
    from tests.integration.test_oncall import NY, person

    with Session(engine) as session:
        senior = person(session, "Sol Race", "sol@race.example")
        add_block(
            session,
            ACTOR,
            BlockDetails("2031-03-03T09:00", "2031-03-03T18:00", senior, "617-555-0100"),
            NY,
        )
        session.commit()
    added = run_pair(
        engine,
        lambda session, person, cycle: copy_week(session, ACTOR, dt.date(2031, 3, 9), NY),
        None,
        None,
    )
    assert sorted(added) == [0, 1]
    copies = count(engine, OnCallBlock, OnCallBlock.starts_local == "2031-03-10T09:00")
    assert copies == 1


def test_a_doubled_catalogue_load_stores_one_version(engine):
    import dataclasses

    from lms.requirements.catalogue import DEFAULT_PATH, load_catalogue_file
    from lms.requirements.models import CatalogueVersion
    from lms.requirements.operations import ensure_catalogue, load_catalogue

    with Session(engine) as session:
        ensure_catalogue(session, ACTOR, DAY)
        session.commit()
    before = count(engine, CatalogueVersion)
    changed = dataclasses.replace(load_catalogue_file(DEFAULT_PATH), sha256="d" * 64)
    stored = run_pair(
        engine,
        lambda session, person, cycle: load_catalogue(session, ACTOR, changed, "doubled", DAY),
        None,
        None,
    )
    assert sorted(version is None for version in stored) == [False, True]
    assert count(engine, CatalogueVersion) == before + 1


def test_a_doubled_policy_publication_stores_one_version_and_refuses_the_other(engine):
    from lms.requirements.models import PolicyDocument
    from lms.requirements.operations import ensure_catalogue, publish_policy, requirement_for
    from lms.requirements.rules import RequirementKind
    from lms.validation import InvalidInput

    with Session(engine) as session:
        ensure_catalogue(session, ACTOR, DAY)
        session.commit()
    outcomes: list[str] = []

    def publish(session, person, cycle):
        from lms.requirements.queries import catalogue_versions, requirements_on

        policy = next(
            r
            for r in requirements_on(catalogue_versions(session), DAY).values()
            if r.kind is RequirementKind.ACKNOWLEDGMENT
        )
        requirement = requirement_for(session, policy.key, DAY)
        try:
            publish_policy(session, ACTOR, requirement, "Doubled", "Text.", DAY, DAY)
            outcomes.append("published")
        except InvalidInput as refusal:
            outcomes.append(f"refused {refusal.field}")

    run_pair(engine, publish, None, None)
    assert sorted(outcomes) == ["published", "refused effective_on"]
    assert count(engine, PolicyDocument, PolicyDocument.title == "Doubled") == 1


def test_two_hires_on_one_day_at_once_both_count(engine):
    # Both transactions add to the same counters (mentors not started, hired that day): the
    # upsert makes the second wait for the first and add to its total, never overwrite it.
    from lms.staff.operations import create_person
    from lms.statuses.operations import StatusSettings, differences
    from lms.tallies.queries import counts_on

    with Session(engine) as session:
        before = counts_on(session, "training", DAY)["not_started"]
    run_pair(
        engine,
        lambda session, _person, _cycle: create_person(
            session,
            ACTOR,
            person_details(
                f"Pat Tally {random.randrange(10**6)}", status=StaffStatus.ACTIVE, hire_on=DAY
            ),
            DAY,
        ),
        None,
        None,
    )
    with Session(engine) as session:
        assert counts_on(session, "training", DAY)["not_started"] == before + 2
        assert list(differences(session, StatusSettings(SETTINGS.policy, "UTC"))) == []


def test_two_records_for_one_person_at_once_leave_the_stored_cells_right(engine):
    # Each transaction recomputes the person's requirement cells from what it can see and
    # replaces them: without taking turns on the person, the second would add its cells beside
    # the first's and count the old ones out twice.
    from lms.requirements.operations import (
        ItemDetails,
        ensure_catalogue,
        record_item,
        requirement_for,
    )
    from lms.staff.models import VerificationMethod
    from lms.staff.operations import create_person
    from lms.statuses.operations import StatusSettings, differences

    with Session(engine) as session:
        ensure_catalogue(session, ACTOR, DAY)
        person = create_person(
            session,
            ACTOR,
            person_details(
                f"Rae Record {random.randrange(10**6)}", status=StaffStatus.ACTIVE, hire_on=DAY
            ),
            DAY,
        )
        session.commit()
        person_id = person.id
    keys = iter(("cori", "sori"))
    lock = threading.Lock()

    def record(session, person, _cycle):
        with lock:
            key = next(keys)
        details = ItemDetails(DAY, None, "REF-1", VerificationMethod.OTHER, "checked")
        requirement = requirement_for(session, key, DAY)
        return record_item(
            session, ACTOR, person, requirement, details, None, DAY, evidence_sha256="e" * 64
        )

    run_pair(engine, record, person_id, None)
    with Session(engine) as session:
        assert list(differences(session, StatusSettings(SETTINGS.policy, "UTC"))) == []
