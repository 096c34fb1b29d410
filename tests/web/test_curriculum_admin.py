"""Administrators publish the course from the web after seeing what changed."""

import shutil

from sqlalchemy import func, select

from lms.curriculum.models import CurriculumEdition
from tests.conftest import csrf_token


def published(db) -> int:
    return db.execute(select(func.count()).select_from(CurriculumEdition)).scalar_one()


def test_admin_reviews_and_publishes_the_course(client, auth, users, db):
    auth.login("admin@example.org")
    page = client.get("/admin/curriculum/").get_data(as_text=True)
    assert "First publication: 20 modules." in page
    assert "/admin/curriculum/review?folder=tm-core/2027" in page
    review = client.get("/admin/curriculum/review?folder=tm-core/2027").get_data(as_text=True)
    assert "A new module: nothing of it has been published before." in review
    sha = review.split('name="sha256" value="')[1].split('"')[0]
    response = client.post(
        "/admin/curriculum/publish",
        data={
            "csrf_token": csrf_token(client, "/admin/curriculum/"),
            "folder": "tm-core/2027",
            "sha256": sha,
            "confirm": "yes",
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


def test_the_review_shows_each_changed_modules_text_and_publishing_needs_confirming(
    client, auth, users, db, tmp_path, monkeypatch
):
    from lms.config import PROJECT_ROOT
    from lms.curriculum import views

    copy = tmp_path / "tm-core" / "2027"
    shutil.copytree(PROJECT_ROOT / "curricula" / "tm-core" / "2027", copy)
    monkeypatch.setattr(views, "CURRICULA", tmp_path)
    auth.login("admin@example.org")
    review = client.get("/admin/curriculum/review?folder=tm-core/2027").get_data(as_text=True)
    sha = review.split('name="sha256" value="')[1].split('"')[0]
    form = {
        "csrf_token": csrf_token(client, "/admin/curriculum/"),
        "folder": "tm-core/2027",
        "sha256": sha,
    }
    unconfirmed = client.post("/admin/curriculum/publish", data=form)
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm you have read the changes" in unconfirmed.get_data(as_text=True)
    assert published(db) == 0
    assert client.post("/admin/curriculum/publish", data={**form, "confirm": "yes"}).status_code
    assert published(db) == 1
    # One sentence added to one module: the review shows that module's text, line by line.
    module = sorted(copy.glob("*.md"))[0]
    text = module.read_text(encoding="utf-8")
    heading = next(line for line in text.splitlines() if line.startswith("## "))
    added = text.replace(heading, heading + "\n\nA sentence added for the review.", 1)
    module.write_text(added, "utf-8")
    later = client.get("/admin/curriculum/review?folder=tm-core/2027").get_data(as_text=True)
    assert "Against version 1: 2 lines added, 0 removed." in later
    assert '<ins class="diff-added">+ A sentence added for the review.</ins>' in later
    assert later.count('class="module-diff"') == 1


def test_the_problem_list_names_files_relative_to_the_curricula_folder(
    client, auth, users, tmp_path, monkeypatch
):
    """Issue 14: the problem list showed absolute server paths; a page never shows one."""
    from lms.config import PROJECT_ROOT
    from lms.curriculum import views

    copy = tmp_path / "tm-core" / "2027"
    shutil.copytree(PROJECT_ROOT / "curricula" / "tm-core" / "2027", copy)
    module = sorted(copy.glob("*.md"))[0]
    module.write_text("no front matter here\n", "utf-8")
    monkeypatch.setattr(views, "CURRICULA", tmp_path)
    auth.login("admin@example.org")
    page = client.get("/admin/curriculum/").get_data(as_text=True)
    assert f"<li>tm-core/2027/{module.name}:1: a module file must start with front matter" in page
    assert str(tmp_path) not in page
    assert str(PROJECT_ROOT) not in page
