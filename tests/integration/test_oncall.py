"""On-call blocks against the database: entry, the CSV import, copying a week and ``lms oncall
gaps``. Expected gaps are worked out by hand (America/New_York; 2026-01-05 is a Monday; the
default service hours are mon-fri 08:00-21:00 and sat-sun 09:00-18:00)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.config import load_config
from lms.oncall.models import OnCallBlock
from lms.oncall.operations import BlockDetails, add_block, copy_week, remove_block
from lms.oncall.queries import coverage, on_call_at, qualifying_days
from lms.oncall.rules import parse_local_datetime
from lms.staff.models import Position, StaffStatus
from lms.staff.operations import create_person
from lms.validation import InvalidInput
from tests.support.factories import add_licence_record, person_details

NY = "America/New_York"
ACTOR = Actor.system("test")
#: The environment: LMS_SERVICE_HOURS unset, so mon-fri 08:00-21:00; sat-sun 09:00-18:00.
HOURS = load_config({"LMS_ENV": "testing", "LMS_SECRET_KEY": "x" * 32})


def person(db, name, email, position=Position.SENIOR_CLINICIAN, expires_on=dt.date(2027, 6, 30)):
    """A clinician with one licence record issued in 2015 that expires on ``expires_on``
    (None: no licence record)."""
    clinician = create_person(
        db,
        ACTOR,
        person_details(
            name,
            date_of_birth=dt.date(1975, 1, 1),
            work_email=email,
            position=position,
            status=StaffStatus.ACTIVE,
            hire_on=dt.date(2020, 1, 1),
        ),
        dt.date(2026, 1, 1),
    )
    if expires_on:
        add_licence_record(db, clinician, expires_on, licence_number="123")
    return clinician


@pytest.fixture
def clinicians(db):
    people = {
        "senior": person(db, "Sam Senior", "sam@agency.example"),
        "lapsing": person(db, "Lee Lapsing", "lee@agency.example", expires_on=dt.date(2026, 1, 7)),
        "licensed": person(
            db, "Lou Licensed", "lou@agency.example", position=Position.LICENSED_CLINICIAN
        ),
    }
    db.commit()
    return people


def add(db, clinician, start, end, phone="617-555-0100"):
    return add_block(db, ACTOR, BlockDetails(start, end, clinician, phone), NY)


def gap_list(db, first, last):
    found = coverage(db, HOURS, dt.date.fromisoformat(first), dt.date.fromisoformat(last), NY).gaps
    return [(gap.as_dict(NY)["starts_at"], gap.as_dict(NY)["ends_at"]) for gap in found]


def test_a_block_is_stored_as_instants_with_its_local_text_and_audited(db, clinicians):
    block = add(db, clinicians["senior"], "2026-03-07T21:00", "2026-03-08T03:00")
    assert block.starts_at == dt.datetime(2026, 3, 8, 2, 0, tzinfo=dt.UTC)
    assert block.ends_at == dt.datetime(2026, 3, 8, 7, 0, tzinfo=dt.UTC)  # 03:00 EDT
    assert (block.starts_local, block.ends_local) == ("2026-03-07T21:00", "2026-03-08T03:00")
    actions = db.execute(select(AuditEvent.action)).scalars().all()
    assert "oncall.block_add" in actions


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-01-05T08:00", "2026-01-05T08:00", "ends_at"),
        ("2026-01-05T09:00", "2026-01-05T08:00", "ends_at"),
        ("2026-03-08T02:30", "2026-03-08T08:00", "starts_at"),
        ("2026-01-05", "2026-01-05T08:00", "starts_at"),
    ],
)
def test_a_bad_block_is_refused_naming_the_field(db, clinicians, start, end, field):
    with pytest.raises(InvalidInput) as refused:
        add(db, clinicians["senior"], start, end)
    assert refused.value.field == field


def test_only_a_senior_clinician_with_a_phone_number_may_be_put_on_call(db, clinicians):
    with pytest.raises(InvalidInput) as refused:
        add(db, clinicians["licensed"], "2026-01-05T08:00", "2026-01-05T21:00")
    assert refused.value.field == "clinician"
    with pytest.raises(InvalidInput) as refused:
        add(db, clinicians["senior"], "2026-01-05T08:00", "2026-01-05T21:00", phone="=HYPERLINK()")
    assert refused.value.field == "phone"


def test_qualifying_days_come_from_the_position_and_the_licence(db, clinicians):
    days = qualifying_days(
        db,
        [c.id for c in clinicians.values()],
        dt.date(2026, 1, 5),
        dt.date(2026, 1, 8),
    )
    assert days[clinicians["senior"].id] == {dt.date(2026, 1, d) for d in (5, 6, 7, 8)}
    assert days[clinicians["lapsing"].id] == {dt.date(2026, 1, 5), dt.date(2026, 1, 6)}
    assert days[clinicians["licensed"].id] == frozenset()


def test_gaps_over_a_licence_that_lapses_and_overlapping_blocks(db, clinicians):
    # Monday covered by two overlapping blocks; Tuesday to Wednesday by a licence lapsing on
    # 7 January (valid up to the 6th), so Wednesday's service hours are a gap.
    add(db, clinicians["senior"], "2026-01-05T07:00", "2026-01-05T15:00")
    add(db, clinicians["senior"], "2026-01-05T14:00", "2026-01-05T21:00")
    add(db, clinicians["lapsing"], "2026-01-06T08:00", "2026-01-07T21:00")
    assert gap_list(db, "2026-01-05", "2026-01-07") == [
        ("2026-01-07T08:00:00-05:00", "2026-01-07T21:00:00-05:00"),
    ]


def test_a_removed_block_leaves_a_gap_now_but_stays_in_the_records_as_they_stood(
    db, clinicians, frozen_clock
):
    block = add(db, clinicians["senior"], "2026-01-05T08:00", "2026-01-05T21:00")
    entered = frozen_clock.current
    frozen_clock.advance(hours=1)
    remove_block(db, ACTOR, block.id)
    assert gap_list(db, "2026-01-05", "2026-01-05") == [
        ("2026-01-05T08:00:00-05:00", "2026-01-05T21:00:00-05:00"),
    ]
    then = coverage(db, HOURS, dt.date(2026, 1, 5), dt.date(2026, 1, 5), NY, recorded_by=entered)
    assert then.gaps == []
    with pytest.raises(InvalidInput):
        remove_block(db, ACTOR, block.id)


def test_who_was_on_call_at_an_instant(db, clinicians):
    add(db, clinicians["senior"], "2026-03-03T08:00", "2026-03-03T20:15")
    evening = add(db, clinicians["lapsing"], "2026-03-03T20:00", "2026-03-04T08:00")
    counting, not_counting = on_call_at(db, parse_local_datetime("2026-03-03T20:15", NY, "at"), NY)
    assert counting == []  # Lee's licence lapsed on 7 January
    assert not_counting == [evening]


def test_copy_last_week_keeps_the_wall_clock_across_the_spring_change(db, clinicians):
    # The week of Sunday 1 March copied onto the week of Sunday 8 March (clocks change on the 8th).
    add(db, clinicians["senior"], "2026-03-01T09:00", "2026-03-01T18:00")
    add(db, clinicians["senior"], "2026-03-06T21:00", "2026-03-07T08:00")
    assert copy_week(db, ACTOR, dt.date(2026, 3, 8), NY) == 2
    assert copy_week(db, ACTOR, dt.date(2026, 3, 8), NY) == 0  # nothing twice
    copies = (
        db.execute(select(OnCallBlock).where(OnCallBlock.starts_local >= "2026-03-08"))
        .scalars()
        .all()
    )
    assert sorted((b.starts_local, b.ends_local) for b in copies) == [
        ("2026-03-08T09:00", "2026-03-08T18:00"),
        ("2026-03-13T21:00", "2026-03-14T08:00"),
    ]
    assert min(b.starts_at for b in copies) == dt.datetime(2026, 3, 8, 13, 0, tzinfo=dt.UTC)


# -- the command line ---------------------------------------------------------------------------


def write(tmp_path, text):
    path = tmp_path / "oncall.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def blocks(db):
    return db.execute(select(func.count()).select_from(OnCallBlock)).scalar_one()


def test_import_all_rows_then_gaps_as_json_and_csv(runner, db, clinicians, tmp_path):
    path = write(
        tmp_path,
        "starts_at,ends_at,clinician_email,phone\n"
        "2026-03-07T09:00,2026-03-07T18:00,sam@agency.example,617-555-0100\n"
        "2026-03-08T09:00,2026-03-08T12:00,SAM@agency.example,617-555-0100\n",
    )
    dry = runner.invoke(args=["oncall", "import", "--dry-run", path])
    assert dry.exit_code == 0, dry.output
    assert "2 block(s) would be imported" in dry.output
    assert blocks(db) == 0
    result = runner.invoke(args=["oncall", "import", path])
    assert result.exit_code == 0, result.output
    assert blocks(db) == 2

    gaps = runner.invoke(args=["oncall", "gaps", "--from", "2026-03-07", "--to", "2026-03-08"])
    assert gaps.exit_code == 0, gaps.output
    assert json.loads(gaps.output) == [
        {"starts_at": "2026-03-08T12:00:00-04:00", "ends_at": "2026-03-08T18:00:00-04:00"}
    ]
    as_csv = runner.invoke(
        args=["oncall", "gaps", "--from", "2026-03-08", "--to", "2026-03-08", "--format", "csv"]
    )
    assert as_csv.output.splitlines() == [
        "starts_at,ends_at",
        "2026-03-08T12:00:00-04:00,2026-03-08T18:00:00-04:00",
    ]


def test_one_bad_row_imports_nothing_and_every_problem_is_named(runner, db, clinicians, tmp_path):
    path = write(
        tmp_path,
        "starts_at,ends_at,clinician_email,phone\n"
        "2026-03-07T09:00,2026-03-07T18:00,sam@agency.example,617-555-0100\n"
        "2026-03-08T02:30,2026-03-08T09:00,sam@agency.example,617-555-0100\n"
        "2026-03-09T09:00,2026-03-09T08:00,sam@agency.example,617-555-0100\n"
        "2026-03-10T09:00,2026-03-10T18:00,nobody@agency.example,617-555-0100\n"
        "2026-03-10T09:00,2026-03-10T18:00,lou@agency.example,617-555-0100\n"
        "2026-03-11T09:00,2026-03-11T18:00,sam@agency.example,\n",
    )
    result = runner.invoke(args=["oncall", "import", path])
    assert result.exit_code == 2
    lines = [line.split(":", 1)[1] for line in result.output.splitlines() if "line " in line]
    assert [line.split(":")[0].strip() for line in lines] == [
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
    ]
    assert "starts_at" in lines[0] and "does not exist" in lines[0]
    assert "ends_at" in lines[1]
    assert "clinician_email" in lines[2] and "clinician_email" in lines[3]
    assert "phone" in lines[4]
    assert "Nothing imported: 5 problem(s)." in result.output
    assert blocks(db) == 0


def test_a_missing_column_is_reported(runner, db, tmp_path):
    result = runner.invoke(args=["oncall", "import", write(tmp_path, "starts_at,ends_at\n")])
    assert result.exit_code == 2
    assert "clinician_email: column is missing" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "2026-03-08", "--to", "2026-03-07"],
        ["--from", "March", "--to", "2026-03-07"],
    ],
)
def test_gaps_refuses_a_bad_range(runner, db, args):
    result = runner.invoke(args=["oncall", "gaps", *args])
    assert result.exit_code == 2
    assert "--" in result.output


# -- service hours: the environment's default, then the organisation setting -----------------


def test_a_bad_lms_service_hours_stops_start_up_naming_the_variable(tmp_path):
    from lms.config import ConfigError, load_config

    base = {"LMS_ENV": "testing", "LMS_SECRET_KEY": "x" * 32, "LMS_INSTANCE_PATH": str(tmp_path)}
    assert load_config(base)["SERVICE_HOURS"] == "mon-fri 08:00-21:00; sat-sun 09:00-18:00"
    assert load_config({**base, "LMS_SERVICE_HOURS": "mon-sun 00:00-24:00"})["SERVICE_HOURS"] == (
        "mon-sun 00:00-24:00"
    )
    with pytest.raises(ConfigError, match="LMS_SERVICE_HOURS"):
        load_config({**base, "LMS_SERVICE_HOURS": "weekdays 9-5"})


def test_each_day_uses_the_service_hours_saved_by_its_end(db, frozen_clock):
    from lms.organisation.operations import save_organisation_settings
    from lms.organisation.rules import OrganisationDetails

    details = OrganisationDetails(
        organisation_name="Harbor Youth Services",
        on_call_phone="",
        emergency_protocol="",
        supervisor_contact="",
        training_director_name="Dr. Ana Reyes",
        training_director_title="Clinical Director",
        service_hours="mon-sun 10:00-12:00",
    )
    # Saved on Monday 23 November at 10:00 local time.
    save_organisation_settings(db, ACTOR, details, HOURS)
    assert gap_list(db, "2026-11-22", "2026-11-23") == [
        ("2026-11-22T09:00:00-05:00", "2026-11-22T18:00:00-05:00"),  # Sunday: the default
        ("2026-11-23T10:00:00-05:00", "2026-11-23T12:00:00-05:00"),  # Monday: the saved hours
    ]
    frozen_clock.advance(days=1)
    save_organisation_settings(
        db, ACTOR, OrganisationDetails(**{**details.as_dict(), "service_hours": ""}), HOURS
    )
    assert gap_list(db, "2026-11-24", "2026-11-24") == [
        ("2026-11-24T08:00:00-05:00", "2026-11-24T21:00:00-05:00"),  # blank: the default again
    ]


def test_a_bad_service_hours_setting_is_refused_naming_the_field(db, frozen_clock):
    from lms.organisation.operations import save_organisation_settings
    from lms.organisation.rules import OrganisationDetails

    details = OrganisationDetails(
        organisation_name="Harbor Youth Services",
        on_call_phone="",
        emergency_protocol="",
        supervisor_contact="",
        training_director_name="Dr. Ana Reyes",
        training_director_title="Clinical Director",
        service_hours="mon-fri 21:00-08:00",
    )
    with pytest.raises(InvalidInput) as refused:
        save_organisation_settings(db, ACTOR, details, HOURS)
    assert refused.value.field == "service_hours"
    assert "must end after it starts" in refused.value.message
