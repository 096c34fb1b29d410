"""``lms training import``: every bad row reported with its line; all rows or none."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.staff.models import Position, StaffStatus
from lms.staff.operations import create_person
from lms.training.models import TrainingCycle
from tests.support.factories import person_details


@pytest.fixture
def people(db):
    actor = Actor.system("test")
    for name, email in (("Ana Lima", "ana@agency.example"), ("Ben Ortiz", "ben@agency.example")):
        create_person(
            db,
            actor,
            person_details(
                name,
                date_of_birth=dt.date(1995, 1, 1),
                work_email=email,
                position=Position.THERAPEUTIC_MENTOR,
                status=StaffStatus.ACTIVE,
                hire_on=dt.date(2023, 3, 1),
            ),
            dt.date(2026, 11, 23),
        )
    db.commit()


def write(tmp_path, text):
    path = tmp_path / "completions.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def cycles(db):
    return db.execute(select(func.count()).select_from(TrainingCycle)).scalar_one()


def test_good_file_imports_everything(runner, db, people, tmp_path):
    path = write(
        tmp_path,
        "work_email,completed_on,note\n"
        "ana@agency.example,2023-03-20,Binder 2023\n"
        "ana@agency.example,2024-02-01,\n"
        "BEN@agency.example,2024-05-05,Sign-in sheet\n",
    )
    dry = runner.invoke(args=["training", "import", "--dry-run", path])
    assert dry.exit_code == 0, dry.output
    assert "3 completion(s) would be imported" in dry.output
    assert cycles(db) == 0
    result = runner.invoke(args=["training", "import", path])
    assert result.exit_code == 0, result.output
    rows = db.execute(select(TrainingCycle).order_by(TrainingCycle.completed_on)).scalars().all()
    assert [(c.completed_on, c.expires_on, c.imported) for c in rows] == [
        (dt.date(2023, 3, 20), dt.date(2024, 3, 20), True),
        # 2024-02-01 is inside the window before 2024-03-20: the anniversary is kept.
        (dt.date(2024, 2, 1), dt.date(2025, 3, 20), True),
        (dt.date(2024, 5, 5), dt.date(2025, 5, 5), True),
    ]
    assert rows[0].import_note == "Binder 2023"


def test_one_bad_row_imports_nothing_and_every_problem_is_named(runner, db, people, tmp_path):
    path = write(
        tmp_path,
        "work_email,completed_on\n"
        "ana@agency.example,2023-03-20\n"
        "nobody@agency.example,2023-03-20\n"
        "ben@agency.example,03/20/2023\n"
        "ben@agency.example,2020-01-01\n",
    )
    result = runner.invoke(args=["training", "import", path])
    assert result.exit_code == 2
    assert f"{path}:line 3: work_email: No person on file has this work email." in result.output
    assert f"{path}:line 4: completed_on: Give the date as YYYY-MM-DD." in result.output
    assert (
        f"{path}:line 5: completed_on: The completion is before the person's hire date."
        in result.output
    )
    assert cycles(db) == 0


def test_missing_column_is_reported(runner, db, people, tmp_path):
    result = runner.invoke(args=["training", "import", write(tmp_path, "email,date\nx,y\n")])
    assert result.exit_code == 2
    assert "line 1: work_email: column is missing" in result.output


def test_an_import_before_the_window_never_shortens_validity(runner, db, people, tmp_path):
    # 2024-03-15 earns 2025-03-15; renewing early on 2025-01-10 keeps the anniversary
    # (2026-03-15); 2025-02-01 is before the next window and its own year (2026-02-01) is
    # earlier, so the expiry already earned stands.
    path = write(
        tmp_path,
        "work_email,completed_on,note\n"
        "ana@agency.example,2024-03-15,\n"
        "ana@agency.example,2025-01-10,\n"
        "ana@agency.example,2025-02-01,Imported sheet\n",
    )
    result = runner.invoke(args=["training", "import", path])
    assert result.exit_code == 0, result.output
    rows = db.execute(select(TrainingCycle).order_by(TrainingCycle.completed_on)).scalars().all()
    assert [(c.completed_on, c.expires_on) for c in rows] == [
        (dt.date(2024, 3, 15), dt.date(2025, 3, 15)),
        (dt.date(2025, 1, 10), dt.date(2026, 3, 15)),
        (dt.date(2025, 2, 1), dt.date(2026, 3, 15)),
    ]
