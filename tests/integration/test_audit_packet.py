"""A history built over two years, read back as of several dates through the roster, the
certificate register and the audit packet: each answers exactly as the records stood."""

import csv
import datetime as dt
import hashlib
import io
import json
import random
import zipfile
from decimal import Decimal

import pytest
from sqlalchemy import select

from lms.actor import Actor
from lms.auditors.documents import certificate_register_csv, roster
from lms.auditors.packet import PacketOptions, build_packet
from lms.certificates.models import Certificate
from lms.certificates.operations import revoke_certificate
from lms.curriculum.loader import load_edition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.eligibility.models import HumanServicesBasis
from lms.eligibility.operations import (
    CredentialDetails,
    ExperienceDetails,
    add_credential,
    add_experience,
    verify_fact,
)
from lms.eligibility.rules import CredentialLevel, Population
from lms.staff.models import Position, StaffStatus, VerificationMethod
from lms.staff.operations import create_person, verify_identity
from lms.training.operations import (
    TrainingSettings,
    attest,
    ensure_current_cycle,
    open_module,
    start_attempt,
    submit_attempt,
)
from lms.training.quiz import correct_choice
from lms.training.rules import CyclePolicy
from tests.support.editions import Folder
from tests.support.factories import attach_document, person_details

TZ = "UTC"
SETTINGS = TrainingSettings(CyclePolicy(30, 90), "demo", 0, dt.timedelta(minutes=5))
D = dt.date


def at(frozen_clock, day: dt.date) -> dt.date:
    frozen_clock.current = dt.datetime.combine(day, dt.time(15), dt.UTC)
    return day


def finish_cycle(db, actor, person, cycle, day):
    for position in (1, 2):
        module, progress = open_module(db, cycle, position, 0, SETTINGS)
        attempt = start_attempt(db, actor, progress, SETTINGS, random.Random(position))
        questions = {q["id"]: q for q in module.questions}
        answers = {i["id"]: sorted(correct_choice(questions[i["id"]])) for i in attempt.paper}
        submit_attempt(db, actor, attempt, answers, 75)
        attest(db, actor, person, cycle, progress, person.legal_name, day, SETTINGS)


@pytest.fixture
def history(db, users, frozen_clock, tmp_path):
    hr = Actor(users["hr"].id, users["hr"].email)
    edition, _ = load_edition(Folder(tmp_path / "demo" / "2030").path)
    import dataclasses

    edition = dataclasses.replace(edition, effective_on=D(2024, 1, 1))
    at(frozen_clock, D(2025, 1, 2))
    publish_edition(db, hr, plan_publication(db, edition, {}))

    hired = at(frozen_clock, D(2025, 1, 6))
    person = create_person(
        db,
        hr,
        person_details(
            "Nadia Haddad",
            date_of_birth=D(1996, 2, 10),
            work_email="nadia@agency.example",
            position=Position.THERAPEUTIC_MENTOR,
            status=StaffStatus.ACTIVE,
            hire_on=hired,
        ),
        hired,
    )
    credential = add_credential(
        db,
        hr,
        person,
        CredentialDetails(
            CredentialLevel.BACHELOR,
            "Boston University",
            D(2018, 5, 20),
            True,
            "Social work",
            human_services_basis=HumanServicesBasis.LISTED,
        ),
        hired,
    )
    job = add_experience(
        db,
        hr,
        person,
        ExperienceDetails(
            "Roxbury Youth Works",
            "Youth advocate",
            D(2018, 9, 1),
            D(2024, 12, 20),
            Decimal(40),
            Population.YOUTH,
            True,
        ),
        hired,
    )
    day = at(frozen_clock, D(2025, 1, 8))
    attach_document(db, person, None, "photo-id.pdf")
    verify_identity(db, hr, person, VerificationMethod.GOVERNMENT_ID, None, day)
    attach_document(db, person, credential, "transcript.pdf")
    verify_fact(db, hr, person, credential, VerificationMethod.TRANSCRIPT, None, day)
    verify_fact(
        db, hr, person, job, VerificationMethod.EMPLOYER_REFERENCE, "Director, by phone", day
    )

    day = at(frozen_clock, D(2025, 1, 20))
    finish_cycle(db, hr, person, ensure_current_cycle(db, person, day, SETTINGS), day)
    day = at(frozen_clock, D(2025, 11, 5))  # inside the window: keeps the 20 January anniversary
    finish_cycle(db, hr, person, ensure_current_cycle(db, person, day, SETTINGS), day)
    day = at(frozen_clock, D(2026, 6, 1))
    renewal = db.execute(
        select(Certificate).where(Certificate.issued_on == D(2025, 11, 5))
    ).scalar_one()
    revoke_certificate(db, hr, renewal, "Attestation signed by someone else", day)
    at(frozen_clock, D(2027, 3, 1))
    db.commit()
    return person


def row_on(db, day):
    rows = roster(db, day, SETTINGS.policy, TZ)
    assert len(rows) == 1
    return rows[0]


def test_roster_on_several_dates(db, history):
    early = row_on(db, D(2025, 1, 10))
    assert early.eligibility_status == "Eligible" and early.pathway == "Bachelor's"  # in words
    assert early.training_status in ("Not started", "In progress")
    assert early.certificate is None

    first_year = row_on(db, D(2025, 6, 1))
    assert first_year.training_status == "Compliant"
    assert first_year.certificate.issued_on == D(2025, 1, 20)
    assert first_year.certificate_state == "Valid"

    renewed = row_on(db, D(2026, 3, 1))
    assert renewed.training_status == "Compliant"
    assert renewed.due_on == D(2027, 1, 20)
    assert renewed.certificate.issued_on == D(2025, 11, 5)
    assert renewed.certificate_state == "Valid"  # revoked only later, on 2026-06-01

    after_revocation = row_on(db, D(2026, 7, 1))
    assert after_revocation.certificate_state == "Revoked"

    lapsed = row_on(db, D(2027, 2, 1))
    assert lapsed.training_status == "Lapsed"


def test_register_says_when_a_certificate_was_revoked_even_if_later(db, history):
    rows = list(csv.DictReader(io.StringIO(certificate_register_csv(db, D(2026, 3, 1)).decode())))
    assert [(r["issued_on"], r["status_on_date"], r["revoked_on"]) for r in rows] == [
        ("2025-01-20", "expired", ""),
        ("2025-11-05", "valid", "2026-06-01"),
    ]
    assert rows[1]["revocation_reason"] == "Attestation signed by someone else"


def test_packet_manifest_matches_its_files(db, history, tmp_path):
    target = tmp_path / "packet.zip"
    options = PacketOptions(D(2026, 3, 1), "Agency", TZ, SETTINGS)
    with target.open("wb") as out:
        header = build_packet(db, out, options)
    with zipfile.ZipFile(target) as packet:
        manifest = json.loads(packet.read("manifest.json"))
        names = set(packet.namelist()) - {"manifest.json"}
        assert names == {entry["path"] for entry in manifest["files"]}
        for entry in manifest["files"]:
            data = packet.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["bytes"]
    assert manifest["as_of"] == "2026-03-01"
    assert manifest["audit_log_head"]["sequence"] > 0
    assert header["people"] == [{"id": history.id, "name": "Nadia Haddad"}]
    folder = f"people/{history.id}-nadia-haddad"
    assert {f"{folder}/transcript.pdf", f"{folder}/eligibility-file.pdf"} <= names
