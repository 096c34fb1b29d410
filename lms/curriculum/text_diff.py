"""What an administrator reads before publishing: for each module in the folder, its Markdown
against the latest published version of the same module, line by line (``difflib``)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Lines of unchanged text shown around each change.
CONTEXT_LINES = 2

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "same" or "gap" (a new hunk: text starts at ``number``)
    text: str
    number: int | None = None  # the line's number in the folder's file (the old file's if removed)


@dataclass(frozen=True)
class ModuleTextDiff:
    key: str
    title: str
    status: str  # "new", "changed", "unchanged" or "removed"
    lines: tuple[DiffLine, ...] = ()
    published_version: int | None = None

    @property
    def added(self) -> int:
        return sum(line.kind == "added" for line in self.lines)

    @property
    def removed(self) -> int:
        return sum(line.kind == "removed" for line in self.lines)


def text_diff(old: str, new: str) -> tuple[DiffLine, ...]:
    """The changed lines of ``new`` against ``old`` with a little context, numbered."""
    lines: list[DiffLine] = []
    old_number = new_number = 0
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=CONTEXT_LINES)
    for raw in diff:
        if raw.startswith(("---", "+++")):
            continue
        hunk = _HUNK.match(raw)
        if hunk:
            old_number, new_number = int(hunk.group(1)), int(hunk.group(3))
            lines.append(DiffLine("gap", "", new_number))
        elif raw.startswith("+"):
            lines.append(DiffLine("added", raw[1:], new_number))
            new_number += 1
        elif raw.startswith("-"):
            lines.append(DiffLine("removed", raw[1:], old_number))
            old_number += 1
        else:
            lines.append(DiffLine("same", raw[1:], new_number))
            old_number += 1
            new_number += 1
    return tuple(lines)


def module_diffs(
    published: Mapping[str, tuple[int, str, str]],
    folder: Sequence[tuple[str, str, str]],
) -> list[ModuleTextDiff]:
    """``published``: module key -> (version, title, Markdown) of the latest published version;
    ``folder``: (key, title, Markdown) in the edition's order. Modules published before but not
    in the folder are listed last as removed (from this edition, not from the record)."""
    diffs = []
    for key, title, source in folder:
        if key not in published:
            diffs.append(ModuleTextDiff(key, title, "new"))
            continue
        version, _, old_source = published[key]
        lines = text_diff(old_source, source)
        status = "changed" if lines else "unchanged"
        diffs.append(ModuleTextDiff(key, title, status, lines, version))
    in_folder = {key for key, _, _ in folder}
    diffs += [
        ModuleTextDiff(key, title, "removed", published_version=version)
        for key, (version, title, _) in published.items()
        if key not in in_folder
    ]
    return diffs
