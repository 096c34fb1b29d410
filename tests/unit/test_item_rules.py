"""The item-writing rules (lms/curriculum/item_rules.py) on small questions built by hand.

Each rule is tried just inside and just outside its threshold, as the brief and FORMAT.md state
them; lengths are characters of option text, so options are written as runs of one letter.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from lms.curriculum.format import (
    CurriculumProblem,
    Module,
    ModuleLines,
    Objective,
    Option,
    Question,
    QuestionType,
    Section,
)
from lms.curriculum.item_rules import (
    ABSOLUTE_WORDS,
    Rule,
    absolute_words,
    check_module,
    measure_module,
)

PATH = Path("demo/2030/alpha.md")
TEACHING = "Teaching"


def chars(count: int, letter: str = "x") -> str:
    return letter * count


def single(
    key: int | str, *wrong: int | str, scenario: bool = True, section: str | None = TEACHING
) -> Question:
    """A single question: the correct option first (as id a), then the wrong ones."""
    texts = [chars(text) if isinstance(text, int) else text for text in (key, *wrong)]
    options = tuple(
        Option(chr(ord("a") + index), text, index == 0) for index, text in enumerate(texts)
    )
    return Question("", "obj", QuestionType.SINGLE, "Which one?", options, None, "Because.",
                    scenario, section)  # fmt: skip


def multiple(correct: list[int | str], wrong: list[int | str], **fields) -> Question:
    texts = [(chars(t) if isinstance(t, int) else t, True) for t in correct] + [
        (chars(t) if isinstance(t, int) else t, False) for t in wrong
    ]
    options = tuple(
        Option(chr(ord("a") + index), text, is_correct)
        for index, (text, is_correct) in enumerate(texts)
    )
    return Question("", "obj", QuestionType.MULTIPLE, "Which ones?", options, None, "Because.",
                    fields.get("scenario", True), fields.get("section", TEACHING))  # fmt: skip


def true_false(answer: bool, prompt: str = "The plan is written by the team.") -> Question:
    return Question("", "obj", QuestionType.TRUE_FALSE, prompt, (), answer, "Because.", True,
                    TEACHING)  # fmt: skip


FINE = single(10, 10, 10)  # a single question that breaks no rule: no option stands out


def module(
    *questions: Question,
    per_attempt: int = 1,
    objectives: tuple[str, ...] = ("obj",),
    pad: bool = True,
) -> Module:
    """A module of ``questions`` numbered q01, q02, … on lines 101, 102, …, padded (unless
    ``pad`` is false) to a pool large enough for ``per_attempt`` with FINE questions."""
    pool = list(questions)
    if pad:
        pool += [FINE] * max(0, 3 * per_attempt - len(pool))
    numbered = tuple(
        Question(f"q{number:02}", *_fields(question)[1:])
        for number, question in enumerate(pool, start=1)
    )
    return Module(
        id="alpha",
        title="Alpha",
        topics=(),
        estimated_minutes=10,
        questions_per_attempt=per_attempt,
        objectives=tuple(Objective(key, f"Do {key}.") for key in objectives),
        references=(),
        sections=(Section(TEACHING, "Some text."),),
        questions=numbered,
        source="",
        source_path=PATH,
        content_hash="",
        lines=ModuleLines(
            questions_per_attempt=6,
            knowledge_check=100,
            objectives={key: 8 + index for index, key in enumerate(objectives)},
            questions={q.id: 100 + index for index, q in enumerate(numbered, start=1)},
        ),
    )


def _fields(question: Question) -> tuple:
    return (
        question.id,
        question.objective,
        question.type,
        question.prompt,
        question.options,
        question.answer,
        question.rationale,
        question.scenario,
        question.section,
    )


def found(mod: Module) -> list[tuple[str | None, int | None, str]]:
    return [(problem.rule, problem.line, problem.message) for problem in check_module(mod)]


def rules(mod: Module) -> list[str | None]:
    return [problem.rule for problem in check_module(mod)]


def test_a_module_that_breaks_no_rule():
    assert found(module(FINE, FINE, FINE)) == []


def test_problems_carry_file_line_rule_and_print_the_rule():
    problem = check_module(module(single(10, 10, 10, section=None)))[0]
    assert problem == CurriculumProblem(
        PATH, 101, "q01: no 'section' names the section that teaches the answer", Rule.SECTION
    )
    assert str(problem) == (
        f"{PATH}:101: q01: no 'section' names the section that teaches the answer "
        "[item rule: section]"
    )


class TestPoolSize:
    """Rule 1: pool >= 3 x questions_per_attempt; every objective assessed by >= 3 questions."""

    def test_three_times_questions_per_attempt_is_enough(self):
        assert found(module(*[FINE] * 24, per_attempt=8)) == []

    def test_one_question_fewer_is_not(self):
        assert found(module(*[FINE] * 23, per_attempt=8, pad=False)) == [
            (
                Rule.POOL_SIZE,
                6,
                "the pool has 23 questions; it needs at least 24 (3 x questions_per_attempt 8) "
                "so that a retake shows mostly new ones",
            )
        ]

    def test_an_objective_needs_three_questions(self):
        two = Question("", "other", *_fields(FINE)[2:])
        assert found(module(FINE, FINE, FINE, two, two, objectives=("obj", "other"))) == [
            (
                Rule.QUESTIONS_PER_OBJECTIVE,
                9,
                "objective 'other' is assessed by 2 questions (at least 3)",
            )
        ]
        three = module(FINE, FINE, FINE, two, two, two, objectives=("obj", "other"))
        assert found(three) == []

    def test_an_objective_without_questions(self):
        assert rules(module(FINE, FINE, FINE, objectives=("obj", "none_yet"))) == [
            Rule.QUESTIONS_PER_OBJECTIVE
        ]


class TestScenarioShare:
    """Rule 2: at least half the pool has scenario: true."""

    def test_exactly_half(self):
        pool = [single(10, 10, 10, scenario=index < 4) for index in range(8)]
        assert found(module(*pool)) == []

    def test_just_under_half(self):
        pool = [single(10, 10, 10, scenario=index < 4) for index in range(9)]
        assert found(module(*pool)) == [
            (Rule.SCENARIO_SHARE, 100, "4 of 9 questions (44.4%) are marked scenario: true "
             "(at least 50%)")
        ]  # fmt: skip


class TestSection:
    """Rule 3: every question names the section that teaches its answer."""

    def test_missing(self):
        assert found(module(FINE, single(10, 10, 10, section=None), FINE)) == [
            (Rule.SECTION, 102, "q02: no 'section' names the section that teaches the answer")
        ]

    def test_not_a_section_of_the_module(self):
        assert found(module(single(10, 10, 10, section="teaching"), FINE, FINE)) == [
            (
                Rule.SECTION,
                101,
                "q01: section 'teaching' is not the title of a '## ' section of the module",
            )
        ]

    def test_true_false_questions_need_one_too(self):
        question = Question("", "obj", QuestionType.TRUE_FALSE, "It is so.", (), True, "B.")
        assert rules(module(question, *[FINE] * 3)) == [Rule.SECTION]


class TestKeyLength:
    """Rule 4: the key is at most 1.25 x the longest wrong option, and strictly the longest
    option in at most 35 % of a module's single questions."""

    def test_exactly_one_and_a_quarter_times(self):
        # 125 / 100: also strictly the longest, in 1 of 3 singles (33 %).
        assert found(module(single(125, 100, 90), FINE, FINE)) == []

    def test_just_over(self):
        assert found(module(single(126, 100, 90), FINE, FINE)) == [
            (
                Rule.KEY_LENGTH,
                101,
                "q01: the correct option is 1.26x the longest wrong option "
                "(126 characters in a, 100 in b) (limit 1.25)",
            )
        ]

    def test_a_ratio_a_hair_over_never_prints_as_the_limit(self):
        (problem,) = check_module(module(single(1001, 800, 800), FINE, FINE))
        assert "is 1.26x the longest wrong option" in problem.message  # 1.25125

    def test_measured_against_the_longest_wrong_option_not_the_others(self):
        assert rules(module(single(60, 50, 30), FINE, FINE)) == []  # 1.2x
        assert rules(module(single(70, 50, 40), FINE, FINE)) == [Rule.KEY_LENGTH]  # 1.4x

    @pytest.mark.parametrize("longest", [7, 8])
    def test_key_strictly_longest_in_at_most_35_percent(self, longest):
        # 20 singles; the key is 11 characters, 1.1x the wrong ones, in ``longest`` of them.
        pool = [single(11, 10, 10) for _ in range(longest)]
        pool += [single(10, 10, 10) for _ in range(20 - longest)]
        expected = [] if longest == 7 else [
            (Rule.KEY_LONGEST_SHARE, 100, "the correct option is strictly the longest in 8 of "
             "20 single questions (40%; limit 35%)")
        ]  # fmt: skip
        assert found(module(*pool)) == expected

    def test_just_over_35_percent(self):
        pool = [single(11, 10, 10) for _ in range(6)] + [single(10, 10, 10) for _ in range(11)]
        # 6 of 17 is 35.29 %.
        assert [p.message for p in check_module(module(*pool))] == [
            "the correct option is strictly the longest in 6 of 17 single questions "
            "(35.3%; limit 35%)"
        ]

    def test_a_key_as_long_as_the_longest_wrong_option_is_not_strictly_the_longest(self):
        pool = [single(10, 10, 5) for _ in range(3)]
        assert measure_module(module(*pool)).key_longest_count == 0
        assert rules(module(*pool)) == []

    def test_only_single_questions_count_towards_the_share(self):
        pool = [single(11, 10, 10)] + [multiple([10, 10], [10, 10]) for _ in range(3)]
        # 1 of 1 single: 100 %, whatever the multiple questions do.
        assert rules(module(*pool)) == [Rule.KEY_LONGEST_SHARE]


