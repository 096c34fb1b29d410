"""The knowledge check: the ```knowledge-check block at the end of a module file (FORMAT.md)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lms.curriculum.format import CurriculumProblem, Option, Question, QuestionType
from lms.curriculum.reader import Reader, Route, parse_yaml

MIN_OPTIONS, MAX_OPTIONS = 3, 5
#: Options are shuffled when shown, so an option that points at the others makes no sense.
SELF_REFERENCE_PATTERN = re.compile(r"\ball of the above\b|\bboth [a-e] and [a-e]\b", re.I)

_QUESTION_KEYS = ("id", "objective", "type", "prompt", "rationale")
_OPTIONAL_QUESTION_KEYS = ("options", "answer", "scenario", "section")


@dataclass(frozen=True)
class Pool:
    """The knowledge-check fence: its YAML text and the file line on which that text begins."""

    text: str
    first_line: int

    @property
    def fence_line(self) -> int:
        return self.first_line - 1


@dataclass(frozen=True)
class QuestionPool:
    """The sound questions, and what every entry of the pool says, sound or not."""

    questions: list[Question]
    size: int
    assessed: set[str]
    lines: dict[str, int]  # question id -> the line its entry starts on


def read_pool(
    pool: Pool | None,
    objective_ids: set[str] | None,
    section_titles: Collection[str] | None,
    path: Path,
    problems: list[CurriculumProblem],
) -> QuestionPool | None:
    """The question pool; None when it could not be read at all.

    ``objective_ids`` and ``section_titles`` are what questions may name; None when the front
    matter or the body was too broken to say (already reported), so no question is blamed.
    """
    if pool is None:
        return None
    parsed = parse_yaml(pool.text, path, pool.first_line, problems)
    if parsed is None:
        return None
    data, document = parsed
    reader = Reader(document, problems)
    if not isinstance(data, list) or not data:
        reader.report((), "the knowledge check must be a YAML list of questions")
        return None
    questions: list[Question] = []
    lines: dict[str, int] = {}
    for index, item in enumerate(data):
        question = _read_question(reader, item, index, objective_ids, section_titles)
        if question is None:
            continue
        if question.id in lines:
            reader.report((index, "id"), f"question id '{question.id}' is used twice")
            continue
        lines[question.id] = document.line(index)
        questions.append(question)
    # Counted over every entry, so that one broken question does not also break these checks.
    assessed = {item.get("objective") for item in data if isinstance(item, dict)}
    return QuestionPool(
        questions, len(data), {key for key in assessed if isinstance(key, str)}, lines
    )


def _read_question(
    reader: Reader,
    item: object,
    index: int,
    objective_ids: set[str] | None,
    section_titles: Collection[str] | None,
) -> Question | None:
    """One question, or None when it has a problem (reported)."""
    route: Route = (index,)
    entry = reader.mapping(item, route, f"question {index + 1}")
    if entry is None:
        return None
    question_id = reader.identifier(entry, "id", route, f"question {index + 1}: ", local=True)
    prefix = f"question {question_id or index + 1}: "
    reader.keys(entry, route, prefix, _QUESTION_KEYS, _OPTIONAL_QUESTION_KEYS)
    objective = reader.identifier(entry, "objective", route, prefix, local=True)
    if objective is not None and objective_ids is not None and objective not in objective_ids:
        reader.report((*route, "objective"), f"{prefix}objective '{objective}' is not defined")
        objective = None
    kind = _question_type(reader, entry, route, prefix)
    prompt = reader.text(entry, "prompt", route, prefix)
    rationale = reader.text(entry, "rationale", route, prefix)
    options, answer = _answers(reader, entry, route, prefix, kind)
    scenario = reader.flag(entry, "scenario", route, prefix)
    section, section_ok = _section(reader, entry, route, prefix, section_titles)
    if not (question_id and objective and kind and prompt and rationale) or options is None:
        return None
    if ("scenario" in entry and scenario is None) or not section_ok:
        return None
    return Question(
        question_id,
        objective,
        kind,
        prompt,
        options,
        answer,
        rationale,
        scenario=bool(scenario),
        section=section,
    )


def _section(
    reader: Reader,
    entry: dict[Any, Any],
    route: Route,
    prefix: str,
    section_titles: Collection[str] | None,
) -> tuple[str | None, bool]:
    """The ``section`` a question names (None when it names none) and whether it is sound."""
    if "section" not in entry:
        return None, True
    title = reader.text(entry, "section", route, prefix)
    if title is None:
        return None, False
    if section_titles is not None and title not in section_titles:
        close = difflib.get_close_matches(title, list(section_titles), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        reader.report(
            (*route, "section"),
            f"{prefix}section '{title}' is not the title of a '## ' section of this module{hint}",
        )
        return None, False
    return title, True


def _question_type(
    reader: Reader, entry: dict[Any, Any], route: Route, prefix: str
) -> QuestionType | None:
    if "type" not in entry:
        return None
    try:
        return QuestionType(entry["type"])
    except ValueError:
        allowed = ", ".join(QuestionType)
        reader.report((*route, "type"), f"{prefix}'type' must be one of {allowed}")
        return None


def _answers(
    reader: Reader,
    entry: dict[Any, Any],
    route: Route,
    prefix: str,
    kind: QuestionType | None,
) -> tuple[tuple[Option, ...] | None, bool | None]:
    """The options and ``answer`` of a question of type ``kind``, checked against that type."""
    if kind is None:
        return None, None
    if kind is QuestionType.TRUE_FALSE:
        ok = True
        if "options" in entry:
            reader.report((*route, "options"), f"{prefix}a true_false question has no options")
            ok = False
        answer = entry.get("answer")
        if not isinstance(answer, bool):
            where = (*route, "answer") if "answer" in entry else route
            reader.report(
                where, f"{prefix}a true_false question needs 'answer: true' or 'answer: false'"
            )
            return None, None
        return ((), answer) if ok else (None, None)
    if "answer" in entry:
        reader.report(
            (*route, "answer"), f"{prefix}only true_false questions have 'answer'; mark options"
        )
    if "options" not in entry:
        reader.report(route, f"{prefix}a {kind} question needs options")
        return None, None
    options = _options(reader, entry["options"], (*route, "options"), prefix)
    if options is None:
        return None, None
    correct = sum(option.correct for option in options)
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        reader.report(
            (*route, "options"),
            f"{prefix}a {kind} question needs {MIN_OPTIONS}-{MAX_OPTIONS} options; "
            f"it has {len(options)}",
        )
    if kind is QuestionType.SINGLE and correct != 1:
        reader.report(
            (*route, "options"),
            f"{prefix}a single question needs exactly one correct option; it has {correct}",
        )
    if kind is QuestionType.MULTIPLE and correct < 1:
        reader.report(
            (*route, "options"), f"{prefix}a multiple question needs at least one correct option"
        )
    return options, None


def _options(reader: Reader, items: object, route: Route, prefix: str) -> tuple[Option, ...] | None:
    if not isinstance(items, list):
        reader.report(route, f"{prefix}'options' must be a list")
        return None
    options: list[Option] = []
    valid = True
    for index, item in enumerate(items):
        option = _option(reader, item, (*route, index), prefix)
        if option is None:
            valid = False
        elif any(other.id == option.id for other in options):
            reader.report((*route, index, "id"), f"{prefix}option id '{option.id}' is used twice")
            valid = False
        else:
            options.append(option)
    return tuple(options) if valid else None


def _option(reader: Reader, item: object, route: Route, prefix: str) -> Option | None:
    entry = reader.mapping(item, route, f"{prefix}an option")
    if entry is None:
        return None
    reader.keys(entry, route, prefix, ("id", "text"), ("correct",))
    option_id = reader.identifier(entry, "id", route, prefix, local=True)
    text = reader.text(entry, "text", route, prefix)
    correct = entry.get("correct", False)
    if not isinstance(correct, bool):
        reader.report((*route, "correct"), f"{prefix}'correct' must be true or false")
        return None
    if text is not None and SELF_REFERENCE_PATTERN.search(text):
        reader.report(
            (*route, "text"),
            f"{prefix}options are shuffled, so an option cannot refer to the others",
        )
        return None
    if option_id is None or text is None:
        return None
    return Option(option_id, text, correct)
