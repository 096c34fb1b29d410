"""Ruleset ma-tm-2023, with every expected value worked out by hand from the specification.

Day counts are inclusive at both ends; one year of credit is 365 full-time (40 h/week) days.
"""

import datetime as dt
from fractions import Fraction

from lms.eligibility.rules import (
    Credential,
    CredentialLevel,
    EligibilityFacts,
    EligibilityStatus,
    ExperienceCurve,
    ExperienceEntry,
    Pathway,
    Population,
    age_on,
    days_for_display,
    evaluate,
    minimum_age_reached_on,
)

D = dt.date
YOUTH, OTHER = Population.YOUTH, Population.OTHER


def job(start, end=None, hours=40, population=YOUTH, target=False, verified=True):
    return ExperienceEntry(start, end, Fraction(hours), population, target, verified)


def degree(level, conferred, human_services=True, accredited=True, verified=True):
    return Credential(CredentialLevel(level), conferred, human_services, accredited, verified)


ADULT = D(1995, 6, 15)


def facts(as_of, credentials=(), experience=(), dob=ADULT, identity=True):
    return EligibilityFacts(as_of, dob, identity, tuple(credentials), tuple(experience))


class TestAge:
    def test_twenty_first_birthday_counts(self):
        assert age_on(D(2005, 11, 23), D(2026, 11, 23)) == 21
        assert age_on(D(2005, 11, 23), D(2026, 11, 22)) == 20

    def test_leap_day_birthday_falls_on_first_of_march_in_common_years(self):
        assert minimum_age_reached_on(D(2004, 2, 29)) == D(2025, 3, 1)
        assert age_on(D(2004, 2, 29), D(2025, 2, 28)) == 20
        assert age_on(D(2004, 2, 29), D(2025, 3, 1)) == 21

    def test_leap_day_birthday_in_a_leap_year_is_the_day_itself(self):
        assert minimum_age_reached_on(D(2003, 2, 28)) == D(2024, 2, 28)
        assert minimum_age_reached_on(D(2000, 2, 29)) == D(2021, 3, 1)


class TestExperienceMeasure:
    def test_full_time_calendar_year_is_exactly_one_year(self):
        curve = ExperienceCurve.of([job(D(2025, 1, 1))])
        assert curve.credit_through(D(2025, 12, 31)) == 365 * 40
        assert curve.credit_through(D(2025, 12, 30)) == 364 * 40

    def test_start_and_end_are_inclusive(self):
        curve = ExperienceCurve.of([job(D(2025, 3, 1), D(2025, 3, 1))])
        assert curve.credit_through(D(2025, 12, 31)) == 40

    def test_twenty_hours_counts_half(self):
        # 2024 is a leap year: 366 days at 20 of 40 hours = 183 days.
        curve = ExperienceCurve.of([job(D(2024, 1, 1), hours=20)])
        assert days_for_display(curve.credit_through(D(2024, 12, 31))) == 183.0

    def test_overlapping_part_time_jobs_add_up_but_never_past_a_full_day(self):
        # Jan-Mar 2024: 91 days x 30 h = 2,730; Apr-Jun: 91 days x min(40, 50) = 3,640;
        # Jul-Dec: 184 days x 20 h = 3,680. Total 10,050 hour-days = 251.25 days.
        curve = ExperienceCurve.of(
            [
                job(D(2024, 1, 1), D(2024, 6, 30), hours=30),
                job(D(2024, 4, 1), D(2024, 12, 31), hours=20),
            ]
        )
        total = curve.credit_through(D(2024, 12, 31))
        assert total == 10_050
        assert days_for_display(total) == 251.3  # rounded half up, not to even

    def test_fractional_hours_stay_exact(self):
        curve = ExperienceCurve.of([job(D(2025, 1, 1), D(2025, 1, 3), hours=Fraction("17.5"))])
        assert curve.credit_through(D(2025, 1, 31)) == Fraction("52.5")

    def test_first_day_reaching_a_year(self):
        curve = ExperienceCurve.of([job(D(2021, 1, 4))])
        assert curve.first_day_reaching(365 * 40) == D(2022, 1, 3)

    def test_first_day_never_reached_when_jobs_end_short(self):
        curve = ExperienceCurve.of([job(D(2026, 1, 1), D(2026, 12, 30))])  # 364 days
        assert curve.first_day_reaching(365 * 40) is None


BACHELOR_PSYCH = degree("bachelor", D(2020, 5, 15))


