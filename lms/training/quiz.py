"""Knowledge checks as pure functions: drawing a paper from a module's pool, and marking it.

A paper records which questions were asked and the order their options were shown in, so an
attempt can be re-marked and shown later exactly as the mentor saw it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TRUE_FALSE_OPTIONS = ("true", "false")


def draw_paper(
    pool: Sequence[Mapping[str, Any]], count: int, rng: random.Random
) -> list[dict[str, Any]]:
    """``count`` questions at random, covering every objective the pool allows, shuffled.

    One question per objective is taken first (objectives in random order, in case ``count``
    is smaller than their number), then the rest are filled at random.
    """
    count = min(count, len(pool))
    by_objective: dict[str, list[Mapping[str, Any]]] = {}
    for question in pool:
        by_objective.setdefault(question["objective"], []).append(question)
    objectives = list(by_objective)
    rng.shuffle(objectives)
    chosen = [rng.choice(by_objective[objective]) for objective in objectives][:count]
    chosen_ids = {question["id"] for question in chosen}
    rest = [question for question in pool if question["id"] not in chosen_ids]
    chosen += rng.sample(rest, count - len(chosen))
    rng.shuffle(chosen)
    return [{"id": question["id"], "options": _option_order(question, rng)} for question in chosen]


def _option_order(question: Mapping[str, Any], rng: random.Random) -> list[str]:
    if question["type"] == "true_false":
        return list(TRUE_FALSE_OPTIONS)  # true before false reads naturally; not shuffled
    ids = [option["id"] for option in question["options"]]
    rng.shuffle(ids)
    return ids


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
