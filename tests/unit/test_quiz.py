"""Drawing and marking knowledge checks."""

import random

import pytest

from lms.training.quiz import AnswerError, check_answers, draw_paper, mark


def single(qid, objective, correct="b"):
    return {
        "id": qid,
        "objective": objective,
        "type": "single",
        "options": [{"id": o, "correct": o == correct} for o in "abcd"],
    }


POOL = [
    single("q1", "alpha"),
    single("q2", "alpha"),
    single("q3", "alpha"),
    single("q4", "beta"),
    single("q5", "beta"),
    single("q6", "gamma"),
    {"id": "q7", "objective": "gamma", "type": "true_false", "answer": False},
    {
        "id": "q8",
        "objective": "delta",
        "type": "multiple",
        "options": [
            {"id": "a", "correct": True},
            {"id": "b", "correct": False},
            {"id": "c", "correct": True},
        ],
    },
]
OBJECTIVES = {"alpha", "beta", "gamma", "delta"}


@pytest.mark.parametrize("seed", range(25))
def test_every_objective_is_covered_and_no_question_repeats(seed):
    paper = draw_paper(POOL, 5, random.Random(seed))
    ids = [item["id"] for item in paper]
    assert len(ids) == len(set(ids)) == 5
    objectives = {next(q for q in POOL if q["id"] == i)["objective"] for i in ids}
    assert objectives == OBJECTIVES


def test_fewer_questions_than_objectives_still_draws_the_count():
    assert len(draw_paper(POOL, 2, random.Random(1))) == 2


def test_questions_and_options_are_shuffled_between_attempts():
    papers = [draw_paper(POOL, 8, random.Random(seed)) for seed in range(10)]
    assert len({tuple(item["id"] for item in paper) for paper in papers}) > 1
    orders = {tuple(next(i for i in p if i["id"] == "q1")["options"]) for p in papers}
    assert len(orders) > 1


def test_marking_is_by_exact_sets():
    paper = [
        {"id": "q1", "options": list("abcd")},
        {"id": "q7", "options": ["true", "false"]},
        {"id": "q8", "options": ["c", "a", "b"]},
        {"id": "q4", "options": list("dcba")},
    ]
    answers = {"q1": ["b"], "q7": ["false"], "q8": ["a"], "q4": []}  # q8 half right = wrong
    result = mark(paper, POOL, answers, pass_mark=80)
    assert result.correct_ids == {"q1", "q7"}
    assert (result.correct_count, result.question_count, result.score_percent) == (2, 4, 50)
    assert not result.passed


def test_pass_mark_is_inclusive_and_never_rounded_up():
    paper = [{"id": f"q{n}", "options": list("abcd")} for n in (1, 2, 3, 4, 5, 6)]
    five_of_six = {f"q{n}": ["b"] for n in (1, 2, 3, 4, 5)}
    result = mark(paper, POOL, five_of_six, pass_mark=84)
    assert result.score_percent == 83  # 83.33 rounded down
    assert not result.passed
    assert mark(paper, POOL, five_of_six, pass_mark=83).passed


def test_answers_to_questions_not_on_the_paper_are_refused():
    paper = [{"id": "q1", "options": list("abcd")}]
    with pytest.raises(AnswerError):
        check_answers(paper, {"q2": ["b"]})


def test_options_not_shown_are_refused():
    paper = [{"id": "q7", "options": ["true", "false"]}]
    with pytest.raises(AnswerError):
        check_answers(paper, {"q7": ["maybe"]})