class TestPathways:
    def test_eligible_bachelor_with_past_eligible_from(self):
        # 21 on 2019-04-02; degree 2020-05-15; a year of full-time youth work on 2022-01-03.
        result = evaluate(
            facts(D(2026, 11, 23), [BACHELOR_PSYCH], [job(D(2021, 1, 4))], dob=D(1998, 4, 2))
        )
        assert result.status is EligibilityStatus.ELIGIBLE
        assert result.pathway is Pathway.BACHELOR
        assert result.eligible_from == D(2022, 1, 3)
        assert result.age_years == 28
        # 2021-01-04 to 2026-11-23 inclusive: 1,826 + 323 + 1 = 2,150 days.
        assert result.youth_experience_days == 2150.0
        assert result.target_experience_days == 0.0
        assert result.ruleset == "ma-tm-2023"

    def test_non_human_services_bachelors_falls_to_the_high_school_pathway(self):
        business = degree("bachelor", D(2019, 5, 20), human_services=False)
        experience = [job(D(2025, 1, 1))]
        # 546 days by 2026-06-30: not two years, so not eligible; 730 days on 2026-12-31.
        early = evaluate(facts(D(2026, 6, 30), [business], experience))
        assert early.status is EligibilityStatus.NOT_ELIGIBLE
        assert early.pathway is None
        assert early.youth_experience_days == 546.0
        assert early.eligible_from == D(2026, 12, 31)
        later = evaluate(facts(D(2026, 12, 31), [business], experience))
        assert later.status is EligibilityStatus.ELIGIBLE
        assert later.pathway is Pathway.HIGH_SCHOOL

    def test_unaccredited_bachelors_does_not_count_for_the_bachelor_pathway(self):
        unaccredited = degree("bachelor", D(2019, 5, 20), accredited=False)
        result = evaluate(facts(D(2026, 6, 30), [unaccredited], [job(D(2025, 1, 1))]))
        assert result.pathway is None

    def test_associates_with_only_general_youth_experience(self):
        associate = degree("associate", D(2022, 5, 15))
        # Youth but not target population: the associate's pathway needs target experience;
        # the high-school pathway needs 730 days: 365 in 2023 + 365 more ends 2024-12-30.
        result = evaluate(facts(D(2024, 6, 1), [associate], [job(D(2023, 1, 1))]))
        assert result.status is EligibilityStatus.NOT_ELIGIBLE
        assert result.target_experience_days == 0.0
        assert result.youth_experience_days == 518.0  # 365 + 153 days of 2024 to June 1
        assert result.eligible_from == D(2024, 12, 30)

    def test_associates_with_target_population_experience(self):
        associate = degree("associate", D(2022, 5, 15))
        result = evaluate(facts(D(2024, 6, 1), [associate], [job(D(2023, 1, 1), target=True)]))
        assert result.status is EligibilityStatus.ELIGIBLE
        assert result.pathway is Pathway.ASSOCIATE
        assert result.eligible_from == D(2023, 12, 31)
        assert result.target_experience_days == 518.0

    def test_bachelors_also_satisfies_the_associate_pathway_but_bachelor_is_reported_first(self):
        result = evaluate(facts(D(2026, 1, 1), [BACHELOR_PSYCH], [job(D(2023, 1, 1), target=True)]))
        assert result.pathway is Pathway.BACHELOR

    def test_other_population_experience_does_not_count(self):
        result = evaluate(
            facts(
                D(2026, 1, 1),
                [degree("high_school", D(2015, 6, 1))],
                [job(D(2020, 1, 1), population=OTHER)],
            )
        )
        assert result.youth_experience_days == 0.0
        assert result.eligible_from is None

    def test_each_measure_caps_its_own_days(self):
        # Target 30 h and other-youth 30 h on the same days: youth min(40, 60) = 40, target 30.
        result = evaluate(
            facts(
                D(2025, 1, 10),
                [],
                [job(D(2025, 1, 1), hours=30, target=True), job(D(2025, 1, 1), hours=30)],
            )
        )
        assert result.youth_experience_days == 10.0
        assert result.target_experience_days == 7.5

    def test_under_21_is_not_eligible_and_has_no_pathway(self):
        result = evaluate(
            facts(D(2026, 11, 23), [BACHELOR_PSYCH], [job(D(2021, 1, 4))], dob=D(2006, 3, 10))
        )
        assert result.status is EligibilityStatus.NOT_ELIGIBLE
        assert result.pathway is None
        assert result.eligible_from == D(2027, 3, 10)
        assert "Age: 20; turns 21 on 2027-03-10." in result.reasons


