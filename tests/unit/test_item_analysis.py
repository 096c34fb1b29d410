"""Item analysis on small sets of marked papers whose statistics are worked out by hand."""

import math

import pytest

from lms.training.analysis import analyse_items, flags_for, marked_paper, point_biserial


def papers(*rows: str, ids: str = "PQR") -> list[dict[str, bool]]:
    """Each row a string of 1/0, one per question in ``ids``."""
    return [{qid: mark == "1" for qid, mark in zip(ids, row, strict=True)} for row in rows]


def by_id(statistics):
    return {item.question_id: item for item in statistics}


def test_an_item_that_separates_strong_from_weak():
    # Rows P Q R: 111, 000, 110, 001.
    # P: x = 1 0 1 0, rest (Q+R) = 2 0 1 1: n 4, Σx 2, Σy 4, Σy² 6, Σxy 3.
    #    r = (4·3 - 2·4) / √((4·2 - 2²)(4·6 - 4²)) = 4 / √(4·8) = 1/√2 ≈ 0.7071.
    # Q: the same columns as P, so the same r.
    # R: x = 1 0 0 1, rest (P+Q) = 2 0 2 0: Σy 4, Σy² 8, Σxy 2 → r = (8 - 8)/… = 0.
    stats = by_id(analyse_items(papers("111", "000", "110", "001")))
    assert stats["P"].attempts == 4 and stats["P"].correct == 2
    assert stats["P"].share_correct == 0.5
    assert stats["P"].discrimination == pytest.approx(1 / math.sqrt(2))
    assert stats["Q"].discrimination == pytest.approx(1 / math.sqrt(2))
    assert stats["R"].discrimination == pytest.approx(0.0)
    assert [item.flags for item in stats.values()] == [(), (), ()]


def test_flags_an_item_everyone_gets_right_and_one_that_discriminates_negatively():
    # Rows A B C: 110, 111, 011, 010, 110.
    # A: x = 1 1 0 0 1, rest (B+C) = 1 2 2 1 1: Σx 3, Σy 7, Σy² 11, Σxy 1+2+1 = 4.
    #    r = (5·4 - 3·7) / √((5·3 - 9)(5·11 - 49)) = -1 / √36 = -1/6.
    # B: right on all 5: share 1.0 (> 95 %), r undefined (no variance).
    stats = by_id(analyse_items(papers("110", "111", "011", "010", "110", ids="ABC")))
    assert stats["A"].share_correct == pytest.approx(0.6)
    assert stats["A"].discrimination == pytest.approx(-1 / 6)
    assert stats["A"].flags == ("negative discrimination",)
    assert stats["B"].share_correct == 1.0
    assert stats["B"].discrimination is None
    assert stats["B"].flags == ("too easy",)


def test_questions_on_different_papers_count_only_the_attempts_that_asked_them():
    marked = [{"P": True, "Q": False}, {"P": False, "R": False}, {"Q": True, "R": True}]
    stats = by_id(analyse_items(marked, question_ids=["P", "Q", "R", "Z"]))
    assert [(s.question_id, s.attempts, s.correct) for s in stats.values()] == [
        ("P", 2, 1),
        ("Q", 2, 1),
        ("R", 2, 1),
        ("Z", 0, 0),  # in the pool, never asked
    ]
    assert stats["Z"].share_correct is None and stats["Z"].flags == ()
    # P: x = 1 0, rest = 0 0 → rest scores do not vary: r undefined.
    assert stats["P"].discrimination is None


@pytest.mark.parametrize(
    ("share", "discrimination", "flags"),
    [
        (0.96, 0.3, ("too easy",)),
        (0.95, 0.3, ()),  # exactly 95 %: not above it
        (0.20, 0.3, ()),  # exactly 20 %: not below it
        (0.19, 0.3, ("too hard",)),
        (0.10, -0.2, ("too hard", "negative discrimination")),
        (0.5, 0.0, ()),
        (None, None, ()),
    ],
)
def test_flag_thresholds(share, discrimination, flags):
    assert flags_for(share, discrimination) == flags


def test_point_biserial_is_undefined_for_fewer_than_two_attempts():
    assert point_biserial(1, 1, 2, 4, 2) is None


def test_marked_paper_marks_exact_sets():
    paper = [{"id": "q1"}, {"id": "q2"}, {"id": "q3"}]
    correct = {"q1": frozenset({"a"}), "q2": frozenset({"a", "b"}), "q3": frozenset({"true"})}
    answers = {"q1": ["a"], "q2": ["a"], "q3": ["true"]}  # q2 only half chosen: wrong
    assert marked_paper(paper, answers, correct) == {"q1": True, "q2": False, "q3": True}
