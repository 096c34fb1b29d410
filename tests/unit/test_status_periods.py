"""The stored status periods, worked by hand from the policy (initial training due 30 days after
hire, the renewal window opening 90 days before expiry, a year's validity) and the mentor
qualifications (21 years old; a bachelor's in a human services field plus a year of full-time
youth experience, i.e. 365 days at 40 hours or 730 days at 20, the start day counting)."""

import datetime as dt
from fractions import Fraction

from lms.eligibility.rules import (
    Credential,
    CredentialLevel,
    EligibilityFacts,
    EligibilityStatus,
    ExperienceEntry,
    Population,
)
from lms.eligibility.rules import StatusPeriod as EligibilityPeriod
from lms.eligibility.rules import status_periods as eligibility_periods
from lms.staff.rules import Employment
from lms.training.rules import (
    CycleFacts,
    CyclePolicy,
    StatusPeriod,
    TrainingHistory,
    TrainingStatus,
    status_periods,
)

D = dt.date
S = TrainingStatus
POLICY = CyclePolicy(30, 90)


def test_never_trained_not_started_then_overdue_for_good():
    history = TrainingHistory((Employment(D(2030, 1, 6)),))
    assert status_periods(history, POLICY) == [
        StatusPeriod(D(2030, 1, 6), D(2030, 2, 5), S.NOT_STARTED, D(2030, 2, 5), None, None, None),
        StatusPeriod(D(2030, 2, 6), None, S.OVERDUE, D(2030, 2, 5), None, None, None),
    ]


def test_a_completion_runs_compliant_then_due_soon_then_lapsed():
    # Completed 2030-01-20: expires 2031-01-20; the window opens 90 days before, 2030-10-22.
    history = TrainingHistory((Employment(D(2030, 1, 6)),), (CycleFacts(D(2030, 1, 20), None),))
    fields = (D(2031, 1, 20), D(2031, 1, 20), D(2030, 10, 22), D(2030, 1, 20))
    assert status_periods(history, POLICY) == [
        StatusPeriod(D(2030, 1, 6), D(2030, 1, 19), S.NOT_STARTED, D(2030, 2, 5), None, None, None),
        StatusPeriod(D(2030, 1, 20), D(2030, 10, 21), S.COMPLIANT, *fields),
        StatusPeriod(D(2030, 10, 22), D(2031, 1, 19), S.DUE_SOON, *fields),
        StatusPeriod(D(2031, 1, 20), None, S.LAPSED, *fields),
    ]


def test_module_activity_separation_and_rehire():
    # Started 2030-01-10, left 2030-03-31 untrained; rehired 2030-06-01, due again 2030-07-01.
    history = TrainingHistory(
        (Employment(D(2030, 1, 6), D(2030, 3, 31)), Employment(D(2030, 6, 1))),
        (CycleFacts(None, D(2030, 1, 10)),),
    )
    assert status_periods(history, POLICY) == [
        StatusPeriod(D(2030, 1, 6), D(2030, 1, 9), S.NOT_STARTED, D(2030, 2, 5), None, None, None),
        StatusPeriod(D(2030, 1, 10), D(2030, 2, 5), S.IN_PROGRESS, D(2030, 2, 5), None, None, None),
        StatusPeriod(D(2030, 2, 6), D(2030, 3, 31), S.OVERDUE, D(2030, 2, 5), None, None, None),
        StatusPeriod(D(2030, 6, 1), D(2030, 7, 1), S.NOT_STARTED, D(2030, 7, 1), None, None, None),
        StatusPeriod(D(2030, 7, 2), None, S.OVERDUE, D(2030, 7, 1), None, None, None),
    ]


def _facts(*, experience_verified: bool, end_on=None) -> EligibilityFacts:
    return EligibilityFacts(
        as_of=D(2030, 1, 1),  # not read: the periods cover every day
        date_of_birth=D(2000, 5, 1),  # 21 on 2021-05-01
        identity_verified=True,
        credentials=(
            Credential(CredentialLevel.BACHELOR, D(2022, 5, 1), True, True, verified=True),
        ),
        experience=(
            ExperienceEntry(
                D(2022, 6, 1), end_on, Fraction(20), Population.YOUTH, verified=experience_verified
            ),
        ),
    )


def test_eligibility_starts_the_day_the_year_of_experience_is_reached():
    # 730 days at 20 hours from 2022-06-01, that day counting: reached on 2024-05-30.
    not_eligible = EligibilityPeriod(D(2000, 5, 1), D(2024, 5, 29), EligibilityStatus.NOT_ELIGIBLE)
    assert eligibility_periods(_facts(experience_verified=False)) == [
        not_eligible,
        EligibilityPeriod(D(2024, 5, 30), None, EligibilityStatus.PROVISIONAL),
    ]
    assert eligibility_periods(_facts(experience_verified=True)) == [
        not_eligible,
        EligibilityPeriod(D(2024, 5, 30), None, EligibilityStatus.ELIGIBLE),
    ]


def test_experience_that_ended_too_soon_never_qualifies():
    assert eligibility_periods(_facts(experience_verified=True, end_on=D(2023, 6, 1))) == [
        EligibilityPeriod(D(2000, 5, 1), None, EligibilityStatus.NOT_ELIGIBLE)
    ]
