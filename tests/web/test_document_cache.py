"""Curriculum documentation and the admin's edition checks are built once and kept, and built
again exactly when something they show has changed."""

import dataclasses

import pytest

from lms.actor import Actor
from lms.auditors import views as auditor_views
from lms.curriculum import views as curriculum_views
from lms.curriculum.loader import load_edition
from lms.curriculum.operations import plan_publication, publish_edition
from tests.conftest import csrf_token
from tests.support.pdfs import text_of
from tests.unit.test_curriculum_loader import Folder
from tests.web.test_organisation_pages import HARBOR, PAGE


@pytest.fixture
def builds(monkeypatch):
    """The number of times the documentation PDF is actually built."""
    calls = []
    real = auditor_views.curriculum_documentation_pdf

    def counting(*args, **kwargs):
        calls.append(args[0].id)
        return real(*args, **kwargs)

    monkeypatch.setattr(auditor_views, "curriculum_documentation_pdf", counting)
    return calls


def publish(db, folder: Folder, **changes):
    edition, problems = load_edition(folder.path)
    assert problems == []
    edition = dataclasses.replace(edition, **changes)
    stored, _ = publish_edition(db, Actor.system("test"), plan_publication(db, edition, {}))
    db.commit()
    return stored


def test_the_documentation_is_built_once_and_served_the_same(
    client, auth, users, db, tmp_path, builds
):
    edition = publish(db, Folder(tmp_path / "demo" / "2030"))
    auth.login("auditor@example.org")
    first = client.get(f"/audit/curriculum/{edition.id}/documentation.pdf")
    second = client.get(f"/audit/curriculum/{edition.id}/documentation.pdf")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    assert builds == [edition.id]


def test_a_later_edition_or_a_new_organisation_name_builds_it_again(
    client, auth, users, db, tmp_path, builds
):
    folder = Folder(tmp_path / "demo" / "2030")
    edition = publish(db, folder)
    path = f"/audit/curriculum/{edition.id}/documentation.pdf"
    auth.login("admin@example.org")
    client.get(path)
    # A later edition adds to each shared module's history, which the document lists.
    later = Folder(tmp_path / "demo" / "2031")
    later.edit("curriculum.yaml", 'edition: "2030"', 'edition: "2031"')
    publish(db, later)
    client.get(path)
    assert builds == [edition.id, edition.id]
    # A new name for the provider is on the cover at once.
    token = csrf_token(client, PAGE)
    assert client.post(PAGE, data={"csrf_token": token, **HARBOR}).status_code == 302
    renamed = client.get(path)
    assert builds == [edition.id] * 3
    assert "Harbor Youth Services" in text_of(renamed.data)


def test_the_admin_page_checks_each_folder_again_only_when_its_files_change(
    client, auth, users, tmp_path, monkeypatch
):
    calls = []
    real = curriculum_views.check_edition
    monkeypatch.setattr(curriculum_views, "CURRICULA", tmp_path)
    monkeypatch.setattr(
        curriculum_views, "check_edition", lambda folder: calls.append(folder.name) or real(folder)
    )
    folder = Folder(tmp_path / "demo" / "2030")
    auth.login("admin@example.org")
    assert client.get("/admin/curriculum/").status_code == 200
    assert client.get("/admin/curriculum/").status_code == 200
    assert calls == ["2030"]
    folder.edit("alpha.md", "Some *text*.", "Some *other* text.")
    page = client.get("/admin/curriculum/")
    assert calls == ["2030", "2030"]
    assert page.status_code == 200
