"""Item analysis of knowledge-check questions, as pure functions (stdlib only).

For each question: how many submitted attempts asked it, the share answering it right
(*difficulty*, p), and how well it separates strong from weak performers (*discrimination*).

Discrimination is the **point-biserial correlation** between the item score (1 right, 0 not) and
the **rest-of-paper score** (the number of the *other* questions on the same paper answered
right), over the attempts that asked the item. Leaving the item out of the total keeps it from
correlating with itself. It is Pearson's r with one binary variable, so it is computed from five
running sums per item — one pass over the attempts, no per-person lists kept:

    r = (n·Σxy - Σx·Σy) / √((n·Σx² - (Σx)²) · (n·Σy² - (Σy)²)),   with Σx² = Σx for 0/1 x.

r is undefined (None) when everyone, or no one, got the item right, or when the rest scores
do not vary.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Flag thresholds the training director reviews against.
TOO_EASY_ABOVE = 0.95  # share right above this: almost everyone gets it
TOO_HARD_BELOW = 0.20  # share right below this: almost no one does


@dataclass
class _Sums:
    n: int = 0
    x: int = 0  # right answers (Σx = Σx² for 0/1 scores)
    y: int = 0  # Σ rest scores
    yy: int = 0  # Σ rest scores squared
    xy: int = 0  # Σ rest scores of the attempts that got the item right


@dataclass(frozen=True)
class ItemStatistics:
    question_id: str
    attempts: int
    correct: int
    discrimination: float | None
    flags: tuple[str, ...] = field(default=())

    @property
    def share_correct(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None


def point_biserial(n: int, sum_x: int, sum_y: int, sum_yy: int, sum_xy: int) -> float | None:
    """Pearson's r of 0/1 item scores and rest scores, from their sums; None when undefined."""
    spread_x = n * sum_x - sum_x * sum_x
    spread_y = n * sum_yy - sum_y * sum_y
    if n < 2 or spread_x <= 0 or spread_y <= 0:
        return None
    return (n * sum_xy - sum_x * sum_y) / math.sqrt(spread_x * spread_y)


def flags_for(share_correct: float | None, discrimination: float | None) -> tuple[str, ...]:
    """Why an item needs the director's review: "too easy", "too hard", "negative
    discrimination" (weaker performers get it right more often than stronger ones)."""
    flags = []
    if share_correct is not None and share_correct > TOO_EASY_ABOVE:
        flags.append("too easy")
    if share_correct is not None and share_correct < TOO_HARD_BELOW:
        flags.append("too hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative discrimination")
    return tuple(flags)


def analyse_items(
    marked_papers: Iterable[Mapping[str, bool]], question_ids: Sequence[str] = ()
) -> list[ItemStatistics]:
    """Statistics per question from marked papers ({question id: answered right}, one per
    submitted attempt). Questions in ``question_ids`` never asked are listed with 0 attempts;
    the order is ``question_ids`` then any others in first-seen order."""
    sums: dict[str, _Sums] = {question_id: _Sums() for question_id in question_ids}
    for paper in marked_papers:
        total = sum(paper.values())
        for question_id, right in paper.items():
            item = sums.setdefault(question_id, _Sums())
            rest = total - right
            item.n += 1
            item.x += right
            item.y += rest
            item.yy += rest * rest
            item.xy += rest if right else 0
    statistics = []
    for question_id, item in sums.items():
        r = point_biserial(item.n, item.x, item.y, item.yy, item.xy)
        share = item.x / item.n if item.n else None
        statistics.append(ItemStatistics(question_id, item.n, item.x, r, flags_for(share, r)))
    return statistics


def marked_paper(
    paper: Sequence[Mapping[str, Any]],
    answers: Mapping[str, Sequence[str]],
    correct: Mapping[str, frozenset[str]],
) -> dict[str, bool]:
    """One stored attempt as {question id: answered right}, marked as ``quiz.mark`` marks it
    (exact set), given each question's correct choice."""
    return {
        item["id"]: frozenset(answers.get(item["id"], ())) == correct[item["id"]]
        for item in paper
        if item["id"] in correct
    }
