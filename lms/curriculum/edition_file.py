"""Reading ``curriculum.yaml`` and the checks that need it and the module files together."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lms.curriculum.format import DEFAULT_PASS_MARK, EDITION_FILE, CurriculumProblem
from lms.curriculum.module_file import ParsedModule
from lms.curriculum.reader import Reader, Route, parse_yaml, read_text_file
from lms.curriculum.topics import REQUIRED_TOPIC_KEYS, REQUIRED_TOPICS

_EDITION_KEYS = ("id", "title", "edition", "effective_on", "modules", "crosswalk")


@dataclass
class Header:
    """What curriculum.yaml says; a field is None where its value had a problem."""

    raw: bytes
    reader: Reader
    id: str | None = None
    title: str | None = None
    edition: str | None = None
    effective_on: dt.date | None = None
    pass_mark: int | None = DEFAULT_PASS_MARK
    modules: list[str] | None = None
    crosswalk: dict[str, list[str]] | None = None


def read_header(path: Path, problems: list[CurriculumProblem]) -> Header | None:
    if not path.is_file():
        problems.append(CurriculumProblem(path, None, f"the edition has no {EDITION_FILE}"))
        return None
    read = read_text_file(path, problems)
    parsed = parse_yaml(read[1], path, 1, problems) if read is not None else None
    if read is None or parsed is None:
        return None
    data, document = parsed
    reader = Reader(document, problems)
    mapping = reader.mapping(data, (), EDITION_FILE)
    if mapping is None:
        return None
    reader.keys(mapping, (), "", _EDITION_KEYS, ("pass_mark",))
    header = Header(raw=read[0], reader=reader)
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


def _check_folder_names(header: Header, folder: Path, reader: Reader) -> None:
    # FORMAT.md places an edition at curricula/<curriculum-id>/<edition>/; publishing relies on it.
    if header.id is not None and header.id != folder.parent.name:
        message = f"id '{header.id}' does not match the folder name '{folder.parent.name}'"
        reader.report(("id",), message)
    if header.edition is not None and header.edition != folder.name:
        message = f"edition '{header.edition}' does not match the folder name '{folder.name}'"
        reader.report(("edition",), message)


def _edition_label(reader: Reader, mapping: dict[Any, Any]) -> str | None:
    value = mapping.get("edition")
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Unquoted, 2026 is a number to YAML; the format keeps editions as text.
        reader.report(("edition",), f"'edition' must be text: write edition: \"{value}\"")
        return None
    return reader.text(mapping, "edition", (), "")


def _effective_on(reader: Reader, mapping: dict[Any, Any]) -> dt.date | None:
    if "effective_on" not in mapping:
        return None
    value = mapping["effective_on"]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    reader.report(("effective_on",), "'effective_on' must be a date written YYYY-MM-DD")
    return None


def _module_list(reader: Reader, mapping: dict[Any, Any]) -> list[str] | None:
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


def _crosswalk(reader: Reader, mapping: dict[Any, Any]) -> dict[str, list[str]] | None:
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


def check_edition_files(
    header: Header, parsed: dict[str, ParsedModule], problems: list[CurriculumProblem]
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
    parsed: dict[str, ParsedModule],
    reader: Reader,
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
