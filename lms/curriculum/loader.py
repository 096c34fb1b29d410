"""Read a curriculum edition folder (curricula/FORMAT.md) and report every problem in it.

Pure: files in, frozen dataclasses and problems out; no Flask, no database. Problems carry the
file and 1-based line so that an author can go straight to them, and all of them are collected
rather than stopping at the first, so one run of ``lms curriculum check`` lists everything.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from lms.curriculum.rendering import PLACEHOLDER_DEFAULTS, PLACEHOLDER_PATTERN
from lms.curriculum.topics import REQUIRED_TOPIC_KEYS, REQUIRED_TOPICS

EDITION_FILE = "curriculum.yaml"
KNOWLEDGE_CHECK_INFO = "knowledge-check"
DEFAULT_PASS_MARK = 80
MIN_OBJECTIVES, MAX_OBJECTIVES = 3, 6
MIN_OPTIONS, MAX_OPTIONS = 3, 5
#: Curriculum and module ids end up in file names and URLs, so they are strict slugs.
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
#: Objective, question and option ids are local to one module; FORMAT.md asks only that they be
#: short and unique there, and the topic keys set the example of underscores.
LOCAL_ID_PATTERN = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")
#: Options are shuffled when shown, so an option that points at the others makes no sense.
SELF_REFERENCE_PATTERN = re.compile(r"\ball of the above\b|\bboth [a-e] and [a-e]\b", re.I)

_EDITION_KEYS = ("id", "title", "edition", "effective_on", "modules", "crosswalk")
_MODULE_KEYS = (
    "id",
    "title",
    "topics",
    "estimated_minutes",
    "questions_per_attempt",
    "objectives",
    "references",
)
_QUESTION_KEYS = ("id", "objective", "type", "prompt", "rationale")

Route = tuple[str | int, ...]


# -- what a loaded edition is -------------------------------------------------------------------


class QuestionType(enum.StrEnum):
    """single: exactly one correct option; multiple: one or more; true_false: an answer."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"


@dataclass(frozen=True)
class Objective:
    id: str
    text: str


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool


@dataclass(frozen=True)
class Question:
    id: str
    objective: str
    type: QuestionType
    prompt: str
    options: tuple[Option, ...]
    answer: bool | None
    rationale: str


@dataclass(frozen=True)
class Section:
    title: str
    markdown: str


@dataclass(frozen=True)
class Module:
    """One module file: front matter, ``##`` sections in order, and the question pool."""

    id: str
    title: str
    topics: tuple[str, ...]
    estimated_minutes: int
    questions_per_attempt: int
    objectives: tuple[Objective, ...]
    references: tuple[str, ...]
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    source: str
    source_path: Path
    content_hash: str


@dataclass(frozen=True)
class Edition:
    """A whole edition as checked; ``content_hash`` is what publishing records."""

    id: str
    title: str
    edition: str
    effective_on: dt.date
    pass_mark: int
    modules: tuple[Module, ...]
    crosswalk: dict[str, tuple[str, ...]] = field(hash=False)
    source_path: Path
    content_hash: str

    @property
    def question_count(self) -> int:
        return sum(len(module.questions) for module in self.modules)


