"""The hire/annual cycle, with expected dates worked out by hand from the issue's rules:
initial due = hire + 30 days; expiry = completion + 1 year (29 Feb -> 28 Feb); valid before
expiry, lapsed from it; the renewal window opens 90 days before expiry."""

import datetime as dt

import pytest

from lms.staff.rules import Employment
from lms.training.rules import (
    CyclePolicy,
    TrainingStatus,
    add_one_year,
    completion_chain,
    next_expiry,
    training_state,
)

D = dt.date
POLICY = CyclePolicy(initial_training_days=30, renewal_window_days=90)
HIRED = Employment(D(2026, 1, 5))


def state(as_of, completions=(), started_on=None, employment=HIRED):
    return training_state(employment, completions, as_of, POLICY, started_on)


class TestInitialCycle:
    def test_due_thirty_days_after_hire(self):
        result = state(D(2026, 1, 5))
        assert result.due_on == D(2026, 2, 4)
        assert result.status is TrainingStatus.NOT_STARTED
        assert result.days_left == 30

    def test_in_progress_once_started(self):
        assert state(D(2026, 1, 20), started_on=D(2026, 1, 12)).status is TrainingStatus.IN_PROGRESS

    def test_still_current_on_the_due_date_itself(self):
        assert state(D(2026, 2, 4)).status is TrainingStatus.NOT_STARTED
        assert state(D(2026, 2, 4)).current

    def test_overdue_from_the_day_after(self):
        result = state(D(2026, 2, 5), started_on=D(2026, 1, 12))
        assert result.status is TrainingStatus.OVERDUE
        assert result.days_left == -1
        assert not result.current

    def test_no_status_before_hire_or_after_separation(self):
        assert state(D(2026, 1, 4)) is None
        left = Employment(D(2026, 1, 5), separated_on=D(2026, 6, 30))
        assert state(D(2026, 6, 30), employment=left) is not None
        assert state(D(2026, 7, 1), employment=left) is None


class TestExpiry:
    def test_valid_until_the_day_before_expiry_and_lapsed_on_it(self):
        completions = [D(2026, 1, 28)]
        assert state(D(2027, 1, 27), completions).status is TrainingStatus.DUE_SOON
        lapsed = state(D(2027, 1, 28), completions)
        assert lapsed.status is TrainingStatus.LAPSED
        assert lapsed.expires_on == D(2027, 1, 28)
        assert not lapsed.current

    def test_leap_day_plus_one_year_is_28_february(self):
        assert add_one_year(D(2028, 2, 29)) == D(2029, 2, 28)
        assert add_one_year(D(2027, 2, 28)) == D(2028, 2, 28)

    def test_compliant_before_the_window_and_due_soon_inside_it(self):
        # Expires 2027-01-28; the window opens 90 days earlier, on 2026-10-30.
        completions = [D(2026, 1, 28)]
        assert state(D(2026, 10, 29), completions).status is TrainingStatus.COMPLIANT
        due_soon = state(D(2026, 10, 30), completions)
        assert due_soon.status is TrainingStatus.DUE_SOON
        assert due_soon.window_opens_on == D(2026, 10, 30)
        assert due_soon.days_left == 90


