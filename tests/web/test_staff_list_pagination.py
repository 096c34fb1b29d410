"""HR's staff list in pages of 50: boundaries, bad page numbers, filters kept across pages."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from lms import clock
from lms.staff.models import Position, StaffStatus
from tests.web.paging import pages_followed, summary
from tests.web.staff_records import add_mentor, add_people, numbered

PAGER = re.compile(r'<nav class="pagination" aria-label="Pagination">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"([^>]*)>(.*?)</a>', re.S)
PERSON_LINK = re.compile(r'<a href="/staff/\d+">([^<]+)</a>')
BAD_PAGE = "The page number must be a whole number, 1 or more."
TO = "\N{EN DASH}"  # between the first and last shown: "Showing 51{TO}100 of 2,000"


@pytest.fixture
def hr_client(client, auth, users):
    auth.login("hr@example.org")
    return client


def names_listed(page_html):
    return [html.unescape(name) for name in PERSON_LINK.findall(page_html)]


def pager(page_html):
    """The pager's links as (text, href, is current), or None when there is no pager."""
    found = PAGER.search(page_html)
    if found is None:
        return None
    return [
        (
            " ".join(re.sub(r"<[^>]+>", "", text).split()),
            html.unescape(href),
            'aria-current="page"' in attributes,
        )
        for href, attributes, text in LINK.findall(found.group(1))
    ]


def link_named(links, text):
    return next(href for label, href, _ in links if label == text)


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_first_page_shows_the_first_fifty_with_a_link_onwards(hr_client, db):
    people = add_people(db, numbered("Person", 1, 120))
    page = get_page(hr_client, "/staff/")
    assert names_listed(page) == numbered("Person", 1, 50)
    assert f"Showing 1{TO}50 of 120 people." in page
    assert "<title>Candidates and staff, page 1 of 3" in page
    assert pager(page) == [
        ("Page 1", "/staff/?page=1", True),
        ("Page 2", "/staff/?page=2", False),
        ("Page 3", "/staff/?page=3", False),
        # Next and previous links carry the last (first) person shown: read by keyset.
        ("Next page", f"/staff/?page=2&after={people[49].id}", False),
    ]


def test_last_page_is_partial_and_has_no_next_link(hr_client, db):
    people = add_people(db, numbered("Person", 1, 120))
    page = get_page(hr_client, "/staff/?page=3")
    assert names_listed(page) == numbered("Person", 101, 120)
    assert f"Showing 101{TO}120 of 120 people." in page
    links = pager(page)
    assert link_named(links, "Previous page") == f"/staff/?page=2&before={people[100].id}"
    assert "Next page" not in [label for label, _, _ in links]
    assert [label for label, _, current in links if current] == ["Page 3"]


def test_a_middle_page_links_both_ways(hr_client, db):
    people = add_people(db, numbered("Person", 1, 120))
    page = get_page(hr_client, "/staff/?page=2")
    assert names_listed(page) == numbered("Person", 51, 100)
    links = pager(page)
    assert link_named(links, "Previous page") == "/staff/?page=1"  # the first page needs none
    assert link_named(links, "Next page") == f"/staff/?page=3&after={people[99].id}"


def test_next_and_previous_links_page_by_keyset_through_equal_names(hr_client, db):
    # Equal names straddle the pages' boundaries: the cursor's id orders them.
    people = add_people(
        db, [*numbered("Person", 1, 40), *["Same Name"] * 30, *numbered("Z", 1, 50)]
    )
    expected = [p.legal_name for p in sorted(people, key=lambda p: (p.legal_name, p.id))]
    first = get_page(hr_client, "/staff/")
    second = get_page(hr_client, link_named(pager(first), "Next page"))
    assert names_listed(second) == expected[50:100]
    assert f"Showing 51{TO}100 of 120 people." in second
    third = get_page(hr_client, link_named(pager(second), "Next page"))
    assert names_listed(third) == expected[100:]
    back = get_page(hr_client, link_named(pager(third), "Previous page"))
    assert names_listed(back) == expected[50:100]
    assert f"Showing 51{TO}100 of 120 people." in back
    assert pager(back) == pager(second)
    # By number the same pages (the rows skipped are counted off the index by id).
    assert names_listed(get_page(hr_client, "/staff/?page=2")) == expected[50:100]
    assert names_listed(get_page(hr_client, "/staff/?page=3")) == expected[100:]


