"""The layering in docs/architecture.md, checked: rules are pure, and features do not import
each other both ways."""

from __future__ import annotations

import ast
import itertools
import sys
from pathlib import Path

import pytest

LMS = Path(__file__).resolve().parents[2] / "lms"
RULES = sorted(LMS.rglob("rules.py"))
#: Pure modules a rules.py may use besides the standard library and other rules.py files.
PURE_SHARED = {"lms.validation"}


def imported_modules(path: Path) -> list[str]:
    """Every module ``path`` imports, at any depth (function-level imports included)."""
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return modules


def is_allowed_in_rules(module: str) -> bool:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return True
    return module in PURE_SHARED or (module.startswith("lms.") and module.endswith(".rules"))


def test_there_are_rules_modules():
    assert len(RULES) >= 8


@pytest.mark.parametrize("path", RULES, ids=lambda path: str(path.relative_to(LMS)))
def test_rules_import_only_the_standard_library_and_other_rules(path):
    outside = [module for module in imported_modules(path) if not is_allowed_in_rules(module)]
    assert outside == [], f"{path.relative_to(LMS)} imports {outside}"


def test_the_shared_pure_modules_are_pure():
    for module in PURE_SHARED:
        path = LMS.parent / (module.replace(".", "/") + ".py")
        assert all(is_allowed_in_rules(name) for name in imported_modules(path)), module


def feature_imports() -> dict[str, set[str]]:
    """feature package -> the other feature packages it imports."""
    features = {path.name for path in LMS.iterdir() if (path / "__init__.py").exists()}
    edges: dict[str, set[str]] = {feature: set() for feature in features}
    for feature in features:
        for path in (LMS / feature).rglob("*.py"):
            for module in imported_modules(path):
                parts = module.split(".")
                if parts[0] == "lms" and len(parts) > 1 and parts[1] in features - {feature}:
                    edges[feature].add(parts[1])
    return edges


#: Pairs that still import each other, with why; the list may only shrink (a new pair fails).
#: Empty: the last two (certificates and training, eligibility and staff) were untangled as
#: docs/architecture.md says. A pair added here must say why, and leaves once untangled.
KNOWN_MUTUAL_REASONS: dict[frozenset[str], str] = {}
KNOWN_MUTUAL = set(KNOWN_MUTUAL_REASONS)


def test_no_two_features_import_each_other():
    edges = feature_imports()
    mutual = {
        frozenset((a, b))
        for a, b in itertools.combinations(sorted(edges), 2)
        if b in edges[a] and a in edges[b]
    }
    assert mutual <= KNOWN_MUTUAL, sorted(sorted(pair) for pair in mutual - KNOWN_MUTUAL)


def test_every_allowed_pair_still_imports_both_ways():
    """A pair untangled leaves the list, so it cannot come back unnoticed."""
    edges = feature_imports()
    untangled = [
        sorted(pair)
        for pair in KNOWN_MUTUAL
        if not all(b in edges[a] for a, b in itertools.permutations(pair))
    ]
    assert untangled == []