class TestRenewal:
    def test_renewing_inside_the_window_keeps_the_anniversary(self):
        chain = completion_chain([D(2026, 1, 28), D(2026, 12, 1)], POLICY)
        assert chain[1].expires_on == D(2028, 1, 28)  # not 2027-12-01
        assert state(D(2026, 12, 2), [D(2026, 1, 28), D(2026, 12, 1)]).status is (
            TrainingStatus.COMPLIANT
        )

    def test_renewing_on_the_first_day_of_the_window_keeps_the_anniversary(self):
        assert next_expiry(D(2027, 1, 28), D(2026, 10, 30), POLICY) == D(2028, 1, 28)

    def test_renewing_after_lapse_starts_a_new_anniversary(self):
        # Lapsed on 2027-01-28; completed on 2027-03-10: expires 2028-03-10.
        completions = [D(2026, 1, 28), D(2027, 3, 10)]
        assert state(D(2027, 3, 9), completions).status is TrainingStatus.LAPSED
        renewed = state(D(2027, 3, 10), completions)
        assert renewed.status is TrainingStatus.COMPLIANT
        assert renewed.expires_on == D(2028, 3, 10)

    def test_completing_on_the_expiry_day_counts_as_lapsed(self):
        assert next_expiry(D(2027, 1, 28), D(2027, 1, 28), POLICY) == D(2028, 1, 28)

    def test_imported_completion_before_the_window_counts_from_its_own_date(self):
        # Window for 2027-01-28 opens 2026-10-30; an import dated 2026-09-15 is before it.
        assert next_expiry(D(2027, 1, 28), D(2026, 9, 15), POLICY) == D(2027, 9, 15)

    def test_a_completion_before_the_window_never_shortens_the_expiry_already_earned(self):
        # 2024-03-15 earns 2025-03-15; the early renewal on 2025-01-10 (window opened 2024-12-15)
        # keeps the anniversary: 2026-03-15. An import dated 2025-02-01 is before the next
        # window (opens 2025-12-15); its own year ends 2026-02-01, earlier than 2026-03-15, so
        # the expiry stays 2026-03-15.
        completions = [D(2024, 3, 15), D(2025, 1, 10), D(2025, 2, 1)]
        employment = Employment(D(2024, 1, 2))
        chain = completion_chain(completions, POLICY)
        assert [c.expires_on for c in chain] == [D(2025, 3, 15), D(2026, 3, 15), D(2026, 3, 15)]
        assert next_expiry(D(2026, 3, 15), D(2025, 2, 1), POLICY) == D(2026, 3, 15)
        on_feb_2 = state(D(2026, 2, 2), completions, employment=employment)
        assert on_feb_2.status is TrainingStatus.DUE_SOON
        assert on_feb_2.expires_on == D(2026, 3, 15)
        assert state(D(2026, 3, 14), completions, employment=employment).current
        assert state(D(2026, 3, 15), completions, employment=employment).status is (
            TrainingStatus.LAPSED
        )


class TestPastDates:
    COMPLETIONS = [D(2026, 1, 28), D(2026, 12, 1)]

    @pytest.mark.parametrize(
        ("as_of", "status"),
        [
            (D(2026, 1, 20), TrainingStatus.NOT_STARTED),  # before the first completion
            (D(2026, 3, 3), TrainingStatus.COMPLIANT),
            (D(2026, 11, 15), TrainingStatus.DUE_SOON),  # window open, renewal not yet done
            (D(2026, 12, 1), TrainingStatus.COMPLIANT),  # renewed that day
            (D(2027, 11, 1), TrainingStatus.DUE_SOON),  # window for 2028-01-28 opened 10-30
            (D(2028, 1, 28), TrainingStatus.LAPSED),
        ],
    )
    def test_status_on_past_dates_counts_only_what_had_happened(self, as_of, status):
        assert state(as_of, self.COMPLETIONS).status is status

    def test_rehire_starts_a_new_initial_cycle(self):
        rehired = Employment(D(2028, 6, 1))
        result = state(D(2028, 6, 15), self.COMPLETIONS, employment=rehired)
        assert result.status is TrainingStatus.NOT_STARTED
        assert result.due_on == D(2028, 7, 1)


class TestSectionsRead:
    """A module of 4 sections; the mentor has opened sections 0-2 (furthest 2)."""

    def test_without_a_minimum_every_opened_section_counts(self):
        from lms.training.rules import SectionsRead, sections_read

        assert sections_read({"0": 5}, 2, 4, 0) == SectionsRead(3, 0)

    def test_with_a_minimum_only_sections_given_that_time_count(self):
        from lms.training.rules import SectionsRead, sections_read

        # 0: 60 s (at the minimum: counts), 1: 59 s (does not), 2: not yet credited.
        assert sections_read({"0": 60, "1": 59}, 2, 4, 60) == SectionsRead(1, 2)

    def test_rows_from_before_per_section_time_count_as_without_a_minimum(self):
        from lms.training.rules import SectionsRead, sections_read

        assert sections_read(None, 2, 4, 60) == SectionsRead(3, 0)