@pytest.mark.parametrize("cursor", ["after=999999", "before=2147483647"])
def test_a_cursor_whose_person_is_gone_falls_back_to_the_page_number(hr_client, db, cursor):
    add_people(db, numbered("Person", 1, 120))
    page = get_page(hr_client, f"/staff/?page=2&{cursor}")
    assert names_listed(page) == numbered("Person", 51, 100)


@pytest.mark.parametrize("value", ["x", "-1", "1.5", "2147483648", "9" * 19, "١٢"])
def test_a_malformed_cursor_is_a_bad_request_that_says_why(hr_client, db, value):
    response = hr_client.get(f"/staff/?page=2&after={value}")
    assert response.status_code == 400
    assert "The after cursor must be a whole number" in response.get_data(as_text=True)


def test_a_page_beyond_the_end_shows_the_last_page(hr_client, db):
    add_people(db, numbered("Person", 1, 120))
    page = get_page(hr_client, "/staff/?page=40")
    assert names_listed(page) == numbered("Person", 101, 120)
    assert f"Showing 101{TO}120 of 120 people." in page
    assert [label for label, _, current in pager(page) if current] == ["Page 3"]


@pytest.mark.parametrize("value", ["abc", "0", "-1", "2.5", "1e3", "²", "9" * 5000])
def test_a_malformed_page_number_is_a_bad_request_that_says_why(hr_client, db, value):
    add_people(db, numbered("Person", 1, 3))
    response = hr_client.get("/staff/", query_string={"page": value})
    assert response.status_code == 400
    assert BAD_PAGE in response.get_data(as_text=True)


def test_an_empty_page_number_means_the_first_page(hr_client, db):
    add_people(db, numbered("Person", 1, 60))
    assert names_listed(get_page(hr_client, "/staff/?page=")) == numbered("Person", 1, 50)


def test_fifty_people_fit_on_one_page_without_a_pager(hr_client, db):
    add_people(db, numbered("Person", 1, 50))
    page = get_page(hr_client, "/staff/")
    assert len(names_listed(page)) == 50
    assert f"Showing 1{TO}50 of 50 people." in page
    assert pager(page) is None
    assert "<title>Candidates and staff · " in page


def test_the_fifty_first_person_starts_a_second_page(hr_client, db):
    add_people(db, numbered("Person", 1, 51))
    page = get_page(hr_client, "/staff/?page=2")
    assert names_listed(page) == ["Person 051"]
    assert "Showing 51 of 51 people." in page


def test_no_one_matching_says_so_without_a_pager(hr_client, db):
    add_people(db, numbered("Person", 1, 3))
    page = get_page(hr_client, "/staff/?q=nobody-by-this-name")
    assert "No one matches." in page
    assert "Showing" not in page
    assert pager(page) is None


def test_thousands_are_grouped_in_the_summary(hr_client, db):
    add_people(db, numbered("Person", 1, 1001))
    page = get_page(hr_client, "/staff/?page=21")
    assert "Showing 1,001 of 1,001 people." in page
    assert f"Showing 951{TO}1,000 of 1,001 people." in get_page(hr_client, "/staff/?page=20")


def test_many_pages_show_the_ends_and_the_neighbours(hr_client, db):
    add_people(db, numbered("Person", 1, 500))  # ten pages
    labels = [label for label, _, _ in pager(get_page(hr_client, "/staff/?page=5"))]
    assert labels == [
        "Previous page",
        "Page 1",
        "Page 3",
        "Page 4",
        "Page 5",
        "Page 6",
        "Page 7",
        "Page 10",
        "Next page",
    ]
    assert "pagination__gap" in get_page(hr_client, "/staff/?page=5")


def test_people_with_the_same_name_are_each_listed_exactly_once(hr_client, db):
    people = add_people(db, ["Sam Same"] * 75)
    first = get_page(hr_client, "/staff/")
    second = get_page(hr_client, "/staff/?page=2")
    shown = re.findall(r'href="/staff/(\d+)"', first) + re.findall(r'href="/staff/(\d+)"', second)
    assert sorted(map(int, shown)) == sorted(person.id for person in people)


