"""The requirement status rules, hand-worked from issue 12's "Status rules" text."""

from __future__ import annotations

import datetime as dt

import pytest

from lms.requirements.rules import (
    PersonFacts,
    PolicyVersion,
    PositionSpell,
    Requirement,
    RequirementKind,
    RequirementStatus,
    acknowledgment_validity,
    add_months,
    check_validity,
    cleared_to_work,
    credential_validity,
    requirement_status,
)
from lms.staff.rules import Employment

D = dt.date
S = RequirementStatus
MENTOR = "therapeutic_mentor"
CLINICIAN = "licensed_clinician"


JANUARY_5 = D(2026, 1, 5)


def mentor(hired_on=JANUARY_5, separated_on=None) -> PersonFacts:
    return PersonFacts((Employment(hired_on, separated_on),), (PositionSpell(hired_on, MENTOR),))


CHECK = Requirement(
    "oig", "OIG screening", RequirementKind.CHECK, frozenset({MENTOR}), 0, 1, warning_days=7,
    blocks_work=True,
)  # fmt: skip
CPR = Requirement(
    "cpr", "CPR", RequirementKind.CREDENTIAL, frozenset({MENTOR}), first_due_days=30,
    warning_days=60,
)  # fmt: skip
POLICY = Requirement(
    "conduct", "Code of conduct", RequirementKind.ACKNOWLEDGMENT, frozenset({MENTOR, CLINICIAN}),
    first_due_days=7, grace_days=30, warning_days=0,
)  # fmt: skip


# -- month-end re-checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # February 2026 has 28 days
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # 2028 is a leap year
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 12, 31), 2, D(2027, 2, 28)),  # across a year end
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2026, 8, 31), 36, D(2029, 8, 31)),
    ],
)
def test_adding_calendar_months_falls_back_to_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_a_monthly_check_on_31_january_is_valid_to_27_february_and_due_again_on_the_28th():
    validity = check_validity(D(2026, 1, 31), 1)
    assert validity.valid_until == D(2026, 2, 27)
    facts = mentor(D(2025, 6, 2))
    met = requirement_status(CHECK, facts, D(2026, 2, 20), [validity])
    assert met.status is S.MET  # 8 days before 28 February: outside the 7-day warning
    assert requirement_status(CHECK, facts, D(2026, 2, 21), [validity]).status is S.DUE_SOON
    assert requirement_status(CHECK, facts, D(2026, 2, 27), [validity]).status is S.DUE_SOON
    lapsed = requirement_status(CHECK, facts, D(2026, 2, 28), [validity])
    assert (lapsed.status, lapsed.valid_until) == (S.EXPIRED, D(2026, 2, 27))


def test_a_re_check_before_lapse_keeps_the_requirement_met():
    facts = mentor(D(2025, 6, 2))
    records = [check_validity(D(2026, 1, 31), 1), check_validity(D(2026, 2, 25), 1)]
    result = requirement_status(CHECK, facts, D(2026, 3, 1), records)
    assert (result.status, result.valid_until) == (S.MET, D(2026, 3, 24))


# -- credentials --------------------------------------------------------------------------------


def test_a_credential_expiring_on_the_as_of_date_has_expired():
    card = credential_validity(D(2024, 6, 1), D(2026, 6, 1))
    assert card.valid_until == D(2026, 5, 31)
    facts = mentor()
    assert requirement_status(CPR, facts, D(2026, 6, 1), [card]).status is S.EXPIRED
    assert requirement_status(CPR, facts, D(2026, 5, 31), [card]).status is S.DUE_SOON
    # 60 days' warning before the expiry date of 1 June: from 2 April.
    assert requirement_status(CPR, facts, D(2026, 4, 1), [card]).status is S.MET
    assert requirement_status(CPR, facts, D(2026, 4, 2), [card]).status is S.DUE_SOON


def test_a_credential_is_not_counted_before_its_issue_date():
    card = credential_validity(D(2026, 3, 1), D(2028, 3, 1))
    facts = mentor(D(2026, 1, 5))
    # Due 30 days after 5 January, on 4 February; on 1 February still pending.
    assert requirement_status(CPR, facts, D(2026, 2, 1), [card]).status is S.PENDING
    assert requirement_status(CPR, facts, D(2026, 2, 10), [card]).status is S.MISSING
    assert requirement_status(CPR, facts, D(2026, 3, 1), [card]).status is S.MET


# -- the first-due period -----------------------------------------------------------------------


def test_the_first_due_period_is_pending_then_missing():
    facts = mentor(D(2026, 1, 5))  # due 30 days later: 4 February
    first_day = requirement_status(CPR, facts, D(2026, 1, 5), [])
    assert (first_day.status, first_day.due_on) == (S.PENDING, D(2026, 2, 4))
    assert requirement_status(CPR, facts, D(2026, 2, 3), []).status is S.PENDING
    assert requirement_status(CPR, facts, D(2026, 2, 4), []).status is S.MISSING


def test_a_before_start_requirement_is_pending_for_a_candidate_and_missing_on_the_first_day():
    candidate = PersonFacts((), (PositionSpell(D(2026, 3, 2), MENTOR),), D(2026, 3, 2))
    assert requirement_status(CHECK, candidate, D(2026, 2, 20), []).status is S.PENDING
    assert requirement_status(CHECK, candidate, D(2026, 3, 2), []).status is S.MISSING


def test_nobody_is_held_to_a_requirement_before_hire_or_after_leaving():
    facts = mentor(D(2026, 1, 5), separated_on=D(2026, 6, 30))
    assert requirement_status(CPR, facts, D(2025, 12, 1), []).status is S.NOT_APPLICABLE
    assert requirement_status(CPR, facts, D(2026, 7, 1), []).status is S.NOT_APPLICABLE
    assert requirement_status(CPR, facts, D(2026, 6, 30), []).status is S.MISSING


