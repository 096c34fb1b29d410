"""Pages that list people must not run one query per person."""

from lms.auth.models import Role


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