class TestShortestOption:
    """Rule 5: in single and multiple questions the shortest option is >= 40 % of the longest."""

    def test_exactly_40_percent(self):
        assert found(module(single(100, 100, 40), FINE, FINE)) == []

    def test_just_under(self):
        assert found(module(single(100, 100, 39), FINE, FINE)) == [
            (
                Rule.SHORTEST_OPTION,
                101,
                "q01: the shortest option (c, 39 characters) is 39% of the longest "
                "(a, 100 characters) (at least 40%)",
            )
        ]

    def test_in_a_multiple_question(self):
        assert rules(module(multiple([100, 40], [100, 100]), FINE, FINE)) == []
        assert rules(module(multiple([100, 39], [100, 100]), FINE, FINE)) == [Rule.SHORTEST_OPTION]

    def test_a_short_key_counts_too(self):
        assert rules(module(single(39, 100, 100), FINE, FINE)) == [Rule.SHORTEST_OPTION]


class TestMultiple:
    """Rule 6: >= 2 correct and >= 2 wrong options; mean correct <= 1.25 x mean wrong."""

    def test_two_of_each(self):
        assert found(module(multiple([10, 10], [10, 10]), FINE, FINE)) == []

    @pytest.mark.parametrize(
        ("correct", "wrong", "counts"),
        [(1, 3, "1 correct and 3 wrong options"), (3, 1, "3 correct and 1 wrong option")],
    )
    def test_fewer_than_two_of_either(self, correct, wrong, counts):
        question = multiple([10] * correct, [10] * wrong)
        assert found(module(question, FINE, FINE)) == [
            (Rule.MULTIPLE_MIX, 101, f"q01: a multiple question has {counts} (at least 2 of each)")
        ]

    def test_mean_correct_exactly_one_and_a_quarter_times_mean_wrong(self):
        # Correct 100 and 150 (mean 125); wrong 100 and 100 (mean 100).
        assert found(module(multiple([100, 150], [100, 100]), FINE, FINE)) == []

    def test_mean_correct_just_over(self):
        # Correct 100 and 152 (mean 126); wrong 100 and 100.
        assert found(module(multiple([100, 152], [100, 100]), FINE, FINE)) == [
            (
                Rule.MULTIPLE_KEY_LENGTH,
                101,
                "q01: the correct options are on average 1.26x as long as the wrong ones "
                "(126.0 and 100.0 characters) (limit 1.25)",
            )
        ]


