"""Item-writing rules for knowledge-check pools, so that a test-wise guesser cannot pass.

A mentor who guesses from the form of the questions (pick the longest option, distrust absolute
words, say "true" when unsure) must not pass without reading, and a retake must mostly show new
questions. curricula/FORMAT.md ("Item-writing rules") gives each rule and why. Lengths are
characters of option text. Pure: stdlib only, no I/O; loaded modules in, problems out.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from lms.curriculum.format import CurriculumProblem, Module, Option, Question, QuestionType

# Thresholds. Fractions, so that a value exactly on a limit is never misjudged by rounding.
#: 1. The pool holds at least this many papers' worth of questions ...
MIN_POOL_PER_ATTEMPT = 3
#: ... and every objective is assessed by at least this many questions.
MIN_QUESTIONS_PER_OBJECTIVE = 3
#: 2. At least this share of the pool applies knowledge to a situation (``scenario: true``).
MIN_SCENARIO_SHARE = Fraction(1, 2)
#: 4. In a single question the correct option is at most this many times the longest wrong one ...
MAX_KEY_RATIO = Fraction(5, 4)
#: ... and it is strictly the longest option in at most this share of the module's singles.
MAX_KEY_LONGEST_SHARE = Fraction(35, 100)
#: 5. In single and multiple questions the shortest option is at least this share of the longest.
MIN_SHORTEST_SHARE = Fraction(2, 5)
#: 6. A multiple question has at least this many correct and this many wrong options ...
MIN_CORRECT_IN_MULTIPLE = 2
MIN_WRONG_IN_MULTIPLE = 2
#: ... and its correct options are on average at most this many times as long as its wrong ones.
MAX_MEAN_KEY_RATIO = Fraction(5, 4)
#: 7. At most this share of the pool is true_false ...
MAX_TRUE_FALSE_SHARE = Fraction(1, 4)
#: ... and a module's true and false answers differ in number by at most this.
MAX_TRUE_FALSE_IMBALANCE = 1
#: 8. Words and phrases that give an answer away, banned in true_false prompts and in options.
ABSOLUTE_WORDS = (
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
)
# Whole words, any spacing between the words of a phrase; the longest first so that "none of"
# is reported as itself rather than as "none".
ABSOLUTE_WORD_PATTERN = re.compile(
    r"\b(?:"
    + "|".join(
        r"\s+".join(map(re.escape, phrase.split()))
        for phrase in sorted(ABSOLUTE_WORDS, key=len, reverse=True)
    )
    + r")\b",
    re.IGNORECASE,
)


class Rule(enum.StrEnum):
    """The item-writing rules, by the names problems carry (FORMAT.md lists them in order)."""

    POOL_SIZE = "pool-size"
    QUESTIONS_PER_OBJECTIVE = "questions-per-objective"
    SCENARIO_SHARE = "scenario-share"
    SECTION = "section"
    KEY_LENGTH = "key-length"
    KEY_LONGEST_SHARE = "key-longest-share"
    SHORTEST_OPTION = "shortest-option"
    MULTIPLE_MIX = "multiple-mix"
    MULTIPLE_KEY_LENGTH = "multiple-key-length"
    TRUE_FALSE_SHARE = "true-false-share"
    TRUE_FALSE_BALANCE = "true-false-balance"
    ABSOLUTE_WORDS = "absolute-words"


@dataclass(frozen=True)
class ModuleMeasures:
    """What the module-wide rules measure, for ``lms curriculum check --stats``."""

    module_id: str
    pool_size: int
    questions_per_attempt: int
    scenario_count: int
    single_count: int
    key_longest_count: int  # single questions whose correct option is strictly the longest
    max_key_ratio: Fraction | None  # the largest correct / longest-wrong ratio; None: no single
    true_count: int
    false_count: int

    @property
    def true_false_count(self) -> int:
        return self.true_count + self.false_count


def absolute_words(text: str) -> list[str]:
    """The absolute cue words and phrases in ``text``, lower-cased, in order, each once."""
    found = (
        " ".join(match.group(0).lower().split()) for match in ABSOLUTE_WORD_PATTERN.finditer(text)
    )
    return list(dict.fromkeys(found))


def key_ratio(question: Question) -> Fraction:
    """A single question's correct option length over its longest wrong option's length."""
    key = next(option for option in question.options if option.correct)
    longest_wrong = max(len(option.text) for option in question.options if not option.correct)
    return Fraction(len(key.text), longest_wrong)


def key_is_longest(question: Question) -> bool:
    """Whether a single question's correct option is strictly longer than every other one."""
    return key_ratio(question) > 1


