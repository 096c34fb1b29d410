"""Exactly one certificate per cycle when two requests complete it at the same moment.

Two threads, each with its own connection and transaction, as two app servers would be. Runs
only on PostgreSQL (SQLite has one writer at a time, so there is no race to lose), in a scratch
database of its own: the rows must really be committed for the other connection to see them.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.certificates import operations
from lms.certificates.models import Certificate
from lms.certificates.operations import issue_certificate
from lms.curriculum.loader import load_edition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.db import make_engine
from lms.migrate import upgrade
from lms.staff.models import Person, Position, StaffStatus
from lms.staff.operations import create_person
from lms.training.models import TrainingCycle
from lms.training.operations import _complete_cycle_if_done, ensure_current_cycle, open_module
from tests.integration.test_training_operations import SETTINGS
from tests.support.databases import configured_url, scratch_database
from tests.support.editions import Folder
from tests.support.factories import person_details

ACTOR = Actor(None, "concurrency-test")
DAY = dt.date(2030, 2, 1)
TIMEOUT = 20


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    url = configured_url()
    if url is None or url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL (set LMS_TEST_DATABASE_URL): SQLite allows one writer")
    with scratch_database(url, "certificates") as scratch_url:
        engine = make_engine(scratch_url)
        upgrade(engine)
        with Session(engine) as session:
            loaded, problems = load_edition(
                Folder(tmp_path_factory.mktemp("c") / "demo" / "2030").path
            )
            assert not problems
            publish_edition(session, ACTOR, plan_publication(session, loaded, {}))
            session.commit()
        yield engine
        engine.dispose()


def mentor_with_cycle(engine, name: str, modules_done: bool, cycle_done: bool) -> tuple[int, int]:
    """A mentor and their cycle, committed: (person id, cycle id)."""
    with Session(engine) as session:
        person = create_person(
            session,
            ACTOR,
            person_details(
                name,
                date_of_birth=dt.date(1999, 5, 5),
                position=Position.THERAPEUTIC_MENTOR,
                status=StaffStatus.ACTIVE,
                hire_on=dt.date(2030, 1, 6),
            ),
            DAY,
        )
        cycle = ensure_current_cycle(session, person, DAY, SETTINGS)
        if modules_done:  # every module passed and signed, the cycle not yet marked complete
            for position in (1, 2):
                _, progress = open_module(session, cycle, position, 0, SETTINGS)
                progress.passed_at = progress.started_at
                progress.completed_on = DAY
        if cycle_done:
            cycle.completed_on, cycle.expires_on = DAY, dt.date(2031, 2, 1)
        session.commit()
        return person.id, cycle.id


def run_twice(engine, work: Callable[[Session, Person, TrainingCycle], None], person_id, cycle_id):
    """Run ``work`` in two threads at once, each in its own session; commit each."""
    errors: list[BaseException] = []

    def thread_body():
        try:
            with Session(engine) as session:
                person = session.get(Person, person_id)
                cycle = session.get(TrainingCycle, cycle_id)
                work(session, person, cycle)
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


def certificate_count(engine, cycle_id: int) -> int:
    with Session(engine) as session:
        return session.execute(
            select(func.count()).select_from(Certificate).where(Certificate.cycle_id == cycle_id)
        ).scalar_one()


class MeetingRandom(random.Random):
    """Waits, on its first draw, until the other thread has drawn too: both have then looked
    for an existing certificate, found none, and are about to insert one."""

    def __init__(self, barrier: threading.Barrier) -> None:
        super().__init__()
        self.barrier = barrier
        self.met = False

    def choice(self, sequence):
        if not self.met:
            self.met = True
            self.barrier.wait(TIMEOUT)
        return random.SystemRandom().choice(sequence)


def test_two_inserts_racing_for_one_cycle_give_one_certificate(engine, monkeypatch):
    person_id, cycle_id = mentor_with_cycle(engine, "Ana Race", modules_done=False, cycle_done=True)
    barrier = threading.Barrier(2)
    issued: list[tuple[int, str]] = []
    lookups: list[int] = []
    original_lookup = operations.certificate_for_cycle

    def counted_lookup(session, wanted_cycle_id):
        lookups.append(wanted_cycle_id)
        return original_lookup(session, wanted_cycle_id)

    monkeypatch.setattr(operations, "certificate_for_cycle", counted_lookup)

    def issue(session, person, cycle):
        certificate = issue_certificate(session, ACTOR, cycle, person, DAY, MeetingRandom(barrier))
        issued.append((certificate.id, certificate.serial))

    run_twice(engine, issue, person_id, cycle_id)
    assert certificate_count(engine, cycle_id) == 1
    assert len(issued) == 2 and issued[0] == issued[1]  # the loser got the winner's certificate
    # Both looked first and found nothing; the loser's insert was refused by the unique
    # constraint, and it looked again.
    assert len(lookups) == 3


def test_two_requests_completing_one_cycle_at_once_give_one_certificate(engine):
    person_id, cycle_id = mentor_with_cycle(engine, "Ben Race", modules_done=True, cycle_done=False)
    barrier = threading.Barrier(2)

    def complete(session, person, cycle):
        barrier.wait(TIMEOUT)
        _complete_cycle_if_done(session, ACTOR, person, cycle, DAY, SETTINGS)

    run_twice(engine, complete, person_id, cycle_id)
    assert certificate_count(engine, cycle_id) == 1
    with Session(engine) as session:
        assert session.get(TrainingCycle, cycle_id).completed_on == DAY


def test_two_first_downloads_at_once_keep_one_pdf(engine, monkeypatch):
    from lms.certificates.documents import CertificateDocument
    from lms.certificates.models import CertificatePdf

    person_id, cycle_id = mentor_with_cycle(engine, "Cy Race", modules_done=False, cycle_done=True)
    with Session(engine) as session:
        certificate = issue_certificate(
            session,
            ACTOR,
            session.get(TrainingCycle, cycle_id),
            session.get(Person, person_id),
            DAY,
            random.SystemRandom(),
        )
        session.commit()
        certificate_id, serial = certificate.id, certificate.serial
    document = CertificateDocument(
        organisation_name="Race Agency",
        holder_name="Cy Race",
        curriculum_title="Demo training",
        edition="2030",
        edition_version=1,
        edition_sha256="0" * 64,
        modules=(),
        issued_on=DAY,
        expires_on=dt.date(2031, 2, 1),
        serial=serial,
        verification_url=f"https://lms.example/verify/{serial}",
        director_name="Dr. Director",
        director_title="Director of Training",
    )
    barrier = threading.Barrier(2)
    draw = operations.render_certificate

    def drawn_by_both(document):
        content = draw(document)
        barrier.wait(TIMEOUT)  # both looked, found no kept PDF and drew it: both will insert
        return content

    monkeypatch.setattr(operations, "render_certificate", drawn_by_both)
    sent: list[bytes] = []
    run_twice(
        engine,
        lambda session, person, cycle: sent.append(
            operations.certificate_pdf(session, certificate_id, document)
        ),
        person_id,
        cycle_id,
    )
    assert len(sent) == 2 and sent[0] == sent[1]
    with Session(engine) as session:
        kept = session.execute(
            select(CertificatePdf).where(CertificatePdf.certificate_id == certificate_id)
        ).scalar_one()
        assert kept.content == sent[0]