class TestTrueFalse:
    """Rule 7: at most a quarter of the pool; true and false answers differ by at most one;
    no absolute word in the prompt."""

    def test_a_quarter_of_the_pool(self):
        assert found(module(true_false(True), true_false(False), *[FINE] * 6)) == []

    def test_more_than_a_quarter(self):
        pool = [true_false(True), true_false(False), true_false(True), *[FINE] * 6]
        assert found(module(*pool)) == [
            (Rule.TRUE_FALSE_SHARE, 100, "3 of 9 questions (33.3%) are true_false (limit 25%)")
        ]

    def test_one_more_true_than_false(self):
        pool = [true_false(True), true_false(True), true_false(False), *[FINE] * 9]
        assert found(module(*pool)) == []

    def test_two_more_true_than_false(self):
        pool = [true_false(True), true_false(True), true_false(True), true_false(False)]
        assert found(module(*pool, *[FINE] * 12)) == [
            (
                Rule.TRUE_FALSE_BALANCE,
                100,
                "the true_false answers are 3 true and 1 false (they may differ by at most 1)",
            )
        ]

    def test_two_false_and_no_true(self):
        pool = [true_false(False), true_false(False), *[FINE] * 6]
        assert rules(module(*pool)) == [Rule.TRUE_FALSE_BALANCE]

    def test_absolute_word_in_the_prompt(self):
        question = true_false(False, "A mentor must ALWAYS tell the family first.")
        assert found(module(question, FINE, FINE, FINE)) == [
            (
                Rule.ABSOLUTE_WORDS,
                101,
                "q01: the true_false prompt uses the absolute word 'always'",
            )
        ]


