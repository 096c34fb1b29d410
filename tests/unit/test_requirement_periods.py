"""The runs of days over which each cell of the requirements matrix reads the same, and the runs
of clearance to work, worked by hand from the docstrings of lms/requirements/rules.py: validity
is a closed range of days; a credential counts to the day before its expiry, a check to the day
before the same day-of-month ``months`` later (the month's last day when that day does not
exist), a signature while its version is in force and ``grace_days`` days from the next one's
effective date, a certificate like a credential up to the day before its revocation (and not at
all from the revocation on). Due soon from ``warning_days`` days before the day it expires;
pending before ``first_due_days`` after the first day of the current employment."""

from __future__ import annotations

import datetime as dt

from lms.requirements.rules import (
    NOT_APPLICABLE,
    CatalogueSpan,
    ClearanceRun,
    Evidence,
    PersonFacts,
    PolicyVersion,
    PositionSpell,
    Requirement,
    RequirementKind,
    RequirementPeriod,
    RequirementStatus,
    StatusResult,
    Validity,
    catalogue_in_force,
    cell_on,
    clearance_runs,
    expiring_span,
    requirement_periods,
    runs_by_status,
    validities_on,
)
from lms.staff.rules import Employment

D = dt.date
S = RequirementStatus
P = RequirementPeriod
K = RequirementKind
MENTOR = "therapeutic_mentor"
CLINICIAN = "licensed_clinician"
NONE = Evidence()
LONG_AGO = D(2020, 1, 1)


def catalogue(*requirements: Requirement, version=1, effective_on=LONG_AGO) -> CatalogueSpan:
    return CatalogueSpan(version, effective_on, {r.key: r for r in requirements})


def employed(*periods: Employment, spells=None) -> PersonFacts:
    """Employed over ``periods``, a mentor from the first hire unless ``spells`` say otherwise."""
    spells = spells or (PositionSpell(periods[0].hired_on, MENTOR),)
    return PersonFacts(tuple(periods), tuple(spells))


def requirement(key, kind=K.CREDENTIAL, positions=(MENTOR,), **fields) -> Requirement:
    return Requirement(key, key.upper(), kind, frozenset(positions), **fields)


# -- credentials ------------------------------------------------------------------------------


def test_a_credential_runs_pending_met_due_soon_then_expired():
    # Hired 5 January 2026, due 30 days later: 4 February. Issued 20 January, expires 1 June:
    # valid to 31 May; due soon from 60 days before 1 June, 2 April.
    cpr = requirement("cpr", first_due_days=30, warning_days=60)
    evidence = Evidence(records={"cpr": [(D(2026, 1, 20), D(2026, 6, 1))]})
    periods = requirement_periods(
        [catalogue(cpr)], employed(Employment(D(2026, 1, 5))), evidence, {}
    )
    due = D(2026, 2, 4)
    assert periods == [
        P("cpr", D(2026, 1, 5), D(2026, 1, 19), S.PENDING, None, due, MENTOR, False),
        P("cpr", D(2026, 1, 20), D(2026, 4, 1), S.MET, D(2026, 5, 31), due, MENTOR, False),
        P("cpr", D(2026, 4, 2), D(2026, 5, 31), S.DUE_SOON, D(2026, 5, 31), due, MENTOR, False),
        P("cpr", D(2026, 6, 1), None, S.EXPIRED, D(2026, 5, 31), due, MENTOR, False),
    ]


def test_a_credential_without_expiry_is_met_for_good_and_nothing_before_the_hire():
    cpr = requirement("cpr", first_due_days=0)
    evidence = Evidence(records={"cpr": [(D(2025, 1, 1), None)]})
    periods = requirement_periods(
        [catalogue(cpr)], employed(Employment(D(2026, 1, 5))), evidence, {}
    )
    assert periods == [P("cpr", D(2026, 1, 5), None, S.MET, None, D(2026, 1, 5), MENTOR, False)]


