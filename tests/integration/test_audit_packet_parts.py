"""The audit packet's whole-provider documents stay flat in memory however many people they
cover (issue 15): the supervision log is read and drawn a batch of mentors at a time and the
requirements register drawn a batch of people at a time, each batch one PDF part, in name order,
named and described so an auditor reads them in order; each CSV stays one file, written into
the ZIP row by row, with the hash and size the manifest lists. The packet means the same as when
everything fits in one batch."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest

from lms.actor import Actor
from lms.auditors import packet
from lms.auditors.documents import (
    REQUIREMENTS_REGISTER_COLUMNS,
    requirements_register,
    requirements_register_csv,
    supervision_log,
    supervision_log_csv,
)
from lms.auditors.packet import PacketOptions, PacketWriter, build_packet, write_csv
from lms.csvfile import csv_text
from lms.requirements.operations import ensure_catalogue
from lms.staff.models import Position
from lms.supervision.operations import SessionDetails, record_session
from lms.supervision.rules import Modality, SessionFormat, SupervisionSettings
from lms.training.operations import TrainingSettings
from lms.training.rules import CyclePolicy
from tests.integration.supervision_records import TODAY, add_licence, add_person
from tests.support.pdfs import text_of

TZ = "America/New_York"
SETTINGS = SupervisionSettings(timezone=TZ)
TRAINING = TrainingSettings(CyclePolicy(30, 90), "demo", 0, dt.timedelta(minutes=5))
OPTIONS = PacketOptions(TODAY, "Agency", TZ, TRAINING, supervision=SETTINGS)
TOPICS = ("Case review",)
#: The mentors, in the order the log lists them (by name); Sam supervises them all.
MENTORS = ("Ada Able", "Ben Brook", "Cai Chen", "Dee Dunn", "Mia Mentor")
#: 13 weeks (91 days) up to Monday 2026-11-23, both ends included.
LOG = "supervision/supervision-log-2026-08-25-to-2026-11-23"
REGISTER = "requirements/requirements-register-2026-11-23"


@pytest.fixture
def hr(users):
    return Actor(users["hr"].id, users["hr"].email)


@pytest.fixture
def staff(db, hr, frozen_clock):
    """Sam, a licensed clinician, and five mentors he meets (unsigned) every other week; the
    requirements catalogue loaded at the start of the year, so every one of the six has
    requirements in the register."""
    entered = frozen_clock.current
    frozen_clock.current = dt.datetime(2026, 1, 1, 15, tzinfo=dt.UTC)
    ensure_catalogue(db, hr, dt.date(2026, 1, 1))
    frozen_clock.current = entered
    sam = add_person(db, "Sam Super", position=Position.LICENSED_CLINICIAN, email="sam@x.org")
    add_licence(db, sam)
    mentors = [add_person(db, name, supervisor=sam) for name in reversed(MENTORS)]
    for mentor in mentors:
        for week in range(0, 12, 2):
            record_session(
                db,
                Actor.system("test"),
                SessionDetails(
                    mentor.id,
                    sam.id,
                    dt.date(2026, 8, 26) + dt.timedelta(weeks=week),
                    60,
                    SessionFormat.INDIVIDUAL,
                    Modality.IN_PERSON,
                    topics=TOPICS,
                ),
                TODAY,
                TOPICS,
            )
    db.commit()
    return {"sam": sam, "mentors": {mentor.legal_name: mentor for mentor in mentors}}


def build(db, options=OPTIONS) -> tuple[dict, dict[str, bytes], list[str]]:
    target = io.BytesIO()
    build_packet(db, target, options)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        return (
            json.loads(archive.read("manifest.json")),
            {name: archive.read(name) for name in names},
            names,
        )


def test_a_log_longer_than_a_batch_is_in_parts_in_name_order_and_one_csv(db, staff, monkeypatch):
    monkeypatch.setattr(packet, "PART_SIZE", 2)
    manifest, files, names = build(db)
    parts = [f"{LOG}-part-{number}-of-3.pdf" for number in (1, 2, 3)]
    assert [name for name in names if name.startswith("supervision/")] == [*parts, f"{LOG}.csv"]
    listed = {entry["path"]: entry for entry in manifest["files"]}
    expected = (("Ada Able", "Ben Brook"), ("Cai Chen", "Dee Dunn"), ("Mia Mentor",))
    for number, (path, mentors) in enumerate(zip(parts, expected, strict=True), start=1):
        text = " ".join(text_of(files[path]).split())
        assert f"Supervision log, part {number} of 3" in text
        who = mentors[0] if len(mentors) == 1 else f"{mentors[0]} to {mentors[-1]}"
        assert f"part {number} of 3: {who};" in text
        # every page's footer names the part too
        assert f"as of 2026-11-23, part {number} of 3 Page 1 of" in text
        for name in MENTORS:
            assert (name in text) == (name in mentors), (path, name)
        who = mentors[0] if len(mentors) == 1 else f"{mentors[0]} to {mentors[-1]}"
        assert f"part {number} of 3 ({who})" in listed[path]["description"]
    # The CSV is the whole log, as one batch would have written it.
    whole = supervision_log(db, *OPTIONS.period, TODAY, SETTINGS)
    assert files[f"{LOG}.csv"] == supervision_log_csv(whole)
    rows = list(csv.DictReader(io.StringIO(files[f"{LOG}.csv"].decode())))
    in_order = list(dict.fromkeys(row["mentor_name"] for row in rows))
    assert in_order == list(MENTORS)


def test_a_log_that_fits_one_batch_is_one_pdf_named_as_before(db, staff):
    _, files, names = build(db)
    assert [name for name in names if name.startswith("supervision/")] == [
        f"{LOG}.pdf",
        f"{LOG}.csv",
    ]
    text = " ".join(text_of(files[f"{LOG}.pdf"]).split())
    assert "part 1" not in text
    assert all(name in text for name in MENTORS)


def test_the_register_is_drawn_in_parts_of_a_batch_of_people_and_written_as_one_csv(
    db, staff, monkeypatch
):
    monkeypatch.setattr(packet, "PART_SIZE", 4)
    manifest, files, names = build(db)
    # Six people by name: Ada, Ben, Cai, Dee | Mia, Sam.
    parts = [f"{REGISTER}-part-{number}-of-2.pdf" for number in (1, 2)]
    assert [name for name in names if name.startswith("requirements/")] == [
        *parts,
        f"{REGISTER}.csv",
    ]
    first = " ".join(text_of(files[parts[0]]).split())
    second = " ".join(text_of(files[parts[1]]).split())
    assert "Requirements register, part 1 of 2" in first
    assert "part 1 of 2: Ada Able to Dee Dunn" in first
    assert "part 2 of 2: Mia Mentor to Sam Super" in second
    assert "Sam Super" not in first and "Ada Able" not in second
    listed = {entry["path"]: entry["description"] for entry in manifest["files"]}
    assert "part 2 of 2 (Mia Mentor to Sam Super)" in listed[parts[1]]
    register = requirements_register(db, TODAY, TZ)
    assert files[f"{REGISTER}.csv"] == requirements_register_csv(register)
    header = files[f"{REGISTER}.csv"].split(b"\n", 1)[0].decode()
    assert tuple(header.split(",")) == REQUIREMENTS_REGISTER_COLUMNS


def test_the_packet_means_the_same_whatever_the_part_size(db, staff, monkeypatch):
    """Only the PDFs' split differs: the same CSVs, the same people's files, the same hashes for
    everything that is not a part."""
    monkeypatch.setattr(packet, "PART_SIZE", 2)
    small, small_files, _ = build(db)
    monkeypatch.setattr(packet, "PART_SIZE", 200)
    whole, whole_files, _ = build(db)
    csvs = sorted(name for name in whole_files if name.endswith(".csv"))
    assert csvs == sorted(name for name in small_files if name.endswith(".csv"))
    for name in csvs:
        assert small_files[name] == whole_files[name], name
    for manifest, files in ((small, small_files), (whole, whole_files)):
        listed = {entry["path"]: entry for entry in manifest["files"]}
        assert set(listed) == set(files) - {"manifest.json"}
        for name, data in files.items():
            if name != "manifest.json":
                assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest(), name
                assert listed[name]["bytes"] == len(data), name


def test_the_log_reads_the_same_statements_per_batch_of_mentors(
    db, staff, count_queries, monkeypatch
):
    """SUPERVISION_STATEMENTS_PER_PART for each batch of mentors, the rest the same: five
    mentors in batches of two are three batches, two more than in one batch."""

    def period_statements(part_size: int) -> int:
        monkeypatch.setattr(packet, "PART_SIZE", part_size)
        with count_queries() as counter:
            packet._period_files(db, PacketWriter(io.BytesIO()), OPTIONS)
        return counter.count

    one_batch = period_statements(200)
    assert period_statements(2) == one_batch + 2 * packet.SUPERVISION_STATEMENTS_PER_PART


def test_csv_written_in_chunks_is_the_same_text(monkeypatch):
    """Rows gathered into chunks (here a few bytes, so that rows and characters straddle them)
    give the bytes the CSV would have whole: UTF-8, ``\\n`` line ends, formulas made inert."""
    monkeypatch.setattr(packet, "_CSV_CHUNK", 7)
    header = ("name", "note", "count")
    rows = [
        ["Nguyễn Thị Hương", '=HYPERLINK("x")', 3],
        ["Łukasz Wróbel", "line one\nline two", -1],
        ["Li 王小明", "", 0],
    ]
    out = io.BytesIO()
    write_csv(out, header, rows)
    assert out.getvalue() == csv_text(header, rows, lineterminator="\n").encode("utf-8")


def test_a_streamed_entry_is_listed_with_the_hash_and_size_of_what_was_written():
    target = io.BytesIO()
    writer = PacketWriter(target)
    with writer.open("notes/big.txt", "Notes") as entry:
        for number in range(1000):
            entry.write(f"line {number}\n".encode())
    writer.close({})
    data = "".join(f"line {number}\n" for number in range(1000)).encode()
    with zipfile.ZipFile(target) as archive:
        assert archive.read("notes/big.txt") == data
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["files"] == [
        {
            "path": "notes/big.txt",
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "description": "Notes",
        }
    ]
