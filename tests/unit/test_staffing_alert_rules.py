"""The alerts issues 10 and 12 ask for, decided by the pure rules: hand-worked cases whose
expected values come from the issue text.

Issue 10: "on LMS_SUPERVISION_REMINDER_WEEKDAY (default Thursday) to the supervisor for each
supervisee whose week is still pending; a missed week to HR (in the daily digest) […]; a
supervisor supervising with no valid licence, to HR at once"; on-call: "any gap in the next 14
days, to admins and HR, once per gap, again if it changes". A licence "is valid up to the day
before [its expiry date]"; weeks run Sunday to Saturday.

Issue 12: alerts "before expiry, on lapse, a new policy version to sign, monthly exclusion
screening due; digests for HR". A check is valid "from its date for the interval in calendar
months (a day-of-month that does not exist in the target month falls back to the month's last
day)".
"""

from __future__ import annotations

import datetime as dt

from lms.alerts.rules import (
    AlertPolicy,
    Contact,
    Kind,
    PolicyFacts,
    RecipientRole,
    RequirementFacts,
    SessionLicenceFacts,
    SuperviseeWeek,
    decide,
)
from lms.clinicians.rules import LicenceTerm
from lms.oncall.rules import Gap
from lms.requirements.rules import (
    Requirement,
    RequirementKind,
    RequirementStatus,
    check_validity,
    credential_validity,
    status_on,
)
from lms.supervision.rules import WeekStatus

POLICY = AlertPolicy()  # reminders on Thursday
ZONE = "America/New_York"
SUPERVISOR = Contact("boss@example.org", 12, "boss@example.org")
PERSON = Contact("ana@example.org", 11, "ana@example.org")
HR = (Contact("hr@example.org", 13, "hr@example.org"),)
ADMINS = (Contact("admin@example.org", 15, "admin@example.org"),)

# Sunday 8 March to Saturday 14 March 2026; Thursday is the 12th.
SUNDAY, SATURDAY, THURSDAY = dt.date(2026, 3, 8), dt.date(2026, 3, 14), dt.date(2026, 3, 12)


def week(status: WeekStatus, supervisor: Contact | None = SUPERVISOR, starts_on=SUNDAY):
    return SuperviseeWeek(
        7, "Ana Lima", starts_on, starts_on + dt.timedelta(days=6), status, supervisor
    )


def remember(decisions, alerted=None) -> dict:
    alerted = {} if alerted is None else alerted
    for decision in decisions:
        key = (decision.subject_key, decision.kind.track, decision.due_on)
        alerted[key] = min(decision.threshold, alerted.get(key, decision.threshold))
    return alerted


def who(decision) -> list[tuple[str, RecipientRole, bool | None]]:
    return [(r.contact.key, r.role, r.digest) for r in decision.recipients]


# -- the supervision reminder ---------------------------------------------------------------------


def test_a_pending_week_reminds_the_supervisor_on_thursday():
    (decision,) = decide(THURSDAY, POLICY, weeks=[week(WeekStatus.PENDING)], hr=HR)
    assert decision.kind is Kind.SUPERVISION_PENDING
    assert who(decision) == [("boss@example.org", RecipientRole.SUPERVISOR, None)]
    assert decision.person_id == 7
    assert (decision.due_on, decision.threshold) == (SATURDAY, 2)  # the week ends in 2 days
    assert decision.subject == "Supervision not recorded yet this week: Ana Lima"
    assert "the week of 8 March 2026 to 14 March 2026" in decision.body
    assert "ends in 2 days" in decision.body


def test_no_reminder_on_other_days_for_met_weeks_or_without_a_supervisor():
    pending = week(WeekStatus.PENDING)
    assert decide(dt.date(2026, 3, 11), POLICY, weeks=[pending]) == []  # Wednesday
    assert decide(dt.date(2026, 3, 13), POLICY, weeks=[pending]) == []  # Friday
    assert decide(THURSDAY, POLICY, weeks=[week(WeekStatus.MET)]) == []
    assert decide(THURSDAY, POLICY, weeks=[week(WeekStatus.NOT_REQUIRED)]) == []
    assert decide(THURSDAY, POLICY, weeks=[week(WeekStatus.PENDING, supervisor=None)]) == []


def test_the_reminder_is_sent_once_per_week():
    weeks = [week(WeekStatus.PENDING)]
    alerted = remember(decide(THURSDAY, POLICY, weeks=weeks))
    assert decide(THURSDAY, POLICY, weeks=weeks, alerted=alerted) == []
    # The next Thursday is another week (15 to 21 March): reminded again if still pending.
    next_week = [week(WeekStatus.PENDING, starts_on=dt.date(2026, 3, 15))]
    (again,) = decide(dt.date(2026, 3, 19), POLICY, weeks=next_week, alerted=alerted)
    assert again.due_on == dt.date(2026, 3, 21)


