"""Supervision against the database: record, sign, acknowledge, correct, leave, import, and the
weeks the report gives. Expected values are worked out from issue 10's weekly rule."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.auth.models import Role
from lms.clinicians.models import LicenceVerificationMethod
from lms.clinicians.operations import LicenceDetails, update_licence, verify_licence
from lms.staff.models import Position
from lms.supervision.models import LeaveReason, SupervisionSession
from lms.supervision.operations import (
    SessionDetails,
    acknowledge_session,
    import_sessions,
    record_leave,
    record_session,
)
from lms.supervision.queries import mentor_weeks
from lms.supervision.rules import Modality, SessionFormat, SupervisionSettings, WeekStatus
from lms.validation import InvalidInput
from tests.integration.supervision_records import (
    LAST_WEEK,
    THIS_WEEK,
    TODAY,
    add_licence,
    add_person,
)

TOPICS = ("Case review", "Safety and risk")
SETTINGS = SupervisionSettings()


@pytest.fixture
def team(db, make_user, frozen_clock):
    supervisor_user = make_user("sup@example.org", Role.SUPERVISOR)
    mentor_user = make_user("men@example.org", Role.MENTOR)
    supervisor = add_person(
        db,
        "Sam Super",
        position=Position.LICENSED_CLINICIAN,
        user_id=supervisor_user.id,
        email="sam@example.org",
    )
    add_licence(db, supervisor)
    mentor = add_person(db, "Mia Mentor", supervisor=supervisor, user_id=mentor_user.id)
    return {
        "supervisor": supervisor,
        "mentor": mentor,
        "supervisor_actor": Actor(supervisor_user.id, supervisor_user.email),
        "mentor_actor": Actor(mentor_user.id, mentor_user.email),
    }


def details(team, held_on=LAST_WEEK + dt.timedelta(days=2), **changes):
    values = dict(
        mentor_id=team["mentor"].id,
        supervisor_id=team["supervisor"].id,
        held_on=held_on,
        minutes=60,
        format=SessionFormat.INDIVIDUAL,
        modality=Modality.IN_PERSON,
        topics=("Case review",),
        note="Reviewed boundaries.",
    )
    values.update(changes)
    return SessionDetails(**values)


def weeks(db, first=LAST_WEEK, last=TODAY, as_of=TODAY):
    return mentor_weeks(db, first=first, last=last, as_of=as_of, settings=SETTINGS)


def test_a_signed_individual_session_meets_its_week(db, team):
    row, warnings = record_session(
        db, team["supervisor_actor"], details(team), TODAY, TOPICS, signed_name="Sam Super"
    )
    assert warnings == [] and row.signed_name == "Sam Super"
    [mentor] = weeks(db)
    assert [(week.starts_on, week.status) for week in mentor.weeks] == [
        (LAST_WEEK, WeekStatus.MET),
        (THIS_WEEK, WeekStatus.PENDING),
    ]


def test_an_unsigned_session_does_not_count_until_signed(db, team):
    record_session(db, team["supervisor_actor"], details(team), TODAY, TOPICS)
    [mentor] = weeks(db)
    assert mentor.weeks[0].status is WeekStatus.MISSED
    assert mentor.weeks[0].sessions[0].reasons == ("unsigned",)


def test_only_the_supervising_clinician_signs(db, team):
    with pytest.raises(InvalidInput) as refused:
        record_session(
            db, team["mentor_actor"], details(team), TODAY, TOPICS, signed_name="Mia Mentor"
        )
    assert refused.value.field == "signed_name"


def test_a_note_with_a_youths_name_warns(db, team):
    _, warnings = record_session(
        db,
        team["supervisor_actor"],
        details(team, note="Talked about Jordan Smith."),
        TODAY,
        TOPICS,
    )
    assert warnings == ["The note looks like it holds a person's full name."]


def test_a_future_session_is_refused(db, team):
    with pytest.raises(InvalidInput) as refused:
        record_session(
            db,
            team["supervisor_actor"],
            details(team, held_on=TODAY + dt.timedelta(1)),
            TODAY,
            TOPICS,
        )
    assert refused.value.field == "held_on"


def test_a_correction_supersedes_and_both_stay(db, team):
    actor = team["supervisor_actor"]
    wrong, _ = record_session(db, actor, details(team), TODAY, TOPICS, signed_name="Sam Super")
    record_session(
        db,
        actor,
        details(team, format=SessionFormat.GROUP),
        TODAY,
        TOPICS,
        signed_name="Sam Super",
        supersedes=wrong,
    )
    [mentor] = weeks(db)
    week = mentor.weeks[0]
    assert week.status is WeekStatus.MISSED
    assert sorted(outcome.reasons for outcome in week.sessions) == [
        ("group format",),
        ("superseded by a correction",),
    ]
    with pytest.raises(InvalidInput):
        record_session(db, actor, details(team), TODAY, TOPICS, supersedes=wrong)


def test_the_mentor_acknowledges_a_signed_session(db, team):
    row, _ = record_session(
        db, team["supervisor_actor"], details(team), TODAY, TOPICS, signed_name="Sam Super"
    )
    with pytest.raises(InvalidInput):
        acknowledge_session(db, team["supervisor_actor"], row)
    acknowledge_session(db, team["mentor_actor"], row)
    assert row.acknowledged_at is not None
    with pytest.raises(InvalidInput):
        acknowledge_session(db, team["mentor_actor"], row)


def test_leave_of_four_weekdays_makes_the_week_not_required(db, team):
    record_leave(
        db,
        Actor(None, "hr"),
        team["mentor"].id,
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 19),
        LeaveReason.VACATION,
    )
    [mentor] = weeks(db)
    assert mentor.weeks[0].status is WeekStatus.NOT_REQUIRED
    with pytest.raises(InvalidInput) as refused:
        record_leave(
            db,
            Actor(None, "hr"),
            team["mentor"].id,
            dt.date(2026, 11, 19),
            dt.date(2026, 11, 20),
            LeaveReason.SICK,
        )
    assert refused.value.field == "first_day"


def test_a_lapsed_licence_says_why_the_session_does_not_count(db, make_user, frozen_clock):
    lapsed = add_person(db, "Lee Lapsed", position=Position.LICENSED_CLINICIAN)
    add_licence(db, lapsed, dt.date(2020, 1, 1), dt.date(2026, 11, 17))  # last valid day: 16th
    mentor = add_person(db, "Mo Mentor")
    record_session(
        db,
        Actor(None, "cli"),
        SessionDetails(
            mentor.id,
            lapsed.id,
            dt.date(2026, 11, 17),
            60,
            SessionFormat.INDIVIDUAL,
            Modality.TELEHEALTH,
        ),
        TODAY,
        TOPICS,
    )
    db.execute(select(SupervisionSession)).scalar_one().imported = True
    [result] = mentor_weeks(
        db, first=LAST_WEEK, last=LAST_WEEK, as_of=TODAY, settings=SETTINGS, mentor_id=mentor.id
    )
    assert result.weeks[0].sessions[0].reasons == ("no valid licence that day",)


def test_the_import_is_all_or_nothing_and_names_every_line(db, team):
    data = (
        b"mentor_email,supervisor_email,held_on,minutes,format,modality,note\n"
        b"mia@example.org,sam@example.org,2026-11-17,60,individual,in_person,\n"
        b"nobody@example.org,sam@example.org,2026-11-18,sixty,solo,in_person,\n"
    )
    result = import_sessions(db, Actor(None, "cli:hr"), data, TODAY)
    assert [(p.line, p.field) for p in result.problems] == [
        (3, "mentor_email"),
        (3, "minutes"),
        (3, "format"),
    ]
    assert db.execute(select(func.count()).select_from(SupervisionSession)).scalar_one() == 0


def test_imported_sessions_count_as_signed(db, team):
    data = (
        b"mentor_email,supervisor_email,held_on,minutes,format,modality,note\n"
        b"MIA@example.org,sam@example.org,2026-11-17,45,individual,telehealth,paper log\n"
    )
    result = import_sessions(db, Actor(None, "cli:hr"), data, TODAY)
    assert (result.problems, result.sessions) == ([], 1)
    row = db.execute(select(SupervisionSession)).scalar_one()
    assert (row.imported, row.recorded_by_label, row.signed_at) == (True, "cli:hr", None)
    [mentor] = weeks(db)
    assert mentor.weeks[0].status is WeekStatus.MET


def test_changing_a_licence_clears_its_verification(db, team):
    licence = add_licence(db, team["supervisor"], dt.date(2028, 1, 1), dt.date(2030, 1, 1))
    verify_licence(
        db,
        team["supervisor_actor"],
        licence,
        LicenceVerificationMethod.BOARD_LOOKUP,
        "Board's online look-up on the day: licence active.",
    )
    assert licence.verified
    same = LicenceDetails(
        "LICSW",
        licence.licence_number,
        "MA",
        licence.issuing_board,
        licence.issued_on,
        licence.expires_on,
    )
    assert not update_licence(db, Actor(None, "hr"), licence, same, ("LICSW",))
    assert licence.verified
    changed = LicenceDetails(
        "LICSW",
        licence.licence_number,
        "MA",
        licence.issuing_board,
        licence.issued_on,
        dt.date(2030, 6, 30),
    )
    assert update_licence(db, Actor(None, "hr"), licence, changed, ("LICSW",))
    assert not licence.verified


def test_the_weeks_take_a_constant_number_of_queries(db, team, count_queries):
    def count():
        with count_queries() as counter:
            weeks(db)
        return counter.count

    record_session(
        db, team["supervisor_actor"], details(team), TODAY, TOPICS, signed_name="Sam Super"
    )
    few = count()
    for index in range(8):
        mentor = add_person(db, f"Extra{index} Mentor", supervisor=team["supervisor"])
        record_session(
            db,
            team["supervisor_actor"],
            details(team, mentor_id=mentor.id),
            TODAY,
            TOPICS,
            signed_name="Sam Super",
        )
    assert count() == few


def test_the_report_command_gives_exactly_the_fields_named(runner, db, team):
    record_session(
        db, team["supervisor_actor"], details(team), TODAY, TOPICS, signed_name="Sam Super"
    )
    db.commit()
    result = runner.invoke(
        args=[
            "supervision",
            "report",
            "--from",
            "2026-11-16",
            "--to",
            "2026-11-21",
            "--as-of",
            "2026-11-23",
            "--format",
            "json",
        ]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {
            "mentor_email": "mia@example.org",
            "week_starts_on": "2026-11-15",
            "status": "met",
            "required": True,
            "sessions": [
                {
                    "held_on": "2026-11-17",
                    "supervisor_email": "sam@example.org",
                    "counts": True,
                    "reason": "",
                }
            ],
        }
    ]


def test_the_report_command_as_of_an_earlier_date(runner, db, team):
    result = runner.invoke(
        args=[
            "supervision",
            "report",
            "--from",
            "2026-11-16",
            "--to",
            "2026-11-16",
            "--as-of",
            "2026-11-18",
            "--format",
            "csv",
        ]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "mentor_email,week_starts_on,status,required,held_on,supervisor_email,counts,reason",
        "mia@example.org,2026-11-15,pending,true,,,,",
    ]


def test_the_report_command_refuses_a_bad_date(runner, db):
    result = runner.invoke(
        args=["supervision", "report", "--from", "16/11/2026", "--to", "2026-11-20"]
    )
    assert result.exit_code == 2
    assert "--from" in result.output


def test_the_import_command_exits_2_naming_the_line(runner, db, team, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "mentor_email,supervisor_email,held_on,minutes,format,modality,note\n"
        "mia@example.org,sam@example.org,2026-11-31,60,individual,in_person,\n"
    )
    result = runner.invoke(args=["supervision", "import", str(path)])
    assert result.exit_code == 2
    assert f"{path}:2: held_on:" in result.output


def test_the_day_recorded_is_the_providers_date_for_late_entries(db, team, frozen_clock):
    # Recorded at 22:00 in Massachusetts on 17 November (03:00 UTC on the 18th): 7 days after a
    # session held on the 10th, so not late; recorded on the 18th locally: 8 days, late.
    frozen_clock.current = dt.datetime(2026, 11, 18, 3, 0, tzinfo=dt.UTC)
    record_session(
        db,
        team["supervisor_actor"],
        details(team, held_on=dt.date(2026, 11, 10)),
        dt.date(2026, 11, 17),
        TOPICS,
        signed_name="Sam Super",
    )
    frozen_clock.current = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)  # the 18th locally
    record_session(
        db,
        team["supervisor_actor"],
        details(team, held_on=dt.date(2026, 11, 10)),
        dt.date(2026, 11, 18),
        TOPICS,
        signed_name="Sam Super",
    )
    [mentor] = weeks(db, first=dt.date(2026, 11, 8), last=dt.date(2026, 11, 14))
    assert [outcome.late_entry for outcome in mentor.weeks[0].sessions] == [False, True]


def test_the_report_csv_makes_formulas_inert(db, team):
    from lms.supervision.report import report_csv, report_records

    record_session(db, team["supervisor_actor"], details(team), TODAY, TOPICS)
    team["mentor"].work_email = "=HYPERLINK(1)@example.org"
    db.flush()
    [line] = report_csv(report_records(weeks(db, first=LAST_WEEK, last=LAST_WEEK))).splitlines()[1:]
    assert line.startswith("'=HYPERLINK(1)@example.org,2026-11-15,missed,true,2026-11-17,")
    assert line.endswith(",false,unsigned")


def test_an_import_cell_the_database_cannot_store_is_a_problem_on_its_line(db, team):
    data = (
        b"mentor_email,supervisor_email,held_on,minutes,format,modality,note\n"
        b"mia@example.org,sam@example.org,2026-11-17,45,individual,telehealth,a\x00b\n"
    )
    result = import_sessions(db, Actor(None, "cli:hr"), data, TODAY)
    assert [(p.line, p.field) for p in result.problems] == [(2, "note")]
    assert db.execute(select(func.count()).select_from(SupervisionSession)).scalar_one() == 0


def test_an_email_the_database_cannot_store_is_a_problem_on_its_line_not_a_crash(db, team):
    # The emails are looked up all at once before the rows are checked: a NUL in one must not
    # reach the database (PostgreSQL refuses it) but be reported on its own line.
    data = (
        b"mentor_email,supervisor_email,held_on,minutes,format,modality,note\n"
        b"\x00,sam@example.org,2026-11-17,45,individual,telehealth,Reviewed boundaries.\n"
        b"mia@example.org,sam@example.org,2026-11-17,45,individual,telehealth,Fine.\n"
    )
    result = import_sessions(db, Actor(None, "cli:hr"), data, TODAY)
    assert [(p.line, p.field) for p in result.problems] == [(2, "mentor_email")]
    assert db.execute(select(func.count()).select_from(SupervisionSession)).scalar_one() == 0
