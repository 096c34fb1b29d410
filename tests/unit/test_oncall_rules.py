"""The on-call coverage rule, hand-worked from issue 10 ("On-call coverage" and "Precisely").

Every expected value below was worked out from the text, not printed by the code: America/New_York
is UTC-05:00 in winter and UTC-04:00 in summer; in 2026 clocks spring forward on Sunday 8 March
(02:00 EST becomes 03:00 EDT) and fall back on Sunday 1 November (02:00 EDT becomes 01:00 EST).
2026-01-05 is a Monday.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lms.clinicians.rules import LicenceTerm
from lms.oncall.rules import (
    Block,
    block_problems,
    coverage_gaps,
    covering,
    parse_local_datetime,
    phone_problem,
    senior_licensed_days_from_records,
    tel_uri,
)
from lms.service_hours.rules import DEFAULT_SERVICE_HOURS, ServiceHours, parse_service_hours
from lms.validation import InvalidInput

NY = "America/New_York"
DEFAULT = parse_service_hours(DEFAULT_SERVICE_HOURS)
ALL_DAY = parse_service_hours("mon-sun 00:00-24:00")
EVENINGS = parse_service_hours("mon-sun 00:00-02:00, 18:00-24:00")


def local(text: str) -> dt.datetime:
    return parse_local_datetime(text, NY, "starts_at")


def days(first: str, last: str) -> frozenset[dt.date]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return frozenset(start + dt.timedelta(days=n) for n in range((end - start).days + 1))


#: A clinician who is senior with a valid licence on every day these tests touch.
ALWAYS = days("2025-12-01", "2027-01-31")


def block(start: str, end: str, qualifying=ALWAYS, key=None) -> Block:
    return Block(local(start), local(end), qualifying, key)


def gaps(hours, blocks, first: str, last: str) -> list[tuple[str, str]]:
    found = coverage_gaps(
        hours, blocks, dt.date.fromisoformat(first), dt.date.fromisoformat(last), NY
    )
    return [(gap.as_dict(NY)["starts_at"], gap.as_dict(NY)["ends_at"]) for gap in found]


# -- LMS_SERVICE_HOURS -------------------------------------------------------------------------


def test_the_default_service_hours():
    weekday, weekend = ((8 * 60, 21 * 60),), ((9 * 60, 18 * 60),)
    assert DEFAULT.by_weekday == (weekday,) * 5 + (weekend,) * 2


def test_lists_ranges_several_intervals_24_00_and_clauses_that_add():
    hours = parse_service_hours(
        "mon,wed-thu 08:00-12:00, 13:00-17:00; wed 16:00-24:00;sun 10:00-11:00"
    )
    mornings_and_afternoons = ((480, 720), (780, 1020))
    assert hours.by_weekday == (
        mornings_and_afternoons,  # mon
        (),  # tue
        ((480, 720), (780, 1440)),  # wed: 13:00-17:00 and 16:00-24:00 join
        mornings_and_afternoons,  # thu
        (),
        (),
        ((600, 660),),  # sun
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "mon-fri",
        "08:00-21:00",
        "funday 08:00-21:00",
        "fri-mon 08:00-21:00",
        "mon-fri 08:00-25:00",
        "mon-fri 24:00-24:00",
        "mon-fri 21:00-08:00",
        "mon-fri 08:00-08:00",
        "mon-fri 8:00-21:00",
        "mon-fri 08:00",
        "mon-fri 08:60-21:00",
    ],
)
def test_a_bad_service_hours_value_is_refused_naming_the_variable(text):
    with pytest.raises(InvalidInput) as refused:
        parse_service_hours(text)
    assert refused.value.field == "LMS_SERVICE_HOURS"


# -- local date-times --------------------------------------------------------------------------


def test_a_local_time_becomes_its_instant():
    assert local("2026-01-05T08:00") == dt.datetime(2026, 1, 5, 13, 0, tzinfo=dt.UTC)
    assert local("2026-07-06 08:00") == dt.datetime(2026, 7, 6, 12, 0, tzinfo=dt.UTC)


def test_a_time_skipped_when_clocks_spring_forward_is_refused():
    with pytest.raises(InvalidInput) as refused:
        local("2026-03-08T02:30")
    assert refused.value.field == "starts_at"
    assert local("2026-03-08T03:00") == dt.datetime(2026, 3, 8, 7, 0, tzinfo=dt.UTC)


def test_a_time_that_happens_twice_when_clocks_fall_back_is_the_first():
    # 01:30 EDT (UTC-4) comes first; 01:30 EST (UTC-5) an hour later.
    assert local("2026-11-01T01:30") == dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-13-01T08:00", "2026-01-05T08:00-05:00"])
def test_an_unreadable_local_time_is_refused(text):
    with pytest.raises(InvalidInput):
        local(text)


def test_a_block_must_end_after_it_starts():
    start = local("2026-01-05T08:00")
    assert block_problems(start, start) == [("ends_at", "The block must end after it starts.")]
    assert block_problems(start, start - dt.timedelta(minutes=1))
    assert block_problems(start, start + dt.timedelta(minutes=1)) == []


# -- gaps ----------------------------------------------------------------------------------------


def test_with_no_blocks_every_service_interval_is_a_gap():
    assert gaps(DEFAULT, [], "2026-01-09", "2026-01-10") == [
        ("2026-01-09T08:00:00-05:00", "2026-01-09T21:00:00-05:00"),  # Friday
        ("2026-01-10T09:00:00-05:00", "2026-01-10T18:00:00-05:00"),  # Saturday
    ]


def test_a_whole_day_covered_has_no_gap_and_blocks_outside_service_hours_do_not_matter():
    blocks = [
        block("2026-01-05T07:00", "2026-01-05T22:00"),
        block("2026-01-05T23:00", "2026-01-06T01:00"),
    ]
    assert gaps(DEFAULT, blocks, "2026-01-05", "2026-01-05") == []


def test_gaps_that_touch_across_midnight_are_one_gap():
    # Evening service 18:00-24:00 and 00:00-02:00: Monday 18:00 to Tuesday 02:00 is one stretch.
    assert gaps(EVENINGS, [], "2026-01-05", "2026-01-06") == [
        ("2026-01-05T00:00:00-05:00", "2026-01-05T02:00:00-05:00"),
        ("2026-01-05T18:00:00-05:00", "2026-01-06T02:00:00-05:00"),
        ("2026-01-06T18:00:00-05:00", "2026-01-07T00:00:00-05:00"),  # the range ends here
    ]


def test_an_uncovered_stretch_through_midnight_is_one_gap():
    blocks = [block("2026-01-05T00:00", "2026-01-05T20:00")]
    assert gaps(ALL_DAY, blocks, "2026-01-05", "2026-01-06") == [
        ("2026-01-05T20:00:00-05:00", "2026-01-07T00:00:00-05:00"),
    ]


def test_a_block_across_midnight_covers_both_days():
    blocks = [
        block("2026-01-04T18:00", "2026-01-05T02:00"),
        block("2026-01-05T18:00", "2026-01-06T02:00"),
    ]
    # Monday's 00:00-02:00 is the end of Sunday night's block, 18:00-24:00 Monday night's.
    assert gaps(EVENINGS, blocks, "2026-01-05", "2026-01-05") == []
    # Tuesday's 00:00-02:00 is the end of Monday night's block; nobody covers Tuesday evening.
    assert gaps(EVENINGS, blocks, "2026-01-06", "2026-01-06") == [
        ("2026-01-06T18:00:00-05:00", "2026-01-07T00:00:00-05:00"),
    ]


def test_overlapping_blocks_form_their_union():
    blocks = [
        block("2026-01-05T08:00", "2026-01-05T12:00"),
        block("2026-01-05T11:00", "2026-01-05T15:00"),
        block("2026-01-05T09:00", "2026-01-05T10:00"),  # inside the first
        block("2026-01-05T16:00", "2026-01-05T21:00"),
    ]
    assert gaps(DEFAULT, blocks, "2026-01-05", "2026-01-05") == [
        ("2026-01-05T15:00:00-05:00", "2026-01-05T16:00:00-05:00"),
    ]


def test_blocks_that_meet_leave_no_gap_but_one_minute_apart_do():
    meeting = [
        block("2026-01-05T08:00", "2026-01-05T14:00"),
        block("2026-01-05T14:00", "2026-01-05T21:00"),
    ]
    assert gaps(DEFAULT, meeting, "2026-01-05", "2026-01-05") == []
    apart = [
        block("2026-01-05T08:00", "2026-01-05T14:00"),
        block("2026-01-05T14:01", "2026-01-05T21:00"),
    ]
    assert gaps(DEFAULT, apart, "2026-01-05", "2026-01-05") == [
        ("2026-01-05T14:00:00-05:00", "2026-01-05T14:01:00-05:00"),
    ]


def test_a_block_by_a_clinician_who_does_not_qualify_covers_nothing():
    # Not senior (or no licence at all): no qualifying day.
    blocks = [block("2026-01-05T08:00", "2026-01-05T21:00", qualifying=frozenset())]
    assert gaps(DEFAULT, blocks, "2026-01-05", "2026-01-05") == [
        ("2026-01-05T08:00:00-05:00", "2026-01-05T21:00:00-05:00"),
    ]


def test_a_licence_that_lapses_during_a_block_is_judged_day_by_day():
    # Licence expires_on 2026-01-07: valid up to 6 January; the block runs Tue 08:00 - Wed 21:00.
    qualifying = senior_licensed_days(
        True, dt.date(2026, 1, 7), dt.date(2026, 1, 1), dt.date(2026, 1, 31)
    )
    blocks = [block("2026-01-06T08:00", "2026-01-07T21:00", qualifying)]
    assert gaps(DEFAULT, blocks, "2026-01-06", "2026-01-07") == [
        ("2026-01-07T08:00:00-05:00", "2026-01-07T21:00:00-05:00"),
    ]


def test_a_block_across_midnight_by_a_clinician_whose_licence_lapses_at_midnight():
    # Licence expires_on Tuesday 6 January: Monday counts, Tuesday's 00:00-02:00 does not.
    qualifying = senior_licensed_days(
        True, dt.date(2026, 1, 6), dt.date(2026, 1, 1), dt.date(2026, 1, 31)
    )
    blocks = [block("2026-01-05T18:00", "2026-01-06T02:00", qualifying)]
    assert gaps(EVENINGS, blocks, "2026-01-05", "2026-01-06") == [
        ("2026-01-05T00:00:00-05:00", "2026-01-05T02:00:00-05:00"),
        ("2026-01-06T00:00:00-05:00", "2026-01-06T02:00:00-05:00"),
        ("2026-01-06T18:00:00-05:00", "2026-01-07T00:00:00-05:00"),
    ]


def senior_licensed_days(
    is_senior: bool, expires_on: dt.date | None, first: dt.date, last: dt.date
) -> frozenset[dt.date]:
    """The qualifying days of a clinician with one licence issued long before ``first`` that
    expires on ``expires_on`` (None: no licence record at all)."""
    licences = [] if expires_on is None else [LicenceTerm(dt.date(2000, 1, 1), expires_on)]
    return senior_licensed_days_from_records(is_senior, licences, first, last)


def test_senior_licensed_days():
    first, last = dt.date(2026, 1, 1), dt.date(2026, 1, 5)
    assert senior_licensed_days(True, dt.date(2026, 1, 4), first, last) == days(
        "2026-01-01", "2026-01-03"
    )
    assert senior_licensed_days(False, dt.date(2027, 1, 1), first, last) == frozenset()
    assert senior_licensed_days(True, None, first, last) == frozenset()
    assert senior_licensed_days(True, dt.date(2027, 1, 1), first, last) == days(
        "2026-01-01", "2026-01-05"
    )


# -- daylight-saving changes ---------------------------------------------------------------------


def test_spring_forward_the_service_day_is_an_hour_shorter():
    # Sunday 8 March 2026, service all day: 00:00 EST to the next midnight EDT is 23 hours.
    found = coverage_gaps(ALL_DAY, [], dt.date(2026, 3, 8), dt.date(2026, 3, 8), NY)
    assert [(gap.as_dict(NY)["starts_at"], gap.as_dict(NY)["ends_at"]) for gap in found] == [
        ("2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00"),
    ]
    assert found[0].ends_at - found[0].starts_at == dt.timedelta(hours=23)


def test_spring_forward_a_block_until_03_00_covers_the_night():
    blocks = [block("2026-03-07T21:00", "2026-03-08T03:00")]
    assert gaps(ALL_DAY, blocks, "2026-03-08", "2026-03-08") == [
        ("2026-03-08T03:00:00-04:00", "2026-03-09T00:00:00-04:00"),
    ]


def test_spring_forward_the_default_sunday_hours_use_summer_time():
    blocks = [block("2026-03-08T09:00", "2026-03-08T12:00")]
    assert gaps(DEFAULT, blocks, "2026-03-08", "2026-03-09") == [
        ("2026-03-08T12:00:00-04:00", "2026-03-08T18:00:00-04:00"),
        ("2026-03-09T08:00:00-04:00", "2026-03-09T21:00:00-04:00"),
    ]


def test_fall_back_the_service_day_is_an_hour_longer():
    found = coverage_gaps(ALL_DAY, [], dt.date(2026, 11, 1), dt.date(2026, 11, 1), NY)
    assert [(gap.as_dict(NY)["starts_at"], gap.as_dict(NY)["ends_at"]) for gap in found] == [
        ("2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00"),
    ]
    assert found[0].ends_at - found[0].starts_at == dt.timedelta(hours=25)


def test_fall_back_a_block_ending_at_01_30_ends_at_its_first_occurrence():
    # The block ends at 01:30 EDT; from then until the night's end (past the repeated hour) is
    # uncovered until the next block starts at 03:00 EST.
    blocks = [
        block("2026-10-31T21:00", "2026-11-01T01:30"),
        block("2026-11-01T03:00", "2026-11-02T00:00"),
    ]
    assert gaps(ALL_DAY, blocks, "2026-11-01", "2026-11-01") == [
        ("2026-11-01T01:30:00-04:00", "2026-11-01T03:00:00-05:00"),
    ]
    found = coverage_gaps(ALL_DAY, blocks, dt.date(2026, 11, 1), dt.date(2026, 11, 1), NY)
    assert found[0].ends_at - found[0].starts_at == dt.timedelta(hours=2, minutes=30)


def test_each_day_uses_the_service_hours_in_force_that_day():
    weekday_only = parse_service_hours("mon-fri 09:00-17:00")
    hours = {dt.date(2026, 1, 5): DEFAULT, dt.date(2026, 1, 6): weekday_only}
    assert gaps(hours, [], "2026-01-05", "2026-01-06") == [
        ("2026-01-05T08:00:00-05:00", "2026-01-05T21:00:00-05:00"),
        ("2026-01-06T09:00:00-05:00", "2026-01-06T17:00:00-05:00"),
    ]


def test_no_service_hours_no_gaps():
    nothing = ServiceHours(((),) * 7)
    assert gaps(nothing, [], "2026-01-05", "2026-01-11") == []


# -- who is on call ------------------------------------------------------------------------------


def test_who_was_on_call_at_an_instant():
    first = block("2026-03-03T08:00", "2026-03-03T20:15", key="first")
    second = block("2026-03-03T20:00", "2026-03-04T08:00", key="second")
    lapsed = block("2026-03-03T18:00", "2026-03-03T22:00", qualifying=frozenset(), key="lapsed")
    at = local("2026-03-03T20:15")
    assert [b.key for b in covering([first, second, lapsed], at, NY)] == ["second"]
    at = local("2026-03-03T20:14")
    assert [b.key for b in covering([first, second, lapsed], at, NY)] == ["first", "second"]


# -- phone numbers -------------------------------------------------------------------------------


def test_phone_numbers():
    assert phone_problem("617-555-0100") is None
    assert phone_problem("+1 (617) 555-0100 ext. 12") is None
    assert phone_problem("") is not None
    assert phone_problem("call Sue") is not None
    assert phone_problem("=1+2") is not None
    assert tel_uri("617-555-0100") == "tel:6175550100"
    assert tel_uri("+1 (617) 555-0100 ext. 12") == "tel:+16175550100;ext=12"
    assert tel_uri("617 555 0100 x3") == "tel:6175550100;ext=3"


# -- report parameters ---------------------------------------------------------------------------


def test_report_range_defaults_to_the_past_week_and_is_bounded():
    from lms.oncall.rules import month_days, parse_month, report_range

    today = dt.date(2026, 3, 10)
    assert report_range(None, "", today) == (dt.date(2026, 3, 3), dt.date(2026, 3, 9))
    assert report_range("2026-01-01", "2026-04-02", today) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 4, 2),
    )  # 92 days
    with pytest.raises(InvalidInput) as refused:
        report_range("2026-01-01", "2026-04-03", today)  # 93 days
    assert refused.value.field == "to"
    with pytest.raises(InvalidInput) as refused:
        report_range("2026-03-05", "2026-03-04", today)
    assert refused.value.field == "to"
    with pytest.raises(InvalidInput) as refused:
        report_range("March", None, today)
    assert refused.value.field == "from"
    assert parse_month("2026-02", today) == dt.date(2026, 2, 1)
    assert parse_month(None, today) == dt.date(2026, 3, 1)
    assert len(month_days(dt.date(2028, 2, 1))) == 29
    with pytest.raises(InvalidInput):
        parse_month("2026-13", today)
