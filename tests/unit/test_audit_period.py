"""The period of the auditor's supervision log and on-call coverage (lms/auditors/period.py):
by default the 13 weeks up to the as-of date; never after the as-of date; at most 400 days."""

import datetime as dt

import pytest

from lms.auditors.period import report_period
from lms.validation import InvalidInput

AS_OF = dt.date(2026, 11, 23)


def test_by_default_the_13_weeks_up_to_the_as_of_date():
    # 13 weeks are 91 days: 2026-08-25 to 2026-11-23, both included.
    assert report_period(None, "", AS_OF) == (dt.date(2026, 8, 25), AS_OF)


def test_a_period_ending_earlier_goes_back_13_weeks_from_its_end():
    assert report_period("", "2026-10-31", AS_OF) == (dt.date(2026, 8, 2), dt.date(2026, 10, 31))


def test_a_given_period_is_kept():
    assert report_period("2026-01-01", "2026-03-31", AS_OF) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )


def test_400_days_are_allowed_and_401_refused():
    assert report_period("2025-10-20", "2026-11-23", AS_OF)[0] == dt.date(2025, 10, 20)
    with pytest.raises(InvalidInput) as refused:
        report_period("2025-10-19", "2026-11-23", AS_OF)
    assert refused.value.field == "from"


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        ("2026-11-01", "2026-11-24", "to"),  # after the as-of date
        ("2026-11-02", "2026-11-01", "from"),  # backwards
        ("yesterday", "", "from"),
        ("", "2026-13-01", "to"),
        ("1899-12-31", "2026-11-01", "from"),
    ],
)
def test_bad_periods_name_their_field(first, last, field):
    with pytest.raises(InvalidInput) as refused:
        report_period(first, last, AS_OF)
    assert refused.value.field == field
