"""The compliance rules: who is employed on a date and in what state, worst first; counts; and
the daily share of mentors current, worked out by hand and checked against training_state."""

import datetime as dt
import random

import pytest

from lms.compliance.rules import (
    ComplianceRow,
    CycleFacts,
    DailyShare,
    MentorRecord,
    chart_start,
    compliance_rows,
    count_by_status,
    daily_shares,
    monthly_summaries,
    not_current_periods,
    parse_as_of,
    sort_key,
    started_on,
    state_on,
)
from lms.staff.rules import Employment
from lms.training.rules import CyclePolicy, TrainingStatus, training_state
from lms.validation import InvalidInput

POLICY = CyclePolicy(initial_training_days=30, renewal_window_days=90)
D = dt.date


def mentor(
    name: str,
    hired: dt.date,
    *completions: dt.date,
    separated: dt.date | None = None,
    started: dt.date | None = None,
    person_id: int | None = None,
    rehires: tuple[Employment, ...] = (),
) -> MentorRecord:
    """A mentor whose completed cycles are ``completions``; ``started`` opens an unfinished one."""
    cycles = [CycleFacts(day, day - dt.timedelta(days=3)) for day in completions]
    if started is not None:
        cycles.append(CycleFacts(None, started))
    return MentorRecord(
        person_id=person_id or abs(hash(name)) % 10_000,
        name=name,
        position="therapeutic_mentor",
        supervisor_id=None,
        supervisor_name=None,
        employments=(Employment(hired, separated), *rehires),
        cycles=tuple(cycles),
    )


class TestOrderingAndCounts:
    """As of 2026-01-22, one mentor in each status (two lapsed, two not started)."""

    AS_OF = D(2026, 1, 22)
    RECORDS = [
        # Completed 2025-06-01, expires 2026-06-01, window opens 2026-03-03: compliant, 130 days.
        mentor("Cora Compliant", D(2025, 5, 1), D(2025, 6, 1)),
        # Hired 2026-01-20, due 2026-02-19: not started, 28 days left.
        mentor("Nia Late-Hire", D(2026, 1, 20)),
        # Hired 2026-01-10, due 2026-02-09, nothing started: not started, 18 days left.
        mentor("Ned New", D(2026, 1, 10)),
        # Hired 2026-01-10, started 2026-01-12: in progress, 18 days left.
        mentor("Ines Progress", D(2026, 1, 10), started=D(2026, 1, 12)),
        # Completed 2025-03-01, expires 2026-03-01, window opened 2025-12-01: due soon, 38 days.
        mentor("Dana Due", D(2025, 2, 1), D(2025, 3, 1)),
        # Hired 2025-12-01, due 2025-12-31, nothing done: overdue, -22 days.
        mentor("Otto Overdue", D(2025, 12, 1)),
        # Completed 2025-01-20, expired 2026-01-20: lapsed, -2 days.
        mentor("Lee Lapsed", D(2025, 1, 1), D(2025, 1, 20)),
        # Completed 2024-12-01, expired 2025-12-01: lapsed, -52 days (worse, so first).
        mentor("Lou Longer", D(2024, 11, 1), D(2024, 12, 1)),
        # Not employed on the day: hired later, or left before it.
        mentor("Fran Future", D(2026, 2, 1)),
        mentor("Sam Separated", D(2025, 1, 1), D(2025, 1, 5), separated=D(2026, 1, 21)),
    ]

    def test_worst_first_then_fewest_days_left(self):
        rows = compliance_rows(self.RECORDS, self.AS_OF, POLICY)
        assert [(r.record.name, r.state.status, r.state.days_left) for r in rows] == [
            ("Lou Longer", TrainingStatus.LAPSED, -52),
            ("Lee Lapsed", TrainingStatus.LAPSED, -2),
            ("Otto Overdue", TrainingStatus.OVERDUE, -22),
            ("Dana Due", TrainingStatus.DUE_SOON, 38),
            ("Ines Progress", TrainingStatus.IN_PROGRESS, 18),
            ("Ned New", TrainingStatus.NOT_STARTED, 18),
            ("Nia Late-Hire", TrainingStatus.NOT_STARTED, 28),
            ("Cora Compliant", TrainingStatus.COMPLIANT, 130),
        ]

    def test_due_or_expiry_date(self):
        rows = {r.record.name: r.state for r in compliance_rows(self.RECORDS, self.AS_OF, POLICY)}
        assert rows["Otto Overdue"].due_on == D(2025, 12, 31)  # the initial due date
        assert rows["Dana Due"].due_on == D(2026, 3, 1)  # the expiry in force
        assert rows["Lee Lapsed"].due_on == D(2026, 1, 20)

    def test_counts_cover_every_status_worst_first(self):
        counts = count_by_status(compliance_rows(self.RECORDS, self.AS_OF, POLICY))
        assert list(counts.items()) == [
            (TrainingStatus.LAPSED, 2),
            (TrainingStatus.OVERDUE, 1),
            (TrainingStatus.DUE_SOON, 1),
            (TrainingStatus.IN_PROGRESS, 1),
            (TrainingStatus.NOT_STARTED, 2),
            (TrainingStatus.COMPLIANT, 1),
        ]
        assert sum(count_by_status([]).values()) == 0

    def test_ties_are_broken_by_name_then_id(self):
        twins = [
            mentor("Ann", D(2026, 1, 1), person_id=2),
            mentor("Ann", D(2026, 1, 1), person_id=1),
        ]
        rows = compliance_rows(twins, self.AS_OF, POLICY)
        assert [r.record.person_id for r in rows] == [1, 2]
        assert sort_key(rows[0]) < sort_key(rows[1])

    def test_separated_on_the_day_is_still_employed(self):
        rows = compliance_rows(self.RECORDS, D(2026, 1, 21), POLICY)
        assert "Sam Separated" in {r.record.name for r in rows}


