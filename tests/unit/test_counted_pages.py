"""Lists whose count stops at a limit (a name search's, ``lms.staff.queries.count_limit``): what
the page knows and shows, worked by hand with pages of 50 and a limit of 1,000."""

from lms.staff.queries import SEARCH_COUNT_LIMIT, Page, count_limit


def test_the_limit_the_cases_below_are_worked_with():
    assert SEARCH_COUNT_LIMIT == 1000


def test_a_search_is_counted_to_the_limit_or_to_the_end_of_the_page_asked_for():
    assert count_limit("silva", 1, 50) == 1000
    assert count_limit("silva", 20, 50) == 1000  # people 951-1,000
    assert count_limit("silva", 30, 50) == 1500  # people 1,451-1,500: past the limit
    assert count_limit(None, 1, 50) is None  # no search: every item is counted
    assert count_limit("   ", 1, 50) is None


def test_a_count_within_its_limit_is_exact():
    page = Page.clamped(1, 50, 1000, limit=1000)
    assert page.exact and page.count == 20
    assert page.numbers_to_show() == [1, 2, 3, None, 20]


def test_a_count_past_its_limit_says_more_than_the_limit_and_hides_the_last_page():
    # 1,001 counted: more than 1,000; 21 pages known (the 21st holds at least one person).
    page = Page.clamped(1, 50, 1001, limit=1000)
    assert not page.exact
    assert page.more_than == 1000
    assert page.count == 21 and page.has_next
    assert page.numbers_to_show() == [1, 2, 3, None]


def test_a_later_page_past_the_limit_shows_the_pages_around_it_and_a_gap():
    # Page 30 counted to 1,501: 31 pages known, so a next page exists.
    page = Page.clamped(30, 50, 1501, limit=1500)
    assert page.number == 30 and page.has_next and page.has_previous
    assert page.numbers_to_show() == [1, None, 28, 29, 30, 31, None]


def test_a_page_number_past_the_matches_is_clamped_when_the_count_is_exact():
    # Page 500 counts to 25,000; 11,111 match: exact, 223 pages, page 223 shown.
    page = Page.clamped(500, 50, 11_111, limit=25_000)
    assert page.exact and page.number == 223 and not page.has_next


def test_without_a_limit_a_page_is_exact_as_before():
    page = Page.clamped(2, 50, 120)
    assert page.exact and page.count == 3
    assert page.numbers_to_show() == [1, 2, 3]


def test_a_page_number_of_thirty_digits_counts_no_further_than_a_table_holds():
    assert count_limit("silva", 10**30, 50) == 2**31 - 1
