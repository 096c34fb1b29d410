"""Reading the requirements catalogue file (requirements/FORMAT.md): every problem with its line.

The loader collects every problem rather than stopping at the first, so one run of
``lms requirements check`` lists them all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lms.requirements.rules import KEY_PATTERN, Requirement, RequirementKind

POSITIONS = ("therapeutic_mentor", "licensed_clinician", "senior_clinician", "other")
FIELDS = {
    "key",
    "name",
    "kind",
    "positions",
    "first_due",
    "validity",
    "warning_days",
    "blocks_work",
    "enabled",
    "curriculum",
    "records",
    "description",
}
#: Where a credential's records may come from besides HR's own (the ``records`` field).
RECORD_SOURCES = ("clinician_licences",)
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "requirements" / "default.yaml"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Catalogue:
    requirements: tuple[Requirement, ...]
    sha256: str  # of the canonical JSON of the definitions

    def by_key(self) -> dict[str, Requirement]:
        return {requirement.key: requirement for requirement in self.requirements}


class CatalogueError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def _mapping_items(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {key.value: (key, value) for key, value in node.value if isinstance(key.value, str)}


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _construct(node: yaml.Node) -> Any:
    return yaml.SafeLoader("").construct_object(node, deep=True)


def parse_catalogue(text: str, path: str = "<catalogue>") -> Catalogue:
    """The catalogue in ``text``; raises CatalogueError listing every problem."""
    problems: list[Problem] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise CatalogueError(
            [Problem(path, mark.line + 1 if mark else 1, f"not valid YAML: {error.problem}")]
        ) from None
    if not isinstance(root, yaml.MappingNode):
        raise CatalogueError([Problem(path, 1, "the file must be a mapping with 'requirements'")])
    top = _mapping_items(root)
    for name, (key_node, _) in top.items():
        if name not in {"format", "requirements"}:
            problem(_line(key_node), f"unknown top-level key '{name}'")
    if "format" not in top or _construct(top["format"][1]) != 1:
        problem(_line(top["format"][0]) if "format" in top else 1, "'format: 1' is required")
    if "requirements" not in top or not isinstance(top["requirements"][1], yaml.SequenceNode):
        problem(1, "'requirements' must be a list")
        raise CatalogueError(problems)
    requirements: list[Requirement] = []
    seen: dict[str, int] = {}
    for item in top["requirements"][1].value:
        requirement = _requirement(item, problem)
        if requirement is None:
            continue
        if requirement.key in seen:
            problem(
                _line(item),
                f"key '{requirement.key}' is already used on line {seen[requirement.key]}",
            )
            continue
        seen[requirement.key] = _line(item)
        requirements.append(requirement)
    if problems:
        raise CatalogueError(sorted(problems, key=lambda problem: problem.line))
    return Catalogue(tuple(requirements), catalogue_hash(requirements))


def _requirement(item: yaml.Node, problem) -> Requirement | None:
    if not isinstance(item, yaml.MappingNode):
        problem(_line(item), "each requirement must be a mapping")
        return None
    fields = _mapping_items(item)
    errors: list[str] = []

    def fail(node: yaml.Node, message: str) -> None:
        errors.append(message)
        problem(_line(node), message)

    for name, (key_node, _) in fields.items():
        if name not in FIELDS:
            fail(key_node, f"unknown field '{name}'")
    for name in ("key", "name", "kind", "positions", "first_due", "blocks_work"):
        if name not in fields:
            fail(item, f"'{name}' is required")
    values = {name: _construct(value) for name, (_, value) in fields.items()}

    def node(name: str) -> yaml.Node:
        return fields[name][1] if name in fields else item

    key = values.get("key")
    if "key" in fields and (not isinstance(key, str) or not KEY_PATTERN.match(key)):
        fail(node("key"), "'key' must be lower-case letters, digits, '_' or '-'")
    name = values.get("name")
    if "name" in fields and (not isinstance(name, str) or not name.strip()):
        fail(node("name"), "'name' must be text")
    kind = None
    if "kind" in fields:
        try:
            kind = RequirementKind(values["kind"])
        except ValueError:
            fail(
                node("kind"),
                f"'kind' must be one of {', '.join(kind.value for kind in RequirementKind)}",
            )
    positions = values.get("positions")
    if positions == "all":
        positions = list(POSITIONS)
    if "positions" in fields and (
        not isinstance(positions, list) or any(p not in POSITIONS for p in positions)
    ):
        fail(node("positions"), f"'positions' must be 'all' or a list of {', '.join(POSITIONS)}")
    first_due_days = 0
    first_due = values.get("first_due")
    if "first_due" in fields:
        if first_due == "before_start":
            first_due_days = 0
        elif (
            isinstance(first_due, dict)
            and list(first_due) == ["days_after_hire"]
            and _whole(first_due["days_after_hire"], 1)
        ):
            first_due_days = first_due["days_after_hire"]
        else:
            fail(
                node("first_due"),
                "'first_due' must be before_start or {days_after_hire: N} with N of 1 or more",
            )
    validity = values.get("validity")
    months, grace_days = None, 0
    if kind is RequirementKind.CHECK:
        if (
            isinstance(validity, dict)
            and list(validity) == ["months"]
            and _whole(validity["months"], 1)
        ):
            months = validity["months"]
        else:
            fail(node("validity"), "a check needs 'validity: {months: N}' with N of 1 or more")
    elif kind is RequirementKind.ACKNOWLEDGMENT:
        if (
            isinstance(validity, dict)
            and list(validity) == ["grace_days"]
            and _whole(validity["grace_days"], 0)
        ):
            grace_days = validity["grace_days"]
        else:
            fail(
                node("validity"),
                "an acknowledgment needs 'validity: {grace_days: N}' with N of 0 or more",
            )
    elif kind is not None and validity not in (None, "own_expiry"):
        fail(node("validity"), f"a {kind.value} carries its own expiry: 'validity: own_expiry'")
    warning_days = values.get("warning_days", 30)
    if not _whole(warning_days, 0):
        fail(node("warning_days"), "'warning_days' must be a whole number, 0 or more")
    for flag in ("blocks_work", "enabled"):
        if flag in fields and not isinstance(values[flag], bool):
            fail(node(flag), f"'{flag}' must be true or false")
    curriculum = values.get("curriculum")
    if kind is RequirementKind.COURSE and (
        not isinstance(curriculum, str) or not KEY_PATTERN.match(curriculum)
    ):
        fail(node("curriculum"), "a course needs 'curriculum', the curriculum's key")
    if kind is not RequirementKind.COURSE and "curriculum" in fields:
        fail(node("curriculum"), "only a course names a 'curriculum'")
    records = values.get("records")
    if "records" in fields and records not in RECORD_SOURCES:
        fail(node("records"), f"'records' must be one of: {', '.join(RECORD_SOURCES)}")
    elif "records" in fields and kind is not RequirementKind.CREDENTIAL:
        fail(node("records"), "only a credential takes its records from elsewhere ('records')")
    description = values.get("description", "")
    if not isinstance(description, str):
        fail(node("description"), "'description' must be text")
    if errors:
        return None
    enabled = values.get("enabled", True)
    return Requirement(
        key=key,
        name=name.strip(),
        kind=kind,
        # A requirement turned off applies to nobody, but stays in the catalogue's history.
        positions=frozenset(positions) if enabled else frozenset(),
        first_due_days=first_due_days,
        validity_months=months,
        grace_days=grace_days,
        warning_days=warning_days,
        blocks_work=values["blocks_work"],
        curriculum=curriculum if kind is RequirementKind.COURSE else None,
        records=records,
        description=description.strip(),
    )


def _whole(value: object, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def load_catalogue_file(path: Path) -> Catalogue:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueError([Problem(str(path), 1, f"cannot be read: {error}")]) from None
    return parse_catalogue(text, str(path))


# -- stored form --------------------------------------------------------------------------------


def requirement_as_dict(requirement: Requirement) -> dict[str, Any]:
    stored = {
        "key": requirement.key,
        "name": requirement.name,
        "kind": requirement.kind.value,
        "positions": sorted(requirement.positions),
        "first_due_days": requirement.first_due_days,
        "validity_months": requirement.validity_months,
        "grace_days": requirement.grace_days,
        "warning_days": requirement.warning_days,
        "blocks_work": requirement.blocks_work,
        "curriculum": requirement.curriculum,
        "description": requirement.description,
    }
    if requirement.records:  # only when set: the hashes of older catalogues stay the same
        stored["records"] = requirement.records
    return stored


def requirement_from_dict(data: dict[str, Any]) -> Requirement:
    return Requirement(
        key=data["key"],
        name=data["name"],
        kind=RequirementKind(data["kind"]),
        positions=frozenset(data["positions"]),
        first_due_days=data["first_due_days"],
        validity_months=data["validity_months"],
        grace_days=data["grace_days"],
        warning_days=data["warning_days"],
        blocks_work=data["blocks_work"],
        curriculum=data["curriculum"],
        records=data.get("records"),
        description=data.get("description", ""),
    )


def catalogue_hash(requirements) -> str:
    canonical = json.dumps(
        [requirement_as_dict(r) for r in requirements], sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def catalogue_yaml(requirements) -> str:
    """The requirements in the file's format, to edit and load again (comments are not kept)."""
    items = []
    for r in requirements:
        item: dict[str, Any] = {
            "key": r.key,
            "name": r.name,
            "kind": r.kind.value,
            "positions": "all" if set(r.positions) == set(POSITIONS) else sorted(r.positions),
            "first_due": (
                "before_start" if r.first_due_days == 0 else {"days_after_hire": r.first_due_days}
            ),
        }
        if r.kind is RequirementKind.CHECK:
            item["validity"] = {"months": r.validity_months}
        elif r.kind is RequirementKind.ACKNOWLEDGMENT:
            item["validity"] = {"grace_days": r.grace_days}
        else:
            item["validity"] = "own_expiry"
        if r.curriculum:
            item["curriculum"] = r.curriculum
        if r.records:
            item["records"] = r.records
        item["warning_days"] = r.warning_days
        item["blocks_work"] = r.blocks_work
        if r.description:
            item["description"] = r.description
        items.append(item)
    return yaml.safe_dump(
        {"format": 1, "requirements": items}, sort_keys=False, allow_unicode=True, width=100
    )
