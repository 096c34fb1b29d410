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


class TestRetakePapers:
    """A retake prefers questions the mentor has not seen, and still covers every objective."""

    def test_unseen_questions_are_drawn_first_for_every_objective(self):
        # Seen: q1, q2 (alpha), q4 (beta), q6 (gamma). Unseen per objective: alpha q3, beta q5,
        # gamma q7, delta q8, so a 4-question paper must be exactly those, whatever the seed.
        seen = {"q1", "q2", "q4", "q6"}
        for seed in range(30):
            paper = draw_paper(POOL, 4, random.Random(seed), seen)
            assert {item["id"] for item in paper} == {"q3", "q5", "q7", "q8"}

    def test_an_objective_with_every_question_seen_is_still_covered(self):
        # Every alpha question seen: alpha must still be asked, from the seen ones.
        seen = {"q1", "q2", "q3"}
        for seed in range(30):
            ids = {item["id"] for item in draw_paper(POOL, 4, random.Random(seed), seen)}
            objectives = {next(q["objective"] for q in POOL if q["id"] == i) for i in ids}
            assert objectives == OBJECTIVES
            assert len(ids & seen) == 1

    def test_the_rest_of_the_paper_is_unseen_while_unseen_questions_remain(self):
        # 6 questions: one per objective, then 2 more. Unseen outside the first pick: with q1,
        # q2, q4 seen, the unseen are q3, q5, q6, q7, q8 — five, so only one seen is asked
        # (the 6th question, when the unseen run out).
        seen = {"q1", "q2", "q4"}
        for seed in range(30):
            ids = {item["id"] for item in draw_paper(POOL, 6, random.Random(seed), seen)}
            assert {"q3", "q5", "q6", "q7", "q8"} <= ids
            assert len(ids & seen) == 1


class TestReview:
    def test_wrong_questions_name_objective_and_section_but_not_the_answer(self):
        from lms.training.quiz import sections_to_reread, to_review

        pool = [
            dict(single("q1", "alpha"), prompt="First?", section="Warning signs"),
            dict(single("q4", "beta"), prompt="Second?"),  # no section: objective only
            dict(single("q6", "gamma"), prompt="Third?", section="Warning signs"),
        ]
        paper = [{"id": "q6", "options": []}, {"id": "q1", "options": []}, {"id": "q4"}]
        objectives = [{"id": "alpha", "text": "Name the signs."}, {"id": "gamma", "text": "Act."}]
        review = to_review(paper, pool, objectives, correct_ids={"q1"})
        assert [(r.number, r.prompt, r.objective, r.section) for r in review] == [
            (1, "Third?", "Act.", "Warning signs"),
            (3, "Second?", "beta", None),  # objective not listed: its id
        ]
        assert sections_to_reread(review) == ["Warning signs"]
