"""Knowledge checks as pure functions: drawing a paper from a module's pool, and marking it.

A paper records which questions were asked and the order their options were shown in, so an
attempt can be re-marked and shown later exactly as the mentor saw it.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TRUE_FALSE_OPTIONS = ("true", "false")


def draw_paper(
    pool: Sequence[Mapping[str, Any]],
    count: int,
    rng: random.Random,
    seen: Collection[str] = frozenset(),
) -> list[dict[str, Any]]:
    """``count`` questions at random, covering every objective the pool allows, shuffled.

    One question per objective is taken first (objectives in random order, in case ``count``
    is smaller than their number), then the rest are filled at random. Questions in ``seen``
    (asked in the mentor's earlier attempts) are drawn only when an objective, or the paper,
    cannot be filled with unseen ones, so a retake tests the objective rather than memory.
    """
    count = min(count, len(pool))
    by_objective: dict[str, list[Mapping[str, Any]]] = {}
    for question in pool:
        by_objective.setdefault(question["objective"], []).append(question)
    objectives = list(by_objective)
    rng.shuffle(objectives)
    chosen = [rng.choice(_unseen_first(by_objective[objective], seen)) for objective in objectives][
        :count
    ]
    chosen_ids = {question["id"] for question in chosen}
    rest = [question for question in pool if question["id"] not in chosen_ids]
    unseen_rest = [question for question in rest if question["id"] not in seen]
    seen_rest = [question for question in rest if question["id"] in seen]
    missing = count - len(chosen)
    taken = rng.sample(unseen_rest, min(missing, len(unseen_rest)))
    chosen += taken + rng.sample(seen_rest, missing - len(taken))
    rng.shuffle(chosen)
    return [{"id": question["id"], "options": _option_order(question, rng)} for question in chosen]


def _unseen_first(
    questions: Sequence[Mapping[str, Any]], seen: Collection[str]
) -> Sequence[Mapping[str, Any]]:
    unseen = [question for question in questions if question["id"] not in seen]
    return unseen or questions


def _option_order(question: Mapping[str, Any], rng: random.Random) -> list[str]:
    if question["type"] == "true_false":
        return list(TRUE_FALSE_OPTIONS)  # true before false reads naturally; not shuffled
    ids = [option["id"] for option in question["options"]]
    rng.shuffle(ids)
    return ids


@dataclass(frozen=True)
class ToReview:
    """A question answered wrongly, as a failed attempt shows it: what it tested and where to
    re-read, never the correct option."""

    number: int  # its place on the paper, from 1
    prompt: str
    objective: str  # the objective's text (its id when the module does not list it)
    section: str | None  # the section title that teaches it, when the question names one


def to_review(
    paper: Sequence[Mapping[str, Any]],
    pool: Sequence[Mapping[str, Any]],
    objectives: Sequence[Mapping[str, Any]],
    correct_ids: Collection[str],
) -> list[ToReview]:
    """The questions of a marked paper that were not right, in paper order."""
    questions = {question["id"]: question for question in pool}
    objective_texts = {objective["id"]: objective["text"] for objective in objectives}
    review = []
    for number, item in enumerate(paper, start=1):
        if item["id"] in correct_ids:
            continue
        question = questions[item["id"]]
        review.append(
            ToReview(
                number,
                question["prompt"],
                objective_texts.get(question["objective"], question["objective"]),
                question.get("section") or None,
            )
        )
    return review


def sections_to_reread(review: Sequence[ToReview]) -> list[str]:
    """The distinct sections the wrong answers point at, in the order first named."""
    return list(dict.fromkeys(item.section for item in review if item.section))


class AnswerError(ValueError):
    """Answers that do not fit the paper: a tampered or foreign submission."""


@dataclass(frozen=True)
class Marked:
    correct_count: int
    question_count: int
    score_percent: int
    passed: bool
    correct_ids: frozenset[str]


def correct_choice(question: Mapping[str, Any]) -> frozenset[str]:
    if question["type"] == "true_false":
        return frozenset({"true" if question["answer"] else "false"})
    return frozenset(option["id"] for option in question["options"] if option["correct"])


def check_answers(
    paper: Sequence[Mapping[str, Any]], answers: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """The answers normalised, or AnswerError if they name questions or options not on it.

    A question left unanswered is allowed here and marked wrong.
    """
    shown = {item["id"]: set(item["options"]) for item in paper}
    unknown = set(answers) - set(shown)
    if unknown:
        raise AnswerError(f"answers to questions not in this attempt: {sorted(unknown)}")
    normalised = {}
    for question_id, chosen in answers.items():
        chosen = list(dict.fromkeys(chosen))
        if not set(chosen) <= shown[question_id]:
            raise AnswerError(f"options not shown for question {question_id}")
        normalised[question_id] = sorted(chosen)
    return normalised


def mark(
    paper: Sequence[Mapping[str, Any]],
    pool: Sequence[Mapping[str, Any]],
    answers: Mapping[str, Sequence[str]],
    pass_mark: int,
) -> Marked:
    """Exact-set marking: a question is right when exactly the correct options are chosen."""
    questions = {question["id"]: question for question in pool}
    correct_ids = frozenset(
        item["id"]
        for item in paper
        if frozenset(answers.get(item["id"], ())) == correct_choice(questions[item["id"]])
    )
    total = len(paper)
    # Whole percent, rounded down, so a pass is never rounded into existence.
    score = (len(correct_ids) * 100) // total if total else 0
    return Marked(len(correct_ids), total, score, score >= pass_mark, correct_ids)