class TestAbsoluteWords:
    """Rule 8: absolute cue words and phrases, whole words in any case, are banned in
    true_false prompts and in every option."""

    @pytest.mark.parametrize(
        "word",
        [
            "always",
            "never",
            "only",
            "none",
            "completely",
            "entirely",
            "guaranteed",
            "as long as",
            "no matter",
            "under any circumstances",
            "at all times",
            "all of",
            "none of",
        ],
    )
    def test_each_word_is_found(self, word):
        assert absolute_words(f"Mentors act {word.upper()} here.") == [word]

    @pytest.mark.parametrize(
        "text",
        [
            "Commonly, mentors ask first.",  # only inside a word
            "The hallway is long as expected.",  # "long as" without "as" before it
            "Nonetheless, call the hub.",  # none inside a word
            "All the team members.",  # "all" without "of"
            "Once the plan is written.",
        ],
    )
    def test_parts_of_words_and_shorter_phrases_are_not(self, text):
        assert absolute_words(text) == []

    def test_a_phrase_broken_across_lines_is_still_found(self):
        assert absolute_words("keep going as\nlong   as needed") == ["as long as"]

    def test_every_word_is_named_once(self):
        assert absolute_words("Never, never, only none of it") == ["never", "only", "none of"]

    def test_in_an_option(self):
        question = single("Call the hub only after 5pm", "Call the hub before 5pm..", 20)
        assert found(module(question, FINE, FINE)) == [
            (Rule.ABSOLUTE_WORDS, 101, "q01: option a uses the absolute word 'only'")
        ]

    def test_in_a_wrong_option_of_a_multiple_question(self):
        question = multiple([10, 10], ["Never ask.", 10])
        assert found(module(question, FINE, FINE)) == [
            (Rule.ABSOLUTE_WORDS, 101, "q01: option c uses the absolute word 'never'")
        ]

    def test_not_in_the_prompt_of_a_single_question(self):
        question = Question("", "obj", QuestionType.SINGLE, "What does a mentor always do?",
                            FINE.options, None, "B.", True, TEACHING)  # fmt: skip
        assert found(module(question, FINE, FINE)) == []


def test_measurements_for_the_stats():
    pool = [
        single(12, 10, 10),  # key 1.2x, strictly the longest
        single(10, 10, 10, scenario=False),
        true_false(True),
        true_false(False),
        true_false(False),
    ]
    measures = measure_module(module(*pool, per_attempt=2))
    assert (measures.pool_size, measures.questions_per_attempt) == (6, 2)  # padded with FINE
    assert measures.scenario_count == 5
    assert (measures.single_count, measures.key_longest_count) == (3, 1)
    assert measures.max_key_ratio == Fraction(6, 5)
    assert (measures.true_count, measures.false_count, measures.true_false_count) == (1, 2, 3)


def test_format_md_documents_every_rule_and_word():
    text = (Path(__file__).resolve().parents[2] / "curricula" / "FORMAT.md").read_text("utf-8")
    rules_section = text[text.index("## Item-writing rules") :]
    assert [rule for rule in Rule if f"`{rule}`" not in rules_section] == []
    assert ", ".join(ABSOLUTE_WORDS) in rules_section
