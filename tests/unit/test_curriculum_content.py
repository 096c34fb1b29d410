"""The real course in curricula/: loads cleanly, covers the 17 topics, cannot quietly shrink."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from lms.curriculum.format import Module
from lms.curriculum.loader import find_editions, load_edition, load_module
from lms.curriculum.topics import REQUIRED_TOPIC_KEYS

CURRICULA = Path(__file__).resolve().parents[2] / "curricula"
EDITIONS = find_editions(CURRICULA)
MODULE_FILES = sorted(path for edition in EDITIONS for path in edition.glob("*.md"))

MIN_WORDS, MAX_WORDS = 1500, 3000
MIN_POOL = 12
MIN_QUESTIONS_PER_ATTEMPT = 8
MIN_SCENARIOS = 2
WORD = re.compile(r"[\w'\u2019-]+")  # \u2019: the typographic apostrophe
SCENARIO = re.compile(r"^### Scenario: \S", re.MULTILINE)


def name(path: Path) -> str:
    return str(path.relative_to(CURRICULA))


def body_words(module: Module) -> int:
    """Words of reading in the sections, Markdown syntax stripped; questions do not count."""
    parser = MarkdownIt("commonmark").enable("table")
    words = 0
    for section in module.sections:
        for token in parser.parse(section.markdown):
            for child in token.children or ():
                if child.type in ("text", "code_inline"):
                    words += len(WORD.findall(child.content))
    return words


@pytest.fixture(scope="module", params=MODULE_FILES, ids=name)
def module(request) -> Module:
    module, problems = load_module(request.param)
    assert problems == [], "\n".join(map(str, problems))
    return module


def test_there_is_a_curriculum():
    assert EDITIONS, f"no curriculum.yaml under {CURRICULA}"
    assert MODULE_FILES


@pytest.mark.parametrize("folder", EDITIONS, ids=name)
def test_edition_loads_with_no_problems(folder):
    edition, problems = load_edition(folder)
    assert problems == [], "\n".join(map(str, problems))
    assert edition is not None


@pytest.mark.parametrize("folder", EDITIONS, ids=name)
def test_every_required_topic_is_mapped_to_a_module(folder):
    edition, _ = load_edition(folder)
    module_ids = {module.id for module in edition.modules}
    assert list(edition.crosswalk) == list(REQUIRED_TOPIC_KEYS)
    for key, covering in edition.crosswalk.items():
        assert covering, key
        assert set(covering) <= module_ids, key


def test_body_length(module):
    assert MIN_WORDS <= body_words(module) <= MAX_WORDS


def test_objectives(module):
    assert 3 <= len(module.objectives) <= 6


def test_question_pool(module):
    assert len(module.questions) >= MIN_POOL
    assert module.questions_per_attempt >= MIN_QUESTIONS_PER_ATTEMPT
    assert len(module.questions) >= module.questions_per_attempt


def test_every_objective_is_assessed(module):
    assessed = {question.objective for question in module.questions}
    assert [o.id for o in module.objectives if o.id not in assessed] == []


def test_scenarios(module):
    scenarios = sum(len(SCENARIO.findall(section.markdown)) for section in module.sections)
    assert scenarios >= MIN_SCENARIOS