def test_filters_are_kept_in_every_pager_link_and_apply_on_the_next_page(hr_client, db):
    wanted = numbered("Filtered", 1, 55)
    add_people(db, wanted, qualified=True)  # provisional: qualified, nothing verified yet
    add_people(db, numbered("Filtered eligible", 1, 3), qualified=True, verified=True)
    add_people(
        db, numbered("Filtered candidate", 1, 3), qualified=True, status=StaffStatus.CANDIDATE
    )
    add_people(db, numbered("Unrelated", 1, 3), qualified=True)
    query = "?q=filtered&status=active&position=therapeutic_mentor&eligibility=provisional"

    first = get_page(hr_client, f"/staff/{query}")
    assert names_listed(first) == wanted[:50]
    assert f"Showing 1{TO}50 of 55 people." in first
    links = pager(first)
    for _, href, _ in links:
        assert "q=filtered" in href
        assert "status=active" in href
        assert "position=therapeutic_mentor" in href
        assert "eligibility=provisional" in href

    second = get_page(hr_client, link_named(links, "Next page"))
    assert names_listed(second) == wanted[50:]
    assert f"Showing 51{TO}55 of 55 people." in second
    assert '<option value="provisional" selected>' in second
    assert 'name="q" value="filtered"' in second


def test_the_filter_form_starts_again_at_the_first_page(hr_client, db):
    add_people(db, numbered("Person", 1, 120))
    page = get_page(hr_client, "/staff/?page=3")
    form = re.search(r'<form method="get" class="filters".*?</form>', page, re.S).group(0)
    assert 'name="page"' not in form


def test_eligibility_filter_lists_exactly_the_people_in_that_state(hr_client, db):
    eligible = add_people(db, ["Ada Eligible", "Bo Eligible"], qualified=True, verified=True)
    provisional = add_people(db, ["Cy Provisional"], qualified=True)
    not_eligible = add_people(db, ["Di Unqualified", "Ed Unqualified"])
    nineteen = dt.date(clock.today().year - 19, 1, 1)
    add_people(db, ["Fay Young"], qualified=True, verified=True, date_of_birth=nineteen)
    add_people(db, ["Gus Clinician"], position=Position.LICENSED_CLINICIAN)

    def listed(status):
        return names_listed(get_page(hr_client, f"/staff/?eligibility={status}"))

    assert listed("eligible") == [p.legal_name for p in eligible]
    assert listed("provisional") == [p.legal_name for p in provisional]
    assert listed("not_eligible") == [
        *(p.legal_name for p in not_eligible),
        "Fay Young",  # qualified on paper, but not yet 21
    ]
    assert "Gus Clinician" not in get_page(hr_client, "/staff/?eligibility=not_eligible")


def test_eligibility_filter_pages_through_the_matching_people_only(hr_client, db):
    add_people(db, numbered("Eligible", 1, 30), qualified=True, verified=True)
    add_people(db, numbered("Provisional", 1, 70), qualified=True)
    first = get_page(hr_client, "/staff/?eligibility=provisional")
    assert names_listed(first) == numbered("Provisional", 1, 50)
    assert f"Showing 1{TO}50 of 70 people." in first
    last = get_page(hr_client, "/staff/?eligibility=provisional&page=2")
    assert names_listed(last) == numbered("Provisional", 51, 70)
    beyond = get_page(hr_client, "/staff/?eligibility=eligible&page=7")
    assert names_listed(beyond) == numbered("Eligible", 1, 30)
    assert f"Showing 1{TO}30 of 30 people." in beyond


def test_rows_on_a_filtered_page_show_their_own_status_and_checks(hr_client, db):
    add_people(db, ["Ada Eligible"], qualified=True, verified=True)
    add_people(db, ["Cy Provisional"], qualified=True)
    page = get_page(hr_client, "/staff/?eligibility=provisional")
    row = re.search(r"<tr>\s*<td><a[^>]*>Cy Provisional</a>.*?</tr>", page, re.S).group(0)
    assert '<span class="status status--provisional">Provisional</span>' in row
    assert "identity, 1 credential, 1 job" in row


def test_eligibility_filter_weighs_each_unverified_fact_and_the_field_of_study(hr_client, db):
    add_mentor(db, "Kim Verified")
    add_mentor(db, "Hal Degree Unchecked", degree_verified=False)
    add_mentor(db, "Ida Job Unchecked", job_verified=False)
    add_mentor(db, "Jo Identity Unchecked", identity_verified=False)
    add_mentor(db, "Lu Accounting", human_services=False)

    def listed(status):
        return names_listed(get_page(hr_client, f"/staff/?eligibility={status}"))

    assert listed("eligible") == ["Kim Verified"]
    assert listed("provisional") == [
        "Hal Degree Unchecked",
        "Ida Job Unchecked",
        "Jo Identity Unchecked",
    ]
    assert listed("not_eligible") == ["Lu Accounting"]  # 18 months: two years without a degree


