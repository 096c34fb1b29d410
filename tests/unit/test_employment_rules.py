"""How hire and separation dates move a person's history of employment, and which period answers
for a date. Every expected value is worked out by hand from the rules in the docstrings."""

from __future__ import annotations

import datetime as dt

import pytest

from lms.staff.models import StaffStatus
from lms.staff.rules import Employment, employment_after_change, employment_on
from lms.validation import InvalidInput

D = dt.date
ACTIVE, SEPARATED, CANDIDATE = StaffStatus.ACTIVE, StaffStatus.SEPARATED, StaffStatus.CANDIDATE
FIRST = Employment(D(2024, 1, 15), D(2025, 3, 31))  # hired, then left on 31 March 2025


class TestEmploymentOn:
    PERIODS = (FIRST, Employment(D(2026, 6, 1)))

    def test_before_the_first_hire_there_is_no_period(self):
        assert employment_on(self.PERIODS, D(2024, 1, 14)) is None

    def test_the_hire_day_and_the_last_day_belong_to_the_first_period(self):
        assert employment_on(self.PERIODS, D(2024, 1, 15)) == FIRST
        assert employment_on(self.PERIODS, D(2025, 3, 31)) == FIRST

    def test_the_gap_is_answered_by_the_period_that_ended(self):
        # The person had left: training_state turns that period into "no status".
        assert employment_on(self.PERIODS, D(2025, 10, 1)) == FIRST

    def test_from_the_rehire_day_the_new_period_answers(self):
        assert employment_on(self.PERIODS, D(2026, 6, 1)) == Employment(D(2026, 6, 1))
        assert employment_on(reversed(self.PERIODS), D(2027, 1, 1)) == Employment(D(2026, 6, 1))


class TestEmploymentAfterChange:
    def test_a_candidate_has_no_period_even_with_a_planned_start(self):
        assert employment_after_change([], CANDIDATE, D(2026, 12, 1), None) == []

    def test_the_first_hire_opens_a_period(self):
        assert employment_after_change([], ACTIVE, D(2024, 1, 15), None) == [
            Employment(D(2024, 1, 15))
        ]

    def test_a_separation_closes_the_latest_period(self):
        opened = [Employment(D(2024, 1, 15))]
        assert employment_after_change(opened, SEPARATED, D(2024, 1, 15), D(2025, 3, 31)) == [FIRST]

    def test_correcting_a_hire_date_changes_the_period_not_the_history(self):
        opened = [Employment(D(2024, 1, 15))]
        assert employment_after_change(opened, ACTIVE, D(2024, 1, 8), None) == [
            Employment(D(2024, 1, 8))
        ]

    def test_a_hire_after_the_last_day_is_a_rehire_and_keeps_the_first_period(self):
        assert employment_after_change([FIRST], ACTIVE, D(2026, 6, 1), None) == [
            FIRST,
            Employment(D(2026, 6, 1)),
        ]

    def test_the_day_after_leaving_is_already_a_rehire(self):
        assert employment_after_change([FIRST], ACTIVE, D(2025, 4, 1), None)[-1] == Employment(
            D(2025, 4, 1)
        )

    def test_taking_back_a_separation_keeps_the_hire_date(self):
        assert employment_after_change([FIRST], ACTIVE, D(2024, 1, 15), None) == [
            Employment(D(2024, 1, 15))
        ]

    def test_a_rehire_dated_on_or_before_the_last_day_is_refused(self):
        with pytest.raises(InvalidInput, match="after the day they left \\(31 March 2025\\)") as e:
            employment_after_change([FIRST], ACTIVE, D(2025, 3, 31), None)
        assert e.value.field == "hire_on"

    def test_a_later_period_may_not_reach_back_into_an_earlier_one(self):
        second = Employment(D(2026, 6, 1))
        with pytest.raises(InvalidInput, match="previous employment \\(31 March 2025\\)"):
            employment_after_change([FIRST, second], ACTIVE, D(2025, 3, 1), None)
        assert employment_after_change([FIRST, second], ACTIVE, D(2025, 4, 1), None) == [
            FIRST,
            Employment(D(2025, 4, 1)),
        ]

    def test_an_employee_cannot_be_turned_back_into_a_candidate(self):
        with pytest.raises(InvalidInput, match="since 15 January 2024") as error:
            employment_after_change([Employment(D(2024, 1, 15))], CANDIDATE, D(2024, 1, 15), None)
        assert error.value.field == "status"

    def test_a_former_employee_may_apply_again_and_keeps_their_history(self):
        assert employment_after_change([FIRST], CANDIDATE, None, None) == [FIRST]
