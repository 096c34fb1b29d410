"""Knowledge checks that teach on a failure without leaking the answers, and new papers on retake.

The module is the loader tests' alpha module with a second question for each of its three
objectives, so a retake can be a wholly new paper: 3 questions a paper, one per objective.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from lms.actor import Actor
from lms.curriculum.loader import load_edition
from lms.curriculum.models import ModuleVersion
from lms.curriculum.operations import plan_publication, publish_edition
from lms.staff.models import Position, StaffStatus
from lms.staff.operations import create_person
from lms.training.models import KnowledgeCheckAttempt
from lms.training.operations import TrainingSettings, ensure_current_cycle
from lms.training.rules import CyclePolicy
from tests.conftest import csrf_token
from tests.support.editions import Folder
from tests.support.factories import person_details

MORE_QUESTIONS = """\
- id: q04
  objective: name
  type: single
  prompt: Which fourth one?
  options:
    - id: a
      text: Fourth right
      correct: true
    - id: b
      text: Fourth wrong
    - id: c
      text: Fourth also wrong
  rationale: Fourth because.
- id: q05
  objective: explain
  type: multiple
  prompt: Which fifth ones?
  options:
    - id: a
      text: Fifth first
      correct: true
    - id: b
      text: Fifth second
      correct: true
    - id: c
      text: Fifth third
  rationale: Fifth because.
- id: q06
  objective: apply
  type: true_false
  prompt: Is the sixth so?
  answer: true
  rationale: Sixth because.