def test_a_search_matching_more_than_the_count_limit_says_more_than_and_pages_on(
    hr_client, db, monkeypatch
):
    # Pages of 2 and a limit of 3: each page counts to the limit or its own end, whichever is
    # further, so it always knows whether a next page exists; the last page counts them all.
    monkeypatch.setattr("lms.staff.views.PAGE_SIZE", 2)
    monkeypatch.setattr("lms.staff.queries.SEARCH_COUNT_LIMIT", 3)
    wanted = numbered("Silva", 1, 7)
    add_people(db, [*numbered("Adams", 1, 3), *wanted, *numbered("Young", 1, 3)])
    pages = list(pages_followed(hr_client, "/staff/?q=silva", pager))
    seen = [name for page in pages for name in names_listed(page)]
    summaries = [summary(page) for page in pages]
    assert seen == wanted
    assert summaries == [
        f"Showing 1{TO}2 of more than 3 people: narrow the search for a count.",
        f"Showing 3{TO}4 of more than 4 people: narrow the search for a count.",
        f"Showing 5{TO}6 of more than 6 people: narrow the search for a count.",
        "Showing 7 of 7 people.",
    ]


def test_a_search_past_the_count_limit_hides_the_last_page_number(hr_client, db, monkeypatch):
    monkeypatch.setattr("lms.staff.views.PAGE_SIZE", 2)
    monkeypatch.setattr("lms.staff.queries.SEARCH_COUNT_LIMIT", 3)
    add_people(db, numbered("Silva", 1, 7))
    page = get_page(hr_client, "/staff/?q=silva")
    assert "<title>Candidates and staff, page 1 \N{MIDDLE DOT}" in page  # not "of 2"
    assert [label for label, _, _ in pager(page)] == ["Page 1", "Page 2", "Next page"]
    assert 'class="pagination__gap"' in PAGER.search(page).group(1)
    # The same search with a count limit above its matches counts them exactly.
    monkeypatch.setattr("lms.staff.queries.SEARCH_COUNT_LIMIT", 7)
    page = get_page(hr_client, "/staff/?q=silva")
    assert f"Showing 1{TO}2 of 7 people." in page
    assert "<title>Candidates and staff, page 1 of 4 \N{MIDDLE DOT}" in page
    labels = [label for label, _, _ in pager(page)]
    assert labels == ["Page 1", "Page 2", "Page 3", "Page 4", "Next page"]


def test_a_search_with_a_page_number_of_thirty_digits_shows_the_last_page(hr_client, db):
    add_people(db, numbered("Silva", 1, 3))
    page = get_page(hr_client, "/staff/?q=silva&page=" + "9" * 30)
    assert names_listed(page) == numbered("Silva", 1, 3)
    assert f"Showing 1{TO}3 of 3 people." in page


def test_every_page_by_number_holds_its_people_read_from_either_end(hr_client, db, monkeypatch):
    # Pages of 2 of 7 people: pages 1-2 skip rows from the start; pages 3-4 lie nearer the end
    # and skip the rows after them reading the names backwards (1 and 0 rows), as the last page
    # of 100,000 does.
    monkeypatch.setattr("lms.staff.views.PAGE_SIZE", 2)
    people = numbered("Person", 1, 7)
    add_people(db, [*people, "Zed Other"], position=Position.THERAPEUTIC_MENTOR)
    add_people(db, ["Ann Clinician"], position=Position.LICENSED_CLINICIAN)
    mentors = [*people, "Zed Other"]
    for number, expected in enumerate([mentors[i : i + 2] for i in range(0, 8, 2)], start=1):
        page = get_page(hr_client, f"/staff/?position=therapeutic_mentor&page={number}")
        assert names_listed(page) == expected, number
    assert names_listed(get_page(hr_client, "/staff/?page=5")) == ["Zed Other"]
    assert names_listed(get_page(hr_client, "/staff/?page=1")) == ["Ann Clinician", "Person 001"]
