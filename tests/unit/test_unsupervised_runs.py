"""The runs of weeks that require supervision and have none that counts, worked by hand from the
weekly rule (issue 10): weeks run Sunday to Saturday; a week requires supervision with three or
more weekdays on duty; an individual, signed session by a licensed supervisor counts. January
2026: Sunday 4, 11, 18, 25; Monday 5; Thursday 8."""

import datetime as dt

from lms.clinicians.rules import LicenceTerm
from lms.supervision.rules import (
    Period,
    SessionFacts,
    SessionFormat,
    SupervisionSettings,
    unsupervised_runs,
)

D = dt.date
SETTINGS = SupervisionSettings()
LICENCE = (LicenceTerm(D(2020, 1, 1), D(2030, 1, 1)),)


def held(day, session_format=SessionFormat.INDIVIDUAL, minutes=60, signed=True):
    return SessionFacts(day, session_format, minutes, signed, LICENCE)


def test_no_session_ever_leaves_every_week_from_the_hire_unsupervised():
    # Hired Monday 5 January: five weekdays on duty that week, and every week after.
    assert unsupervised_runs([Period(D(2026, 1, 5))], [], [], SETTINGS) == [
        Period(D(2026, 1, 4), None)
    ]


def test_a_hire_on_thursday_leaves_two_weekdays_that_week_not_required():
    assert unsupervised_runs([Period(D(2026, 1, 8))], [], [], SETTINGS) == [
        Period(D(2026, 1, 11), None)
    ]


def test_sessions_close_the_run_and_a_separation_ends_the_last():
    # Sessions on Tuesday 6 and 13 January; separated Friday 30 January: the weeks of 18 and
    # 25 January (five weekdays each) are required and have none.
    sessions = [held(D(2026, 1, 6)), held(D(2026, 1, 13))]
    employment = [Period(D(2026, 1, 5), D(2026, 1, 30))]
    assert unsupervised_runs(employment, [], sessions, SETTINGS) == [
        Period(D(2026, 1, 18), D(2026, 1, 25))
    ]


def test_a_session_that_does_not_count_leaves_the_week_unsupervised():
    # A group session on 6 January, an unsigned one on 13 January, a counting one on 20 January.
    sessions = [
        held(D(2026, 1, 6), SessionFormat.GROUP),
        held(D(2026, 1, 13), signed=False),
        held(D(2026, 1, 20)),
    ]
    employment = [Period(D(2026, 1, 5), D(2026, 1, 23))]
    assert unsupervised_runs(employment, [], sessions, SETTINGS) == [
        Period(D(2026, 1, 4), D(2026, 1, 11))
    ]


def test_a_week_of_leave_splits_the_run():
    # Leave Monday 12 to Friday 16 January: no weekday on duty, the week is not required.
    leave = [Period(D(2026, 1, 12), D(2026, 1, 16))]
    assert unsupervised_runs([Period(D(2026, 1, 5))], leave, [], SETTINGS) == [
        Period(D(2026, 1, 4), D(2026, 1, 4)),
        Period(D(2026, 1, 18), None),
    ]


def test_a_rehire_starts_a_new_run_after_the_weeks_away():
    # Employed 5-16 January, away, rehired Monday 2 February with no sessions at all.
    employment = [Period(D(2026, 1, 5), D(2026, 1, 16)), Period(D(2026, 2, 2))]
    assert unsupervised_runs(employment, [], [], SETTINGS) == [
        Period(D(2026, 1, 4), D(2026, 1, 11)),
        Period(D(2026, 2, 1), None),
    ]


def test_nobody_employed_has_no_run():
    assert unsupervised_runs([], [], [held(D(2026, 1, 6))], SETTINGS) == []