@dataclass(frozen=True)
class CurriculumProblem:
    """Something wrong in a curriculum file; ``line`` is 1-based, None when it is the whole file."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


# -- entry points -------------------------------------------------------------------------------


def find_editions(path: str | Path) -> list[Path]:
    """The edition folders at or under ``path``: every folder that holds a curriculum.yaml."""
    root = Path(path)
    if (root / EDITION_FILE).is_file():
        return [root]
    return sorted(found.parent for found in root.rglob(EDITION_FILE) if found.is_file())


def load_edition(path: str | Path) -> tuple[Edition | None, list[CurriculumProblem]]:
    """Load the edition in folder ``path``: the Edition when there is no problem, else None."""
    folder = Path(path)
    problems: list[CurriculumProblem] = []
    if not folder.is_dir():
        problems.append(CurriculumProblem(folder, None, "not a folder"))
        return None, problems
    yaml_path = folder / EDITION_FILE
    header = _read_header(yaml_path, problems)
    files = {module_path.stem: module_path for module_path in sorted(folder.glob("*.md"))}
    parsed = {stem: _read_module(module_path, problems) for stem, module_path in files.items()}
    if header is not None:
        _check_edition(header, parsed, problems)
    problems.sort(key=lambda p: (p.path.name != EDITION_FILE, str(p.path), p.line or 0))
    if problems or header is None:
        return None, problems
    # No problem means every listed module exists and was built.
    modules = tuple(
        module for module_id in header.modules or () if (module := parsed[module_id].module)
    )
    return _build_edition(header, modules, folder), problems


def load_module(path: str | Path) -> tuple[Module | None, list[CurriculumProblem]]:
    """Load one module file on its own, without the checks that need its edition."""
    problems: list[CurriculumProblem] = []
    module = _read_module(Path(path), problems).module
    problems.sort(key=lambda p: p.line or 0)
    return module, problems


def edition_hash(edition_file_bytes: bytes, modules: Sequence[Module]) -> str:
    """SHA-256 of the edition's manifest: ``sha256sum curriculum.yaml <modules in order>``.

    An auditor can recompute it in the folder with those two commands piped together.
    """
    manifest = f"{hashlib.sha256(edition_file_bytes).hexdigest()}  {EDITION_FILE}\n"
    manifest += "".join(f"{module.content_hash}  {module.id}.md\n" for module in modules)
    return hashlib.sha256(manifest.encode("utf-8")).hexdigest()


def _build_edition(header: _Header, modules: tuple[Module, ...], folder: Path) -> Edition:
    # Only called when nothing was reported, so every field holds a checked value.
    assert header.id and header.title and header.edition and header.effective_on
    assert header.pass_mark is not None and header.crosswalk is not None
    return Edition(
        id=header.id,
        title=header.title,
        edition=header.edition,
        effective_on=header.effective_on,
        pass_mark=header.pass_mark,
        modules=modules,
        crosswalk={topic.key: tuple(header.crosswalk[topic.key]) for topic in REQUIRED_TOPICS},
        source_path=folder,
        content_hash=edition_hash(header.raw, modules),
    )


# -- YAML with line numbers ---------------------------------------------------------------------


@dataclass(frozen=True)
class _YamlDocument:
    """A parsed YAML text and its node tree, which knows the file line of every key and item."""

    path: Path
    node: yaml.Node | None
    first_line: int  # the file line on which the YAML text begins

    def line(self, *route: str | int) -> int:
        """The file line of the key (or list item) reached by following ``route`` from the root."""
        node = self.node
        if node is None:
            return self.first_line
        line = node.start_mark.line
        for step in route:
            if isinstance(node, yaml.MappingNode):
                pair = next((pair for pair in node.value if pair[0].value == str(step)), None)
                if pair is None:
                    break
                line, node = pair[0].start_mark.line, pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if step >= len(node.value):
                    break
                node = node.value[step]
                line = node.start_mark.line
            else:
                break
        return line + self.first_line


def _parse_yaml(
    text: str, path: Path, first_line: int, problems: list[CurriculumProblem]
) -> tuple[Any, _YamlDocument] | None:
    """Parse ``text`` safely, keeping the node tree for line numbers; None after a YAML error."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark is not None else None
        reason = error.problem or str(error)
        problems.append(CurriculumProblem(path, line, f"invalid YAML: {reason}"))
        return None
    except (yaml.YAMLError, ValueError) as error:  # ValueError: a date such as 2026-13-01
        problems.append(CurriculumProblem(path, first_line, f"invalid YAML: {error}"))
        return None
    finally:
        loader.dispose()
    document = _YamlDocument(path, node, first_line)
    _report_duplicate_keys(document, node, problems)
    return data, document