def test_a_clinician_licence_requirement_reads_the_licences_not_hr_records():
    # Licence issued 1 June 2025, expires 1 June 2026: valid to 31 May, due soon from 2 May.
    # An HR record under the same key, open-ended, is not read.
    licence = requirement(
        "licence", positions=(CLINICIAN,), warning_days=30, records="clinician_licences"
    )
    evidence = Evidence(
        records={"licence": [(D(2025, 1, 1), None)]},
        licences=[(D(2025, 6, 1), D(2026, 6, 1))],
    )
    facts = employed(Employment(D(2026, 1, 5)), spells=[PositionSpell(D(2026, 1, 5), CLINICIAN)])
    periods = requirement_periods([catalogue(licence)], facts, evidence, {})
    until, due = D(2026, 5, 31), D(2026, 1, 5)
    assert periods == [
        P("licence", D(2026, 1, 5), D(2026, 5, 1), S.MET, until, due, CLINICIAN, False),
        P("licence", D(2026, 5, 2), D(2026, 5, 31), S.DUE_SOON, until, due, CLINICIAN, False),
        P("licence", D(2026, 6, 1), None, S.EXPIRED, until, due, CLINICIAN, False),
    ]


def test_a_clinician_licence_requirement_without_licences_is_missing_despite_hr_records():
    licence = requirement("licence", records="clinician_licences")
    evidence = Evidence(records={"licence": [(D(2025, 1, 1), None)]})
    facts = employed(Employment(D(2026, 1, 5)))
    assert validities_on(licence, evidence, (), D(2026, 3, 1)) == []
    assert requirement_periods([catalogue(licence)], facts, evidence, {}) == [
        P("licence", D(2026, 1, 5), None, S.MISSING, None, D(2026, 1, 5), MENTOR, False)
    ]


# -- checks -------------------------------------------------------------------------------------


def test_a_monthly_check_on_31_january_runs_to_27_february():
    # 31 January + 1 month: 31 February does not exist, so 28 February; valid to the 27th. Due
    # soon from 7 days before the 28th: the 21st. Missing from the hire (due on the first day)
    # until the check.
    check = requirement("oig", K.CHECK, validity_months=1, warning_days=7, blocks_work=True)
    evidence = Evidence(records={"oig": [(D(2026, 1, 31), None)]})
    periods = requirement_periods(
        [catalogue(check)], employed(Employment(D(2026, 1, 26))), evidence, {}
    )
    due, until = D(2026, 1, 26), D(2026, 2, 27)
    assert periods == [
        P("oig", D(2026, 1, 26), D(2026, 1, 30), S.MISSING, None, due, MENTOR, True),
        P("oig", D(2026, 1, 31), D(2026, 2, 20), S.MET, until, due, MENTOR, True),
        P("oig", D(2026, 2, 21), D(2026, 2, 27), S.DUE_SOON, until, due, MENTOR, True),
        P("oig", D(2026, 2, 28), None, S.EXPIRED, until, due, MENTOR, True),
    ]


def test_a_check_ignores_the_expiry_date_recorded_and_uses_its_months():
    check = requirement("oig", K.CHECK, validity_months=1)
    evidence = Evidence(records={"oig": [(D(2028, 1, 31), D(2030, 1, 1))]})
    # 2028 is a leap year: 29 February, valid to the 28th.
    assert validities_on(check, evidence, (), D(2028, 2, 1)) == [
        Validity(D(2028, 1, 31), D(2028, 2, 28))
    ]
    # Not yet done on 30 January: no record at all.
    assert validities_on(check, evidence, (), D(2028, 1, 30)) == []


# -- acknowledgments ----------------------------------------------------------------------------


def test_an_acknowledgment_across_two_versions_with_grace_days():
    # Version 1 takes effect 1 January 2026, version 2 on 1 March. Hired 1 December 2025: the
    # policy applies to nobody before 1 January (nothing to sign), then is missing (due
    # 8 December) until signed on 3 January. The version 1 signature counts until 30 days from
    # 1 March, that day counted: to 30 March; due soon from 10 days before 31 March, the 21st.
    # Expired from 31 March until version 2 is signed on 10 April: met for good.
    policy = requirement("conduct", K.ACKNOWLEDGMENT, first_due_days=7, grace_days=30,
                         warning_days=10)  # fmt: skip
    versions = {"conduct": [PolicyVersion(1, D(2026, 1, 1)), PolicyVersion(2, D(2026, 3, 1))]}
    evidence = Evidence(signatures={"conduct": [(1, D(2026, 1, 3)), (2, D(2026, 4, 10))]})
    periods = requirement_periods(
        [catalogue(policy)], employed(Employment(D(2025, 12, 1))), evidence, versions
    )
    due, until = D(2025, 12, 8), D(2026, 3, 30)
    assert periods == [
        P("conduct", D(2026, 1, 1), D(2026, 1, 2), S.MISSING, None, due, MENTOR, False),
        P("conduct", D(2026, 1, 3), D(2026, 3, 20), S.MET, until, due, MENTOR, False),
        P("conduct", D(2026, 3, 21), D(2026, 3, 30), S.DUE_SOON, until, due, MENTOR, False),
        P("conduct", D(2026, 3, 31), D(2026, 4, 9), S.EXPIRED, until, due, MENTOR, False),
        P("conduct", D(2026, 4, 10), None, S.MET, None, due, MENTOR, False),
    ]