def test_the_reminder_weekday_is_a_setting():
    monday = AlertPolicy(reminder_weekday=0)
    assert decide(THURSDAY, monday, weeks=[week(WeekStatus.PENDING)]) == []
    (decision,) = decide(dt.date(2026, 3, 9), monday, weeks=[week(WeekStatus.PENDING)])
    assert decision.threshold == 5  # Monday 9 March: 5 days before Saturday 14 March


# -- a missed week --------------------------------------------------------------------------------


def test_a_missed_week_goes_to_hr_in_the_digest_once():
    missed = week(WeekStatus.MISSED)
    (decision,) = decide(dt.date(2026, 3, 16), POLICY, weeks=[missed], hr=HR)
    assert decision.kind is Kind.SUPERVISION_MISSED
    assert who(decision) == [("hr@example.org", RecipientRole.HR, True)]
    assert (decision.person_id, decision.due_on, decision.threshold) == (7, SUNDAY, 0)
    assert decision.subject == "Supervision missed: Ana Lima, week of 8 March 2026"
    alerted = remember([decision])
    # The next day, and the Thursday after, the same missed week is not reported again.
    assert decide(dt.date(2026, 3, 17), POLICY, weeks=[missed], hr=HR, alerted=alerted) == []
    assert decide(dt.date(2026, 3, 19), POLICY, weeks=[missed], hr=HR, alerted=alerted) == []


def test_pending_and_met_weeks_are_not_missed():
    for status in (WeekStatus.PENDING, WeekStatus.MET, WeekStatus.NOT_REQUIRED):
        assert decide(dt.date(2026, 3, 13), POLICY, weeks=[week(status)], hr=HR) == []


# -- supervising with no valid licence ------------------------------------------------------------

# Issued 1 January 2024, expiring 10 March 2026: valid to 9 March (the printed day does not count).
LICENCE = LicenceTerm(dt.date(2024, 1, 1), dt.date(2026, 3, 10))


def session(held_on: dt.date, session_id: int = 41) -> SessionLicenceFacts:
    return SessionLicenceFacts(session_id, held_on, 12, "Sam Okafor", "Ana Lima", (LICENCE,))


def test_a_session_on_the_licence_expiry_day_goes_to_hr_at_once():
    assert decide(dt.date(2026, 3, 12), POLICY, sessions=[session(dt.date(2026, 3, 9))]) == []
    (decision,) = decide(
        dt.date(2026, 3, 12), POLICY, sessions=[session(dt.date(2026, 3, 10))], hr=HR
    )
    assert decision.kind is Kind.UNLICENSED_SUPERVISION
    assert who(decision) == [("hr@example.org", RecipientRole.HR, False)]  # never the digest
    assert decision.subject_key == "session:41"
    assert (decision.person_id, decision.due_on) == (12, dt.date(2026, 3, 10))
    assert decision.subject == "Supervision without a valid licence: Sam Okafor"
    assert decision.body.startswith(
        "Sam Okafor supervised Ana Lima on 10 March 2026 with no licence valid that day"
    )


def test_each_unlicensed_session_is_alerted_once():
    sessions = [session(dt.date(2026, 3, 10), 41), session(dt.date(2026, 3, 11), 42)]
    first = decide(dt.date(2026, 3, 12), POLICY, sessions=sessions, hr=HR)
    assert [d.subject_key for d in first] == ["session:41", "session:42"]
    assert decide(dt.date(2026, 3, 13), POLICY, sessions=sessions, alerted=remember(first)) == []


def test_a_supervisor_with_no_licence_record_at_all_is_unlicensed():
    bare = SessionLicenceFacts(43, dt.date(2026, 3, 2), 12, "Sam Okafor", "Ana Lima", ())
    assert len(decide(dt.date(2026, 3, 3), POLICY, sessions=[bare], hr=HR)) == 1


# -- on-call gaps ---------------------------------------------------------------------------------


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


GAP = Gap(at("2026-03-10T12:00:00-04:00"), at("2026-03-10T14:00:00-04:00"))


