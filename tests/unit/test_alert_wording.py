"""A licence alert as the supervisor it is about reads it: their licence, not their name."""

import datetime as dt

from lms.alerts.rules import (
    AlertPolicy,
    Contact,
    Kind,
    SupervisorFacts,
    decide,
    worded_for_its_subject,
)

SUPERVISOR = Contact("boss@example.org", 12, "boss@example.org")


def decided(as_of: dt.date):
    facts = SupervisorFacts(12, "Samuel Okafor", "LICSW", dt.date(2027, 3, 1), SUPERVISOR)
    (decision,) = decide(as_of, AlertPolicy(), supervisors=[facts])
    return decision


def test_the_supervisor_reads_your_licence_where_hr_reads_their_name():
    decision = decided(dt.date(2026, 12, 1))  # 90 days before 1 March 2027
    assert decision.subject == "Licence expires in 90 days: Samuel Okafor"
    assert decision.body.startswith("Samuel Okafor's LICSW licence expires on 1 March 2027")
    subject, body = worded_for_its_subject(decision.kind, decision.subject, decision.body)
    assert subject == "Your licence expires in 90 days"
    assert body == (
        "Your LICSW licence expires on 1 March 2027 (in 90 days). Mentors must be supervised "
        "by a licensed clinician: renew it and give HR the new expiry date before it lapses."
    )
    assert "Samuel" not in subject + body


def test_an_expired_licence_reads_your_licence_expired():
    decision = decided(dt.date(2027, 3, 5))
    subject, body = worded_for_its_subject(decision.kind, decision.subject, decision.body)
    assert subject == "Your licence expired"
    assert body.startswith("Your LICSW licence expired on 1 March 2027 (4 days ago).")


def test_other_alerts_and_unexpected_text_are_left_as_they_are():
    text = ("Training due in 7 days: Ana", "Ana's Therapeutic Mentoring initial training…")
    assert worded_for_its_subject(Kind.TRAINING_DUE, *text) == text
    odd = ("Licence note", "Something else entirely.")
    assert worded_for_its_subject(Kind.LICENCE_EXPIRING, *odd) == odd


# -- a mentor's own training alerts (issue 14) ---------------------------------------------------

MENTOR = Contact("ana@example.org", 11, "ana@example.org")


def training_decision(as_of: dt.date, completed_on: dt.date | None):
    from lms.alerts.rules import MentorFacts
    from lms.training.rules import TrainingState, TrainingStatus

    status = TrainingStatus.DUE_SOON if completed_on else TrainingStatus.NOT_STARTED
    due_on = dt.date(2027, 3, 1)
    state = TrainingState(status, due_on, due_on if completed_on else None, None, completed_on, 0)
    mentor = MentorFacts(11, "Ana Lima", state, MENTOR, SUPERVISOR)
    (decision,) = decide(as_of, AlertPolicy(), mentors=[mentor])
    return decision


def test_a_mentor_reads_your_training_where_others_read_their_name():
    decision = training_decision(dt.date(2027, 1, 30), dt.date(2026, 3, 1))  # 30 days before
    assert decision.subject == "Training due in 30 days: Ana Lima"
    assert decision.own_subject == "Your training is due in 30 days"
    assert decision.own_body == (
        "Your Therapeutic Mentoring annual training renewal is due on 1 March 2027 (in 30 "
        "days). Your current certificate expires that day. Sign in to the training app to "
        "complete the remaining modules."
    )


def test_overdue_and_lapsed_training_in_the_second_person():
    overdue = training_decision(dt.date(2027, 3, 8), None)  # initial training, a week late
    assert overdue.own_subject == "Your training is overdue by 7 days"
    assert overdue.own_body.startswith(
        "Your initial Therapeutic Mentoring training was due on 1 March 2027 (7 days ago)"
    )
    assert "Your supervisor and HR are told every week" in overdue.own_body
    lapsed = training_decision(dt.date(2027, 3, 8), dt.date(2026, 3, 1))
    assert lapsed.own_subject == "Your training certification lapsed 7 days ago"
    assert "You are not current on training" in lapsed.own_body
    for decision in (overdue, lapsed):
        assert "Ana" not in decision.own_subject + decision.own_body


def test_the_licence_alert_carries_its_own_wording():
    decision = decided(dt.date(2026, 12, 1))
    assert decision.own_subject == "Your licence expires in 90 days"
    assert decision.own_body.startswith("Your LICSW licence expires on 1 March 2027")