def test_a_policy_with_no_version_in_force_applies_to_nobody():
    policy = requirement("conduct", K.ACKNOWLEDGMENT)
    facts = employed(Employment(D(2026, 1, 5)))
    versions = [PolicyVersion(1, D(2026, 6, 1))]
    assert cell_on(policy, D(2026, 1, 5), MENTOR, D(2026, 5, 31), NONE, versions) == NOT_APPLICABLE
    assert cell_on(policy, D(2026, 1, 5), MENTOR, D(2026, 6, 1), NONE, versions) == StatusResult(
        S.MISSING, None, D(2026, 1, 5)
    )
    assert cell_on(policy, D(2026, 1, 5), MENTOR, D(2026, 6, 1), NONE, []) == NOT_APPLICABLE
    periods = requirement_periods([catalogue(policy)], facts, NONE, {"conduct": versions})
    assert periods == [
        P("conduct", D(2026, 6, 1), None, S.MISSING, None, D(2026, 1, 5), MENTOR, False)
    ]
    # No versions at all: never any period.
    assert requirement_periods([catalogue(policy)], facts, NONE, {}) == []


def test_a_signature_of_a_version_the_policy_does_not_have_covers_nothing():
    policy = requirement("conduct", K.ACKNOWLEDGMENT)
    versions = [PolicyVersion(1, D(2026, 1, 1))]
    evidence = Evidence(signatures={"conduct": [(7, D(2026, 1, 10))]})
    (validity,) = validities_on(policy, evidence, versions, D(2026, 2, 1))
    assert not any(validity.covers(D(2026, 1, 1) + dt.timedelta(days=n)) for n in range(400))


# -- courses ----------------------------------------------------------------------------------


def test_a_certificate_revoked_before_its_expiry_counts_to_the_day_before_then_not_at_all():
    # Issued 20 January 2026, expires 20 January 2027, revoked 1 July 2026: before the
    # revocation it counts to 30 June (due soon from 30 days before 1 July: 1 June); from
    # 1 July it is no record at all, so the course is missing, not expired.
    course = requirement("core", K.COURSE, first_due_days=30, warning_days=30,
                         curriculum="mentor-core")  # fmt: skip
    certificate = (D(2026, 1, 20), D(2027, 1, 20), D(2026, 7, 1))
    evidence = Evidence(certificates={"mentor-core": [certificate]})
    assert validities_on(course, evidence, (), D(2026, 6, 30)) == [
        Validity(D(2026, 1, 20), D(2026, 6, 30))
    ]
    assert validities_on(course, evidence, (), D(2026, 7, 1)) == []
    periods = requirement_periods(
        [catalogue(course)], employed(Employment(D(2026, 1, 5))), evidence, {}
    )
    due, until = D(2026, 2, 4), D(2026, 6, 30)
    assert periods == [
        P("core", D(2026, 1, 5), D(2026, 1, 19), S.PENDING, None, due, MENTOR, False),
        P("core", D(2026, 1, 20), D(2026, 5, 31), S.MET, until, due, MENTOR, False),
        P("core", D(2026, 6, 1), D(2026, 6, 30), S.DUE_SOON, until, due, MENTOR, False),
        P("core", D(2026, 7, 1), None, S.MISSING, None, due, MENTOR, False),
    ]


