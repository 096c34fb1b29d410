"""The audit packet reads people in batches: a constant number of statements per batch, not per
person, and the same packet whatever the batch size."""

import datetime as dt
import io
import json
import zipfile

import pytest

from lms.actor import Actor
from lms.auditors import packet
from lms.auditors.packet import STATEMENTS_PER_BATCH, PacketOptions, build_packet
from lms.eligibility.models import EvidenceSubject
from lms.eligibility.operations import attach_evidence, record_determination
from lms.staff.models import Position, StaffStatus
from lms.staff.operations import create_person
from lms.training.operations import TrainingSettings
from lms.training.rules import CyclePolicy
from tests.support.factories import person_details

DAY = dt.date(2030, 3, 2)
SETTINGS = TrainingSettings(CyclePolicy(30, 90), "demo", 0, dt.timedelta(minutes=5))
OPTIONS = PacketOptions(DAY, "Test Agency", "UTC", SETTINGS)
NAMES = ("Ana Silva", "Ben Okafor", "Chloe Reyes", "Dev Patel", "Elena Cohen")


def pdf(number: int) -> bytes:
    return b"%PDF-1.4\n% evidence " + str(number).encode() + b"\n"


@pytest.fixture
def people(db, frozen_clock):
    """Five mentors; the first, third and fifth with identity evidence their determination
    lists (two documents for the first)."""
    frozen_clock.current = dt.datetime(2030, 3, 1, 15, tzinfo=dt.UTC)
    actor = Actor.system("test")
    made = []
    for number, name in enumerate(NAMES):
        person = create_person(
            db,
            actor,
            person_details(
                name,
                date_of_birth=dt.date(1995, 1, 1),
                position=Position.THERAPEUTIC_MENTOR,
                status=StaffStatus.ACTIVE,
                hire_on=dt.date(2030, 1, 6),
            ),
            dt.date(2030, 3, 1),
        )
        documents = {0: 2, 2: 1, 4: 1}.get(number, 0)
        for copy in range(documents):
            attach_evidence(
                db, actor, person, EvidenceSubject.IDENTITY, None, f"id-{copy}.pdf", pdf(copy)
            )
        record_determination(db, actor, person, "test", dt.date(2030, 3, 1))
        made.append(person)
    db.commit()
    return made


def build(db, options=OPTIONS) -> tuple[dict, list[str]]:
    target = io.BytesIO()
    build_packet(db, target, options)
    with zipfile.ZipFile(target) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        return manifest, archive.namelist()


def test_each_batch_reads_its_records_in_the_same_number_of_statements(
    db, people, count_queries, monkeypatch
):
    monkeypatch.setattr(packet, "BATCH_SIZE", 2)
    with count_queries() as one_batch:
        build(db, PacketOptions(DAY, "Test Agency", "UTC", SETTINGS, [people[0].id]))
    with count_queries() as two_people:
        build(db, PacketOptions(DAY, "Test Agency", "UTC", SETTINGS, [p.id for p in people[:2]]))
    with count_queries() as three_batches:
        build(db)  # five people: batches of 2, 2 and 1
    assert two_people.count == one_batch.count, two_people.statements
    assert three_batches.count == one_batch.count + 2 * STATEMENTS_PER_BATCH


def test_the_packet_is_the_same_whatever_the_batch_size(db, people, monkeypatch):
    monkeypatch.setattr(packet, "BATCH_SIZE", 2)
    small_manifest, small_names = build(db)
    monkeypatch.setattr(packet, "BATCH_SIZE", 200)
    whole_manifest, whole_names = build(db)
    assert small_names == whole_names
    strip = ("generated_at",)
    assert {k: v for k, v in small_manifest.items() if k not in strip} == {
        k: v for k, v in whole_manifest.items() if k not in strip
    }
    folders = [f"people/{p.id}-{p.legal_name.lower().replace(' ', '-')}" for p in people]
    evidence = [name for name in whole_names if "/evidence/" in name]
    # Each person's evidence in their own folder, right after their two PDFs.
    assert [name.rsplit("/evidence/", 1)[0] for name in evidence] == [
        folders[0],
        folders[0],
        folders[2],
        folders[4],
    ]
    for folder in folders:
        at = whole_names.index(f"{folder}/transcript.pdf")
        assert whole_names[at + 1] == f"{folder}/eligibility-file.pdf"
    first = whole_names.index(f"{folders[0]}/eligibility-file.pdf")
    assert whole_names[first + 1 : first + 3] == evidence[:2]