class TestStartedOn:
    def test_only_a_cycle_open_on_the_day_counts(self):
        # Initial cycle started 2026-01-05, completed 2026-01-25; the renewal started 2026-11-01.
        record = MentorRecord(
            1,
            "Rae",
            "therapeutic_mentor",
            None,
            None,
            (Employment(D(2026, 1, 1)),),
            (CycleFacts(D(2026, 1, 25), D(2026, 1, 5)), CycleFacts(None, D(2026, 11, 1))),
        )
        assert started_on(record, D(2026, 1, 3)) == D(2026, 1, 5)  # not yet started that day
        assert state_on(record, D(2026, 1, 3), POLICY).status is TrainingStatus.NOT_STARTED
        assert state_on(record, D(2026, 1, 10), POLICY).status is TrainingStatus.IN_PROGRESS
        assert started_on(record, D(2026, 2, 1)) == D(2026, 11, 1)  # only the renewal is open
        assert state_on(record, D(2026, 2, 1), POLICY).status is TrainingStatus.COMPLIANT

    def test_activity_before_the_hire_date_is_ignored(self):
        record = mentor("Rehired", D(2026, 1, 10), started=D(2025, 12, 1))
        assert started_on(record, D(2026, 1, 12)) is None


class TestDailyShares:
    """January 2026, worked by hand (initial training due 30 days after hire; one-year expiry).

    A: hired 2025-01-01, completed 2025-01-20 -> expires 2026-01-20, lapsed from then.
    B: hired 2025-12-01 -> due 2025-12-31, overdue from 2026-01-01; completes 2026-01-10.
    C: hired 2026-01-15 -> not started, due 2026-02-14: current from the day of hire.
    D: completed 2024-06-15, renewed 2025-05-01 inside the window -> expires 2026-06-15; the
       last day employed is 2026-01-24.
    E: hired 2026-02-01, after the month: never counted.

    Jan  1-9 : employed A B D,   current A D     -> 2 of 3
    Jan 10-14: employed A B D,   current A B D   -> 3 of 3
    Jan 15-19: employed A B C D, current all     -> 4 of 4
    Jan 20-24: employed A B C D, A has lapsed    -> 3 of 4
    Jan 25-31: employed A B C,   current B C     -> 2 of 3
    """

    RECORDS = [
        mentor("A", D(2025, 1, 1), D(2025, 1, 20)),
        mentor("B", D(2025, 12, 1), D(2026, 1, 10)),
        mentor("C", D(2026, 1, 15)),
        mentor("D", D(2024, 6, 1), D(2024, 6, 15), D(2025, 5, 1), separated=D(2026, 1, 24)),
        mentor("E", D(2026, 2, 1)),
    ]

    def test_each_day_of_january(self):
        shares = daily_shares(self.RECORDS, D(2026, 1, 1), D(2026, 1, 31), POLICY)
        expected = (
            [(3, 2)] * 9  # 1-9
            + [(3, 3)] * 5  # 10-14
            + [(4, 4)] * 5  # 15-19
            + [(4, 3)] * 5  # 20-24
            + [(3, 2)] * 7  # 25-31
        )
        assert [(s.employed, s.current) for s in shares] == expected
        assert [s.day for s in shares][0::10] == [
            D(2026, 1, 1),
            D(2026, 1, 11),
            D(2026, 1, 21),
            D(2026, 1, 31),
        ]
        assert shares[0].share == pytest.approx(2 / 3)
        assert shares[20].share == pytest.approx(3 / 4)

    def test_a_day_with_no_one_employed_has_no_share(self):
        shares = daily_shares(self.RECORDS, D(2020, 1, 1), D(2020, 1, 2), POLICY)
        assert [(s.employed, s.share) for s in shares] == [(0, None), (0, None)]

    def test_monthly_summaries_give_the_last_day_and_the_lowest(self):
        shares = daily_shares(self.RECORDS, D(2025, 12, 30), D(2026, 2, 3), POLICY)
        december, january, february = monthly_summaries(shares)
        assert december.month == D(2025, 12, 1)
        # 30-31 December: A, B (within its 30 days) and D employed, all current.
        assert (december.last.day, december.last.employed, december.last.current) == (
            D(2025, 12, 31),
            3,
            3,
        )
        assert (january.last.day, january.last.current, january.last.employed) == (
            D(2026, 1, 31),
            2,
            3,
        )
        assert january.lowest.day == D(2026, 1, 1)  # 2 of 3, first reached on the 1st
        # February: E hired on the 1st and current -> 3 of 4 (A still lapsed).
        assert (february.last.employed, february.last.current) == (4, 3)
        assert monthly_summaries([DailyShare(D(2026, 3, 1), 0, 0)])[0].lowest is None

    def test_a_year_matches_training_state_day_by_day(self):
        rng = random.Random(2026)
        records = [_random_history(rng, number) for number in range(60)]
        start, end = D(2025, 3, 1), D(2026, 3, 1)
        for share in daily_shares(records, start, end, POLICY):
            states = [
                training_state(employment, r.completed_on_days, share.day, POLICY)
                for r in records
                if (employment := r.employment_on(share.day)) is not None
            ]
            employed = [s for s in states if s is not None]
            assert share.employed == len(employed), share.day
            assert share.current == sum(s.current for s in employed), share.day


