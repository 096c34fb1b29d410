"""Reading one module file (curricula/FORMAT.md): front matter, ``##`` sections, knowledge check.

Pure: a file in, a Module (when sound) and problems out; no Flask, no database.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from lms.curriculum.format import (
    KNOWLEDGE_CHECK_INFO,
    CurriculumProblem,
    Module,
    ModuleLines,
    Objective,
    Question,
    Section,
)
from lms.curriculum.questions import Pool, QuestionPool, read_pool
from lms.curriculum.reader import Reader, Route, YamlDocument, parse_yaml, read_text_file
from lms.curriculum.rendering import PLACEHOLDER_DEFAULTS, PLACEHOLDER_PATTERN
from lms.curriculum.topics import REQUIRED_TOPIC_KEYS

MIN_OBJECTIVES, MAX_OBJECTIVES = 3, 6

_MODULE_KEYS = (
    "id",
    "title",
    "topics",
    "estimated_minutes",
    "questions_per_attempt",
    "objectives",
    "references",
)


@dataclass
class ParsedModule:
    """What the edition checks need from one module file, and the Module when it is sound."""

    path: Path
    topics: list[str] | None = None
    topic_lines: list[int] = field(default_factory=list)
    module: Module | None = None


@dataclass
class _FrontMatter:
    id: str | None = None
    title: str | None = None
    topics: list[str] | None = None
    estimated_minutes: int | None = None
    questions_per_attempt: int | None = None
    objectives: list[Objective] | None = None
    references: list[str] | None = None


def read_module(path: Path, problems: list[CurriculumProblem]) -> ParsedModule:
    """Read one module file, adding its problems to ``problems``."""
    before = len(problems)
    result = ParsedModule(path)
    read = read_text_file(path, problems)
    if read is None:
        return result
    raw, text = read
    lines = text.split("\n")
    close = _front_matter_end(lines, path, problems)
    if close is None:
        return result
    parsed = parse_yaml("\n".join(lines[1:close]), path, 2, problems)
    front = _read_front_matter(parsed, path, problems) if parsed is not None else None
    if front is not None and parsed is not None:
        result.topics = front.topics
        result.topic_lines = [parsed[1].line("topics", i) for i in range(len(front.topics or ()))]
    body_first_line = close + 2
    sections, pool = _read_body(lines[close + 1 :], body_first_line, path, problems)
    _check_placeholders(lines, path, problems)
    objective_ids = None
    if front is not None and front.objectives is not None:
        objective_ids = {objective.id for objective in front.objectives}
    # Without any section, a question naming one would only repeat that problem.
    section_titles = {section.title for section in sections} if sections else None
    questions = read_pool(pool, objective_ids, section_titles, path, problems)
    if front is not None and parsed is not None and questions is not None:
        _check_pool_against_front_matter(front, questions, Reader(parsed[1], problems))
    if len(problems) == before and front is not None and questions is not None:
        assert parsed is not None and pool is not None  # questions were read from them
        document = parsed[1]
        where = ModuleLines(
            questions_per_attempt=document.line("questions_per_attempt"),
            knowledge_check=pool.fence_line,
            objectives={
                objective.id: document.line("objectives", index)
                for index, objective in enumerate(front.objectives or ())
            },
            questions=questions.lines,
        )
        result.module = _build_module(front, sections, questions.questions, text, path, raw, where)
    return result


def _front_matter_end(
    lines: list[str], path: Path, problems: list[CurriculumProblem]
) -> int | None:
    """The index of the line closing the front matter, or None (reported) when there is none."""
    if lines[0].rstrip() != "---":
        problems.append(
            CurriculumProblem(path, 1, "a module file must start with front matter: a '---' line")
        )
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            return index
    problems.append(CurriculumProblem(path, 1, "the front matter has no closing '---' line"))
    return None


def _read_front_matter(
    parsed: tuple[Any, YamlDocument], path: Path, problems: list[CurriculumProblem]
) -> _FrontMatter | None:
    data, document = parsed
    reader = Reader(document, problems)
    mapping = reader.mapping(data, (), "the front matter")
    if mapping is None:
        return None
    reader.keys(mapping, (), "", _MODULE_KEYS)
    front = _FrontMatter()
    front.id = reader.identifier(mapping, "id", (), "")
    if front.id is not None and front.id != path.stem:
        reader.report(("id",), f"id '{front.id}' does not match the file name '{path.name}'")
    front.title = reader.text(mapping, "title", (), "")
    front.topics = _topics(reader, mapping)
    front.estimated_minutes = reader.integer(mapping, "estimated_minutes", (), "", 1)
    front.questions_per_attempt = reader.integer(mapping, "questions_per_attempt", (), "", 1)
    front.objectives = _objectives(reader, mapping)
    front.references = _references(reader, mapping)
    return front


def _topics(reader: Reader, mapping: dict[Any, Any]) -> list[str] | None:
    items = reader.sequence(mapping, "topics", (), "")
    if items is None:
        return None
    topics: list[str] = []
    for index, key in enumerate(items):
        if key not in REQUIRED_TOPIC_KEYS:
            reader.report(("topics", index), f"unknown topic key '{key}'")
        elif key in topics:
            reader.report(("topics", index), f"topic '{key}' is listed twice")
        else:
            topics.append(key)
    # A list with a wrong entry would only add confusing crosswalk reports to the one above.
    return topics if len(topics) == len(items) else None


def _objectives(reader: Reader, mapping: dict[Any, Any]) -> list[Objective] | None:
    items = reader.sequence(mapping, "objectives", (), "")
    if items is None:
        return None
    if not MIN_OBJECTIVES <= len(items) <= MAX_OBJECTIVES:
        reader.report(
            ("objectives",),
            f"a module needs {MIN_OBJECTIVES}-{MAX_OBJECTIVES} objectives; it has {len(items)}",
        )
    objectives: list[Objective] = []
    for index, item in enumerate(items):
        route: Route = ("objectives", index)
        prefix = f"objective {index + 1}: "
        entry = reader.mapping(item, route, f"objective {index + 1}")
        if entry is None:
            continue
        reader.keys(entry, route, prefix, ("id", "text"))
        objective_id = reader.identifier(entry, "id", route, prefix, local=True)
        text = reader.text(entry, "text", route, prefix)
        if objective_id is not None and any(o.id == objective_id for o in objectives):
            reader.report((*route, "id"), f"objective id '{objective_id}' is used twice")
        elif objective_id is not None and text is not None:
            objectives.append(Objective(objective_id, text))
    return objectives


def _references(reader: Reader, mapping: dict[Any, Any]) -> list[str] | None:
    items = reader.sequence(mapping, "references", (), "")
    if items is None:
        return None
    references: list[str] = []
    for index, item in enumerate(items):
        if isinstance(item, str) and item.strip():
            references.append(item.strip())
        else:
            reader.report(("references", index), "a reference must be text")
    return references


@functools.cache
def _structure_parser() -> MarkdownIt:
    # HTML stays enabled here, unlike in rendering, so that raw HTML shows up as tokens to report.
    return MarkdownIt("commonmark").enable("table")


def _read_body(
    lines: list[str], first_line: int, path: Path, problems: list[CurriculumProblem]
) -> tuple[list[Section], Pool | None]:
    """Split the body into ``##`` sections and find the trailing knowledge-check fence."""
    tokens = _structure_parser().parse("\n".join(lines))
    _check_raw_html(tokens, first_line, path, problems)
    headings: list[tuple[str, int, int]] = []  # title, heading line index, first content index
    pool: Pool | None = None
    pool_start = len(lines)
    reported_preamble = False
    for index, token in enumerate(tokens):
        if token.level != 0 or token.nesting == -1 or token.map is None:
            continue
        start, end = token.map
        if pool is not None:
            problems.append(
                CurriculumProblem(
                    path,
                    first_line + start,
                    f"the ```{KNOWLEDGE_CHECK_INFO} block must be the last thing in the file",
                )
            )
            break
        if token.type == "heading_open" and token.tag == "h2":
            headings.append((tokens[index + 1].content.strip(), start, end))
        elif token.type == "fence" and token.info.strip() == KNOWLEDGE_CHECK_INFO:
            pool, pool_start = Pool(token.content, first_line + start + 1), start
        elif not headings and not reported_preamble:
            reported_preamble = True
            problems.append(
                CurriculumProblem(
                    path, first_line + start, "text before the first '## ' heading is not allowed"
                )
            )
    # The file's last line as an editor counts it: a final newline does not start another.
    last_line = first_line + max(len(lines) - 1 - (lines[-1] == ""), 0)
    if not headings:
        problems.append(CurriculumProblem(path, first_line, "the module has no '## ' sections"))
    if pool is None:
        problems.append(
            CurriculumProblem(
                path, last_line, f"the module has no ```{KNOWLEDGE_CHECK_INFO} block at its end"
            )
        )
    return _sections(headings, lines, pool_start, first_line, path, problems), pool


