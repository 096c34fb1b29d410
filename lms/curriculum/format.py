"""What a loaded curriculum edition is (curricula/FORMAT.md), as frozen dataclasses.

Stdlib only, so that the pure item rules (``item_rules.py``) and the readers share these types
without either pulling in the other's dependencies.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

EDITION_FILE = "curriculum.yaml"
KNOWLEDGE_CHECK_INFO = "knowledge-check"
DEFAULT_PASS_MARK = 80


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
    """One question of a module's pool.

    ``scenario`` says the question applies knowledge to a realistic situation; ``section`` is
    the title of the module section that teaches its answer (None when the file names none).
    """

    id: str
    objective: str
    type: QuestionType
    prompt: str
    options: tuple[Option, ...]
    answer: bool | None
    rationale: str
    scenario: bool = False
    section: str | None = None


@dataclass(frozen=True)
class Section:
    title: str
    markdown: str


@dataclass(frozen=True)
class ModuleLines:
    """Where things are in a module file, so that checks made after loading can point at them.

    Every line is 1-based; a key that is missing (a module built by hand) means "the file".
    """

    questions_per_attempt: int | None = None
    knowledge_check: int | None = None  # the ```knowledge-check line
    objectives: Mapping[str, int] = field(default_factory=dict)  # objective id -> its line
    questions: Mapping[str, int] = field(default_factory=dict)  # question id -> its line


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
    lines: ModuleLines = field(default_factory=ModuleLines, compare=False, hash=False)


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
    """Something wrong in a curriculum file; ``line`` is 1-based, None when it is the whole file.

    ``rule`` names the item-writing rule broken (``item_rules.py``); None for the file format.
    """

    path: Path
    line: int | None
    message: str
    rule: str | None = None

    def __str__(self) -> str:
        return self._shown(str(self.path), self.message)

    def relative_to(self, base: Path) -> str:
        """The problem with its file named relative to ``base`` (the curricula folder), for pages:
        a page never shows a server path. A file outside ``base`` is named by its own name."""
        try:
            where = self.path.relative_to(base).as_posix()
        except ValueError:
            where = self.path.name
        return self._shown(where, self.message.replace(f"{base}/", "").replace(str(base), "."))

    def _shown(self, where: str, message: str) -> str:
        place = where if self.line is None else f"{where}:{self.line}"
        tag = f" [item rule: {self.rule}]" if self.rule else ""
        return f"{place}: {message}{tag}"
