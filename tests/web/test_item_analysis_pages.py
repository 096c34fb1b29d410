"""The item-analysis page and CSV, on synthetic attempts whose statistics are worked by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from lms.curriculum.models import ModuleVersion
from lms.training.models import KnowledgeCheckAttempt, ModuleProgress
from tests.web.test_knowledge_check_retakes import cycle  # noqa: F401 - fixture

AT = dt.datetime(2030, 1, 12, 15, 0, tzinfo=dt.UTC)
#: The alpha module's q01 (single, right: a), q02 (multiple, right: a+b), q03 (true/false: true).
RIGHT = {"q01": ["a"], "q02": ["a", "b"], "q03": ["true"]}
WRONG = {"q01": ["b"], "q02": ["c"], "q03": ["false"]}


@pytest.fixture
def attempts(db, cycle):  # noqa: F811
    """Four submitted attempts at q01 q02 q03 marked 111, 000, 110, 001, and one left open.

    By hand (rest = right answers among the other two questions on the same paper):
      q01: x 1 0 1 0, rest 2 0 1 1 → r = (4·3 - 2·4) / √((4·2 - 4)(4·6 - 16)) = 4/√32 ≈ 0.707
      q02: the same columns → 0.707
      q03: x 1 0 0 1, rest 2 0 2 0 → r = (4·2 - 2·4) / … = 0.000
    Each is right in 2 of 4 attempts: 50 %, no flag.
    """
    alpha = db.execute(
        select(ModuleVersion).where(ModuleVersion.module_key == "alpha")
    ).scalar_one()
    # A prompt a spreadsheet would run as a formula, for the CSV's sake.
    alpha.questions = [
        dict(q, prompt="=1+1 Is it so?") if q["id"] == "q03" else q for q in alpha.questions
    ]
    progress = ModuleProgress(
        cycle_id=cycle.id,
        module_version_id=alpha.id,
        current_section=1,
        furthest_section=1,
        seconds_spent=0,
        started_at=AT,
        last_viewed_at=AT,
    )
    db.add(progress)
    db.flush()
    paper = [{"id": qid, "options": []} for qid in ("q01", "q02", "q03")]
    for number, marks in enumerate(["111", "000", "110", "001"], start=1):
        answers = {
            qid: (RIGHT if mark == "1" else WRONG)[qid]
            for qid, mark in zip(("q01", "q02", "q03"), marks, strict=True)
        }
        right = marks.count("1")
        db.add(
            KnowledgeCheckAttempt(
                progress_id=progress.id,
                module_version_id=alpha.id,
                number=number,
                paper=paper,
                started_at=AT,
                submitted_at=AT,
                answers=answers,
                correct_count=right,
                question_count=3,
                score_percent=right * 100 // 3,
                passed=right * 100 // 3 >= 75,
            )
        )
    db.add(  # an open attempt: not marked, not counted
        KnowledgeCheckAttempt(
            progress_id=progress.id,
            module_version_id=alpha.id,
            number=5,
            paper=paper,
            started_at=AT,
            question_count=3,
        )
    )
    db.commit()
    return cycle.edition_id


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_the_page_shows_each_questions_statistics(client, auth, attempts, role):
    auth.login(f"{role}@example.org")
    page = client.get(f"/training/item-analysis/editions/{attempts}").get_data(as_text=True)
    assert "4 attempts" in page  # alpha's submitted attempts; the open one is left out
    assert page.count("0.71") == 2
    assert "0.00" in page
    assert page.count("50&nbsp;%") == 3
    assert "too easy</span>" not in page and "negative discrimination</span>" not in page
    editions = client.get("/training/item-analysis").get_data(as_text=True)
    assert f"/training/item-analysis/editions/{attempts}" in editions


def test_the_csv_has_the_statistics_and_inert_text(client, auth, attempts):
    auth.login("admin@example.org")
    response = client.get(f"/training/item-analysis/editions/{attempts}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    alpha = {row["question_id"]: row for row in rows if row["module"] == "alpha"}
    asked = ("q01", "q02", "q03")
    assert [
        (q, alpha[q]["attempts"], alpha[q]["correct"], alpha[q]["share_correct"]) for q in asked
    ] == [
        ("q01", "4", "2", "0.5"),
        ("q02", "4", "2", "0.5"),
        ("q03", "4", "2", "0.5"),
    ]
    assert [alpha[q]["point_biserial"] for q in asked] == ["0.707", "0.707", "0.0"]
    # The module's other questions were in no attempt: listed, with 0 attempts.
    assert [(q, alpha[q]["attempts"]) for q in ("q04", "q05", "q06")] == [
        ("q04", "0"),
        ("q05", "0"),
        ("q06", "0"),
    ]
    assert alpha["q01"]["objective"] == "Name the thing."
    assert alpha["q03"]["prompt"] == "'=1+1 Is it so?"  # never run as a formula
    # beta: asked by no attempt; listed with 0 attempts and no statistics.
    beta = [row for row in rows if row["module"] == "beta"]
    assert {(row["attempts"], row["share_correct"], row["point_biserial"]) for row in beta} == {
        ("0", "", "")
    }


def test_flags_an_item_everyone_gets_right(client, auth, db, attempts):
    # Mark q03 right everywhere: 4 of 4 = 100 % > 95 % → too easy, r undefined.
    for attempt in db.execute(select(KnowledgeCheckAttempt)).scalars():
        if attempt.answers:
            attempt.answers = {**attempt.answers, "q03": ["true"]}
    db.commit()
    auth.login("admin@example.org")
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/training/item-analysis/editions/{attempts}.csv").get_data(
                    as_text=True
                )
            )
        )
    )
    q03 = next(row for row in rows if row["module"] == "alpha" and row["question_id"] == "q03")
    assert (q03["share_correct"], q03["point_biserial"], q03["flags"]) == ("1.0", "", "too easy")