def _random_history(rng: random.Random, number: int) -> MentorRecord:
    hired = D(2023, 6, 1) + dt.timedelta(days=rng.randint(0, 1000))
    separated = hired + dt.timedelta(days=rng.randint(0, 700)) if rng.random() < 0.3 else None
    rehires = ()
    if separated is not None and rng.random() < 0.5:  # some come back after a gap
        rehires = (Employment(separated + dt.timedelta(days=rng.randint(1, 200))),)
    days, day = [], hired + dt.timedelta(days=rng.randint(-20, 60))  # some before the hire
    while day < D(2026, 6, 1) and rng.random() < 0.85:
        days.append(day)
        day += dt.timedelta(days=rng.choice((1, 200, 300, 330, 365, 380, 420)))
    return mentor(
        f"M{number}", hired, *days, separated=separated, person_id=number + 1, rehires=rehires
    )


def test_not_current_periods_of_a_late_start_and_a_lapse():
    # Hired 2025-01-01, due 2025-01-31; completed 2025-02-10 (overdue 1-9 February),
    # expired 2026-02-10, renewed late on 2026-03-01 (lapsed 10-28 February), open from 2027-03-01.
    periods = not_current_periods(
        Employment(D(2025, 1, 1)), [D(2026, 3, 1), D(2025, 2, 10)], POLICY
    )
    assert periods == [
        (D(2025, 2, 1), D(2025, 2, 9)),
        (D(2026, 2, 10), D(2026, 2, 28)),
        (D(2027, 3, 1), None),
    ]
    assert not_current_periods(Employment(D(2025, 1, 1)), [], POLICY) == [(D(2025, 2, 1), None)]


class TestAsOf:
    TODAY = D(2026, 11, 23)

    def test_empty_means_today(self):
        assert parse_as_of(None, self.TODAY) == self.TODAY
        assert parse_as_of("  ", self.TODAY) == self.TODAY

    def test_past_dates_and_up_to_a_year_ahead(self):
        assert parse_as_of("2019-02-28", self.TODAY) == D(2019, 2, 28)
        assert parse_as_of("2027-11-23", self.TODAY) == D(2027, 11, 23)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("2027-11-24", "no later than 2027-11-23"),
            ("2026-13-01", "is not a date"),
            ("23/11/2026", "is not a date"),
            ("yesterday", "is not a date"),
            ("1899-12-31", "on or after 1900-01-01"),
        ],
    )
    def test_refused(self, text, message):
        with pytest.raises(InvalidInput) as error:
            parse_as_of(text, self.TODAY)
        assert error.value.field == "as_of"
        assert message in error.value.message

    def test_a_year_from_29_february(self):
        assert parse_as_of("2029-02-28", D(2028, 2, 29)) == D(2029, 2, 28)
        with pytest.raises(InvalidInput):
            parse_as_of("2029-03-01", D(2028, 2, 29))


def test_the_chart_covers_the_twelve_months_ending_on_the_day():
    assert chart_start(D(2026, 11, 23)) == D(2025, 11, 24)  # 365 days with the day itself
    assert chart_start(D(2028, 2, 29)) == D(2027, 3, 1)
    assert (D(2028, 6, 30) - chart_start(D(2028, 6, 30))).days + 1 == 366  # a leap day inside


def test_rows_are_frozen():
    row = compliance_rows([mentor("Zed", D(2026, 1, 1))], D(2026, 1, 2), POLICY)[0]
    assert isinstance(row, ComplianceRow)
    with pytest.raises(AttributeError):
        row.state = None  # type: ignore[misc]
