"""``lms curriculum check``: the file format and the item-writing rules, on small editions built
by hand and on the real 2026 course, whose pools were written before the item rules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from lms.curriculum.cli import curriculum_group
from tests.support.editions import Folder

CURRICULA = Path(__file__).resolve().parents[2] / "curricula"
EDITION_2026 = CURRICULA / "tm-core" / "2026"
OK_LINE = "OK: demo 2030 — 2 modules, 18 questions, 17/17 required topics covered"


def check(*args: Path | str):
    return CliRunner().invoke(curriculum_group, ["check", *map(str, args)])


@pytest.fixture
def sound(tmp_path) -> Folder:
    """An edition that meets the file format and the item rules."""
    return Folder(tmp_path / "demo" / "2030", item_rules=True)


@pytest.fixture
def broken(tmp_path) -> Folder:
    """The sound edition with two format problems and one item-rule problem."""
    folder = Folder(tmp_path / "broken" / "demo" / "2030", item_rules=True)
    folder.edit("curriculum.yaml", "pass_mark: 75", "pass_mark: 800")
    folder.edit("beta.md", "id: beta", "id: bet")
    folder.edit("alpha.md", "      text: Cancel the session now\n", "      text: Stop now\n")
    return folder


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(number for number, line in enumerate(lines, 1) if line.lstrip().startswith(text))


def test_a_sound_edition_passes(sound):
    result = check(sound.path)
    assert result.exit_code == 0, result.output
    assert result.output == OK_LINE + "\n"


def test_every_problem_as_path_line_message_format_and_item_rules_alike(broken):
    result = check(broken.path)
    assert result.exit_code == 2
    edition_file, alpha, beta = (broken.path / name for name in ("curriculum.yaml", "alpha.md",
                                                                 "beta.md"))  # fmt: skip
    assert result.output.splitlines() == [
        f"{edition_file}:{line_of(edition_file, 'pass_mark')}: "
        "'pass_mark' must be a whole number from 1 to 100",
        # Stop now (8 characters) against Ask the family first (20) and Plan the outing alone
        # (21): 38 % of the longest, where 40 % is the least.
        f"{alpha}:{line_of(alpha, '- id: q07')}: q07: the shortest option (c, 8 characters) is "
        "38.1% of the longest (b, 21 characters) (at least 40%) [item rule: shortest-option]",
        f"{beta}:2: id 'bet' does not match the file name 'beta.md'",
        f"FAILED: {broken.path} — 3 problems (format: 2, item rules: 1)",
    ]


def test_every_edition_under_a_parent_is_checked(sound, broken):
    result = check(broken.path.parents[1], sound.path)
    assert result.exit_code == 2
    assert f"FAILED: {broken.path} — 3 problems (format: 2, item rules: 1)" in result.output
    assert result.output.endswith(OK_LINE + "\n")


def test_the_item_rules_alone_fail_an_edition(sound):
    sound.edit("beta.md", "questions_per_attempt: 3", "questions_per_attempt: 4")
    result = check(sound.path)
    assert result.exit_code == 2
    beta = sound.path / "beta.md"
    assert result.output.splitlines() == [
        f"{beta}:6: the pool has 9 questions; it needs at least 12 (3 x questions_per_attempt 4) "
        "so that a retake shows mostly new ones [item rule: pool-size]",
        f"FAILED: {sound.path} — 1 problem (format: 0, item rules: 1)",
    ]


def test_the_2026_course_fails_on_the_item_rules():
    # Its pools are the old ones: 13-14 questions for papers of 8, and in 154 of 170 single
    # questions the correct option is the longest.
    result = check(EDITION_2026)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert re.fullmatch(
        rf"FAILED: {re.escape(str(EDITION_2026))} — \d+ problems \(format: 0, item rules: \d+\)",
        lines[-1],
    )
    wraparound = EDITION_2026 / "wraparound.md"
    pool_size = (
        f"{wraparound}:{line_of(wraparound, 'questions_per_attempt')}: the pool has 13 "
        "questions; it needs at least 24 (3 x questions_per_attempt 8) so that a retake shows "
        "mostly new ones [item rule: pool-size]"
    )
    assert pool_size in lines
    key_length = re.compile(
        r".*\.md:\d+: q\d\d: the correct option is \d\.\d\dx the longest wrong option "
        r"\(\d+ characters in [a-e], \d+ in [a-e]\) \(limit 1\.25\) \[item rule: key-length\]"
    )
    assert any(key_length.fullmatch(line) for line in lines)
    named = {rule for line in lines if (rule := re.search(r"\[item rule: ([a-z-]+)\]$", line))}
    assert {"pool-size", "key-length"} <= {match.group(1) for match in named}


def test_stats_print_each_modules_measurements(sound):
    sound.edit("beta.md", "  scenario: true\n  section: First section\n  prompt: Jay",
               "  section: First section\n  prompt: Jay")  # fmt: skip
    result = check("--stats", sound.path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "module  pool  per attempt  scenario  key longest  max key ratio  T/F true/false",
        "alpha      9            3   6 (67%)    1/5 (20%)           1.11             1/1",
        "beta       9            3   5 (56%)    1/5 (20%)           1.11             1/1",
        OK_LINE,
    ]


def test_stats_of_a_failing_edition_come_after_its_problems(sound):
    sound.edit("alpha.md", "  answer: false\n", "  answer: true\n")
    result = check("--stats", sound.path)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].endswith("(they may differ by at most 1) [item rule: true-false-balance]")
    assert lines[2].startswith("alpha      9            3   6 (67%)    1/5 (20%)           1.11")
    assert lines[2].endswith("2/0")


def test_a_folder_without_an_edition_is_a_problem(tmp_path):
    result = check(tmp_path)
    assert result.exit_code == 2
    assert result.output == f"{tmp_path}: no curriculum.yaml at or under this folder\n"


def test_a_missing_path_is_a_usage_error(tmp_path):
    result = check(tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_works_inside_a_flask_command_line_without_a_database(sound):
    # What `lms curriculum check` does on the real app's command line.
    app = Flask(__name__)
    app.cli.add_command(curriculum_group)
    result = app.test_cli_runner().invoke(args=["curriculum", "check", str(sound.path)])
    assert result.exit_code == 0, result.output
    assert result.output == OK_LINE + "\n"


def test_the_copied_2026_course_fails_only_where_it_was_broken(tmp_path):
    # The format checks still run on an edition that breaks the item rules everywhere.
    copy = tmp_path / "curricula" / "tm-core" / "2026"
    shutil.copytree(EDITION_2026, copy)
    wraparound = copy / "wraparound.md"
    wraparound.write_text(
        wraparound.read_text(encoding="utf-8").replace("id: wraparound", "id: wrap-around"),
        encoding="utf-8",
    )
    result = check(copy)
    assert f"{wraparound}:2: id 'wrap-around' does not match the file name 'wraparound.md'" in (
        result.output.splitlines()
    )
    assert re.search(r"— \d+ problems \(format: 1, item rules: \d+\)$", result.output.strip())
