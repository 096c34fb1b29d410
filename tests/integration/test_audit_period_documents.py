"""The auditor's supervision log, on-call coverage and requirements register (issues 10 and 12),
and the audit packet's sections for them, as the records stood on the as-of date. Expected
values are worked from the issues' rules: weeks run Sunday to Saturday, a session counts when
individual, signed and held by a clinician with a licence valid that day; on-call gaps are the
uncovered instants of service hours (default mon-fri 08:00-21:00) in local time with offset."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from lms import clock
from lms.actor import Actor
from lms.auditors import packet
from lms.auditors.documents import (
    oncall_csv,
    oncall_pdf,
    oncall_report,
    requirements_register,
    requirements_register_csv,
    requirements_register_pdf,
    supervision_log,
    supervision_log_csv,
    supervision_log_pdf,
)
from lms.auditors.packet import PacketOptions, build_packet
from lms.auth.models import Role
from lms.clinicians.models import Licence
from lms.oncall.operations import BlockDetails, add_block
from lms.requirements.operations import (
    Evidence,
    ItemDetails,
    ensure_catalogue,
    record_item,
    requirement_for,
)
from lms.staff.models import Position, VerificationMethod
from lms.supervision.operations import SessionDetails, record_session
from lms.supervision.rules import Modality, SessionFormat, SupervisionSettings
from lms.training.operations import TrainingSettings
from lms.training.rules import CyclePolicy
from tests.integration.supervision_records import TODAY, add_licence, add_person
from tests.support.pdfs import assert_only_embedded_fonts, text_of

TZ = "America/New_York"
SETTINGS = SupervisionSettings(timezone=TZ)
CONFIG = {"SERVICE_HOURS": "mon-fri 08:00-21:00; sat-sun 09:00-18:00"}
TOPICS = ("Case review",)
PDF = b"%PDF-1.7\n" + b"0" * 100


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture
def team(db, make_user, frozen_clock):
    """Sam (licensed clinician, LICSW 2020-01-01 to 2028-01-01) supervises Mia, hired
    2026-01-05. The clock stands on Monday 2026-11-23."""
    sam_user = make_user("sam-user@example.org", Role.SUPERVISOR, full_name="Sam Super")
    sam = add_person(db, "Sam Super", position=Position.LICENSED_CLINICIAN, email="sam@example.org")
    sam.user_id = sam_user.id
    licence = add_licence(db, sam)
    mia = add_person(db, "Mia Mentor", supervisor=sam, email="mia@example.org")
    db.commit()
    return {"sam": sam, "mia": mia, "licence": licence, "actor": Actor(sam_user.id, sam_user.email)}


def session(db, team, held_on, fmt=SessionFormat.INDIVIDUAL, supersedes=None):
    row, _ = record_session(
        db,
        team["actor"],
        SessionDetails(
            team["mia"].id, team["sam"].id, held_on, 60, fmt, Modality.IN_PERSON, topics=TOPICS
        ),
        TODAY,
        TOPICS,
        signed_name="Sam Super",
        supersedes=supersedes,
    )
    return row


def test_the_supervision_log_shows_every_week_session_licence_and_correction(db, team):
    counting = session(db, team, dt.date(2026, 11, 17))  # Tue of the week of 15 Nov
    group = session(db, team, dt.date(2026, 11, 18), SessionFormat.GROUP)
    original = session(db, team, dt.date(2026, 11, 10))  # week of 8 Nov
    correction = session(db, team, dt.date(2026, 11, 10), supersedes=original)
    db.commit()

    log = supervision_log(db, dt.date(2026, 11, 1), TODAY, TODAY, SETTINGS)
    rows = rows_of(supervision_log_csv(log))
    weeks = {(row["week_starts_on"], row["session_id"]): row for row in rows}
    # Week of 1 Nov: employed all five weekdays, no session, over by the 23rd: missed.
    assert weeks[("2026-11-01", "")]["status"] == "missed"
    assert weeks[("2026-11-01", "")]["required"] == "true"
    # Week of 8 Nov: the original is superseded and does not count; its correction counts.
    superseded = weeks[("2026-11-08", str(original.id))]
    assert (superseded["counts"], superseded["superseded"]) == ("false", "true")
    assert superseded["reason"] == "superseded by a correction"
    fixed = weeks[("2026-11-08", str(correction.id))]
    assert (fixed["counts"], fixed["corrects_session_id"]) == ("true", str(original.id))
    # Recorded on the 23rd, held on the 10th: 13 days later, more than 7: a late entry.
    assert (fixed["late_entry"], fixed["recorded_on"]) == ("true", "2026-11-23")
    assert fixed["status"] == "met"
    # Week of 15 Nov: the individual session counts, with Sam's licence valid that day.
    held = weeks[("2026-11-15", str(counting.id))]
    assert held["counts"] == "true" and held["status"] == "met"
    assert held["late_entry"] == "false"  # 6 days
    assert (held["supervisor_name"], held["minutes"], held["format"]) == (
        "Sam Super",
        "60",
        "individual",
    )
    assert (held["licence_type"], held["licence_number"], held["licence_expires_on"]) == (
        "LICSW",
        team["licence"].licence_number,
        "2028-01-01",
    )
    assert held["licence_verified"] == "false"
    assert weeks[("2026-11-15", str(group.id))]["reason"] == "group format"
    # Week of 22 Nov: required, the as-of date inside it, none yet: pending.
    assert weeks[("2026-11-22", "")]["status"] == "pending"

    pdf = supervision_log_pdf(log, "Test Agency")
    assert_only_embedded_fonts(pdf)
    text = " ".join(text_of(pdf).split())
    assert "Mia Mentor" in text and "Missed" in text and "Pending" in text
    assert f"correction of session #{original.id}" in text
    assert "superseded by a correction" in text
    assert f"LICSW {team['licence'].licence_number} (MA), expires 2028-01-01" in text


def test_a_week_after_the_as_of_date_and_sessions_held_after_it_are_not_shown(db, team):
    session(db, team, dt.date(2026, 11, 17))
    db.commit()
    log = supervision_log(
        db, dt.date(2026, 11, 1), dt.date(2026, 11, 16), dt.date(2026, 11, 16), SETTINGS
    )
    rows = rows_of(supervision_log_csv(log))
    assert [row["week_starts_on"] for row in rows] == ["2026-11-01", "2026-11-08", "2026-11-15"]
    # On Monday the 16th the session of the 17th had not been held: the week is pending.
    assert rows[-1]["status"] == "pending" and rows[-1]["session_id"] == ""


def test_a_session_by_a_supervisor_whose_licence_lapsed_says_so(db, team):
    team["licence"].expires_on = dt.date(2026, 11, 17)  # valid up to the 16th
    db.commit()
    session(db, team, dt.date(2026, 11, 17))
    db.commit()
    log = supervision_log(db, dt.date(2026, 11, 15), TODAY, TODAY, SETTINGS)
    row = rows_of(supervision_log_csv(log))[0]
    assert (row["counts"], row["reason"], row["licence_type"]) == (
        "false",
        "no valid licence that day",
        "",
    )
    assert "No licence valid that day" in text_of(supervision_log_pdf(log, "Agency"))


@pytest.fixture
def senior(db, frozen_clock):
    person = add_person(
        db, "Olu Senior", position=Position.SENIOR_CLINICIAN, email="olu@example.org"
    )
    add_licence(db, person)
    db.commit()
    return person


def test_on_call_coverage_lists_blocks_and_gaps_in_local_time(db, senior, frozen_clock):
    add_block(
        db,
        Actor.system("test"),
        BlockDetails("2026-11-18T08:00", "2026-11-18T20:00", senior, "617-555-0100"),
        TZ,
    )
    db.commit()
    day = dt.date(2026, 11, 18)  # a Wednesday: service hours 08:00-21:00
    report = oncall_report(db, CONFIG, day, day, TODAY, TZ)
    rows = rows_of(oncall_csv(report))
    assert rows == [
        {
            "record": "block",
            "starts_at": "2026-11-18T08:00:00-05:00",
            "ends_at": "2026-11-18T20:00:00-05:00",
            "clinician": "Olu Senior",
            "clinician_email": "olu@example.org",
            "senior": "yes",
            "licence_valid": "yes",
            "phone": "617-555-0100",
            "counts": "yes",
        },
        {
            "record": "gap",
            "starts_at": "2026-11-18T20:00:00-05:00",
            "ends_at": "2026-11-18T21:00:00-05:00",
            "clinician": "",
            "clinician_email": "",
            "senior": "",
            "licence_valid": "",
            "phone": "",
            "counts": "",
        },
    ]
    # The block was entered on the 23rd: as the roster stood on the 20th, nobody was on call.
    earlier = oncall_report(db, CONFIG, day, day, dt.date(2026, 11, 20), TZ)
    assert earlier.blocks == []
    assert earlier.gaps == [
        {"starts_at": "2026-11-18T08:00:00-05:00", "ends_at": "2026-11-18T21:00:00-05:00"}
    ]
    text = " ".join(text_of(oncall_pdf(report, "Agency")).split())
    assert "2026-11-18T20:00:00-05:00" in text and "Olu Senior" in text


def test_a_block_whose_licence_lapsed_does_not_count(db, senior):
    add_block(
        db,
        Actor.system("test"),
        BlockDetails("2026-11-18T08:00", "2026-11-18T21:00", senior, "617-555-0100"),
        TZ,
    )
    senior_licence = db.execute(select(Licence).where(Licence.person_id == senior.id)).scalar_one()
    senior_licence.expires_on = dt.date(2026, 11, 18)  # valid up to the 17th
    db.commit()
    day = dt.date(2026, 11, 18)
    (block,) = oncall_report(db, CONFIG, day, day, TODAY, TZ).blocks
    assert (block.senior, block.licence_valid, block.counts) == (True, False, False)


@pytest.fixture
def hr(users):
    return Actor(users["hr"].id, users["hr"].email)


def test_the_requirements_register_has_hashes_and_verification_as_recorded_by_then(
    db, hr, team, frozen_clock
):
    entered = frozen_clock.current
    frozen_clock.current = dt.datetime(2026, 1, 1, 15, tzinfo=dt.UTC)
    ensure_catalogue(db, hr, dt.date(2026, 1, 1))
    frozen_clock.current = entered
    cori = requirement_for(db, "cori", TODAY)
    record_item(
        db,
        hr,
        team["mia"],
        cori,
        ItemDetails(
            dt.date(2026, 1, 2),
            None,
            "C-1",
            VerificationMethod.OTHER,
            "State portal look-up on the day: cleared",
        ),
        Evidence("cori.pdf", PDF),
        TODAY,
    )
    db.commit()
    register = requirements_register(db, TODAY, TZ)
    rows = [
        row
        for row in rows_of(requirements_register_csv(register))
        if row["work_email"] == "mia@example.org"
    ]
    by_key = {row["requirement"]: row for row in rows}
    assert by_key["cori"]["status"] == "met"
    assert by_key["cori"]["evidence_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert "hr@example.org" in by_key["cori"]["verification"]
    assert "how: Other: State portal look-up on the day: cleared" in by_key["cori"]["verification"]
    assert "without a document" not in by_key["cori"]["verification"]  # its PDF is attached
    assert by_key["cori"]["kind"] == "check"
    # Done on 2 January but entered on 23 November: as the records stood on the 20th, missing.
    before = requirements_register(db, dt.date(2026, 11, 20), TZ)
    earlier = {
        line.requirement.key: line for line in before.lines if line.person_id == team["mia"].id
    }
    assert earlier["cori"].status == "missing" and earlier["cori"].verifications == ()
    pdf = requirements_register_pdf(register, "Agency")
    assert hashlib.sha256(PDF).hexdigest()[:32] in "".join(text_of(pdf).split())


# -- the packet ---------------------------------------------------------------------------------

TRAINING = TrainingSettings(CyclePolicy(30, 90), "demo", 0, dt.timedelta(minutes=5))


def build(db, options) -> tuple[dict, dict[str, bytes]]:
    target = io.BytesIO()
    build_packet(db, target, options)
    with zipfile.ZipFile(target) as archive:
        return json.loads(archive.read("manifest.json")), {
            name: archive.read(name) for name in archive.namelist()
        }


def test_the_packet_holds_the_three_sections_with_manifest_entries(db, team, senior):
    session(db, team, dt.date(2026, 11, 17))
    db.commit()
    options = PacketOptions(TODAY, "Agency", TZ, TRAINING, supervision=SETTINGS)
    manifest, files = build(db, options)
    first = "2026-08-25"  # 13 weeks (91 days) up to the 23rd, both ends included
    expected = [
        f"supervision/supervision-log-{first}-to-2026-11-23.pdf",
        f"supervision/supervision-log-{first}-to-2026-11-23.csv",
        f"oncall/oncall-coverage-{first}-to-2026-11-23.pdf",
        f"oncall/oncall-coverage-{first}-to-2026-11-23.csv",
        "requirements/requirements-register-2026-11-23.pdf",
        "requirements/requirements-register-2026-11-23.csv",
    ]
    listed = {entry["path"]: entry for entry in manifest["files"]}
    for name in expected:
        assert listed[name]["sha256"] == hashlib.sha256(files[name]).hexdigest()
        assert listed[name]["description"]
    assert manifest["period"] == {"from": first, "to": "2026-11-23", "weeks": 13}
    log = rows_of(files[expected[1]])
    assert {row["mentor_email"] for row in log} == {"mia@example.org"}
    assert any(row["held_on"] == "2026-11-17" and row["counts"] == "true" for row in log)


def test_a_packet_before_any_edition_says_why_it_has_no_curriculum(db, team):
    manifest, files = build(db, PacketOptions(TODAY, "Agency", TZ, TRAINING))
    assert not any(name.startswith("curriculum/") for name in files)
    assert manifest["curriculum"] == {
        "editions": [],
        "note": "No curriculum edition was published by 2026-11-23.",
    }


def test_a_packet_before_the_first_edition_says_when_it_was_published(db, tmp_path, frozen_clock):
    from tests.support.factories import publish_small_edition

    edition = publish_small_edition(db, tmp_path)
    db.commit()
    name = f"{edition.curriculum_key} {edition.edition} v{edition.version}"
    published = clock.local_date(edition.published_at, TZ)
    before = published - dt.timedelta(days=1)
    manifest, files = build(db, PacketOptions(before, "Agency", TZ, TRAINING))
    assert not any(name.startswith("curriculum/") for name in files)
    assert manifest["curriculum"]["note"] == (
        f"No curriculum edition was published by {before}: the first, {name}, was published on "
        f"{published} (in effect from {edition.effective_on})."
    )
    # Published but taking effect later: the manifest says when it does.
    edition.effective_on = published + dt.timedelta(days=10)
    db.commit()
    manifest, _ = build(db, PacketOptions(published, "Agency", TZ, TRAINING))
    assert manifest["curriculum"]["note"] == (
        f"No curriculum edition was in force on {published}: the first, {name}, takes effect on "
        f"{edition.effective_on}."
    )
    manifest, files = build(db, PacketOptions(edition.effective_on, "Agency", TZ, TRAINING))
    assert manifest["curriculum"]["in_force"] == name
    assert f"curriculum/{edition.curriculum_key}-{edition.edition}-v1-documentation.pdf" in files


def test_the_new_sections_take_the_same_statements_however_many_mentors_and_sessions(
    db, team, senior, count_queries, make_user
):
    """The supervision log, on-call coverage and requirements register read the whole period in
    PERIOD_STATEMENTS statements and SUPERVISION_STATEMENTS_PER_PART for the one batch of
    mentors: the same for one mentor with one session as for four mentors with a session every
    week and blocks on the roster."""
    session(db, team, dt.date(2026, 11, 17))
    add_block(
        db,
        Actor.system("test"),
        BlockDetails("2026-11-18T08:00", "2026-11-18T20:00", senior, "617-555-0100"),
        TZ,
    )
    db.commit()
    options = PacketOptions(TODAY, "Agency", TZ, TRAINING, supervision=SETTINGS)

    def period_statements() -> int:
        writer = packet.PacketWriter(io.BytesIO())
        with count_queries() as counter:
            packet._period_files(db, writer, options)
        return counter.count

    few = period_statements()
    for number in range(3):
        mentor = add_person(
            db, f"Extra Mentor{number}", supervisor=team["sam"], email=f"x{number}@example.org"
        )
        other = add_person(
            db,
            f"Other Clinician{number}",
            position=Position.LICENSED_CLINICIAN,
            email=f"c{number}@example.org",
        )
        add_licence(db, other)
        for week in range(10):
            record_session(
                db,
                team["actor"],
                SessionDetails(
                    mentor.id,
                    other.id,
                    dt.date(2026, 9, 1) + dt.timedelta(weeks=week),
                    45,
                    SessionFormat.INDIVIDUAL,
                    Modality.TELEHEALTH,
                    topics=TOPICS,
                ),
                TODAY,
                TOPICS,
            )
        add_block(
            db,
            Actor.system("test"),
            BlockDetails(
                f"2026-11-1{number}T08:00", f"2026-11-1{number}T21:00", senior, "617-555-0101"
            ),
            TZ,
        )
    db.commit()
    one_batch = packet.PERIOD_STATEMENTS + packet.SUPERVISION_STATEMENTS_PER_PART
    assert period_statements() == few == one_batch


def test_the_packet_command_writes_the_new_sections(runner, db, team, tmp_path, frozen_clock):
    session(db, team, dt.date(2026, 11, 17))
    db.commit()
    out = tmp_path / "packet.zip"
    result = runner.invoke(
        args=["export", "audit-packet", "--as-of", "2026-11-23", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
    assert "requirements/requirements-register-2026-11-23.csv" in names
    log = [name for name in names if name.startswith("supervision/")]
    assert len(log) == 2
    assert manifest["curriculum"]["note"] == "No curriculum edition was published by 2026-11-23."
