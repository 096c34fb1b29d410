"""The account rules, with values worked out by hand from NIST SP 800-63B and the issue."""

import datetime as dt

import pytest

from lms.auth.passwords import common_passwords
from lms.auth.rules import ThrottlePolicy, access_problem, locked_until, password_problems

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
POLICY = ThrottlePolicy(
    max_failures=5, window=dt.timedelta(minutes=15), lockout=dt.timedelta(minutes=15)
)


def minutes(*offsets: float) -> list[dt.datetime]:
    return [T0 + dt.timedelta(minutes=offset) for offset in offsets]


class TestPasswordPolicy:
    def test_twelve_characters_of_anything_is_enough(self):
        assert password_problems("lower case only", common_passwords()) == []

    def test_eleven_characters_is_too_short(self):
        assert password_problems("abcdefghijk", set()) == ["Use at least 12 characters."]

    def test_no_composition_rules(self):
        # No digits, no capitals, no symbols: NIST says not to demand them.
        assert password_problems("violet harbor lamp", common_passwords()) == []

    def test_common_password_refused_case_insensitively(self):
        assert "qwerty123456" in common_passwords()
        problems = password_problems("QWERTY123456", common_passwords())
        assert problems == [
            "That password is on a list of commonly used passwords; choose another."
        ]

    def test_one_repeated_character_refused(self):
        assert password_problems("aaaaaaaaaaaaaaa", set()) == [
            "A password made of one repeated character is too easy to guess."
        ]

    def test_context_words_refused(self):
        problems = password_problems("jsmith-is-great-2026", set(), ["jsmith"])
        assert problems == ["Do not build the password from “jsmith”."]

    def test_short_context_words_ignored(self):
        assert password_problems("a long passphrase here", set(), ["al"]) == []

    def test_overlong_password_refused(self):
        assert password_problems("x" * 257 + "y", set()) == ["Use at most 256 characters."]


class TestThrottle:
    def test_four_failures_do_not_lock(self):
        assert locked_until(minutes(0, 1, 2, 3), T0 + dt.timedelta(minutes=4), POLICY) is None

    def test_fifth_failure_within_fifteen_minutes_locks_for_fifteen_from_it(self):
        failures = minutes(0, 1, 2, 3, 14)
        assert locked_until(failures, T0 + dt.timedelta(minutes=14), POLICY) == T0 + dt.timedelta(
            minutes=29
        )

    def test_lock_is_over_after_fifteen_minutes(self):
        failures = minutes(0, 1, 2, 3, 14)
        assert locked_until(failures, T0 + dt.timedelta(minutes=29), POLICY) is None

    def test_five_failures_spread_over_more_than_the_window_do_not_lock(self):
        failures = minutes(0, 4, 8, 12, 16)  # 16 minutes from first to fifth
        assert locked_until(failures, T0 + dt.timedelta(minutes=16), POLICY) is None

    def test_window_is_inclusive_at_exactly_fifteen_minutes(self):
        failures = minutes(0, 5, 10, 12, 15)
        assert locked_until(failures, T0 + dt.timedelta(minutes=15), POLICY) == T0 + dt.timedelta(
            minutes=30
        )

    def test_order_of_input_does_not_matter(self):
        failures = minutes(3, 0, 14, 1, 2)
        assert locked_until(failures, T0 + dt.timedelta(minutes=20), POLICY) == T0 + dt.timedelta(
            minutes=29
        )


class TestAccessWindow:
    TODAY = dt.date(2026, 11, 23)

    def test_active_account_without_window(self):
        assert access_problem(True, None, None, self.TODAY) is None

    def test_deactivated(self):
        assert "deactivated" in access_problem(False, None, None, self.TODAY)

    @pytest.mark.parametrize(
        ("starts", "ends", "allowed"),
        [
            (None, dt.date(2026, 11, 23), True),  # the end day itself is still inside
            (None, dt.date(2026, 11, 22), False),
            (dt.date(2026, 11, 23), None, True),
            (dt.date(2026, 11, 24), None, False),
        ],
    )
    def test_window_edges(self, starts, ends, allowed):
        assert (access_problem(True, starts, ends, self.TODAY) is None) is allowed

    def test_ended_access_names_the_day(self):
        message = access_problem(True, None, dt.date(2026, 10, 31), self.TODAY)
        assert message == "Your access ended on October 31, 2026."


class TestRecordsRange:
    def test_open_range_allows_everything(self):
        from lms.auth.rules import records_range_problem

        assert records_range_problem(dt.date(2020, 1, 1), None, None) is None

    def test_both_ends_are_inclusive(self):
        from lms.auth.rules import records_range_problem

        start, end = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
        assert records_range_problem(start, start, end) is None
        assert records_range_problem(end, start, end) is None
        assert records_range_problem(dt.date(2025, 12, 31), start, end) == (
            "Your access covers records from 2026-01-01 on."
        )
        assert records_range_problem(dt.date(2026, 7, 1), start, end) == (
            "Your access covers records up to 2026-06-30."
        )
