"""``lms requirements``: check, load, import (all or nothing) and report."""

import csv
import datetime as dt
import io
import json

from sqlalchemy import func, select

from lms.requirements.models import CatalogueVersion, RequirementRecord
from lms.staff.models import Position, StaffStatus
from tests.support.factories import make_person


def add_mentor(db):
    make_person(
        db,
        "Mia Mentor",
        today=dt.date(2026, 11, 23),
        date_of_birth=dt.date(1998, 4, 1),
        position=Position.THERAPEUTIC_MENTOR,
        status=StaffStatus.ACTIVE,
        work_email="mia@example.org",
        hire_on=dt.date(2026, 1, 5),
    )
    db.commit()


def test_check_lists_every_problem_with_file_and_line_and_exits_2(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nrequirements:\n  - key: a\n    kind: check\n", encoding="utf-8")
    result = runner.invoke(args=["requirements", "check", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:3: 'name' is required" in result.output
    assert f"{bad}:3: a check needs 'validity: {{months: N}}' with N of 1 or more" in result.output
    assert runner.invoke(args=["requirements", "check"]).exit_code == 0


def test_load_stores_a_version_once(runner, db):
    assert runner.invoke(args=["requirements", "load"]).exit_code == 0
    again = runner.invoke(args=["requirements", "load"])
    assert "unchanged" in again.output
    assert db.execute(select(func.count()).select_from(CatalogueVersion)).scalar_one() == 1


def test_import_dry_run_then_import_then_report(runner, db, tmp_path):
    add_mentor(db)
    source = tmp_path / "records.csv"
    source.write_text(
        "work_email,requirement,done_on,expires_on,verification_method,verification_note\n"
        "mia@example.org,cori,2026-01-02,,other,iCORI portal check on 2026-01-02\n"
        "mia@example.org,cpr_first_aid,2025-06-01,2027-06-01,other,card seen on 2025-06-01\n",
        encoding="utf-8",
    )
    dry = runner.invoke(args=["requirements", "import", str(source), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 record(s) would be imported" in dry.output
    assert db.execute(select(func.count()).select_from(RequirementRecord)).scalar_one() == 0
    done = runner.invoke(args=["requirements", "import", str(source)])
    assert done.exit_code == 0, done.output
    assert db.execute(select(func.count()).select_from(RequirementRecord)).scalar_one() == 2

    report = runner.invoke(args=["requirements", "report", "--as-of", "2026-03-01"])
    assert report.exit_code == 0, report.output
    rows = {row["requirement"]: row for row in csv.DictReader(io.StringIO(report.output))}
    assert rows["cori"]["status"] == "met"
    assert rows["cori"]["valid_until"] == "2029-01-01"  # 36 months from 2 January 2026, less a day
    assert rows["cpr_first_aid"]["valid_until"] == "2027-05-31"
    assert rows["sori"]["status"] == "missing"
    assert "dcf_background_check" not in rows  # not applicable: not listed
    as_json = runner.invoke(
        args=["requirements", "report", "--as-of", "2026-03-01", "--format", "json"]
    )
    data = json.loads(as_json.output)
    assert {"work_email", "requirement", "status", "valid_until"} <= set(data["rows"][0])


def test_a_refused_import_names_each_line_and_stores_nothing(runner, db, tmp_path):
    add_mentor(db)
    source = tmp_path / "records.csv"
    source.write_text(
        "work_email,requirement,done_on,verification_method\n"
        "mia@example.org,cori,2026-01-02,other\n"
        "mia@example.org,nonsense,2026-01-02,other\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["requirements", "import", str(source)])
    assert result.exit_code == 2
    assert "line 2: note: Say how it was verified." in result.output
    assert "line 3: requirement: “nonsense” is not a requirement in the catalogue" in result.output
    assert db.execute(select(func.count()).select_from(RequirementRecord)).scalar_one() == 0


def test_report_refuses_a_bad_date(runner):
    result = runner.invoke(args=["requirements", "report", "--as-of", "yesterday"])
    assert result.exit_code == 2


def test_import_of_a_file_that_is_not_utf8_exits_2_saying_so(runner, db, tmp_path):
    source = tmp_path / "records.csv"
    source.write_bytes("work_email,requirement\nmia@example.org,cor\xed\n".encode("latin-1"))
    result = runner.invoke(args=["requirements", "import", str(source)])
    assert result.exit_code == 2
    assert "records.csv:1: The file is not UTF-8 text; save it as CSV UTF-8." in result.stderr