"""
#: In every question the correct choice is {a}, {a, b} or true, so these are always wrong.
WRONG = {"single": ["b"], "multiple": ["c"], "true_false": ["false"]}
RIGHT = {"single": ["a"], "multiple": ["a", "b"], "true_false": ["true"]}


@pytest.fixture
def cycle(db, users, tmp_path):
    actor = Actor.system("test")
    folder = Folder(tmp_path / "demo" / "2030")
    folder.edit(
        "alpha.md", "  rationale: Because.\n```", "  rationale: Because.\n" + MORE_QUESTIONS + "```"
    )
    edition, problems = load_edition(folder.path)
    assert problems == []
    publish_edition(db, actor, plan_publication(db, edition, {}))
    alpha = db.execute(
        select(ModuleVersion).where(ModuleVersion.module_key == "alpha")
    ).scalar_one()
    # What the loader stores once questions name the section that teaches them: q01 and q04
    # do; the others do not, and the page falls back to the objective alone.
    alpha.questions = [
        dict(q, section="Second section") if q["id"] in {"q01", "q04"} else q
        for q in alpha.questions
    ]
    mentor = create_person(
        db,
        actor,
        person_details(
            "Men Tor",
            date_of_birth=dt.date(1999, 1, 1),
            position=Position.THERAPEUTIC_MENTOR,
            status=StaffStatus.ACTIVE,
            hire_on=dt.date(2030, 1, 5),
            user_email="mentor@example.org",
        ),
        dt.date(2030, 1, 5),
    )
    settings = TrainingSettings(CyclePolicy(), "demo", 0, dt.timedelta(minutes=5))
    found = ensure_current_cycle(db, mentor, dt.date(2030, 1, 10), settings)
    db.commit()
    return found


def _questions(db, attempt_id):
    attempt = db.get(KnowledgeCheckAttempt, attempt_id)
    module = db.get(ModuleVersion, attempt.module_version_id)
    by_id = {q["id"]: q for q in module.questions}
    return [by_id[item["id"]] for item in attempt.paper]


def _start(client, db, cycle) -> int:
    token = csrf_token(client, f"/training/cycles/{cycle.id}/modules/1")
    response = client.post(
        f"/training/cycles/{cycle.id}/modules/1/attempts", data={"csrf_token": token}
    )
    assert response.status_code == 302
    return int(re.search(r"/training/attempts/(\d+)", response.headers["Location"]).group(1))


def _submit(client, db, attempt_id, choices) -> str:
    token = csrf_token(client, f"/training/attempts/{attempt_id}")
    data = {"csrf_token": token}
    for question in _questions(db, attempt_id):
        data[f"q-{question['id']}"] = choices[question["type"]]
    response = client.post(f"/training/attempts/{attempt_id}", data=data, follow_redirects=True)
    assert response.status_code == 200
    db.expire_all()
    return response.get_data(as_text=True)


def test_a_failed_attempt_names_objectives_and_sections_but_never_the_answers(
    client, auth, db, cycle
):
    auth.login("mentor@example.org")
    first = _start(client, db, cycle)
    page = _submit(client, db, first, WRONG)

    assert "Not passed" in page
    assert "(correct answer)" not in page
    for question in _questions(db, first):
        assert question["prompt"] in page  # which questions were wrong
        assert question["rationale"] not in page  # rationales explain the answer: not yet
        for option in question.get("options", []):
            # Neither the right option nor any other. (Matched as a whole element: an option
            # text such as "Second" is also part of the section title "Second section".)
            assert not re.search(rf">\s*{re.escape(option['text'])}\s*<", page)
    assert "<label" not in page and '<input type="radio"' not in page  # no choices shown
    # One question per objective, so every objective's text is named once.
    for objective in ("Name the thing.", "Explain the thing.", "Apply the thing."):
        assert page.count(objective) == 1
    # The q01/q04 question (objective "name") points at its section, linked to section 2 (index 1).
    assert f"/training/cycles/{cycle.id}/modules/1?section=1" in page
    assert ">Second section</a>" in page
    # The other two have no section: the page falls back to the objective.
    assert page.count("the parts of the module on this objective") == 2


def test_a_retake_is_a_new_paper_and_a_pass_shows_the_rationales(client, auth, db, cycle):
    auth.login("mentor@example.org")
    first = _start(client, db, cycle)
    _submit(client, db, first, WRONG)
    first_ids = {q["id"] for q in _questions(db, first)}

    second = _start(client, db, cycle)
    second_questions = _questions(db, second)
    # Two questions per objective, one asked: the retake must be the other one of each.
    assert {q["id"] for q in second_questions}.isdisjoint(first_ids)
    assert sorted(q["objective"] for q in second_questions) == ["apply", "explain", "name"]

    page = _submit(client, db, second, RIGHT)
    assert "Passed" in page
    assert page.count("(correct answer)") == 4  # single 1 + multiple 2 + true/false 1
    for question in second_questions:
        assert question["rationale"] in page

    # The failed attempt, looked at again after the pass, still shows no answers.
    earlier = client.get(f"/training/attempts/{first}").get_data(as_text=True)
    assert "(correct answer)" not in earlier


def _complete_every_module(db, cycle):
    """Pass and sign off both modules as the mentor would; the cycle completes."""
    import random

    from lms.staff.models import Person
    from lms.training.operations import attest, open_module, start_attempt, submit_attempt
    from lms.training.quiz import correct_choice

    settings = TrainingSettings(CyclePolicy(), "demo", 0, dt.timedelta(minutes=5))
    mentor = db.get(Person, cycle.person_id)
    for position in (1, 2):
        module, progress = open_module(db, cycle, position, 0, settings)
        attempt = start_attempt(db, Actor.system("test"), progress, settings, random.Random(1))
        pool = {q["id"]: q for q in module.questions}
        answers = {item["id"]: sorted(correct_choice(pool[item["id"]])) for item in attempt.paper}
        submit_attempt(db, Actor.system("test"), attempt, answers, 75)
        attest(
            db,
            Actor.system("test"),
            mentor,
            cycle,
            progress,
            "Men Tor",
            dt.date(2030, 1, 20),
            settings,
        )
    assert cycle.completed_on is not None
    db.commit()


def _snapshot(db):
    from sqlalchemy import func

    from lms.auditlog.models import AuditEvent
    from lms.training.models import ModuleProgress

    db.expire_all()
    return (
        db.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
        sorted(
            (p.id, p.current_section, p.furthest_section, p.seconds_spent, p.last_viewed_at)
            for p in db.execute(select(ModuleProgress)).scalars()
        ),
    )


def test_a_completed_mentor_re_reads_modules_without_anything_recorded(
    client, auth, db, cycle, frozen_clock
):
    _complete_every_module(db, cycle)
    auth.login("mentor@example.org")
    before = _snapshot(db)

    index = client.get("/training/").get_data(as_text=True)
    assert f"/training/cycles/{cycle.id}/modules/1/reread" in index
    page = client.get(f"/training/cycles/{cycle.id}/modules/1/reread?section=1")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Second section" in text and "Nothing you read here is recorded as training" in text
    frozen_clock.advance(minutes=3)
    assert client.get(f"/training/cycles/{cycle.id}/modules/2/reread").status_code == 200
    # The study page of a completed cycle sends the mentor to the read-only page.
    study = client.get(f"/training/cycles/{cycle.id}/modules/2?section=1")
    assert study.status_code == 302
    assert study.headers["Location"].endswith(
        f"/training/cycles/{cycle.id}/modules/2/reread?section=1"
    )

    assert _snapshot(db) == before  # no progress, no study time, no audit entries
    assert client.get(f"/training/cycles/{cycle.id}/modules/3/reread").status_code == 404
    assert client.get(f"/training/cycles/{cycle.id}/modules/1/reread?section=9").status_code == 404


def test_open_training_is_not_re_read(client, auth, cycle):
    auth.login("mentor@example.org")
    assert client.get(f"/training/cycles/{cycle.id}/modules/1/reread").status_code == 404
