"""The training progress page in pages of 50: boundaries, bad page numbers, the name search
and status filter kept across pages, and a supervisor seeing only their own team."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from lms.staff.models import Position, StaffStatus
from lms.training.rules import TrainingStatus
from lms.web import BAD_PAGE
from tests.web.paging import pages_followed, summary
from tests.web.staff_records import numbered
from tests.web.team_records import (
    DAY,
    TODAY,
    add_completion,
    add_mentors,
    add_one_of_each_status,
    add_open_cycle,
    add_supervisor,
    publish_demo_edition,
)

PAGER = re.compile(r'<nav class="pagination" aria-label="Pagination">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"([^>]*)>(.*?)</a>', re.S)
MENTOR_LINK = re.compile(r'<a href="/training/people/(\d+)">([^<]+)</a>')
TO = "\N{EN DASH}"  # between the first and last shown: "Showing 51{TO}100 of 2,000"


@pytest.fixture
def hr_client(client, auth, users, frozen_clock):
    auth.login("hr@example.org")
    return client


def names_listed(page_html):
    return [html.unescape(name) for _, name in MENTOR_LINK.findall(page_html)]


def ids_listed(page_html):
    return [int(person_id) for person_id, _ in MENTOR_LINK.findall(page_html)]


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


def current_page(links):
    return [label for label, _, current in links if current]


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def row_of(page_html, name):
    return re.search(rf"<tr>\s*<td><a[^>]*>{re.escape(name)}</a>.*?</tr>", page_html, re.S).group(0)


# Paging


def test_first_page_shows_the_first_fifty_with_a_link_onwards(hr_client, db):
    add_mentors(db, numbered("Mentor", 1, 120))
    page = get_page(hr_client, "/training/team")
    assert names_listed(page) == numbered("Mentor", 1, 50)
    assert f"Showing 1{TO}50 of 120 mentors." in page
    assert "<title>Training progress: all mentors, page 1 of 3 · " in page
    assert pager(page) == [
        ("Page 1", "/training/team?page=1", True),
        ("Page 2", "/training/team?page=2", False),
        ("Page 3", "/training/team?page=3", False),
        ("Next page", "/training/team?page=2", False),
    ]


def test_a_middle_page_links_both_ways(hr_client, db):
    add_mentors(db, numbered("Mentor", 1, 120))
    page = get_page(hr_client, "/training/team?page=2")
    assert names_listed(page) == numbered("Mentor", 51, 100)
    assert f"Showing 51{TO}100 of 120 mentors." in page
    links = pager(page)
    assert link_named(links, "Previous page") == "/training/team?page=1"
    assert link_named(links, "Next page") == "/training/team?page=3"
    assert current_page(links) == ["Page 2"]


def test_last_page_is_partial_and_has_no_next_link(hr_client, db):
    add_mentors(db, numbered("Mentor", 1, 120))
    page = get_page(hr_client, "/training/team?page=3")
    assert names_listed(page) == numbered("Mentor", 101, 120)
    assert f"Showing 101{TO}120 of 120 mentors." in page
    links = pager(page)
    assert link_named(links, "Previous page") == "/training/team?page=2"
    assert "Next page" not in [label for label, _, _ in links]
    assert current_page(links) == ["Page 3"]


@pytest.mark.parametrize("number", ["4", "40", "99999999999999999999"])
def test_a_page_beyond_the_end_shows_the_last_page(hr_client, db, number):
    add_mentors(db, numbered("Mentor", 1, 120))
    page = get_page(hr_client, f"/training/team?page={number}")
    assert names_listed(page) == numbered("Mentor", 101, 120)
    assert f"Showing 101{TO}120 of 120 mentors." in page
    assert current_page(pager(page)) == ["Page 3"]


@pytest.mark.parametrize("value", ["abc", "0", "-1", "2.5", "1e3", "²", " 2", "9" * 5000])
def test_a_malformed_page_number_is_a_bad_request_that_says_why(hr_client, db, value):
    add_mentors(db, numbered("Mentor", 1, 3))
    response = hr_client.get("/training/team", query_string={"page": value})
    assert response.status_code == 400
    assert BAD_PAGE in response.get_data(as_text=True)


def test_the_staff_list_still_refuses_a_malformed_page_number(hr_client, db):
    """The page-number helper moved to lms.web; the staff list uses the same one."""
    response = hr_client.get("/staff/?page=abc")
    assert response.status_code == 400
    assert BAD_PAGE in response.get_data(as_text=True)


def test_an_empty_page_number_means_the_first_page(hr_client, db):
    add_mentors(db, numbered("Mentor", 1, 60))
    assert names_listed(get_page(hr_client, "/training/team?page=")) == numbered("Mentor", 1, 50)


def test_fifty_mentors_fit_on_one_page_without_a_pager(hr_client, db):
    add_mentors(db, numbered("Mentor", 1, 50))
    page = get_page(hr_client, "/training/team")
    assert names_listed(page) == numbered("Mentor", 1, 50)
    assert f"Showing 1{TO}50 of 50 mentors." in page
    assert pager(page) is None
    assert "<title>Training progress: all mentors · " in page


def test_the_fifty_first_mentor_starts_a_second_page(hr_client, db):
    add_mentors(db, numbered("Mentor", 1, 51))
    page = get_page(hr_client, "/training/team?page=2")
    assert names_listed(page) == ["Mentor 051"]
    assert "Showing 51 of 51 mentors." in page


def test_one_mentor_is_counted_in_the_singular(hr_client, db):
    add_mentors(db, ["Only One"])
    assert "Showing 1 of 1 mentor." in get_page(hr_client, "/training/team")


def test_no_mentors_at_all_says_so_without_a_pager(hr_client, db):
    page = get_page(hr_client, "/training/team?page=3")
    assert "No active mentors." in page
    assert "Showing" not in page
    assert pager(page) is None


def test_thousands_are_grouped_in_the_summary(hr_client, db):
    names = [f"Mentor {number:04}" for number in range(1, 1002)]
    add_mentors(db, names)
    assert "Showing 1,001 of 1,001 mentors." in get_page(hr_client, "/training/team?page=21")
    page = get_page(hr_client, "/training/team?page=20")
    assert f"Showing 951{TO}1,000 of 1,001 mentors." in page
    assert names_listed(page) == names[950:1000]


def test_mentors_with_the_same_name_are_each_listed_exactly_once(hr_client, db):
    people = add_mentors(db, ["Sam Same"] * 75)
    shown = ids_listed(get_page(hr_client, "/training/team")) + ids_listed(
        get_page(hr_client, "/training/team?page=2")
    )
    assert sorted(shown) == sorted(person.id for person in people)


def test_only_active_mentors_are_listed_or_counted(hr_client, db):
    add_mentors(db, numbered("Mentor", 1, 51))
    add_mentors(db, ["Cara Candidate"], status=StaffStatus.CANDIDATE)
    add_mentors(db, ["Sid Separated"], status=StaffStatus.SEPARATED)
    add_mentors(db, ["Lin Clinician"], position=Position.LICENSED_CLINICIAN)
    first = get_page(hr_client, "/training/team")
    second = get_page(hr_client, "/training/team?page=2")
    assert names_listed(first) + names_listed(second) == numbered("Mentor", 1, 51)
    assert "Showing 51 of 51 mentors." in second


# Name search


def test_search_matches_part_of_the_legal_or_preferred_name_ignoring_case(hr_client, db):
    add_mentors(db, ["Ana Silva", "Benedict Okafor", "Carla Mendes"])
    add_mentors(db, ["Robert Jones"], preferred_name="Bobby Silvano")
    page = get_page(hr_client, "/training/team?q=SILV")
    assert names_listed(page) == ["Ana Silva", "Bobby Silvano (Robert Jones)"]
    assert "Showing 1\N{EN DASH}2 of 2 mentors." in page
    assert 'name="q" value="SILV"' in page


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("%", ["100% Sure"]),
        ("_", ["Under_Score"]),
        ("0%", ["100% Sure"]),
        ("r_s", ["Under_Score"]),  # not "Rosa Marks": "_" is not "any one letter"
        ("\\", ["Back\\Slash"]),
    ],
)
def test_search_treats_wildcards_as_letters(hr_client, db, typed, expected):
    add_mentors(db, ["100% Sure", "1000 Plain", "Under_Score", "Underscore", "Back\\Slash"])
    add_mentors(db, ["Rosa Marks"])
    response = hr_client.get("/training/team", query_string={"q": typed})
    assert response.status_code == 200
    assert names_listed(response.get_data(as_text=True)) == expected


def test_search_with_no_match_says_so(hr_client, db):
    add_mentors(db, numbered("Mentor", 1, 3))
    page = get_page(hr_client, "/training/team?q=nobody-by-this-name")
    assert "No mentors match." in page
    assert "Showing" not in page
    assert pager(page) is None


def test_search_pages_through_the_matching_mentors_only(hr_client, db):
    wanted = numbered("Rivera", 1, 60)
    add_mentors(db, [*numbered("Adams", 1, 30), *wanted, *numbered("Zeller", 1, 30)])
    first = get_page(hr_client, "/training/team?q=rivera")
    assert names_listed(first) == wanted[:50]
    assert f"Showing 1{TO}50 of 60 mentors." in first
    links = pager(first)
    assert all("q=rivera" in href for _, href, _ in links)
    second = get_page(hr_client, link_named(links, "Next page"))
    assert names_listed(second) == wanted[50:]
    assert f"Showing 51{TO}60 of 60 mentors." in second
    assert 'name="q" value="rivera"' in second


def test_a_search_matching_more_than_the_count_limit_says_more_than_and_pages_on(
    hr_client, db, monkeypatch
):
    # Pages of 2 and a limit of 3 (``lms.staff.queries.count_limit``): each page counts to the
    # limit or its own end, whichever is further; the last page counts them all.
    monkeypatch.setattr("lms.training.views.TEAM_PAGE_SIZE", 2)
    monkeypatch.setattr("lms.staff.queries.SEARCH_COUNT_LIMIT", 3)
    wanted = numbered("Rivera", 1, 5)
    add_mentors(db, [*numbered("Adams", 1, 3), *wanted, *numbered("Zeller", 1, 3)])
    pages = list(pages_followed(hr_client, "/training/team?q=rivera", pager))
    seen = [name for page in pages for name in names_listed(page)]
    summaries = [summary(page) for page in pages]
    assert seen == wanted
    assert summaries == [
        f"Showing 1{TO}2 of more than 3 mentors: narrow the search for a count.",
        f"Showing 3{TO}4 of more than 4 mentors: narrow the search for a count.",
        "Showing 5 of 5 mentors.",
    ]


def test_a_search_with_a_page_number_of_thirty_digits_shows_the_last_page(hr_client, db):
    add_mentors(db, numbered("Rivera", 1, 3))
    page = get_page(hr_client, "/training/team?q=rivera&page=" + "9" * 30)
    assert names_listed(page) == numbered("Rivera", 1, 3)


# Status filter


@pytest.fixture
def edition_id(db, tmp_path):
    return publish_demo_edition(db, tmp_path)


def test_each_mentor_shows_their_status_due_date_and_open_training(hr_client, db, edition_id):
    names = add_one_of_each_status(db, edition_id)
    page = get_page(hr_client, "/training/team")
    for status, name in names.items():
        row = row_of(page, name)
        assert f'<span class="status status--training-{status.value}">{status.label}</span>' in row
    not_started = row_of(page, names[TrainingStatus.NOT_STARTED])
    assert (TODAY + 25 * DAY).isoformat() in not_started  # hired five days ago, 30 days to train
    assert "Nothing open" in not_started
    assert "0 of 2 (0%)" in row_of(page, names[TrainingStatus.IN_PROGRESS])
    compliant = row_of(page, names[TrainingStatus.COMPLIANT])
    assert "Nothing open" in compliant
    assert (TODAY + 335 * DAY).isoformat() in compliant  # completed 30 days ago, for a year


def test_progress_counts_completed_modules_of_the_open_cycle_only(hr_client, db, edition_id):
    halfway = add_mentors(db, ["Hal Halfway"])[0]
    add_open_cycle(db, halfway, edition_id, started=2, completed=1)
    done_before = add_mentors(db, ["Dan Done Before"], hire_on=dt.date(2020, 3, 2))[0]
    add_completion(db, [done_before], TODAY - 300 * DAY)  # due soon: renewal open
    add_open_cycle(db, done_before, edition_id, started=2, completed=0)
    page = get_page(hr_client, "/training/team")
    assert "1 of 2 (50%)" in row_of(page, "Hal Halfway")
    assert "In progress" in row_of(page, "Hal Halfway")
    assert "0 of 2 (0%)" in row_of(page, "Dan Done Before")
    assert "Due soon" in row_of(page, "Dan Done Before")


@pytest.mark.parametrize("status", list(TrainingStatus))
def test_status_filter_lists_exactly_the_mentors_in_that_status(hr_client, db, edition_id, status):
    names = add_one_of_each_status(db, edition_id)
    page = get_page(hr_client, f"/training/team?status={status.value}")
    assert names_listed(page) == [names[status]]
    assert "Showing 1 of 1 mentor." in page
    assert f'<option value="{status.value}" selected>{status.label}</option>' in page


def test_status_filter_leaves_out_mentors_not_yet_employed(hr_client, db):
    add_mentors(db, ["Fu Future Hire"], hire_on=TODAY + 10 * DAY)
    add_mentors(db, ["Nia Now"])
    page = get_page(hr_client, "/training/team")
    assert "Not employed on this date" in row_of(page, "Fu Future Hire")
    assert "Showing 1\N{EN DASH}2 of 2 mentors." in page
    for status in TrainingStatus:
        assert "Fu Future Hire" not in get_page(hr_client, f"/training/team?status={status.value}")


def test_status_and_search_together_page_through_the_matching_mentors(hr_client, db):
    overdue = add_mentors(
        db, numbered("Late Rivera", 1, 55), hire_on=TODAY - 60 * DAY
    )  # due 30 days ago
    add_mentors(db, numbered("Late Other", 1, 5), hire_on=TODAY - 60 * DAY)
    add_mentors(db, numbered("New Rivera", 1, 10))  # not started
    compliant = add_mentors(db, numbered("Done Rivera", 1, 5), hire_on=TODAY - 300 * DAY)
    add_completion(db, compliant, TODAY - 250 * DAY)
    query = "?q=rivera&status=overdue"

    first = get_page(hr_client, f"/training/team{query}")
    assert names_listed(first) == [p.legal_name for p in overdue[:50]]
    assert f"Showing 1{TO}50 of 55 mentors." in first
    links = pager(first)
    for _, href, _ in links:
        assert "q=rivera" in href
        assert "status=overdue" in href
    second = get_page(hr_client, link_named(links, "Next page"))
    assert names_listed(second) == [p.legal_name for p in overdue[50:]]
    assert f"Showing 51{TO}55 of 55 mentors." in second
    assert '<option value="overdue" selected>Overdue</option>' in second
    assert 'name="q" value="rivera"' in second
    beyond = get_page(hr_client, f"/training/team{query}&page=9")
    assert names_listed(beyond) == names_listed(second)


def test_a_status_no_one_is_in_says_so_without_a_pager(hr_client, db):
    add_mentors(db, numbered("Mentor", 1, 60))  # all hired five days ago: not started
    page = get_page(hr_client, "/training/team?status=lapsed&page=3")
    assert names_listed(page) == []
    assert "No mentors match." in page
    assert "Showing" not in page
    assert pager(page) is None


def test_an_unknown_status_is_a_bad_request_that_says_why(hr_client, db):
    response = hr_client.get("/training/team?status=finished")
    assert response.status_code == 400
    text = html.unescape(response.get_data(as_text=True))
    assert "Unknown status filter 'finished'" in text
    assert "overdue" in text


def test_the_filter_form_starts_again_at_the_first_page(hr_client, db):
    add_mentors(db, numbered("Mentor", 1, 120))
    page = get_page(hr_client, "/training/team?page=3&q=mentor")
    form = re.search(r'<form method="get"[^>]*class="filters".*?</form>', page, re.S).group(0)
    assert 'name="page"' not in form
    assert 'href="/training/team">Show everyone</a>' in form


# A supervisor's team


@pytest.fixture
def two_teams(db, users, frozen_clock):
    """The signed-in supervisor's 60 mentors and another supervisor's 60, names interleaved."""
    mine = add_supervisor(db, "Sue Pervisor", user_id=users["supervisor"].id)
    theirs = add_supervisor(db, "Otto Other")
    return (
        add_mentors(db, [f"Mentor {n:03}" for n in range(1, 120, 2)], supervisor=mine),
        add_mentors(db, [f"Mentor {n:03}" for n in range(2, 121, 2)], supervisor=theirs),
    )


@pytest.fixture
def supervisor_client(client, auth, two_teams):
    auth.login("supervisor@example.org")
    return client


def test_a_supervisor_sees_only_their_own_team_on_every_page(supervisor_client, two_teams):
    mine, _ = two_teams
    first = get_page(supervisor_client, "/training/team")
    assert "<h1>My team</h1>" in first
    assert f"Showing 1{TO}50 of 60 mentors." in first
    second = get_page(supervisor_client, link_named(pager(first), "Next page"))
    assert f"Showing 51{TO}60 of 60 mentors." in second
    assert ids_listed(first) + ids_listed(second) == [person.id for person in mine]
    assert ids_listed(get_page(supervisor_client, "/training/team?page=7")) == ids_listed(second)


def test_a_supervisor_searching_or_filtering_still_sees_only_their_team(
    supervisor_client, two_teams
):
    mine, _ = two_teams
    searched = get_page(supervisor_client, "/training/team?q=mentor+00")
    assert names_listed(searched) == [
        "Mentor 001",
        "Mentor 003",
        "Mentor 005",
        "Mentor 007",
        "Mentor 009",
    ]
    filtered = get_page(supervisor_client, "/training/team?status=not_started&page=2")
    assert f"Showing 51{TO}60 of 60 mentors." in filtered
    assert ids_listed(filtered) == [person.id for person in mine[50:]]


def test_hr_sees_both_teams(hr_client, two_teams):
    page = get_page(hr_client, "/training/team?page=3")
    assert "Training progress: all mentors" in page
    assert f"Showing 101{TO}120 of 120 mentors." in page