def test_a_certificate_revoked_after_its_expiry_counts_to_the_day_before_expiry():
    course = requirement("core", K.COURSE, curriculum="mentor-core")
    evidence = Evidence(
        certificates={"mentor-core": [(D(2026, 1, 1), D(2026, 3, 1), D(2026, 5, 1))]}
    )
    assert validities_on(course, evidence, (), D(2026, 4, 30)) == [
        Validity(D(2026, 1, 1), D(2026, 2, 28))
    ]
    assert validities_on(course, evidence, (), D(2026, 5, 1)) == []
    # Another curriculum's certificates do not count.
    other = requirement("core", K.COURSE, curriculum="clinician-core")
    assert validities_on(other, evidence, (), D(2026, 2, 1)) == []


# -- the person's employment and position -----------------------------------------------------


def test_a_rehire_restarts_the_first_due_period():
    # First employment 5 January to 31 March 2026: due 4 February; the credential (issued
    # 20 January, expires 1 March, no warning) is met to 28 February, then expired. Nothing
    # while away. Rehired 1 June: pending again until 1 July despite the expired record, then
    # expired (the last record's end still reported).
    cpr = requirement("cpr", first_due_days=30, warning_days=0)
    evidence = Evidence(records={"cpr": [(D(2026, 1, 20), D(2026, 3, 1))]})
    facts = employed(Employment(D(2026, 1, 5), D(2026, 3, 31)), Employment(D(2026, 6, 1)))
    periods = requirement_periods([catalogue(cpr)], facts, evidence, {})
    first, second, until = D(2026, 2, 4), D(2026, 7, 1), D(2026, 2, 28)
    assert periods == [
        P("cpr", D(2026, 1, 5), D(2026, 1, 19), S.PENDING, None, first, MENTOR, False),
        P("cpr", D(2026, 1, 20), D(2026, 2, 28), S.MET, until, first, MENTOR, False),
        P("cpr", D(2026, 3, 1), D(2026, 3, 31), S.EXPIRED, until, first, MENTOR, False),
        P("cpr", D(2026, 6, 1), D(2026, 6, 30), S.PENDING, None, second, MENTOR, False),
        P("cpr", D(2026, 7, 1), None, S.EXPIRED, until, second, MENTOR, False),
    ]


def test_a_separation_without_rehire_ends_the_periods():
    cpr = requirement("cpr")
    facts = employed(Employment(D(2026, 1, 5), D(2026, 3, 31)))
    assert requirement_periods([catalogue(cpr)], facts, NONE, {}) == [
        P("cpr", D(2026, 1, 5), D(2026, 3, 31), S.MISSING, None, D(2026, 1, 5), MENTOR, False)
    ]


def test_a_candidate_is_pending_until_the_planned_first_day_then_counts_from_it():
    # Planned first day 1 March 2026, due on it; a 12-month check done 15 February 2026 is valid
    # to 14 February 2027, due soon from 30 days before the 15th: 16 January 2027. A candidate is
    # "about to start" on every day before the plan: the first period has no beginning.
    check = requirement("background", K.CHECK, validity_months=12, warning_days=30)
    evidence = Evidence(records={"background": [(D(2026, 2, 15), None)]})
    facts = PersonFacts((), (PositionSpell(D(2026, 3, 1), MENTOR),), planned_hire_on=D(2026, 3, 1))
    periods = requirement_periods([catalogue(check)], facts, evidence, {})
    due, until = D(2026, 3, 1), D(2027, 2, 14)
    assert periods == [
        P("background", dt.date.min, D(2026, 2, 14), S.PENDING, None, due, MENTOR, False),
        P("background", D(2026, 2, 15), D(2027, 1, 15), S.MET, until, due, MENTOR, False),
        P("background", D(2027, 1, 16), D(2027, 2, 14), S.DUE_SOON, until, due, MENTOR, False),
        P("background", D(2027, 2, 15), None, S.EXPIRED, until, due, MENTOR, False),
    ]


def test_a_candidate_without_a_planned_day_has_no_periods():
    facts = PersonFacts((), (PositionSpell(D(2026, 3, 1), MENTOR),))
    assert requirement_periods([catalogue(requirement("cpr"))], facts, NONE, {}) == []


