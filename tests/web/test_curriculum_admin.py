"""Administrators publish the course from the web after seeing what changed."""

from sqlalchemy import func, select

from lms.curriculum.models import CurriculumEdition
from tests.conftest import csrf_token


def published(db) -> int:
    return db.execute(select(func.count()).select_from(CurriculumEdition)).scalar_one()


def test_admin_reviews_and_publishes_the_course(client, auth, users, db):
    auth.login("admin@example.org")
    page = client.get("/admin/curriculum/").get_data(as_text=True)
    assert "First publication: 20 modules." in page
    sha = page.split('name="sha256" value="')[1].split('"')[0]
    response = client.post(
        "/admin/curriculum/publish",
        data={
            "csrf_token": csrf_token(client, "/admin/curriculum/"),
            "folder": "tm-core/2027",
            "sha256": sha,
        },
    )
    assert response.status_code == 302
    assert published(db) == 1
    again = client.get("/admin/curriculum/").get_data(as_text=True)
    assert "the files have not changed since" in again


def test_content_changed_since_review_is_not_published(client, auth, users, db):
    auth.login("admin@example.org")
    response = client.post(
        "/admin/curriculum/publish",
        data={
            "csrf_token": csrf_token(client, "/admin/curriculum/"),
            "folder": "tm-core/2027",
            "sha256": "0" * 64,
        },
        follow_redirects=True,
    )
    assert "The edition changed since you reviewed it." in response.get_data(as_text=True)
    assert published(db) == 0


def test_unknown_folder_is_a_bad_request(client, auth, users):
    auth.login("admin@example.org")
    response = client.post(
        "/admin/curriculum/publish",
        data={
            "csrf_token": csrf_token(client, "/admin/curriculum/"),
            "folder": "../../etc",
            "sha256": "x",
        },
    )
    assert response.status_code == 400