def _sections(
    headings: list[tuple[str, int, int]],
    lines: list[str],
    end: int,
    first_line: int,
    path: Path,
    problems: list[CurriculumProblem],
) -> list[Section]:
    sections: list[Section] = []
    for number, (title, start, content_start) in enumerate(headings):
        content_end = headings[number + 1][1] if number + 1 < len(headings) else end
        markdown = "\n".join(lines[content_start:content_end]).strip()
        if not title or not markdown:
            message = "a section needs a title and some text"
            problems.append(CurriculumProblem(path, first_line + start, message))
        sections.append(Section(title, markdown))
    return sections


def _check_raw_html(
    tokens: list[Token], first_line: int, path: Path, problems: list[CurriculumProblem]
) -> None:
    reported: set[int] = set()  # one report per line: <b>…</b> is one mistake, not two

    def report(line: int, html: str) -> None:
        if line not in reported:
            reported.add(line)
            snippet = html.strip().split("\n")[0][:40]
            problems.append(CurriculumProblem(path, line, f"raw HTML is not allowed: {snippet}"))

    line = first_line
    for token in tokens:
        if token.map is not None:
            line = first_line + token.map[0]
        if token.type == "html_block":
            report(line, token.content)
        for child in token.children or ():
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "html_inline":
                report(line, child.content)