def test_a_move_to_a_position_the_requirement_does_not_cover_stops_its_periods():
    # Mentor from 5 January 2026, clinician from 1 June. "both" applies to both positions: its
    # periods split on the move (the position changes); "mentor" only to mentors: it stops.
    both = requirement("both", positions=(MENTOR, CLINICIAN))
    mentor = requirement("mentor")
    spells = (PositionSpell(D(2026, 1, 5), MENTOR), PositionSpell(D(2026, 6, 1), CLINICIAN))
    facts = employed(Employment(D(2026, 1, 5)), spells=spells)
    due = D(2026, 1, 5)
    assert requirement_periods([catalogue(both, mentor)], facts, NONE, {}) == [
        P("both", D(2026, 1, 5), D(2026, 5, 31), S.MISSING, None, due, MENTOR, False),
        P("both", D(2026, 6, 1), None, S.MISSING, None, due, CLINICIAN, False),
        P("mentor", D(2026, 1, 5), D(2026, 5, 31), S.MISSING, None, due, MENTOR, False),
    ]


# -- catalogue versions -------------------------------------------------------------------------


def test_the_catalogue_in_force_is_the_latest_begun_or_else_the_lowest_numbered():
    first = CatalogueSpan(1, D(2026, 3, 1), {})
    second = CatalogueSpan(2, D(2026, 7, 1), {})
    same_day = CatalogueSpan(3, D(2026, 7, 1), {})
    assert catalogue_in_force([], D(2026, 1, 1)) is None
    assert catalogue_in_force([second, first], D(2026, 1, 1)) is first
    assert catalogue_in_force([second, first], D(2026, 3, 1)) is first
    assert catalogue_in_force([second, first], D(2026, 6, 30)) is first
    assert catalogue_in_force([second, first], D(2026, 7, 1)) is second
    assert catalogue_in_force([same_day, second, first], D(2026, 7, 1)) is same_day
    assert catalogue_in_force([same_day, second, first], D(2026, 1, 1)) is first


def test_a_catalogue_change_moves_the_cells_on_its_effective_date():
    # Version 1 takes effect 1 March 2026, version 2 on 1 July; hired 5 January, so version 1
    # answers from the hire (no catalogue before it).
    # - cpr: 30 warning days in version 1, 60 in version 2. Issued 10 January, expires
    #   1 September (valid to 31 August): version 1 warns from 2 August, which is after 1 July;
    #   version 2 from 3 July. Met without a break to 2 July.
    # - supervision: version 2 adds mentors, and makes it block work: missing from 1 July,
    #   due since the hire.
    # - old: only in version 1: missing until 30 June, then no period.
    cpr_1 = requirement("cpr", first_due_days=30, warning_days=30)
    cpr_2 = requirement("cpr", first_due_days=30, warning_days=60)
    supervision_1 = requirement("supervision", positions=(CLINICIAN,))
    supervision_2 = requirement("supervision", positions=(CLINICIAN, MENTOR), blocks_work=True)
    old = requirement("old")
    catalogues = [
        catalogue(cpr_1, supervision_1, old, version=1, effective_on=D(2026, 3, 1)),
        catalogue(cpr_2, supervision_2, version=2, effective_on=D(2026, 7, 1)),
    ]
    evidence = Evidence(records={"cpr": [(D(2026, 1, 10), D(2026, 9, 1))]})
    periods = requirement_periods(catalogues, employed(Employment(D(2026, 1, 5))), evidence, {})
    hired, due, until = D(2026, 1, 5), D(2026, 2, 4), D(2026, 8, 31)
    assert periods == [
        P("cpr", D(2026, 1, 5), D(2026, 1, 9), S.PENDING, None, due, MENTOR, False),
        P("cpr", D(2026, 1, 10), D(2026, 7, 2), S.MET, until, due, MENTOR, False),
        P("cpr", D(2026, 7, 3), D(2026, 8, 31), S.DUE_SOON, until, due, MENTOR, False),
        P("cpr", D(2026, 9, 1), None, S.EXPIRED, until, due, MENTOR, False),
        P("old", D(2026, 1, 5), D(2026, 6, 30), S.MISSING, None, hired, MENTOR, False),
        P("supervision", D(2026, 7, 1), None, S.MISSING, None, hired, MENTOR, True),
    ]


