"""The alert rules, worked by hand: thresholds, escalation, weekly repeats, catch-up, no repeats.

The mentor's renewal is due on Monday 1 March 2027 unless a test says otherwise; the default
policy is 60, 30, 14, 7 and 1 days before, the due date, then every 7 days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lms.alerts.models import AlertKind
from lms.alerts.rules import (
    AlertPolicy,
    CandidateFacts,
    Contact,
    Kind,
    MentorFacts,
    RecipientRole,
    SupervisorFacts,
    decide,
    latest_threshold,
    long_date,
    provisional_since,
    relative_days,
    training_threshold,
)
from lms.staff.rules import Employment
from lms.training.rules import CyclePolicy, TrainingState, TrainingStatus, training_state

POLICY = AlertPolicy()
DUE = dt.date(2027, 3, 1)
MENTOR = Contact("mentor@example.org", 11, "mentor@example.org")
SUPERVISOR = Contact("boss@example.org", 12, "boss@example.org")
HR = (Contact("hr@example.org", 13, "hr@example.org"), Contact("user:14", 14, None, digest=True))


def renewal(due_on: dt.date = DUE, completed_on: dt.date = dt.date(2026, 3, 1)) -> TrainingState:
    return TrainingState(TrainingStatus.DUE_SOON, due_on, due_on, None, completed_on, 0)


def initial(due_on: dt.date = DUE) -> TrainingState:
    return TrainingState(TrainingStatus.NOT_STARTED, due_on, None, None, None, 0)


def mentor(state: TrainingState | None = None, **changes) -> MentorFacts:
    values = {
        "person_id": 1,
        "name": "Jordan Ellis",
        "training": state or renewal(),
        "contact": MENTOR,
        "supervisor": SUPERVISOR,
    }
    values.update(changes)
    return MentorFacts(**values)


def day(offset: int, due_on: dt.date = DUE) -> dt.date:
    """``offset`` days before the due date (negative: after it)."""
    return due_on - dt.timedelta(days=offset)


def remember(alerted: dict, decisions) -> None:
    """What the outbox would hold after writing ``decisions``."""
    for decision in decisions:
        key = (decision.subject_key, decision.kind.track, decision.due_on)
        alerted[key] = min(decision.threshold, alerted.get(key, decision.threshold))


def run_on(days, alerted=None, policy=POLICY, **facts):
    """Run the rules on each of ``days`` in turn, as the daily job would; what fired when."""
    alerted = {} if alerted is None else alerted
    fired = []
    for as_of in days:
        decisions = decide(as_of, policy, alerted=alerted, **facts)
        remember(alerted, decisions)
        fired += [(as_of, decision) for decision in decisions]
    return fired


def every_day(first: dt.date, last: dt.date):
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


# -- thresholds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [
        (61, None),
        (60, 60),
        (45, 60),
        (31, 60),
        (30, 30),
        (15, 30),
        (14, 14),
        (8, 14),
        (7, 7),
        (2, 7),
        (1, 1),
        (0, 0),
        (-1, 0),
        (-6, 0),
        (-7, -7),
        (-13, -7),
        (-14, -14),
        (-20, -14),
        (-21, -21),
        (-365, -364),
    ],
)
def test_the_latest_training_threshold_reached(days_left, threshold):
    assert training_threshold(days_left, POLICY) == threshold


def test_licence_thresholds():
    thresholds = (90, 60, 30)
    assert latest_threshold(91, thresholds) is None
    assert latest_threshold(90, thresholds) == 90
    assert latest_threshold(61, thresholds) == 90
    assert latest_threshold(60, thresholds) == 60
    assert latest_threshold(30, thresholds) == 30
    assert latest_threshold(-5, thresholds) == 30


def test_daily_runs_fire_each_threshold_on_its_day_and_weekly_after():
    fired = run_on(every_day(day(70), day(-30)), mentors=[mentor()])
    assert [(as_of, d.threshold, d.kind) for as_of, d in fired] == [
        (dt.date(2026, 12, 31), 60, Kind.TRAINING_DUE),  # 60 days before 1 March 2027
        (dt.date(2027, 1, 30), 30, Kind.TRAINING_DUE),
        (dt.date(2027, 2, 15), 14, Kind.TRAINING_DUE),
        (dt.date(2027, 2, 22), 7, Kind.TRAINING_DUE),
        (dt.date(2027, 2, 28), 1, Kind.TRAINING_DUE),
        (dt.date(2027, 3, 1), 0, Kind.TRAINING_DUE),  # the due date itself
        (dt.date(2027, 3, 8), -7, Kind.TRAINING_LAPSED),
        (dt.date(2027, 3, 15), -14, Kind.TRAINING_LAPSED),
        (dt.date(2027, 3, 22), -21, Kind.TRAINING_LAPSED),
        (dt.date(2027, 3, 29), -28, Kind.TRAINING_LAPSED),
    ]
    assert {d.due_on for _, d in fired} == {DUE}


def test_thresholds_come_from_the_policy():
    policy = AlertPolicy(due_days=(45, 10), repeat_days=3)
    fired = run_on(every_day(day(50), day(-7)), policy=policy, mentors=[mentor()])
    assert [(as_of - DUE).days for as_of, _ in fired] == [-45, -10, 3, 6]
    assert [d.threshold for _, d in fired] == [45, 10, -3, -6]


def test_initial_training_is_overdue_not_lapsed_after_its_due_date():
    # Hired 5 January 2027: initial training due 30 days later, on 4 February.
    state = training_state(Employment(dt.date(2027, 1, 5)), [], dt.date(2027, 2, 11), CyclePolicy())
    assert state.due_on == dt.date(2027, 2, 4)
    (decision,) = decide(dt.date(2027, 2, 11), POLICY, mentors=[mentor(state)])
    assert (decision.kind, decision.threshold) == (Kind.TRAINING_OVERDUE, -7)
    assert decision.subject == "Training overdue by 7 days: Jordan Ellis"
    assert "initial Therapeutic Mentoring training was due on 4 February 2027" in decision.body


def test_a_new_hire_starts_at_the_threshold_already_reached():
    # Hired with 30 days to go: the 60-day threshold never applied, the 30-day one fires now.
    hired = dt.date(2027, 1, 5)
    state = training_state(Employment(hired), [], hired, CyclePolicy())
    (decision,) = decide(hired, POLICY, mentors=[mentor(state)])
    assert decision.threshold == 30
    assert decision.subject == "Training due in 30 days: Jordan Ellis"


def test_nothing_is_due_far_ahead():
    assert decide(day(61), POLICY, mentors=[mentor()], hr=HR) == []


# -- recipients ---------------------------------------------------------------------------------


def roles(decision):
    return [(r.contact.key, r.role) for r in decision.recipients]


def test_before_the_due_date_only_the_mentor_is_told():
    (decision,) = decide(day(1), POLICY, mentors=[mentor()], hr=HR)
    assert roles(decision) == [("mentor@example.org", RecipientRole.MENTOR)]


def test_from_the_due_date_the_supervisor_and_hr_are_told_too():
    (on_the_day,) = decide(day(0), POLICY, mentors=[mentor()], hr=HR)
    (weekly,) = decide(day(-7), POLICY, mentors=[mentor()], hr=HR)
    expected = [
        ("mentor@example.org", RecipientRole.MENTOR),
        ("boss@example.org", RecipientRole.SUPERVISOR),
        ("hr@example.org", RecipientRole.HR),
        ("user:14", RecipientRole.HR),
    ]
    assert roles(on_the_day) == roles(weekly) == expected
    assert on_the_day.subject == "Training due today: Jordan Ellis"


def test_someone_in_two_roles_is_told_once():
    supervisor_in_hr = Contact("boss@example.org", 12, "boss@example.org")
    other_address = Contact("boss.hr@example.org", 12, "boss.hr@example.org")  # same account
    (decision,) = decide(
        day(0), POLICY, mentors=[mentor()], hr=(supervisor_in_hr, other_address, HR[0])
    )
    assert roles(decision) == [
        ("mentor@example.org", RecipientRole.MENTOR),
        ("boss@example.org", RecipientRole.SUPERVISOR),
        ("hr@example.org", RecipientRole.HR),
    ]


def test_a_mentor_without_a_supervisor_still_escalates_to_hr():
    (decision,) = decide(day(0), POLICY, mentors=[mentor(supervisor=None)], hr=HR[:1])
    assert [r.role for r in decision.recipients] == [RecipientRole.MENTOR, RecipientRole.HR]


# -- catch-up and no duplicates -------------------------------------------------------------------


def test_missed_days_still_fire_the_threshold_crossed_meanwhile_once():
    # Runs 20 days before (30 fires), then the job is down until 5 days before: 14 and 7 were
    # crossed meanwhile; only the most recent, 7, fires, and 14 never fires later.
    days = [day(20), day(5), day(4), day(3), day(1), day(-3), day(-4), day(-8), day(-9)]
    fired = run_on(days, mentors=[mentor()])
    assert [((as_of - DUE).days, d.threshold) for as_of, d in fired] == [
        (-20, 30),
        (-5, 7),
        (-1, 1),
        (3, 0),  # the due date was missed: it fires late, once, to the escalation list
        (8, -7),
    ]
    late = fired[3][1]
    assert late.subject == "Training was due 1 March 2027: Jordan Ellis"
    assert "was due on 1 March 2027 (3 days ago)" in late.body
    assert len(late.recipients) == 2


def test_a_first_run_long_after_the_due_date_fires_one_alert():
    fired = run_on([day(-400), day(-401), day(-406)], mentors=[mentor()])
    assert [((as_of - DUE).days, d.threshold) for as_of, d in fired] == [(400, -399), (406, -406)]


def test_running_twice_on_one_day_decides_nothing_the_second_time():
    alerted: dict = {}
    facts = {"mentors": [mentor()], "supervisors": [], "hr": HR}
    assert len(run_on([day(30)], alerted, **facts)) == 1
    assert run_on([day(30), day(30)], alerted, **facts) == []


def test_an_older_threshold_never_fires_after_a_newer_one():
    alerted = {("person:1", "training", DUE): 7}
    # Re-run for an earlier date (e.g. --as-of in the past): the 30-day threshold stays quiet.
    assert decide(day(20), POLICY, mentors=[mentor()], alerted=alerted) == []
    assert decide(day(7), POLICY, mentors=[mentor()], alerted=alerted) == []
    (next_one,) = decide(day(1), POLICY, mentors=[mentor()], alerted=alerted)
    assert next_one.threshold == 1


def test_a_new_due_date_starts_a_new_track():
    alerted = {("person:1", "training", DUE): -7}
    renewed = renewal(dt.date(2028, 3, 1), dt.date(2027, 3, 10))
    (decision,) = decide(dt.date(2028, 1, 1), POLICY, mentors=[mentor(renewed)], alerted=alerted)
    assert (decision.due_on, decision.threshold) == (dt.date(2028, 3, 1), 60)


def test_tracks_are_per_person():
    other = mentor(person_id=2, name="Riley Santos")
    alerted = {("person:1", "training", DUE): 30}
    (decision,) = decide(day(30), POLICY, mentors=[mentor(), other], alerted=alerted)
    assert decision.person_id == 2


# -- licences -----------------------------------------------------------------------------------


def supervisor(expires_on: dt.date = DUE) -> SupervisorFacts:
    return SupervisorFacts(12, "Sam Okafor", "LICSW", expires_on, SUPERVISOR)


def test_licence_alerts_at_90_60_and_30_days_to_the_supervisor_and_hr():
    fired = run_on(every_day(day(100), day(-40)), supervisors=[supervisor()], hr=HR[:1])
    assert [((as_of - DUE).days, d.threshold) for as_of, d in fired] == [
        (-90, 90),
        (-60, 60),
        (-30, 30),
    ]
    first = fired[0][1]
    assert first.kind is Kind.LICENCE_EXPIRING
    assert first.subject == "Licence expires in 90 days: Sam Okafor"
    assert "LICSW licence expires on 1 March 2027 (in 90 days)" in first.body
    assert roles(first) == [
        ("boss@example.org", RecipientRole.SUPERVISOR),
        ("hr@example.org", RecipientRole.HR),
    ]


def test_licence_catch_up_and_an_already_expired_licence():
    fired = run_on([day(95), day(45), day(10)], supervisors=[supervisor()])
    assert [d.threshold for _, d in fired] == [60, 30]
    (expired,) = decide(day(-5), POLICY, supervisors=[supervisor()])
    assert expired.threshold == 30
    assert expired.subject == "Licence expired: Sam Okafor"
    assert "expired on 1 March 2027 (5 days ago)" in expired.body


# -- provisional candidates ---------------------------------------------------------------------


def candidate(since: dt.date = dt.date(2027, 3, 1), person_id: int = 5) -> CandidateFacts:
    return CandidateFacts(person_id, "Casey Nguyen", since)


def test_a_candidate_provisional_for_more_than_14_days_is_reported_to_hr_once():
    fired = run_on(
        every_day(dt.date(2027, 3, 1), dt.date(2027, 5, 1)), candidates=[candidate()], hr=HR
    )
    assert len(fired) == 1
    as_of, decision = fired[0]
    assert as_of == dt.date(2027, 3, 16)  # day 15 of the streak: more than 14 days
    assert (decision.kind, decision.threshold) == (Kind.PROVISIONAL_STALE, -1)
    assert decision.due_on == dt.date(2027, 3, 15)
    assert [r.role for r in decision.recipients] == [RecipientRole.HR, RecipientRole.HR]
    assert decision.subject == "Still provisional after 15 days: Casey Nguyen"


def test_a_new_provisional_streak_is_reported_again():
    alerted: dict = {}
    run_on([dt.date(2027, 3, 20)], alerted, candidates=[candidate()], hr=HR)
    later = candidate(dt.date(2027, 6, 1))
    fired = run_on([dt.date(2027, 6, 15), dt.date(2027, 6, 16)], alerted, candidates=[later])
    assert [as_of for as_of, _ in fired] == [dt.date(2027, 6, 16)]


def test_the_provisional_streak_starts_at_its_first_determination():
    d = dt.date(2027, 3, 1)
    later = [d + dt.timedelta(days=n) for n in range(6)]
    assert provisional_since([]) is None
    assert provisional_since([(d, "provisional"), (later[1], "provisional")]) == d
    history = [
        (d, "provisional"),
        (later[1], "eligible"),
        (later[2], "provisional"),
        (later[3], "provisional"),
        (later[4], "provisional"),
    ]
    assert provisional_since(history) == later[2]
    assert provisional_since([*history, (later[5], "eligible")]) is None
    assert provisional_since([(d, "not_eligible"), (later[1], "provisional")]) == later[1]


# -- wording and kinds ----------------------------------------------------------------------------


def test_wording():
    assert long_date(dt.date(2027, 3, 1)) == "1 March 2027"
    assert [relative_days(n) for n in (30, 1, 0, -1, -9)] == [
        "in 30 days",
        "tomorrow",
        "today",
        "yesterday",
        "9 days ago",
    ]
    (lapsed,) = decide(day(-14), POLICY, mentors=[mentor()])
    assert lapsed.subject == "Training certification lapsed 14 days ago: Jordan Ellis"
    (due,) = decide(day(14), POLICY, mentors=[mentor()])
    assert due.body.startswith(
        "Jordan Ellis's Therapeutic Mentoring annual training renewal is due on 1 March 2027 "
        "(in 14 days). Their current certificate expires that day."
    )


def test_kinds_match_the_stored_kinds():
    assert {kind.value for kind in Kind} == {kind.value for kind in AlertKind}
