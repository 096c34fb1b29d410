"""``lms curriculum check`` on the real course and on a broken copy of it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from lms.curriculum.cli import curriculum_group

CURRICULA = Path(__file__).resolve().parents[2] / "curricula"
REAL_EDITION = CURRICULA / "tm-core" / "2026"
OK_LINE = re.compile(
    r"^OK: tm-core 2026 — 20 modules, \d+ questions, 17/17 required topics covered$", re.M
)


def check(*paths: Path):
    return CliRunner().invoke(curriculum_group, ["check", *map(str, paths)])


@pytest.fixture
def broken(tmp_path) -> Path:
    """A copy of the real edition with one problem in curriculum.yaml and one in a module."""
    copy = tmp_path / "curricula" / "tm-core" / "2026"
    shutil.copytree(REAL_EDITION, copy)
    edition_file = copy / "curriculum.yaml"
    edition_file.write_text(
        edition_file.read_text(encoding="utf-8").replace("pass_mark: 80", "pass_mark: 800"),
        encoding="utf-8",
    )
    wraparound = copy / "wraparound.md"
    wraparound.write_text(
        wraparound.read_text(encoding="utf-8").replace("id: wraparound", "id: wrap-around"),
        encoding="utf-8",
    )
    return copy


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(number for number, line in enumerate(lines, 1) if line.startswith(text))


def test_the_real_curriculum_passes():
    result = check(CURRICULA)
    assert result.exit_code == 0, result.output
    assert OK_LINE.search(result.output)
    assert result.output.count("\n") == 1


def test_an_edition_folder_itself_may_be_named():
    result = check(REAL_EDITION)
    assert result.exit_code == 0, result.output
    assert OK_LINE.search(result.output)


def test_a_broken_copy_lists_each_problem_as_path_line_message(broken):
    result = check(broken)
    assert result.exit_code == 2
    edition_file, wraparound = broken / "curriculum.yaml", broken / "wraparound.md"
    assert result.output.splitlines() == [
        f"{edition_file}:{line_of(edition_file, 'pass_mark')}: "
        "'pass_mark' must be a whole number from 1 to 100",
        f"{wraparound}:2: id 'wrap-around' does not match the file name 'wraparound.md'",
        f"FAILED: {broken} — 2 problems",
    ]


def test_every_edition_under_a_parent_is_checked(broken):
    result = check(broken.parents[1], CURRICULA)
    assert result.exit_code == 2
    assert f"FAILED: {broken} — 2 problems" in result.output
    assert OK_LINE.search(result.output)


def test_a_folder_without_an_edition_is_a_problem(tmp_path):
    result = check(tmp_path)
    assert result.exit_code == 2
    assert result.output == f"{tmp_path}: no curriculum.yaml at or under this folder\n"


def test_a_missing_path_is_a_usage_error(tmp_path):
    result = check(tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_works_inside_a_flask_command_line_without_a_database():
    # What `lms curriculum check` will do once the group is registered on the real app.
    app = Flask(__name__)
    app.cli.add_command(curriculum_group)
    result = app.test_cli_runner().invoke(args=["curriculum", "check", str(REAL_EDITION)])
    assert result.exit_code == 0, result.output
    assert OK_LINE.search(result.output)