def measure_module(module: Module) -> ModuleMeasures:
    """The module-wide measurements the rules judge."""
    singles = [q for q in module.questions if q.type is QuestionType.SINGLE and _has_key(q)]
    answers = [q.answer for q in module.questions if q.type is QuestionType.TRUE_FALSE]
    return ModuleMeasures(
        module_id=module.id,
        pool_size=len(module.questions),
        questions_per_attempt=module.questions_per_attempt,
        scenario_count=sum(question.scenario for question in module.questions),
        single_count=len(singles),
        key_longest_count=sum(key_is_longest(question) for question in singles),
        max_key_ratio=max((key_ratio(question) for question in singles), default=None),
        true_count=sum(answer is True for answer in answers),
        false_count=sum(answer is False for answer in answers),
    )


def check_modules(modules: Iterable[Module]) -> list[CurriculumProblem]:
    """Every item-rule problem of every module, module by module."""
    return [problem for module in modules for problem in check_module(module)]


def check_module(module: Module) -> list[CurriculumProblem]:
    """Every item-rule problem of one module, in line order."""
    checker = _Checker(module)
    checker.check_pool()
    for question in module.questions:
        checker.check_question(question)
    return sorted(checker.problems, key=lambda problem: problem.line or 0)


class _Checker:
    def __init__(self, module: Module) -> None:
        self.module = module
        self.problems: list[CurriculumProblem] = []

    def report(self, line: int | None, rule: Rule, message: str) -> None:
        self.problems.append(CurriculumProblem(self.module.source_path, line, message, rule))

    def report_question(self, question: Question, rule: Rule, message: str) -> None:
        self.report(self.module.lines.questions.get(question.id), rule, f"{question.id}: {message}")

    # -- the module's pool as a whole (rules 1, 2, 4, 7) ------------------------------------

    def check_pool(self) -> None:
        module, measures = self.module, measure_module(self.module)
        lines = module.lines
        pool_line = lines.knowledge_check
        size, per_attempt = measures.pool_size, measures.questions_per_attempt
        if size < MIN_POOL_PER_ATTEMPT * per_attempt:
            self.report(
                lines.questions_per_attempt,
                Rule.POOL_SIZE,
                f"the pool has {size} questions; it needs at least "
                f"{MIN_POOL_PER_ATTEMPT * per_attempt} ({MIN_POOL_PER_ATTEMPT} x "
                f"questions_per_attempt {per_attempt}) so that a retake shows mostly new ones",
            )
        for objective in module.objectives:
            count = sum(question.objective == objective.id for question in module.questions)
            if count < MIN_QUESTIONS_PER_OBJECTIVE:
                self.report(
                    lines.objectives.get(objective.id),
                    Rule.QUESTIONS_PER_OBJECTIVE,
                    f"objective '{objective.id}' is assessed by {count} question"
                    f"{'' if count == 1 else 's'} (at least {MIN_QUESTIONS_PER_OBJECTIVE})",
                )
        if size and Fraction(measures.scenario_count, size) < MIN_SCENARIO_SHARE:
            self.report(
                pool_line,
                Rule.SCENARIO_SHARE,
                f"{measures.scenario_count} of {size} questions "
                f"({_percent(measures.scenario_count, size, MIN_SCENARIO_SHARE)}) "
                f"are marked scenario: true (at least {_percent_limit(MIN_SCENARIO_SHARE)})",
            )
        singles, longest = measures.single_count, measures.key_longest_count
        if singles and Fraction(longest, singles) > MAX_KEY_LONGEST_SHARE:
            self.report(
                pool_line,
                Rule.KEY_LONGEST_SHARE,
                f"the correct option is strictly the longest in {longest} of {singles} single "
                f"questions ({_percent(longest, singles, MAX_KEY_LONGEST_SHARE)}; "
                f"limit {_percent_limit(MAX_KEY_LONGEST_SHARE)})",
            )
        true_false = measures.true_false_count
        if size and Fraction(true_false, size) > MAX_TRUE_FALSE_SHARE:
            self.report(
                pool_line,
                Rule.TRUE_FALSE_SHARE,
                f"{true_false} of {size} questions "
                f"({_percent(true_false, size, MAX_TRUE_FALSE_SHARE)}) are true_false "
                f"(limit {_percent_limit(MAX_TRUE_FALSE_SHARE)})",
            )
        if abs(measures.true_count - measures.false_count) > MAX_TRUE_FALSE_IMBALANCE:
            self.report(
                pool_line,
                Rule.TRUE_FALSE_BALANCE,
                f"the true_false answers are {measures.true_count} true and "
                f"{measures.false_count} false (they may differ by at most "
                f"{MAX_TRUE_FALSE_IMBALANCE})",
            )

    # -- one question (rules 3, 4, 5, 6, 8) ---------------------------------------------------

    def check_question(self, question: Question) -> None:
        titles = {section.title for section in self.module.sections}
        if question.section is None:
            self.report_question(
                question, Rule.SECTION, "no 'section' names the section that teaches the answer"
            )
        elif question.section not in titles:
            self.report_question(
                question,
                Rule.SECTION,
                f"section '{question.section}' is not the title of a '## ' section of the module",
            )
        if question.type is QuestionType.TRUE_FALSE:
            words = absolute_words(question.prompt)
            if words:
                self.report_question(
                    question,
                    Rule.ABSOLUTE_WORDS,
                    f"the true_false prompt uses the absolute {_words(words)}",
                )
            return
        for option in question.options:
            words = absolute_words(option.text)
            if words:
                self.report_question(
                    question,
                    Rule.ABSOLUTE_WORDS,
                    f"option {option.id} uses the absolute {_words(words)}",
                )
        self.check_shortest_option(question)
        if question.type is QuestionType.SINGLE:
            self.check_key_length(question)
        else:
            self.check_multiple(question)

    def check_shortest_option(self, question: Question) -> None:
        shortest = min(question.options, key=_length)
        longest = max(question.options, key=_length)
        low, high = len(shortest.text), len(longest.text)
        if Fraction(low, high) < MIN_SHORTEST_SHARE:
            self.report_question(
                question,
                Rule.SHORTEST_OPTION,
                f"the shortest option ({shortest.id}, {low} characters) is "
                f"{_percent(low, high, MIN_SHORTEST_SHARE)} of the longest "
                f"({longest.id}, {high} characters) "
                f"(at least {_percent_limit(MIN_SHORTEST_SHARE)})",
            )

    def check_key_length(self, question: Question) -> None:
        if not _has_key(question):
            return
        ratio = key_ratio(question)
        if ratio > MAX_KEY_RATIO:
            key = next(option for option in question.options if option.correct)
            wrong = max((option for option in question.options if not option.correct), key=_length)
            self.report_question(
                question,
                Rule.KEY_LENGTH,
                f"the correct option is {_ratio(ratio)}x the longest wrong option "
                f"({len(key.text)} characters in {key.id}, {len(wrong.text)} in {wrong.id}) "
                f"(limit {float(MAX_KEY_RATIO):.2f})",
            )

    def check_multiple(self, question: Question) -> None:
        correct = [option for option in question.options if option.correct]
        wrong = [option for option in question.options if not option.correct]
        if len(correct) < MIN_CORRECT_IN_MULTIPLE or len(wrong) < MIN_WRONG_IN_MULTIPLE:
            self.report_question(
                question,
                Rule.MULTIPLE_MIX,
                f"a multiple question has {len(correct)} correct and {len(wrong)} wrong "
                f"option{'' if len(wrong) == 1 else 's'} "
                f"(at least {MIN_CORRECT_IN_MULTIPLE} of each)",
            )
        if not correct or not wrong:
            return
        mean_correct = Fraction(sum(map(_length, correct)), len(correct))
        mean_wrong = Fraction(sum(map(_length, wrong)), len(wrong))
        ratio = mean_correct / mean_wrong
        if ratio > MAX_MEAN_KEY_RATIO:
            self.report_question(
                question,
                Rule.MULTIPLE_KEY_LENGTH,
                f"the correct options are on average {_ratio(ratio)}x as long as the wrong ones "
                f"({float(mean_correct):.1f} and {float(mean_wrong):.1f} characters) "
                f"(limit {float(MAX_MEAN_KEY_RATIO):.2f})",
            )


def _has_key(question: Question) -> bool:
    # A loaded single question has exactly one correct option; a hand-built one may not.
    return sum(option.correct for option in question.options) == 1 and len(question.options) > 1


def _length(option: Option) -> int:
    return len(option.text)


def _ratio(value: Fraction) -> str:
    # Rounded up: a ratio just over its limit must not print as the limit itself.
    return f"{math.ceil(value * 100) / 100:.2f}"


def _percent(part: int, whole: int, limit: Fraction) -> str:
    """``part`` of ``whole`` in percent to a tenth, never printed as ``limit`` unless it is."""
    value, bound = Fraction(100 * part, whole), limit * 100
    tenths = round(value * 10)
    if tenths == bound * 10 and value != bound:
        tenths += 1 if value > bound else -1
    return f"{tenths / 10:g}%"


def _percent_limit(limit: Fraction) -> str:
    return f"{float(limit * 100):g}%"


def _words(words: list[str]) -> str:
    quoted = ", ".join(f"'{word}'" for word in words)
    return f"word{'s' if len(words) > 1 else ''} {quoted}"