def test_a_catalogue_change_of_first_due_days_moves_the_due_date():
    # Pending to 3 February under version 1 (due 4 February); version 2 from 1 February makes it
    # due 60 days after the hire: pending to 5 March, missing from 6 March.
    catalogues = [
        catalogue(requirement("cpr", first_due_days=30), version=1, effective_on=D(2026, 1, 1)),
        catalogue(requirement("cpr", first_due_days=60), version=2, effective_on=D(2026, 2, 1)),
    ]
    periods = requirement_periods(catalogues, employed(Employment(D(2026, 1, 5))), NONE, {})
    assert periods == [
        P("cpr", D(2026, 1, 5), D(2026, 1, 31), S.PENDING, None, D(2026, 2, 4), MENTOR, False),
        P("cpr", D(2026, 2, 1), D(2026, 3, 5), S.PENDING, None, D(2026, 3, 6), MENTOR, False),
        P("cpr", D(2026, 3, 6), None, S.MISSING, None, D(2026, 3, 6), MENTOR, False),
    ]


def test_no_catalogue_no_periods():
    assert requirement_periods([], employed(Employment(D(2026, 1, 5))), NONE, {}) == []


# -- clearance to work --------------------------------------------------------------------------


def test_clearance_runs_follow_the_blocking_requirement_and_skip_the_gap():
    # Mentor 5 January to 30 April 2026, clinician on rehire 1 June; both requirements apply to
    # both positions.
    # - background blocks work, due 14 days after each hire (19 January, then 15 June): issued
    #   12 January, expires 15 April (valid to 14 April, due soon from 16 March).
    # - cpr does not block, due 30 days after each hire (4 February, then 1 July); never held.
    # Not cleared while background is pending (5-11 January), cleared while it is met or due
    # soon (12 January-14 April), not cleared once expired (15-30 April); no run while away in
    # May; not cleared from the rehire on (pending, then expired).
    background = requirement("background", positions=(MENTOR, CLINICIAN), first_due_days=14,
                             warning_days=30, blocks_work=True)  # fmt: skip
    cpr = requirement("cpr", positions=(MENTOR, CLINICIAN), first_due_days=30)
    spells = (PositionSpell(D(2026, 1, 5), MENTOR), PositionSpell(D(2026, 6, 1), CLINICIAN))
    facts = employed(
        Employment(D(2026, 1, 5), D(2026, 4, 30)), Employment(D(2026, 6, 1)), spells=spells
    )
    evidence = Evidence(records={"background": [(D(2026, 1, 12), D(2026, 4, 15))]})
    periods = requirement_periods([catalogue(background, cpr)], facts, evidence, {})
    until = D(2026, 4, 14)
    b_due, b_due_2, c_due, c_due_2 = D(2026, 1, 19), D(2026, 6, 15), D(2026, 2, 4), D(2026, 7, 1)
    assert periods == [
        P("background", D(2026, 1, 5), D(2026, 1, 11), S.PENDING, None, b_due, MENTOR, True),
        P("background", D(2026, 1, 12), D(2026, 3, 15), S.MET, until, b_due, MENTOR, True),
        P("background", D(2026, 3, 16), D(2026, 4, 14), S.DUE_SOON, until, b_due, MENTOR, True),
        P("background", D(2026, 4, 15), D(2026, 4, 30), S.EXPIRED, until, b_due, MENTOR, True),
        P("background", D(2026, 6, 1), D(2026, 6, 14), S.PENDING, None, b_due_2, CLINICIAN, True),
        P("background", D(2026, 6, 15), None, S.EXPIRED, until, b_due_2, CLINICIAN, True),
        P("cpr", D(2026, 1, 5), D(2026, 2, 3), S.PENDING, None, c_due, MENTOR, False),
        P("cpr", D(2026, 2, 4), D(2026, 4, 30), S.MISSING, None, c_due, MENTOR, False),
        P("cpr", D(2026, 6, 1), D(2026, 6, 30), S.PENDING, None, c_due_2, CLINICIAN, False),
        P("cpr", D(2026, 7, 1), None, S.MISSING, None, c_due_2, CLINICIAN, False),
    ]
    assert clearance_runs(periods) == [
        ClearanceRun(D(2026, 1, 5), D(2026, 1, 11), MENTOR, False),
        ClearanceRun(D(2026, 1, 12), D(2026, 4, 14), MENTOR, True),
        ClearanceRun(D(2026, 4, 15), D(2026, 4, 30), MENTOR, False),
        ClearanceRun(D(2026, 6, 1), None, CLINICIAN, False),
    ]