def test_a_gap_goes_to_admins_and_hr_keyed_by_its_start_and_end():
    (decision,) = decide(dt.date(2026, 3, 1), POLICY, gaps=[GAP], hr=HR, admins=ADMINS)
    assert decision.kind is Kind.ONCALL_GAP
    assert decision.person_id is None
    assert decision.subject_key == (
        "oncall-gap:2026-03-10T12:00:00-04:00/2026-03-10T14:00:00-04:00"
    )
    assert decision.due_on == dt.date(2026, 3, 10)
    assert who(decision) == [
        ("admin@example.org", RecipientRole.ADMIN, None),
        ("hr@example.org", RecipientRole.HR, None),
    ]
    assert decision.subject == "On-call gap: 10 March 2026 12:00 to 14:00 (UTC-04:00)"
    assert "(2 h 00 min)" in decision.body


def test_a_gap_is_alerted_once_and_again_when_it_changes():
    alerted = remember(decide(dt.date(2026, 3, 1), POLICY, gaps=[GAP], hr=HR))
    assert decide(dt.date(2026, 3, 2), POLICY, gaps=[GAP], hr=HR, alerted=alerted) == []
    shorter = Gap(GAP.starts_at, at("2026-03-10T13:00:00-04:00"))  # a block now covers 13:00
    (changed,) = decide(dt.date(2026, 3, 2), POLICY, gaps=[shorter], hr=HR, alerted=alerted)
    assert changed.subject_key.endswith("/2026-03-10T13:00:00-04:00")
    assert "(1 h 00 min)" in changed.body


def test_a_gap_before_the_spring_change_shows_standard_time():
    # Saturday 7 March 2026 is still EST (UTC-05:00); the clocks go forward on the 8th.
    gap = Gap(at("2026-03-07T18:00:00-05:00"), at("2026-03-07T18:30:00-05:00"))
    (decision,) = decide(dt.date(2026, 3, 1), POLICY, gaps=[gap], hr=HR)
    assert decision.subject_key == "oncall-gap:2026-03-07T18:00:00-05:00/2026-03-07T18:30:00-05:00"
    assert "(30 min)" in decision.body
    assert decision.subject == "On-call gap: 7 March 2026 18:00 to 18:30 (UTC-05:00)"


def test_a_gap_across_midnight_shows_both_dates():
    gap = Gap(at("2026-11-01T21:00:00-05:00"), at("2026-11-02T08:00:00-05:00"))
    (decision,) = decide(dt.date(2026, 10, 30), POLICY, gaps=[gap], hr=HR)
    assert decision.subject == (
        "On-call gap: 1 November 2026 21:00 (UTC-05:00) to 2 November 2026 08:00 (UTC-05:00)"
    )
    assert "(11 h 00 min)" in decision.body


# -- requirements ---------------------------------------------------------------------------------

CPR = Requirement(
    "cpr_first_aid",
    "CPR and first aid",
    RequirementKind.CREDENTIAL,
    frozenset({"therapeutic_mentor"}),
    warning_days=60,
)
OIG = Requirement(
    "oig_exclusion_screening",
    "OIG exclusion screening",
    RequirementKind.CHECK,
    frozenset({"therapeutic_mentor"}),
    validity_months=1,
    warning_days=7,
)
HIRED = dt.date(2025, 6, 1)


def facts(requirement: Requirement, day: dt.date, validity) -> RequirementFacts:
    result = status_on(requirement, HIRED, "therapeutic_mentor", day, [validity])
    return RequirementFacts(
        7,
        "Ana Lima",
        PERSON,
        requirement.key,
        requirement.name,
        requirement.kind,
        result.status,
        result.valid_until,
        requirement.warning_days,
    )


# A CPR card issued 1 March 2025 expiring 1 March 2027: valid to 28 February 2027; the 60-day
# warning period begins 60 days before the expiry date, on 31 December 2026.
CARD = credential_validity(dt.date(2025, 3, 1), dt.date(2027, 3, 1))


def test_a_credential_about_to_expire_goes_to_the_person_and_to_hr_in_the_digest():
    assert (
        decide(
            dt.date(2026, 12, 30), POLICY, requirements=[facts(CPR, dt.date(2026, 12, 30), CARD)]
        )
        == []
    )
    day = dt.date(2026, 12, 31)
    (decision,) = decide(day, POLICY, requirements=[facts(CPR, day, CARD)], hr=HR)
    assert decision.kind is Kind.REQUIREMENT_DUE
    assert (decision.due_on, decision.threshold) == (dt.date(2027, 3, 1), 60)
    assert decision.subject_key == "person:7/requirement:cpr_first_aid"
    assert who(decision) == [
        ("ana@example.org", RecipientRole.SELF, None),
        ("hr@example.org", RecipientRole.HR, True),
    ]
    assert decision.subject == "CPR and first aid due in 60 days: Ana Lima"
    assert decision.body.startswith("Ana Lima's CPR and first aid expires on 1 March 2027")
    assert decision.own_subject == "Your CPR and first aid expires in 60 days"
    assert decision.own_body.startswith("Your CPR and first aid expires on 1 March 2027")
    assert "Ana" not in decision.own_subject + decision.own_body