class TestVerification:
    EXPERIENCE = [job(D(2021, 1, 4))]

    def test_unverified_degree_makes_it_provisional(self):
        unverified = degree("bachelor", D(2020, 5, 15), verified=False)
        result = evaluate(facts(D(2026, 11, 23), [unverified], self.EXPERIENCE))
        assert result.status is EligibilityStatus.PROVISIONAL
        assert result.pathway is Pathway.BACHELOR
        assert "Verify the bachelor's degree (conferred 2020-05-15) to confirm eligibility." in (
            result.reasons
        )

    def test_unverified_experience_makes_it_provisional(self):
        result = evaluate(
            facts(D(2026, 11, 23), [BACHELOR_PSYCH], [job(D(2021, 1, 4), verified=False)])
        )
        assert result.status is EligibilityStatus.PROVISIONAL

    def test_unverified_identity_alone_makes_it_provisional(self):
        result = evaluate(facts(D(2026, 11, 23), [BACHELOR_PSYCH], self.EXPERIENCE, identity=False))
        assert result.status is EligibilityStatus.PROVISIONAL
        assert "Identity and date of birth are not verified yet: check a government ID." in (
            result.reasons
        )

    def test_verified_part_short_of_the_requirement_is_provisional(self):
        # Verified: 200 days; unverified second job brings the total over a year.
        experience = [job(D(2025, 1, 1), D(2025, 7, 19)), job(D(2025, 7, 20), verified=False)]
        result = evaluate(facts(D(2026, 3, 1), [BACHELOR_PSYCH], experience))
        assert result.status is EligibilityStatus.PROVISIONAL

    def test_not_eligible_on_any_facts(self):
        result = evaluate(facts(D(2026, 11, 23), [BACHELOR_PSYCH], []))
        assert result.status is EligibilityStatus.NOT_ELIGIBLE
        assert result.eligible_from is None


class TestProjection:
    PSYCH = degree("bachelor", D(2025, 5, 1))

    def test_future_end_date_is_followed_to_its_end(self):
        result = evaluate(
            facts(D(2026, 6, 30), [self.PSYCH], [job(D(2026, 1, 1), D(2026, 12, 31))])
        )
        assert result.youth_experience_days == 181.0
        assert result.eligible_from == D(2026, 12, 31)

    def test_job_ending_one_day_short_never_qualifies(self):
        result = evaluate(
            facts(D(2026, 6, 30), [self.PSYCH], [job(D(2026, 1, 1), D(2026, 12, 30))])
        )
        assert result.eligible_from is None

    def test_ongoing_part_time_job_keeps_running(self):
        # 20 h/week: 730 calendar days for one year of credit, from 2026-01-01 to 2027-12-31.
        result = evaluate(facts(D(2026, 6, 30), [self.PSYCH], [job(D(2026, 1, 1), hours=20)]))
        assert result.eligible_from == D(2027, 12, 31)

    def test_job_starting_after_the_day_is_ignored(self):
        result = evaluate(facts(D(2026, 6, 30), [self.PSYCH], [job(D(2026, 8, 1))]))
        assert result.eligible_from is None

    def test_degree_not_yet_conferred_is_ignored(self):
        diploma = degree("high_school", D(2018, 6, 1), human_services=False, accredited=False)
        future_bachelor = degree("bachelor", D(2026, 12, 15))
        result = evaluate(facts(D(2026, 6, 30), [diploma, future_bachelor], [job(D(2025, 1, 1))]))
        # Without the future degree: two years of youth work on 2026-12-31.
        assert result.eligible_from == D(2026, 12, 31)

    def test_more_than_ten_years_away_is_null(self):
        diploma = degree("ged", D(2018, 6, 1))
        result = evaluate(facts(D(2026, 1, 1), [diploma], [job(D(2026, 1, 1), hours=1)]))
        assert result.eligible_from is None


def test_curve_points_are_the_corners_of_the_credit_line():
    # 20 h from 1 Jan to 10 Jan 2025, nothing, then 40 h from 21 Jan: corners on the days
    # before each change of pace.
    curve = ExperienceCurve.of([job(D(2025, 1, 1), D(2025, 1, 10), hours=20), job(D(2025, 1, 21))])
    assert curve.points(D(2024, 12, 25), D(2025, 1, 31)) == [
        (D(2024, 12, 25), 0),
        (D(2024, 12, 31), 0),
        (D(2025, 1, 10), 200),
        (D(2025, 1, 20), 200),
        (D(2025, 1, 31), 200 + 11 * 40),
    ]


def test_only_therapeutic_mentors_are_evaluated():
    from lms.eligibility.rules import is_evaluated
    from lms.staff.models import Position

    assert [p for p in Position if is_evaluated(p)] == [Position.THERAPEUTIC_MENTOR]
