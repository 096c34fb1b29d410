"""Load curriculum editions (curricula/FORMAT.md): the entry points.

Pure: files in, frozen dataclasses (``format.py``) and problems out; no Flask, no database.
The reading itself lives in ``edition_file.py`` (curriculum.yaml), ``module_file.py`` (a module
file), ``questions.py`` (its knowledge check) and ``reader.py`` (YAML with line numbers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from lms.curriculum.edition_file import Header, check_edition_files, read_header
from lms.curriculum.format import EDITION_FILE, CurriculumProblem, Edition, Module
from lms.curriculum.module_file import ParsedModule, read_module
from lms.curriculum.topics import REQUIRED_TOPICS


def find_editions(path: str | Path) -> list[Path]:
    """The edition folders at or under ``path``: every folder that holds a curriculum.yaml."""
    root = Path(path)
    if (root / EDITION_FILE).is_file():
        return [root]
    return sorted(found.parent for found in root.rglob(EDITION_FILE) if found.is_file())


def load_edition(path: str | Path) -> tuple[Edition | None, list[CurriculumProblem]]:
    """Load the edition in folder ``path``: the Edition when there is no problem, else None."""
    folder = Path(path)
    header, parsed, problems = _read_edition(folder)
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
    module = read_module(Path(path), problems).module
    problems.sort(key=lambda p: p.line or 0)
    return module, problems


def edition_hash(edition_file_bytes: bytes, modules: Sequence[Module]) -> str:
    """SHA-256 of the edition's manifest: ``sha256sum curriculum.yaml <modules in order>``.

    An auditor can recompute it in the folder with those two commands piped together.
    """
    manifest = f"{hashlib.sha256(edition_file_bytes).hexdigest()}  {EDITION_FILE}\n"
    manifest += "".join(f"{module.content_hash}  {module.id}.md\n" for module in modules)
    return hashlib.sha256(manifest.encode("utf-8")).hexdigest()


def _problem_order(problem: CurriculumProblem) -> tuple[bool, str, int]:
    return (problem.path.name != EDITION_FILE, str(problem.path), problem.line or 0)


def _read_edition(
    folder: Path,
) -> tuple[Header | None, dict[str, ParsedModule], list[CurriculumProblem]]:
    """curriculum.yaml and every module file in ``folder``, with the format problems, sorted."""
    problems: list[CurriculumProblem] = []
    if not folder.is_dir():
        problems.append(CurriculumProblem(folder, None, "not a folder"))
        return None, {}, problems
    header = read_header(folder / EDITION_FILE, problems)
    files = {module_path.stem: module_path for module_path in sorted(folder.glob("*.md"))}
    parsed = {stem: read_module(module_path, problems) for stem, module_path in files.items()}
    if header is not None:
        check_edition_files(header, parsed, problems)
    problems.sort(key=_problem_order)
    return header, parsed, problems


def _build_edition(header: Header, modules: tuple[Module, ...], folder: Path) -> Edition:
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