def test_clearance_runs_join_adjacent_periods_and_split_on_a_position_change():
    # Non-blocking periods of two keys back to back make one cleared run; a change of position
    # starts a new run even with the same clearance.
    def period(key, start, end, position, status=S.MISSING, blocks=False):
        return P(key, start, end, status, None, None, position, blocks)

    periods = [
        period("a", D(2026, 1, 1), D(2026, 1, 31), MENTOR),
        period("a", D(2026, 3, 1), D(2026, 3, 31), CLINICIAN),
        period("b", D(2026, 2, 1), D(2026, 2, 28), MENTOR),
        period("c", D(2026, 3, 10), D(2026, 3, 12), CLINICIAN, S.MET, blocks=True),
        period("c", D(2026, 3, 13), D(2026, 3, 14), CLINICIAN, S.EXPIRED, blocks=True),
        period("c", D(2026, 3, 15), D(2026, 3, 20), CLINICIAN, S.DUE_SOON, blocks=True),
        period("d", D(2026, 5, 1), None, CLINICIAN, S.PENDING, blocks=True),
    ]
    assert clearance_runs(periods) == [
        ClearanceRun(D(2026, 1, 1), D(2026, 2, 28), MENTOR, True),
        ClearanceRun(D(2026, 3, 1), D(2026, 3, 12), CLINICIAN, True),
        ClearanceRun(D(2026, 3, 13), D(2026, 3, 14), CLINICIAN, False),
        ClearanceRun(D(2026, 3, 15), D(2026, 3, 31), CLINICIAN, True),
        ClearanceRun(D(2026, 5, 1), None, CLINICIAN, False),
    ]
    assert clearance_runs([]) == []


def test_runs_with_a_status_cover_only_its_days_and_keep_the_days_clearance():
    # "a" is missing in January and met in February; "b" (blocking) is pending to 10 January
    # and met after. The runs with a missing requirement are January only; not cleared while
    # "b" is pending (1-10 January), cleared after. The runs with a met requirement start on
    # 11 January ("b"), with "a" and "b" met from 1 February on, and stay cleared.
    periods = [
        P("a", D(2026, 1, 1), D(2026, 1, 31), S.MISSING, None, None, MENTOR, False),
        P("a", D(2026, 2, 1), None, S.MET, None, None, MENTOR, False),
        P("b", D(2026, 1, 1), D(2026, 1, 10), S.PENDING, None, None, MENTOR, True),
        P("b", D(2026, 1, 11), None, S.MET, None, None, MENTOR, True),
    ]
    runs = runs_by_status(periods)
    assert set(runs) == {None, S.MISSING, S.MET, S.PENDING}
    assert runs[S.MISSING] == [
        ClearanceRun(D(2026, 1, 1), D(2026, 1, 10), MENTOR, False),
        ClearanceRun(D(2026, 1, 11), D(2026, 1, 31), MENTOR, True),
    ]
    assert runs[S.PENDING] == [ClearanceRun(D(2026, 1, 1), D(2026, 1, 10), MENTOR, False)]
    assert runs[S.MET] == [ClearanceRun(D(2026, 1, 11), None, MENTOR, True)]
    assert runs[None] == clearance_runs(periods)


def test_a_held_requirement_lapses_soon_over_its_last_thirty_days():
    # Valid to 30 June: it lapses within 30 days (the last valid day before the day 30 days
    # on) from 1 June; a met period ending 15 June and a due-soon one after split those days.
    met = P("cpr", D(2026, 1, 1), D(2026, 6, 15), S.MET, D(2026, 6, 30), None, MENTOR, False)
    soon = P("cpr", D(2026, 6, 16), D(2026, 6, 30), S.DUE_SOON, D(2026, 6, 30), None, MENTOR, False)
    assert expiring_span(met) == (D(2026, 6, 1), D(2026, 6, 15))
    assert expiring_span(soon) == (D(2026, 6, 16), D(2026, 6, 30))
    # Ended before its last 30 days, or never ending, or not held: no such days.
    early = met._replace(ends_on=D(2026, 5, 31))
    assert expiring_span(early) is None
    assert expiring_span(met._replace(valid_until=None, ends_on=None)) is None
    assert expiring_span(met._replace(status=S.EXPIRED)) is None
