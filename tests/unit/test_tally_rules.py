"""The counters' arithmetic, worked by hand: a period counts from its first day to its last."""

import datetime as dt

from lms.tallies.rules import Spans, TallyKey, changes_of, count_on, without_zeros

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
