"""Load and check curriculum editions (curricula/FORMAT.md): the entry points.

Pure: files in, frozen dataclasses (``format.py``) and problems out; no Flask, no database.
``load_edition`` applies the file format only; ``check_edition`` adds the item-writing rules
(``item_rules.py``) that an edition must also meet before ``lms curriculum publish`` takes it.
The reading itself lives in ``edition_file.py`` (curriculum.yaml), ``module_file.py`` (a module
file), ``questions.py`` (its knowledge check) and ``reader.py`` (YAML with line numbers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lms.curriculum import item_rules
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
    """Load the edition in folder ``path``: the Edition when its format is sound, else None.

    The item-writing rules are not applied here; ``check_edition`` applies them.
    """
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


@dataclass(frozen=True)
class EditionCheck:
    """An edition checked against the file format and the item-writing rules."""

    folder: Path
    #: The edition when its format is sound, whether or not it meets the item rules.
    edition: Edition | None
    #: Every module file sound on its own, in the order curriculum.yaml lists them when it can
    #: say; the item rules are applied to these even when another file has a format problem.
    modules: tuple[Module, ...]
    format_problems: tuple[CurriculumProblem, ...]
    item_problems: tuple[CurriculumProblem, ...]

    @property
    def problems(self) -> list[CurriculumProblem]:
        """Every problem, file by file and line by line, curriculum.yaml first."""
        return sorted((*self.format_problems, *self.item_problems), key=_problem_order)

    @property
    def publishable(self) -> Edition | None:
        """The edition when it has no problem of either kind, else None."""
        return self.edition if not (self.format_problems or self.item_problems) else None


def check_edition(path: str | Path) -> EditionCheck:
    """Check the edition in folder ``path`` against the file format and the item rules."""
    folder = Path(path)
    header, parsed, problems = _read_edition(folder)
    listed = [key for key in (header.modules or ()) if key in parsed] if header else []
    order = listed + sorted(key for key in parsed if key not in listed)
    modules = tuple(module for key in order if (module := parsed[key].module) is not None)
    edition = None
    if not problems and header is not None:
        edition = _build_edition(header, modules, folder)
    item_problems = sorted(item_rules.check_modules(modules), key=_problem_order)
    return EditionCheck(folder, edition, modules, tuple(problems), tuple(item_problems))


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
