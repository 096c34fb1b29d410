"""The counters' arithmetic, worked by hand: a period counts from its first day to its last."""

import datetime as dt
from collections import Counter
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from lms.tallies.rules import (
    DAY,
    MONTH,
    YEAR,
    SpanRange,
    Spans,
    TallyKey,
    changes_of,
    count_on,
    rolled_up,
    summed_through,
    without_zeros,
)

D = dt.date
MENTOR, ACTIVE = "therapeutic_mentor", "active"


def key(status, day):
    return TallyKey("training", MENTOR, ACTIVE, status, day)


def test_a_closed_period_counts_from_its_first_day_to_its_last():
    # Overdue from 1 to 10 March: +1 on the 1st, -1 on the 11th.
    changes = changes_of(
        "training", [Spans(MENTOR, ACTIVE, "overdue", D(2026, 3, 1), D(2026, 3, 10))]
    )
    assert changes == {key("overdue", D(2026, 3, 1)): 1, key("overdue", D(2026, 3, 11)): -1}
    assert count_on(changes, D(2026, 2, 28))["overdue"] == 0
    assert count_on(changes, D(2026, 3, 1))["overdue"] == 1
    assert count_on(changes, D(2026, 3, 10))["overdue"] == 1
    assert count_on(changes, D(2026, 3, 11))["overdue"] == 0


def test_an_open_period_counts_for_ever_and_grouped_spans_count_several_people():
    changes = changes_of(
        "training", [Spans(MENTOR, ACTIVE, "compliant", D(2026, 1, 5), None, count=3)]
    )
    assert changes == {key("compliant", D(2026, 1, 5)): 3}
    assert count_on(changes, D(2040, 1, 1))["compliant"] == 3


def test_replacing_a_persons_periods_moves_only_the_counters_that_differ():
    # Old: not started 1-30 Jan, then overdue from 31 Jan. New (a completion on 20 Jan):
    # not started 1-19 Jan, compliant from 20 Jan.
    old = [
        Spans(MENTOR, ACTIVE, "not_started", D(2026, 1, 1), D(2026, 1, 30)),
        Spans(MENTOR, ACTIVE, "overdue", D(2026, 1, 31), None),
    ]
    new = [
        Spans(MENTOR, ACTIVE, "not_started", D(2026, 1, 1), D(2026, 1, 19)),
        Spans(MENTOR, ACTIVE, "compliant", D(2026, 1, 20), None),
    ]
    net = changes_of("training", old, -1)
    net.update(changes_of("training", new))
    assert without_zeros(net) == {
        key("compliant", D(2026, 1, 20)): 1,
        key("not_started", D(2026, 1, 20)): -1,
        key("not_started", D(2026, 1, 31)): 1,
        key("overdue", D(2026, 1, 31)): -1,
    }
    # Applied to counters holding the old periods, the counts are the new periods' on any day.
    counters = changes_of("training", old)
    counters.update(net)
    assert count_on(counters, D(2026, 1, 19)) == {"not_started": 1}
    assert +count_on(counters, D(2026, 1, 20)) == {"compliant": 1}
    assert +count_on(counters, D(2026, 2, 15)) == {"compliant": 1}


def test_a_change_of_scope_moves_the_person_between_counters():
    old = [Spans(MENTOR, ACTIVE, "compliant", D(2026, 1, 1), None)]
    new = [Spans(MENTOR, "separated", "compliant", D(2026, 1, 1), None)]
    net = changes_of("training", old, -1)
    net.update(changes_of("training", new))
    assert without_zeros(net) == {
        key("compliant", D(2026, 1, 1)): -1,
        TallyKey("training", MENTOR, "separated", "compliant", D(2026, 1, 1)): 1,
    }


def test_each_change_is_also_kept_in_its_months_and_its_years_sum():
    changes = {
        key("overdue", D(2026, 3, 1)): 1,
        key("overdue", D(2026, 3, 11)): -1,  # March sums to nothing: no month row kept
        key("overdue", D(2026, 4, 30)): 2,
        key("overdue", D(2027, 1, 1)): -2,
    }
    month = lambda day: replace(key("overdue", day), span=MONTH)  # noqa: E731
    year = lambda day: replace(key("overdue", day), span=YEAR)  # noqa: E731
    assert rolled_up(changes) == {
        **changes,
        month(D(2026, 4, 1)): 2,
        year(D(2026, 1, 1)): 2,
        month(D(2027, 1, 1)): -2,
        year(D(2027, 1, 1)): -2,
    }


def test_the_sums_that_make_a_count_are_the_years_before_the_months_before_and_the_days():
    # 15 May 2026: every year up to 2025, January to April 2026, 1 to 15 May 2026.
    assert summed_through(D(2026, 5, 15)) == (
        SpanRange(YEAR, None, D(2025, 12, 31)),
        SpanRange(MONTH, D(2026, 1, 1), D(2026, 4, 30)),
        SpanRange(DAY, D(2026, 5, 1), D(2026, 5, 15)),
    )
    # 1 January: no month of its year before it, one day of its month.
    assert summed_through(D(2027, 1, 1)) == (
        SpanRange(YEAR, None, D(2026, 12, 31)),
        SpanRange(MONTH, D(2027, 1, 1), D(2026, 12, 31)),
        SpanRange(DAY, D(2027, 1, 1), D(2027, 1, 1)),
    )


def count_from_sums(stored, day):
    """The count on ``day`` read as the counters' query reads it."""
    counts = {}
    for spans in summed_through(day):
        for stored_key, change in stored.items():
            if stored_key.span != spans.span or stored_key.day > spans.last:
                continue
            if spans.first is not None and stored_key.day < spans.first:
                continue
            counts[stored_key.status] = counts.get(stored_key.status, 0) + change
    return {status: count for status, count in counts.items() if count}


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["overdue", "current"]),
            st.dates(D(2023, 1, 1), D(2028, 12, 31)),
            st.integers(-3, 3),
        ),
        max_size=30,
    ),
    st.dates(D(2022, 6, 1), D(2029, 6, 30)),
)
def test_reading_the_sums_counts_as_reading_every_day(changes, day):
    by_day = Counter()
    for status, changed_on, change in changes:
        by_day[key(status, changed_on)] += change
    expected = {status: count for status, count in count_on(by_day, day).items() if count}
    assert count_from_sums(rolled_up(by_day), day) == expected
