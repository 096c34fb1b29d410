"""Reading curriculum files: text, and YAML whose every key and item knows its file line.

Problems carry the file and 1-based line so that an author can go straight to them, and every
reader collects them rather than stopping at the first, so one run of ``lms curriculum check``
lists everything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lms.curriculum.format import CurriculumProblem

#: Curriculum and module ids end up in file names and URLs, so they are strict slugs.
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
#: Objective, question and option ids are local to one module; FORMAT.md asks only that they be
#: short and unique there, and the topic keys set the example of underscores.
LOCAL_ID_PATTERN = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")

Route = tuple[str | int, ...]


# -- YAML with line numbers ---------------------------------------------------------------------


@dataclass(frozen=True)
class YamlDocument:
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


def parse_yaml(
    text: str, path: Path, first_line: int, problems: list[CurriculumProblem]
) -> tuple[Any, YamlDocument] | None:
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
    document = YamlDocument(path, node, first_line)
    _report_duplicate_keys(document, node, problems)
    return data, document


def _report_duplicate_keys(
    document: YamlDocument, node: yaml.Node | None, problems: list[CurriculumProblem]
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


class Reader:
    """Checks the values of one YAML document, reporting each problem at its line."""

    def __init__(self, document: YamlDocument, problems: list[CurriculumProblem]) -> None:
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

    def flag(self, mapping: dict[Any, Any], key: str, route: Route, prefix: str) -> bool | None:
        if key not in mapping:
            return None
        value = mapping[key]
        if isinstance(value, bool):
            return value
        self.report((*route, key), f"{prefix}'{key}' must be true or false")
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


def read_text_file(path: Path, problems: list[CurriculumProblem]) -> tuple[bytes, str] | None:
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
