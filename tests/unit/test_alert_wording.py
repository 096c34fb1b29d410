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
