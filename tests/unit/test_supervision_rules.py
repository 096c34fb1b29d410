"""The weekly supervision rule, hand-worked from issue 10 ("The weekly rule" and "Precisely").

March 2026 (weeks from Sunday):   Su Mo Tu We Th Fr Sa
                                   1  2  3  4  5  6  7
                                   8  9 10 11 12 13 14
                                  15 16 17 18 19 20 21
The week under test is Sunday 8 March to Saturday 14 March; its weekdays are 9-13 March.
Defaults: at least 3 duty weekdays require a session; 1 minute; late after 7 days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lms.clinicians.rules import LicenceTerm
from lms.supervision.rules import (
    Period,
    SessionFacts,
    SessionFormat,
    SupervisionSettings,
    WeekStatus,
    missed_in_recent_weeks,
    recent_weeks_over,
    supervision_weeks,
    week_start,
    weeks_touching,
    youth_data_warnings,
)

D = dt.date
SETTINGS = SupervisionSettings()
LICENCE = (LicenceTerm(issued_on=D(2020, 1, 1), expires_on=D(2030, 1, 1)),)
EMPLOYED = (Period(D(2025, 1, 6)),)
WEEK = D(2026, 3, 8)
WEEK_ENDS = D(2026, 3, 14)
AFTER_THE_WEEK = D(2026, 3, 20)


def session(
    held_on,
    *,
    fmt=SessionFormat.INDIVIDUAL,
    minutes=60,
    signed=True,
    licences=LICENCE,
    recorded_on=None,
):
    return SessionFacts(
        held_on=held_on,
        format=fmt,
        minutes=minutes,
        signed=signed,
        supervisor_licences=licences,
        recorded_on=recorded_on or held_on,
    )


def weeks(
    employment=EMPLOYED,
    leave=(),
    sessions=(),
    *,
    first=WEEK,
    last=WEEK_ENDS,
    as_of=AFTER_THE_WEEK,
    settings=SETTINGS,
):
    return supervision_weeks(
        employment, leave, sessions, first=first, last=last, as_of=as_of, settings=settings
    )


def only_week(**kwargs):
    [week] = weeks(**kwargs)
    return week


# --- weeks ----------------------------------------------------------------------------------


def test_weeks_run_sunday_to_saturday_by_default():
    assert week_start(D(2026, 3, 8)) == D(2026, 3, 8)  # a Sunday starts its own week
    assert week_start(D(2026, 3, 14)) == D(2026, 3, 8)  # Saturday ends it
    assert week_start(D(2026, 3, 15)) == D(2026, 3, 15)


def test_monday_start_weeks():
    assert week_start(D(2026, 3, 8), "monday") == D(2026, 3, 2)  # Sunday ends Monday's week
    assert week_start(D(2026, 3, 9), "monday") == D(2026, 3, 9)


def test_every_week_containing_a_day_of_the_range():
    assert weeks_touching(D(2026, 3, 11), D(2026, 3, 17)) == [D(2026, 3, 8), D(2026, 3, 15)]
    assert weeks_touching(D(2026, 3, 11), D(2026, 3, 17), "monday") == [
        D(2026, 3, 9),
        D(2026, 3, 16),
    ]


# --- around a hire ---------------------------------------------------------------------------


def test_hired_on_wednesday_is_on_duty_three_weekdays_so_the_week_requires_supervision():
    week = only_week(employment=(Period(D(2026, 3, 11)),))
    assert (week.duty_weekdays, week.required, week.status) == (3, True, WeekStatus.MISSED)


def test_hired_on_thursday_is_on_duty_two_weekdays_so_the_week_is_not_required():
    week = only_week(employment=(Period(D(2026, 3, 12)),))
    assert (week.duty_weekdays, week.required, week.status) == (2, False, WeekStatus.NOT_REQUIRED)


def test_hired_on_saturday_the_week_is_still_reported():
    week = only_week(employment=(Period(D(2026, 3, 14)),))
    assert (week.starts_on, week.required, week.status) == (WEEK, False, WeekStatus.NOT_REQUIRED)


def test_the_week_before_the_hire_is_not_reported():
    reported = weeks(employment=(Period(D(2026, 3, 11)),), first=D(2026, 3, 1))
    assert [week.starts_on for week in reported] == [WEEK]


# --- around a separation (separated_on is the last day employed) --------------------------


def test_separated_on_wednesday_worked_three_weekdays_and_the_week_is_missed():
    week = only_week(employment=(Period(D(2025, 1, 6), D(2026, 3, 11)),))
    assert (week.duty_weekdays, week.required, week.status) == (3, True, WeekStatus.MISSED)


def test_separated_on_tuesday_worked_two_weekdays_and_the_week_is_not_required():
    week = only_week(employment=(Period(D(2025, 1, 6), D(2026, 3, 10)),))
    assert (week.duty_weekdays, week.status) == (2, WeekStatus.NOT_REQUIRED)


def test_the_week_after_separation_is_not_reported():
    reported = weeks(employment=(Period(D(2025, 1, 6), D(2026, 3, 14)),), last=D(2026, 3, 21))
    assert [week.starts_on for week in reported] == [WEEK]


def test_a_rehire_reports_weeks_of_both_periods_but_not_the_gap():
    employment = (Period(D(2025, 1, 6), D(2026, 3, 3)), Period(D(2026, 3, 19)))
    reported = weeks(
        employment=employment, first=D(2026, 3, 1), last=D(2026, 3, 21), as_of=D(2026, 3, 31)
    )
    assert [week.starts_on for week in reported] == [D(2026, 3, 1), D(2026, 3, 15)]
    # 1-7 March: employed Monday 2 and Tuesday 3 only; 15-21 March: Thursday 19 and Friday 20.
    assert [week.required for week in reported] == [False, False]


# --- leave -----------------------------------------------------------------------------------


def test_leave_of_two_weekdays_leaves_three_on_duty_so_the_week_requires_supervision():
    week = only_week(leave=(Period(D(2026, 3, 9), D(2026, 3, 10)),))
    assert (week.duty_weekdays, week.required, week.status) == (3, True, WeekStatus.MISSED)


def test_leave_of_four_weekdays_leaves_one_on_duty_so_the_week_is_not_required():
    week = only_week(leave=(Period(D(2026, 3, 9), D(2026, 3, 12)),))
    assert (week.duty_weekdays, week.required, week.status) == (1, False, WeekStatus.NOT_REQUIRED)


def test_a_session_held_on_leave_still_counts():
    leave = (Period(D(2026, 3, 9), D(2026, 3, 12)),)
    week = only_week(leave=leave, sessions=[session(D(2026, 3, 10))])
    assert week.status is WeekStatus.MET and week.sessions[0].counts


def test_leave_over_the_weekend_only_changes_nothing():
    week = only_week(leave=(Period(D(2026, 3, 14), D(2026, 3, 15)),))
    assert (week.duty_weekdays, week.required) == (5, True)


# --- what counts -----------------------------------------------------------------------------


def test_a_group_only_week_is_missed_and_says_why():
    week = only_week(sessions=[session(D(2026, 3, 10), fmt=SessionFormat.GROUP)])
    assert week.status is WeekStatus.MISSED
    assert (week.sessions[0].counts, week.sessions[0].reasons) == (False, ("group format",))


def test_a_licence_expiring_mid_week_covers_the_day_before_its_expiry_only():
    expiring = (LicenceTerm(issued_on=D(2024, 3, 11), expires_on=D(2026, 3, 11)),)
    tuesday = only_week(sessions=[session(D(2026, 3, 10), licences=expiring)])
    wednesday = only_week(sessions=[session(D(2026, 3, 11), licences=expiring)])
    assert tuesday.status is WeekStatus.MET
    assert wednesday.status is WeekStatus.MISSED
    assert wednesday.sessions[0].reasons == ("no valid licence that day",)


def test_two_sessions_in_one_week_meet_it_once_and_both_are_listed():
    week = only_week(
        sessions=[session(D(2026, 3, 12)), session(D(2026, 3, 9), fmt=SessionFormat.GROUP)]
    )
    assert week.status is WeekStatus.MET
    assert [(s.session.held_on, s.counts) for s in week.sessions] == [
        (D(2026, 3, 9), False),
        (D(2026, 3, 12), True),
    ]


def test_a_session_on_the_weekend_counts_for_its_week():
    week = only_week(sessions=[session(D(2026, 3, 14))])
    assert week.status is WeekStatus.MET


def test_a_session_meets_even_a_week_that_does_not_require_one():
    week = only_week(leave=(Period(D(2026, 3, 9), D(2026, 3, 12)),), sessions=[session(WEEK)])
    assert (week.required, week.status) == (False, WeekStatus.MET)


def test_every_reason_is_listed():
    bad = session(D(2026, 3, 10), fmt=SessionFormat.GROUP, minutes=20, signed=False, licences=())
    week = only_week(sessions=[bad], settings=SupervisionSettings(min_minutes=30))
    assert week.sessions[0].reasons == (
        "group format",
        "no valid licence that day",
        "too short",
        "unsigned",
    )
    assert week.sessions[0].reason == "group format; no valid licence that day; too short; unsigned"


def test_minimum_minutes_is_inclusive():
    settings = SupervisionSettings(min_minutes=30)
    assert only_week(sessions=[session(D(2026, 3, 10), minutes=30)], settings=settings).status == (
        WeekStatus.MET
    )


# --- as of a date ----------------------------------------------------------------------------


def test_a_required_week_in_progress_is_pending():
    assert only_week(as_of=D(2026, 3, 11)).status is WeekStatus.PENDING


def test_requirement_is_judged_over_the_whole_week_even_days_after_the_as_of_date():
    # Separating on Friday: as of Monday, the week still requires supervision (5 duty weekdays).
    week = only_week(employment=(Period(D(2025, 1, 6), D(2026, 3, 13)),), as_of=D(2026, 3, 9))
    assert (week.duty_weekdays, week.status) == (5, WeekStatus.PENDING)


def test_on_its_saturday_the_week_is_still_pending_and_missed_from_sunday():
    assert only_week(as_of=D(2026, 3, 14)).status is WeekStatus.PENDING
    assert only_week(as_of=D(2026, 3, 15)).status is WeekStatus.MISSED


def test_a_session_held_on_the_as_of_date_counts():
    assert only_week(as_of=D(2026, 3, 11), sessions=[session(D(2026, 3, 11))]).status is (
        WeekStatus.MET
    )


def test_a_session_held_after_the_as_of_date_is_not_considered():
    week = only_week(as_of=D(2026, 3, 11), sessions=[session(D(2026, 3, 12))])
    assert (week.status, week.sessions) == (WeekStatus.PENDING, ())


def test_a_week_starting_after_the_as_of_date_is_not_reported():
    reported = weeks(last=D(2026, 3, 21), as_of=D(2026, 3, 14))
    assert [week.starts_on for week in reported] == [WEEK]


def test_a_late_entry_counts_from_the_day_held_and_is_flagged():
    on_time = session(D(2026, 3, 9), recorded_on=D(2026, 3, 16))  # 7 days later: not late
    late = session(D(2026, 3, 10), recorded_on=D(2026, 3, 18))  # 8 days later: late
    week = only_week(sessions=[on_time, late], as_of=D(2026, 3, 13))
    assert week.status is WeekStatus.MET
    assert [(s.counts, s.late_entry) for s in week.sessions] == [(True, False), (True, True)]


# --- Monday-start weeks ----------------------------------------------------------------------

MONDAY = SupervisionSettings(week_starts="monday")


def test_with_monday_weeks_a_sunday_session_counts_for_the_week_before():
    week = only_week(
        first=D(2026, 3, 2), last=D(2026, 3, 8), settings=MONDAY, sessions=[session(D(2026, 3, 8))]
    )
    assert (week.starts_on, week.ends_on, week.status) == (
        D(2026, 3, 2),
        D(2026, 3, 8),
        WeekStatus.MET,
    )


def test_with_monday_weeks_a_hire_on_wednesday_still_requires_the_week():
    week = only_week(
        employment=(Period(D(2026, 3, 11)),),
        first=D(2026, 3, 9),
        last=D(2026, 3, 15),
        settings=MONDAY,
    )
    assert (week.starts_on, week.duty_weekdays, week.status) == (
        D(2026, 3, 9),
        3,
        WeekStatus.MISSED,
    )


def test_with_monday_weeks_the_week_is_pending_on_its_sunday():
    week = only_week(
        first=D(2026, 3, 9), last=D(2026, 3, 15), settings=MONDAY, as_of=D(2026, 3, 15)
    )
    assert week.status is WeekStatus.PENDING


# --- the note --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    ["Discussed Jordan Smith's safety plan", "DOB 4/12/2011", "client #448812", "MRN 12345"],
)
def test_notes_that_look_like_youth_data_warn(note):
    assert youth_data_warnings(note)


@pytest.mark.parametrize(
    "note", ["Discussed boundaries and self-care.", "Reviewed the safety plan template.", ""]
)
def test_ordinary_notes_do_not_warn(note):
    assert youth_data_warnings(note) == []


def test_position_spells_and_the_employment_spent_in_them():
    from lms.supervision.rules import Period, employment_in, position_spells

    D = dt.date
    changes = [(D(2025, 1, 6), "therapeutic_mentor"), (D(2026, 7, 1), "licensed_clinician")]
    spells = position_spells(changes, "therapeutic_mentor")
    # Before the first change the first position applies; a change holds to the day before the
    # next.
    assert spells == [Period(D.min, D(2026, 6, 30))]
    assert position_spells(changes, "licensed_clinician") == [Period(D(2026, 7, 1), None)]
    employment = [Period(D(2020, 1, 6), D(2021, 5, 28)), Period(D(2025, 1, 6), None)]
    assert employment_in(employment, spells) == [
        Period(D(2020, 1, 6), D(2021, 5, 28)),
        Period(D(2025, 1, 6), D(2026, 6, 30)),
    ]
    back = [*changes, (D(2026, 9, 1), "therapeutic_mentor")]
    assert employment_in(employment, position_spells(back, "therapeutic_mentor")) == [
        Period(D(2020, 1, 6), D(2021, 5, 28)),
        Period(D(2025, 1, 6), D(2026, 6, 30)),
        Period(D(2026, 9, 1), None),
    ]


# --- the compliance dashboard's columns: weeks missed among the last N weeks over -----------------


def test_the_last_weeks_over_leave_out_the_week_in_progress():
    # As of Wednesday 18 March the week of 15 March is in progress: the last 4 over start on
    # 15 February, 22 February, 1 March and 8 March.
    assert recent_weeks_over(D(2026, 3, 18), 4) == [
        D(2026, 2, 15),
        D(2026, 2, 22),
        D(2026, 3, 1),
        D(2026, 3, 8),
    ]
    # On its last day (Saturday 14 March) the week of 8 March is not over yet.
    assert recent_weeks_over(D(2026, 3, 14), 1) == [D(2026, 3, 1)]
    # Monday-start weeks: as of Sunday 15 March the week of Monday 9 March is in progress.
    assert recent_weeks_over(D(2026, 3, 15), 2, "monday") == [D(2026, 2, 23), D(2026, 3, 2)]


def test_missed_weeks_counted_among_the_last_weeks_over():
    """Employed since 2025, as of Wednesday 18 March: a session in the weeks of 15 February
    and 1 March; none in the weeks of 22 February and 8 March (two required, finished weeks
    missed); the week of 15 March is pending, not counted. Then on leave in the week of
    22 February for three weekdays (23-25 February): two on duty, not required, not missed."""
    as_of = D(2026, 3, 18)
    sessions = [session(D(2026, 2, 17)), session(D(2026, 3, 3))]
    weeks = supervision_weeks(
        EMPLOYED, [], sessions, first=D(2026, 2, 15), last=as_of, as_of=as_of, settings=SETTINGS
    )
    assert missed_in_recent_weeks(weeks, as_of, 4) == 2
    assert missed_in_recent_weeks(weeks, as_of, 1) == 1  # the week of 8 March
    on_leave = [Period(D(2026, 2, 23), D(2026, 2, 25))]
    weeks = supervision_weeks(
        EMPLOYED,
        on_leave,
        sessions,
        first=D(2026, 2, 15),
        last=as_of,
        as_of=as_of,
        settings=SETTINGS,
    )
    assert [week.status for week in weeks] == [
        WeekStatus.MET,
        WeekStatus.NOT_REQUIRED,
        WeekStatus.MET,
        WeekStatus.MISSED,
        WeekStatus.PENDING,
    ]
    assert missed_in_recent_weeks(weeks, as_of, 4) == 1
    # Thirteen weeks asked, four reported: only those can be missed.
    assert missed_in_recent_weeks(weeks, as_of, 13) == 1