def test_a_lapse_is_alerted_once_on_the_expiry_day_after_the_warning():
    day = dt.date(2026, 12, 31)
    alerted = remember(decide(day, POLICY, requirements=[facts(CPR, day, CARD)], hr=HR))
    later = dt.date(2027, 1, 15)  # still due soon: nothing new
    assert decide(later, POLICY, requirements=[facts(CPR, later, CARD)], alerted=alerted) == []
    lapse = dt.date(2027, 3, 1)
    (decision,) = decide(
        lapse, POLICY, requirements=[facts(CPR, lapse, CARD)], hr=HR, alerted=alerted
    )
    assert decision.kind is Kind.REQUIREMENT_LAPSED
    assert (decision.due_on, decision.threshold) == (lapse, 0)
    assert decision.subject == "CPR and first aid lapsed: Ana Lima"
    assert decision.own_subject == "Your CPR and first aid has lapsed"
    remember([decision], alerted)
    after = dt.date(2027, 3, 2)
    assert decide(after, POLICY, requirements=[facts(CPR, after, CARD)], alerted=alerted) == []


# OIG screening done 31 January 2026, monthly: 31 February does not exist, so it expires on 28
# February and is valid to 27 February; the 7-day warning begins on 21 February.
SCREENING = check_validity(dt.date(2026, 1, 31), 1)


def test_monthly_exclusion_screening_due_goes_to_hr_only():
    early = dt.date(2026, 2, 20)
    assert facts(OIG, early, SCREENING).status is RequirementStatus.MET
    assert decide(early, POLICY, requirements=[facts(OIG, early, SCREENING)], hr=HR) == []
    day = dt.date(2026, 2, 21)
    (decision,) = decide(day, POLICY, requirements=[facts(OIG, day, SCREENING)], hr=HR)
    assert decision.kind is Kind.CHECK_DUE
    assert (decision.due_on, decision.threshold) == (dt.date(2026, 2, 28), 7)
    assert who(decision) == [("hr@example.org", RecipientRole.HR, True)]
    assert decision.subject == "OIG exclusion screening due in 7 days: Ana Lima"
    assert decision.own_subject is None
    lapse = dt.date(2026, 2, 28)
    (lapsed,) = decide(lapse, POLICY, requirements=[facts(OIG, lapse, SCREENING)], hr=HR)
    assert lapsed.kind is Kind.REQUIREMENT_LAPSED
    assert who(lapsed) == [("hr@example.org", RecipientRole.HR, True)]


# Version 2 of the code of conduct takes effect 1 April 2026 with a 30-day grace period: the
# older signature counts for the 30 days beginning 1 April, to 30 April.
CONDUCT = PolicyFacts(
    7, "Ana Lima", PERSON, "code_of_conduct", "Code of conduct", 2, dt.date(2026, 4, 1), 30
)


def test_a_new_policy_version_to_sign_goes_to_the_person_and_hr_digest_once():
    day = dt.date(2026, 3, 25)  # published ahead of its effective date
    (decision,) = decide(day, POLICY, policies=[CONDUCT], hr=HR)
    assert decision.kind is Kind.POLICY_TO_SIGN
    assert decision.subject_key == "person:7/requirement:code_of_conduct/version:2"
    assert decision.due_on == dt.date(2026, 4, 1)
    assert who(decision) == [
        ("ana@example.org", RecipientRole.SELF, None),
        ("hr@example.org", RecipientRole.HR, True),
    ]
    assert decision.own_subject == "Please sign the Code of conduct (version 2)"
    assert decision.own_body == (
        "Version 2 of the Code of conduct takes effect on 1 April 2026. Read it and sign it from "
        "your home page in the app; your signature is due by 30 April 2026."
    )
    assert decision.body == (
        "Ana Lima has not signed version 2 of the Code of conduct, which takes effect on "
        "1 April 2026. Their signature is due by 30 April 2026."
    )
    alerted = remember([decision])
    assert decide(dt.date(2026, 4, 2), POLICY, policies=[CONDUCT], alerted=alerted) == []


def test_acknowledgments_are_left_to_the_policy_alert():
    ack = RequirementFacts(
        7,
        "Ana Lima",
        PERSON,
        "code_of_conduct",
        "Code of conduct",
        RequirementKind.ACKNOWLEDGMENT,
        RequirementStatus.DUE_SOON,
        dt.date(2026, 4, 30),
        14,
    )
    assert decide(dt.date(2026, 4, 20), POLICY, requirements=[ack], hr=HR) == []
