"""The packet judges eligibility and prints positions by the position held on its date, not the
one held today (issue 15's packet work; position history from the records branch)."""

import csv
import datetime as dt
import io
import zipfile

import pytest

from lms.actor import Actor
from lms.auditors.packet import PacketOptions, build_packet
from lms.requirements.operations import ensure_catalogue
from lms.staff.models import Person, Position, StaffStatus
from lms.staff.operations import PersonDetails, create_person, update_person
from lms.staff.queries import held_on
from lms.training.operations import TrainingSettings
from lms.training.rules import CyclePolicy
from tests.support.pdfs import text_of

HIRED = dt.date(2025, 1, 6)
CHANGED = dt.date(2026, 7, 1)
TODAY = dt.date(2026, 8, 1)
BEFORE, AFTER = dt.date(2026, 6, 15), dt.date(2026, 7, 15)
SETTINGS = TrainingSettings(CyclePolicy(30, 90), "demo", 0, dt.timedelta(minutes=5))


@pytest.fixture
def hr(users):
    return Actor(users["hr"].id, users["hr"].email, "192.0.2.1")


def details(name: str, position: Position, since: dt.date | None = None) -> PersonDetails:
    return PersonDetails(
        legal_name=name,
        date_of_birth=dt.date(1990, 3, 3),
        position=position,
        status=StaffStatus.ACTIVE,
        work_email=f"{name.split()[0].lower()}@example.org",
        hire_on=HIRED,
        position_since=since,
    )


def changed(db, hr, name: str, first: Position, then: Position) -> Person:
    """``first`` from hire until 2026-06-30, ``then`` from 2026-07-01."""
    person = create_person(db, hr, details(name, first), HIRED)
    update_person(db, hr, person, details(name, then, CHANGED), TODAY)
    return person


def packet(db, day: dt.date, people: list[Person]) -> zipfile.ZipFile:
    target = io.BytesIO()
    options = PacketOptions(day, "Agency", "UTC", SETTINGS, person_ids=[p.id for p in people])
    build_packet(db, target, options)
    return zipfile.ZipFile(target)


def eligibility_text(archive: zipfile.ZipFile, person: Person) -> str:
    [path] = [
        n
        for n in archive.namelist()
        if n.startswith(f"people/{person.id}-") and n.endswith("eligibility-file.pdf")
    ]
    return " ".join(text_of(archive.read(path)).split())


def test_held_on_takes_the_latest_change_by_the_day():
    history = [(HIRED, Position.THERAPEUTIC_MENTOR), (CHANGED, Position.LICENSED_CLINICIAN)]
    assert held_on(history, BEFORE, Position.OTHER) is Position.THERAPEUTIC_MENTOR
    assert held_on(history, CHANGED, Position.OTHER) is Position.LICENSED_CLINICIAN
    assert held_on(history, dt.date(2024, 1, 1), Position.OTHER) is Position.THERAPEUTIC_MENTOR
    assert held_on([], BEFORE, Position.OTHER) is Position.OTHER


def test_the_eligibility_file_follows_the_position_held_on_the_packet_date(db, hr):
    rowan = changed(db, hr, "Rowan Hale", Position.THERAPEUTIC_MENTOR, Position.LICENSED_CLINICIAN)
    sage = changed(db, hr, "Sage Imai", Position.LICENSED_CLINICIAN, Position.THERAPEUTIC_MENTOR)
    db.commit()
    before = packet(db, BEFORE, [rowan, sage])
    # Rowan was a mentor then (a clinician today): evaluated; Sage was not yet a mentor.
    assert "Not evaluated" not in eligibility_text(before, rowan)
    assert "No determination was on record" in eligibility_text(before, rowan)
    assert "Not evaluated on this date" in eligibility_text(before, sage)
    after = packet(db, AFTER, [rowan, sage])
    assert "Not evaluated on this date" in eligibility_text(after, rowan)
    assert "Not evaluated" not in eligibility_text(after, sage)


def test_the_requirements_register_prints_the_position_held_on_the_date(db, hr):
    ensure_catalogue(db, hr, dt.date(2025, 1, 1))
    rowan = changed(db, hr, "Rowan Hale", Position.THERAPEUTIC_MENTOR, Position.LICENSED_CLINICIAN)
    db.commit()

    def positions(day):
        archive = packet(db, day, [rowan])
        [path] = [n for n in archive.namelist() if n.endswith(".csv") and "requirements/" in n]
        rows = csv.DictReader(io.StringIO(archive.read(path).decode()))
        return {row["position"] for row in rows}

    assert positions(BEFORE) == {"therapeutic_mentor"}
    assert positions(AFTER) == {"licensed_clinician"}