# -- a position change --------------------------------------------------------------------------


def test_a_position_change_brings_a_requirement_in_and_out():
    facts = PersonFacts(
        (Employment(D(2025, 1, 6)),),
        (PositionSpell(D(2025, 1, 6), CLINICIAN), PositionSpell(D(2026, 4, 1), MENTOR)),
    )
    # CPR is for mentors only here: not applicable while a clinician, then due at once (the
    # first-due period counts from the hire, 6 January 2025, long past).
    assert requirement_status(CPR, facts, D(2026, 3, 31), []).status is S.NOT_APPLICABLE
    assert requirement_status(CPR, facts, D(2026, 4, 1), []).status is S.MISSING
    # The code of conduct applies to both positions throughout.
    signed = acknowledgment_validity(D(2025, 1, 6), 1, [PolicyVersion(1, D(2024, 1, 1))], 30)
    assert requirement_status(POLICY, facts, D(2026, 3, 31), [signed]).status is S.MET
    assert requirement_status(POLICY, facts, D(2026, 4, 1), [signed]).status is S.MET


# -- policy versions and their grace period -----------------------------------------------------


VERSIONS = [PolicyVersion(1, D(2025, 1, 1)), PolicyVersion(2, D(2026, 3, 1))]


def test_a_signature_of_the_old_version_counts_for_the_grace_period_of_the_new_one():
    old = acknowledgment_validity(D(2025, 2, 1), 1, VERSIONS, 30)
    # Version 2 takes effect on 1 March: 30 days counting 1 March end on 30 March.
    assert old.valid_until == D(2026, 3, 30)
    facts = mentor(D(2025, 1, 20))
    assert requirement_status(POLICY, facts, D(2026, 2, 28), [old]).status is S.MET
    inside = requirement_status(POLICY, facts, D(2026, 3, 30), [old])
    assert inside.status is S.MET  # warning_days 0: no "due soon" for this policy
    past = requirement_status(POLICY, facts, D(2026, 3, 31), [old])
    assert (past.status, past.valid_until) == (S.EXPIRED, D(2026, 3, 30))


def test_signing_the_new_version_inside_the_grace_period_keeps_it_met_after():
    old = acknowledgment_validity(D(2025, 2, 1), 1, VERSIONS, 30)
    new = acknowledgment_validity(D(2026, 3, 10), 2, VERSIONS, 30)
    assert new.valid_until is None
    facts = mentor(D(2025, 1, 20))
    assert requirement_status(POLICY, facts, D(2026, 3, 31), [old, new]).status is S.MET
    # Signed late, on 5 April: expired between 31 March and 4 April, met again from the 5th.
    late = acknowledgment_validity(D(2026, 4, 5), 2, VERSIONS, 30)
    assert requirement_status(POLICY, facts, D(2026, 4, 4), [old, late]).status is S.EXPIRED
    assert requirement_status(POLICY, facts, D(2026, 4, 5), [old, late]).status is S.MET


def test_a_policy_shows_due_soon_inside_its_warning_before_the_grace_period_ends():
    warned = Requirement(
        "conduct", "Code of conduct", RequirementKind.ACKNOWLEDGMENT, frozenset({MENTOR}),
        first_due_days=7, grace_days=30, warning_days=14,
    )  # fmt: skip
    old = acknowledgment_validity(D(2025, 2, 1), 1, VERSIONS, 30)
    facts = mentor(D(2025, 1, 20))
    # Lapses on 31 March; 14 days' warning begins on 17 March.
    assert requirement_status(warned, facts, D(2026, 3, 16), [old]).status is S.MET
    assert requirement_status(warned, facts, D(2026, 3, 17), [old]).status is S.DUE_SOON


# -- a rehire -----------------------------------------------------------------------------------


def test_a_rehire_restarts_the_first_due_period_and_keeps_what_is_still_valid():
    facts = PersonFacts(
        (Employment(D(2024, 1, 8), D(2025, 5, 30)), Employment(D(2026, 2, 2))),
        (PositionSpell(D(2024, 1, 8), MENTOR),),
    )
    lapsed_card = credential_validity(D(2023, 12, 1), D(2025, 12, 1))
    # Rehired 2 February 2026: CPR due 30 days later, 4 March; the old card lapsed in 2025.
    assert requirement_status(CPR, facts, D(2026, 2, 2), [lapsed_card]).status is S.PENDING
    assert requirement_status(CPR, facts, D(2026, 3, 4), [lapsed_card]).status is S.EXPIRED
    # Between the two periods the person was not employed.
    assert requirement_status(CPR, facts, D(2025, 9, 1), [lapsed_card]).status is S.NOT_APPLICABLE
    valid_card = credential_validity(D(2025, 3, 1), D(2027, 3, 1))
    assert requirement_status(CPR, facts, D(2026, 2, 2), [valid_card]).status is S.MET


# -- cleared to work ----------------------------------------------------------------------------


def test_cleared_to_work_needs_every_blocking_requirement_held():
    requirements = [CHECK, CPR]
    held = {"oig": S.DUE_SOON, "cpr": S.MISSING}  # CPR does not block work
    assert cleared_to_work(requirements, held).cleared
    refused = cleared_to_work(requirements, {"oig": S.PENDING, "cpr": S.MET})
    assert not refused.cleared
    assert refused.blockers == (("oig", S.PENDING),)
    assert cleared_to_work(requirements, {"oig": S.NOT_APPLICABLE, "cpr": S.MET}).cleared