def _check_placeholders(lines: list[str], path: Path, problems: list[CurriculumProblem]) -> None:
    known = ", ".join(PLACEHOLDER_DEFAULTS)
    for number, text in enumerate(lines, start=1):
        for match in PLACEHOLDER_PATTERN.finditer(text):
            if match.group(1) not in PLACEHOLDER_DEFAULTS:
                problems.append(
                    CurriculumProblem(
                        path,
                        number,
                        f"unknown placeholder {match.group(0)} (known: {known})",
                    )
                )


def _check_pool_against_front_matter(
    front: _FrontMatter, questions: QuestionPool, reader: Reader
) -> None:
    """Enough questions for one attempt, and a question for every objective."""
    per_attempt = front.questions_per_attempt
    if per_attempt is not None and questions.size < per_attempt:
        reader.report(
            ("questions_per_attempt",),
            f"the pool has {questions.size} questions but questions_per_attempt is {per_attempt}",
        )
    for index, objective in enumerate(front.objectives or ()):
        if objective.id not in questions.assessed:
            reader.report(
                ("objectives", index),
                f"objective '{objective.id}' is not assessed by any question",
            )


def _build_module(
    front: _FrontMatter,
    sections: list[Section],
    questions: list[Question],
    text: str,
    path: Path,
    raw: bytes,
    lines: ModuleLines,
) -> Module:
    # Only called when the file had no problem, so every field holds a checked value.
    assert front.id and front.title and front.estimated_minutes and front.questions_per_attempt
    return Module(
        id=front.id,
        title=front.title,
        topics=tuple(front.topics or ()),
        estimated_minutes=front.estimated_minutes,
        questions_per_attempt=front.questions_per_attempt,
        objectives=tuple(front.objectives or ()),
        references=tuple(front.references or ()),
        sections=tuple(sections),
        questions=tuple(questions),
        source=text,
        source_path=path,
        content_hash=hashlib.sha256(raw).hexdigest(),
        lines=lines,
    )
