"""Pages that used to write on first use write nothing on a GET (issue 16, item 6).

Cycles are assigned on hire, rehire, change and import and by the daily job; the requirements
catalogue is loaded by ``lms db upgrade``, the demo, or the first POST that needs it. Until then
the pages say so, and a GET leaves every table's row count as it was.
"""

import datetime as dt

import pytest
from sqlalchemy import func, select

from lms.db import Base
from lms.requirements.models import CatalogueVersion
from lms.staff.models import Position, StaffStatus
from lms.training.models import TrainingCycle
from lms.training.operations import assign_due_cycles, settings_from_config
from tests.support.factories import insert_person, publish_small_edition


def row_counts(db) -> dict[str, int]:
    """The number of rows in every table."""
    return {
        table.name: db.execute(select(func.count()).select_from(table)).scalar_one()
        for table in Base.metadata.sorted_tables
    }


def count(db, model) -> int:
    return db.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def due_mentor(app, db, users, tmp_path):
    """A mentor hired a week ago, linked to the mentor account, with a published edition in force
    (from 1 January 2030) but no cycle assigned yet (the daily job has not run since the hire)."""
    app.config["CURRICULUM_KEY"] = "demo"
    publish_small_edition(db, tmp_path)
    mentor = insert_person(
        db,
        "Mia Mentor",
        Position.THERAPEUTIC_MENTOR,
        status=StaffStatus.ACTIVE,
        hire_on=dt.date(2030, 1, 2),
        user_id=users["mentor"].id,
    )
    db.commit()
    assert count(db, TrainingCycle) == 0
    return mentor


def test_the_mentors_training_page_assigns_nothing(app, client, auth, db, due_mentor, frozen_clock):
    frozen_clock.current = dt.datetime(2030, 1, 9, 15, 0, tzinfo=dt.UTC)
    auth.login("mentor@example.org")
    before = row_counts(db)
    page = client.get("/training/")
    assert page.status_code == 200
    assert row_counts(db) == before
    text = " ".join(page.get_data(as_text=True).split())
    assert "Your training is due, but it has not been assigned to you yet." in text

    # The daily job assigns it; the page then shows the modules.
    assert assign_due_cycles(db, dt.date(2030, 1, 9), settings_from_config(app.config)) == 1
    db.commit()
    before = row_counts(db)
    page = client.get("/training/").get_data(as_text=True)
    assert row_counts(db) == before
    assert 'href="/training/cycles/' in page
    assert "has not been assigned to you yet" not in page


def test_hr_home_loads_no_catalogue(client, auth, users, db, frozen_clock):
    auth.login("hr@example.org")
    before = row_counts(db)
    page = client.get("/hr")
    assert page.status_code == 200
    assert row_counts(db) == before
    assert count(db, CatalogueVersion) == 0
    assert "No requirements catalogue is loaded yet." in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("hr", "/requirements/"),
        ("hr", "/requirements/export.csv"),
        ("hr", "/requirements/register.csv"),
        ("hr", "/requirements/policies"),
        ("mentor", "/requirements/sign"),
        ("admin", "/requirements/catalogue"),
    ],
)
def test_requirements_pages_load_no_catalogue_on_a_get(
    client, auth, users, db, frozen_clock, role, path
):
    auth.login(f"{role}@example.org")
    before = row_counts(db)
    response = client.get(path)
    assert response.status_code in (200, 302), path
    assert row_counts(db) == before
    assert count(db, CatalogueVersion) == 0


def test_the_empty_catalogue_is_said_and_the_shipped_one_offered(client, auth, users, frozen_clock):
    auth.login("hr@example.org")
    matrix = " ".join(client.get("/requirements/").get_data(as_text=True).split())
    assert "No requirements catalogue is loaded yet" in matrix
    auth.logout()
    auth.login("admin@example.org")
    page = client.get("/requirements/catalogue").get_data(as_text=True)
    assert "No catalogue is loaded yet." in page
    assert "cori" in page  # the shipped catalogue's text, ready to save


def test_db_upgrade_loads_the_shipped_catalogue_once(runner, db, monkeypatch):
    # The schema is already at head (tests/test_migrations.py checks the migrations themselves);
    # a second connection migrating would wait for this test's open transaction on SQLite.
    monkeypatch.setattr("lms.migrate.upgrade", lambda engine, revision: None)
    assert count(db, CatalogueVersion) == 0
    for _ in range(2):
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
    assert count(db, CatalogueVersion) == 1