def _report_duplicate_keys(
    document: _YamlDocument, node: yaml.Node | None, problems: list[CurriculumProblem]
) -> None:
    # PyYAML silently keeps the last of two equal keys; an author never means that.
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            if key.value in seen:
                line = key.start_mark.line + document.first_line
                problems.append(
                    CurriculumProblem(document.path, line, f"duplicate key '{key.value}'")
                )
            seen.add(key.value)
            _report_duplicate_keys(document, value, problems)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _report_duplicate_keys(document, item, problems)


class _Reader:
    """Checks the values of one YAML document, reporting each problem at its line."""

    def __init__(self, document: _YamlDocument, problems: list[CurriculumProblem]) -> None:
        self.document = document
        self.problems = problems

    def report(self, route: Route, message: str) -> None:
        line = self.document.line(*route)
        self.problems.append(CurriculumProblem(self.document.path, line, message))

    def mapping(self, value: object, route: Route, what: str) -> dict[Any, Any] | None:
        if isinstance(value, dict):
            return value
        self.report(route, f"{what} must be a mapping of keys to values")
        return None

    def keys(
        self,
        mapping: dict[Any, Any],
        route: Route,
        prefix: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> None:
        """Report unknown keys at their line and missing ones at the mapping's first line."""
        required = tuple(required)
        known = (*required, *optional)
        for key in mapping:
            if key not in known:
                allowed = ", ".join(known)
                self.report((*route, key), f"{prefix}unknown key '{key}' (allowed: {allowed})")
        for key in required:
            if key not in mapping:
                self.report(route, f"{prefix}missing required key '{key}'")

    # The getters below return None without a report when the key is absent: keys() did that.

    def text(self, mapping: dict[Any, Any], key: str, route: Route, prefix: str) -> str | None:
        if key not in mapping:
            return None
        value = mapping[key]
        if isinstance(value, str) and value.strip():
            return value.strip()
        hint = " (put it in quotes)" if isinstance(value, bool | int | float) else ""
        self.report((*route, key), f"{prefix}'{key}' must be text{hint}")
        return None

    def identifier(
        self, mapping: dict[Any, Any], key: str, route: Route, prefix: str, local: bool = False
    ) -> str | None:
        if key not in mapping:
            return None
        return self.id_value(mapping[key], (*route, key), f"{prefix}'{key}'", local)

    def id_value(self, value: object, route: Route, what: str, local: bool = False) -> str | None:
        pattern = LOCAL_ID_PATTERN if local else ID_PATTERN
        if isinstance(value, str) and pattern.match(value):
            return value
        allowed = "digits, hyphens and underscores" if local else "digits and hyphens"
        self.report(route, f"{what} must be an id of lower-case letters, {allowed}")
        return None

    def integer(
        self,
        mapping: dict[Any, Any],
        key: str,
        route: Route,
        prefix: str,
        low: int,
        high: int | None = None,
    ) -> int | None:
        if key not in mapping:
            return None
        value = mapping[key]
        fits = isinstance(value, int) and not isinstance(value, bool)
        if fits and low <= value and (high is None or value <= high):
            return value
        limits = f"from {low} to {high}" if high is not None else f"of at least {low}"
        self.report((*route, key), f"{prefix}'{key}' must be a whole number {limits}")
        return None

    def sequence(
        self, mapping: dict[Any, Any], key: str, route: Route, prefix: str
    ) -> list[Any] | None:
        if key not in mapping:
            return None
        value = mapping[key]
        if isinstance(value, list):
            return value
        self.report((*route, key), f"{prefix}'{key}' must be a list")
        return None


def _read_text_file(path: Path, problems: list[CurriculumProblem]) -> tuple[bytes, str] | None:
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.append(CurriculumProblem(path, None, f"the file cannot be read: {error.strerror}"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(CurriculumProblem(path, line, "the file is not UTF-8 text"))
        return None
    # Line numbers must agree between YAML, markdown-it and what an editor shows.
    return raw, text.replace("\r\n", "\n").replace("\r", "\n")


# -- curriculum.yaml ----------------------------------------------------------------------------


@dataclass
class _Header:
    """What curriculum.yaml says; a field is None where its value had a problem."""

    raw: bytes
    reader: _Reader
    id: str | None = None
    title: str | None = None
    edition: str | None = None
    effective_on: dt.date | None = None
    pass_mark: int | None = DEFAULT_PASS_MARK
    modules: list[str] | None = None
    crosswalk: dict[str, list[str]] | None = None


def _read_header(path: Path, problems: list[CurriculumProblem]) -> _Header | None:
    if not path.is_file():
        problems.append(CurriculumProblem(path, None, f"the edition has no {EDITION_FILE}"))
        return None
    read = _read_text_file(path, problems)
    parsed = _parse_yaml(read[1], path, 1, problems) if read is not None else None
    if read is None or parsed is None:
        return None
    data, document = parsed
    reader = _Reader(document, problems)
    mapping = reader.mapping(data, (), EDITION_FILE)
    if mapping is None:
        return None
    reader.keys(mapping, (), "", _EDITION_KEYS, ("pass_mark",))
    header = _Header(raw=read[0], reader=reader)
    header.id = reader.identifier(mapping, "id", (), "")
    header.title = reader.text(mapping, "title", (), "")
    header.edition = _edition_label(reader, mapping)
    header.effective_on = _effective_on(reader, mapping)
    if "pass_mark" in mapping:
        header.pass_mark = reader.integer(mapping, "pass_mark", (), "", 1, 100)
    _check_folder_names(header, path.resolve().parent, reader)
    header.modules = _module_list(reader, mapping)
    header.crosswalk = _crosswalk(reader, mapping)
    return header


def _check_folder_names(header: _Header, folder: Path, reader: _Reader) -> None:
    # FORMAT.md places an edition at curricula/<curriculum-id>/<edition>/; publishing relies on it.
    if header.id is not None and header.id != folder.parent.name:
        message = f"id '{header.id}' does not match the folder name '{folder.parent.name}'"
        reader.report(("id",), message)
    if header.edition is not None and header.edition != folder.name:
        message = f"edition '{header.edition}' does not match the folder name '{folder.name}'"
        reader.report(("edition",), message)


def _edition_label(reader: _Reader, mapping: dict[Any, Any]) -> str | None:
    value = mapping.get("edition")
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Unquoted, 2026 is a number to YAML; the format keeps editions as text.
        reader.report(("edition",), f"'edition' must be text: write edition: \"{value}\"")
        return None
    return reader.text(mapping, "edition", (), "")


def _effective_on(reader: _Reader, mapping: dict[Any, Any]) -> dt.date | None:
    if "effective_on" not in mapping:
        return None
    value = mapping["effective_on"]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    reader.report(("effective_on",), "'effective_on' must be a date written YYYY-MM-DD")
    return None


def _module_list(reader: _Reader, mapping: dict[Any, Any]) -> list[str] | None:
    items = reader.sequence(mapping, "modules", (), "")
    if items is None:
        return None
    if not items:
        reader.report(("modules",), "'modules' must list at least one module")
    modules: list[str] = []
    for index, item in enumerate(items):
        module_id = reader.id_value(item, ("modules", index), "a module id")
        if module_id is None:
            continue
        if module_id in modules:
            reader.report(("modules", index), f"module '{module_id}' is listed twice")
            continue
        modules.append(module_id)
    return modules


def _crosswalk(reader: _Reader, mapping: dict[Any, Any]) -> dict[str, list[str]] | None:
    if "crosswalk" not in mapping:
        return None
    entries = reader.mapping(mapping["crosswalk"], ("crosswalk",), "'crosswalk'")
    if entries is None:
        return None
    crosswalk: dict[str, list[str]] = {}
    for key, value in entries.items():
        route: Route = ("crosswalk", str(key))
        if key not in REQUIRED_TOPIC_KEYS:
            reader.report(route, f"unknown topic key '{key}' in the crosswalk")
            continue
        if not isinstance(value, list):
            reader.report(route, f"crosswalk '{key}' must be a list of module ids")
            continue
        crosswalk[key] = [
            module_id
            for index, item in enumerate(value)
            if (module_id := reader.id_value(item, (*route, index), "a module id")) is not None
        ]
    return crosswalk


def _check_edition(
    header: _Header, parsed: dict[str, _ParsedModule], problems: list[CurriculumProblem]
) -> None:
    """The checks that need curriculum.yaml and the module files together."""
    reader = header.reader
    listed = header.modules
    if listed is not None:
        for index, module_id in enumerate(listed):
            if module_id not in parsed:
                reader.report(
                    ("modules", index),
                    f"module '{module_id}' is listed but {module_id}.md does not exist",
                )
        for stem in parsed:
            if stem not in listed:
                reader.report(("modules",), f"{stem}.md is not listed under 'modules'")
    if header.crosswalk is not None:
        # When 'modules' itself is broken, the module files stand in for the list.
        known = [stem for stem in parsed if listed is None or stem in listed]
        _check_crosswalk(header.crosswalk, known, parsed, reader)


def _check_crosswalk(
    crosswalk: dict[str, list[str]],
    known: list[str],
    parsed: dict[str, _ParsedModule],
    reader: _Reader,
) -> None:
    """Every module in the crosswalk exists and agrees; every required topic is covered."""
    for key, module_ids in crosswalk.items():
        for index, module_id in enumerate(module_ids):
            route: Route = ("crosswalk", key, index)
            if module_id not in known:
                reader.report(
                    route, f"the crosswalk maps '{key}' to '{module_id}', which is not a module"
                )
                continue
            topics = parsed[module_id].topics
            if topics is not None and key not in topics:
                reader.report(
                    route,
                    f"the crosswalk maps '{key}' to '{module_id}', "
                    f"but {module_id}.md does not list '{key}' in its topics",
                )
    for topic in REQUIRED_TOPICS:
        if not any(module_id in known for module_id in crosswalk.get(topic.key, ())):
            route = ("crosswalk", topic.key) if topic.key in crosswalk else ("crosswalk",)
            reader.report(
                route,
                f"required topic '{topic.key}' ({topic.wording}) is not covered by any module",
            )
    for module_id in known:
        module = parsed[module_id]
        for index, key in enumerate(module.topics or ()):
            if key in REQUIRED_TOPIC_KEYS and module_id not in crosswalk.get(key, ()):
                line = module.topic_lines[index]
                reader.problems.append(
                    CurriculumProblem(
                        module.path,
                        line,
                        f"topic '{key}' is listed here but the crosswalk does not map it "
                        f"to '{module_id}'",
                    )
                )


# -- module files -------------------------------------------------------------------------------


@dataclass
class _ParsedModule:
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


def _read_module(path: Path, problems: list[CurriculumProblem]) -> _ParsedModule:
    before = len(problems)
    result = _ParsedModule(path)
    read = _read_text_file(path, problems)
    if read is None:
        return result
    raw, text = read
    lines = text.split("\n")
    close = _front_matter_end(lines, path, problems)
    if close is None:
        return result
    parsed = _parse_yaml("\n".join(lines[1:close]), path, 2, problems)
    front = _read_front_matter(parsed, path, problems) if parsed is not None else None
    if front is not None and parsed is not None:
        result.topics = front.topics
        result.topic_lines = [parsed[1].line("topics", i) for i in range(len(front.topics or ()))]
    body_first_line = close + 2
    sections, pool = _read_body(lines[close + 1 :], body_first_line, path, problems)
    _check_placeholders(lines, path, problems)
    questions = _read_pool(pool, front, path, problems)
    if front is not None and parsed is not None and questions is not None:
        _check_pool_against_front_matter(front, questions, _Reader(parsed[1], problems))
    if len(problems) == before and front is not None and questions is not None:
        result.module = _build_module(front, sections, questions.questions, text, path, raw)
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
    parsed: tuple[Any, _YamlDocument], path: Path, problems: list[CurriculumProblem]
) -> _FrontMatter | None:
    data, document = parsed
    reader = _Reader(document, problems)
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


def _topics(reader: _Reader, mapping: dict[Any, Any]) -> list[str] | None:
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


def _objectives(reader: _Reader, mapping: dict[Any, Any]) -> list[Objective] | None:
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


def _references(reader: _Reader, mapping: dict[Any, Any]) -> list[str] | None:
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


@dataclass(frozen=True)
class _Pool:
    """The knowledge-check fence: its YAML text and the file line on which that text begins."""

    text: str
    first_line: int


@functools.cache
def _structure_parser() -> MarkdownIt:
    # HTML stays enabled here, unlike in rendering, so that raw HTML shows up as tokens to report.
    return MarkdownIt("commonmark").enable("table")


def _read_body(
    lines: list[str], first_line: int, path: Path, problems: list[CurriculumProblem]
) -> tuple[list[Section], _Pool | None]:
    """Split the body into ``##`` sections and find the trailing knowledge-check fence."""
    tokens = _structure_parser().parse("\n".join(lines))
    _check_raw_html(tokens, first_line, path, problems)
    headings: list[tuple[str, int, int]] = []  # title, heading line index, first content index
    pool: _Pool | None = None
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
            pool, pool_start = _Pool(token.content, first_line + start + 1), start
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


# -- the knowledge check ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Questions:
    """The sound questions, and what every entry of the pool says, sound or not."""

    questions: list[Question]
    size: int
    assessed: set[str]


def _read_pool(
    pool: _Pool | None,
    front: _FrontMatter | None,
    path: Path,
    problems: list[CurriculumProblem],
) -> _Questions | None:
    """The question pool; None when it could not be read at all."""
    if pool is None:
        return None
    parsed = _parse_yaml(pool.text, path, pool.first_line, problems)
    if parsed is None:
        return None
    data, document = parsed
    reader = _Reader(document, problems)
    if not isinstance(data, list) or not data:
        reader.report((), "the knowledge check must be a YAML list of questions")
        return None
    objective_ids = None
    if front is not None and front.objectives is not None:
        objective_ids = {objective.id for objective in front.objectives}
    questions: list[Question] = []
    seen: set[str] = set()
    for index, item in enumerate(data):
        question = _read_question(reader, item, index, objective_ids)
        if question is None:
            continue
        if question.id in seen:
            reader.report((index, "id"), f"question id '{question.id}' is used twice")
            continue
        seen.add(question.id)
        questions.append(question)
    # Counted over every entry, so that one broken question does not also break these checks.
    assessed = {item.get("objective") for item in data if isinstance(item, dict)}
    return _Questions(questions, len(data), {key for key in assessed if isinstance(key, str)})


def _read_question(
    reader: _Reader, item: object, index: int, objective_ids: set[str] | None
) -> Question | None:
    """One question, or None when it has a problem (reported)."""
    route: Route = (index,)
    entry = reader.mapping(item, route, f"question {index + 1}")
    if entry is None:
        return None
    question_id = reader.identifier(entry, "id", route, f"question {index + 1}: ", local=True)
    prefix = f"question {question_id or index + 1}: "
    reader.keys(entry, route, prefix, _QUESTION_KEYS, ("options", "answer"))
    objective = reader.identifier(entry, "objective", route, prefix, local=True)
    if objective is not None and objective_ids is not None and objective not in objective_ids:
        reader.report((*route, "objective"), f"{prefix}objective '{objective}' is not defined")
        objective = None
    kind = _question_type(reader, entry, route, prefix)
    prompt = reader.text(entry, "prompt", route, prefix)
    rationale = reader.text(entry, "rationale", route, prefix)
    options, answer = _answers(reader, entry, route, prefix, kind)
    if not (question_id and objective and kind and prompt and rationale) or options is None:
        return None
    return Question(question_id, objective, kind, prompt, options, answer, rationale)


def _question_type(
    reader: _Reader, entry: dict[Any, Any], route: Route, prefix: str
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
    reader: _Reader,
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


def _options(
    reader: _Reader, items: object, route: Route, prefix: str
) -> tuple[Option, ...] | None:
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


def _option(reader: _Reader, item: object, route: Route, prefix: str) -> Option | None:
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


def _check_pool_against_front_matter(
    front: _FrontMatter, questions: _Questions, reader: _Reader
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
    )
