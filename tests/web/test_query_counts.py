"""Pages that list people must not run one query per person."""

import pytest

from lms.auth.models import Role
from tests.web.staff_records import add_people, numbered
from tests.web.team_records import (
    DAY,
    TODAY,
    add_completion,
    add_mentors,
    add_open_cycle,
    publish_demo_edition,
)


def test_user_list_costs_the_same_for_ten_or_four_hundred_users(
    client, auth, users, make_user, count_queries
):
    auth.login("admin@example.org")
    for number in range(10):
        make_user(f"few{number}@example.org", Role.MENTOR)
    with count_queries() as few:
        assert client.get("/admin/users").status_code == 200
    for number in range(390):
        make_user(f"many{number}@example.org", Role.MENTOR, Role.SUPERVISOR)
    with count_queries() as many:
        page = client.get("/admin/users")
    assert page.status_code == 200
    assert "many389@example.org" in page.get_data(as_text=True)
    assert many.count == few.count <= 6, many.statements


@pytest.mark.parametrize(
    ("path", "most"),
    [
        # user, roles, organisation settings, unread notifications; count, one page, its
        # credentials, its experience
        ("/staff/?page=2", 8),
        # the same: eligibility is the stored status period compared with today, in SQL
        ("/staff/?eligibility=provisional&page=2", 8),
    ],
)
def test_staff_list_costs_the_same_for_sixty_or_three_hundred_people(
    client, auth, users, db, count_queries, path, most
):
    auth.login("hr@example.org")
    add_people(db, numbered("First", 1, 60), qualified=True)
    with count_queries() as few:
        page = client.get(path)
    assert "First 051" in page.get_data(as_text=True)
    add_people(db, numbered("Later", 1, 240), qualified=True)
    with count_queries() as many:
        page = client.get(path)
    assert page.status_code == 200
    assert "Later 001" in page.get_data(as_text=True)  # the 61st: page 2 now runs on into them
    assert many.count == few.count <= most, many.statements


@pytest.mark.parametrize(
    ("path", "most"),
    [
        # the layout's user, roles, organisation settings and unread notifications; then count,
        # one page, its cycles with module progress summed, the open cycles' module counts
        ("/training/team?page=2", 8),
        # the same: the status is the stored status period compared with today, in SQL
        ("/training/team?status=in_progress&page=2", 8),
        ("/training/team?q=t&status=in_progress&page=2", 8),
    ],
)
def test_team_progress_costs_the_same_for_sixty_or_three_hundred_mentors(
    client, auth, users, db, frozen_clock, tmp_path, count_queries, path, most
):
    auth.login("hr@example.org")
    edition_id = publish_demo_edition(db, tmp_path)
    first = add_mentors(db, numbered("First", 1, 60))
    add_open_cycle(db, first, edition_id, started=2, completed=1)
    add_completion(
        db, add_mentors(db, ["Ezra Earlier"], hire_on=TODAY - 500 * DAY), TODAY - 400 * DAY
    )
    with count_queries() as few:
        page = client.get(path)
    assert "First 051" in page.get_data(as_text=True)
    later = add_mentors(db, numbered("Later", 1, 240))
    add_open_cycle(db, later, edition_id, started=2, completed=1)
    with count_queries() as many:
        page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Later 001" in text  # the 61st: page 2 now runs on into them
    assert "1 of 2 (50%)" in text
    assert many.count == few.count <= most, many.statements


def test_a_staff_page_read_by_keyset_costs_the_same_for_sixty_or_three_hundred_people(
    client, auth, users, db, count_queries
):
    # The layout's four; then count, the page after the cursor, its credentials, experience.
    auth.login("hr@example.org")
    first = add_people(db, numbered("First", 1, 60), qualified=True)
    path = f"/staff/?page=2&after={first[49].id}"
    with count_queries() as few:
        page = client.get(path)
    assert "First 051" in page.get_data(as_text=True)
    add_people(db, numbered("Later", 1, 240), qualified=True)
    with count_queries() as many:
        page = client.get(path)
    assert page.status_code == 200
    assert "Later 001" in page.get_data(as_text=True)
    assert many.count == few.count <= 8, many.statements


def test_hr_home_costs_the_same_for_sixty_or_three_hundred_people(
    client, auth, users, db, count_queries
):
    # The layout's four, the home page's other panels, and HR's to-do: to verify, not
    # eligible, overdue and expiring, four counts, the statuses compared in SQL with the stored
    # status periods.
    auth.login("hr@example.org")
    add_people(db, numbered("First", 1, 60), qualified=True)
    client.get("/hr")  # the first view loads the requirements catalogue once
    with count_queries() as few:
        assert client.get("/hr").status_code == 200
    add_people(db, numbered("Later", 1, 240), qualified=True)
    with count_queries() as many:
        assert client.get("/hr").status_code == 200
    assert many.count == few.count <= 16, many.statements
