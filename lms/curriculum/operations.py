"""Publishing a curriculum edition from its files into immutable database records."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from lms import clock
from lms.actor import Actor
from lms.auditlog.operations import record
from lms.curriculum.format import Edition, Module, Question
from lms.curriculum.models import CurriculumEdition, EditionModule, ModuleVersion
from lms.curriculum.rendering import LIVE_PLACEHOLDERS, PLACEHOLDER_DEFAULTS, fill_placeholders
from lms.uniqueness import take_turns


def _canonical_hash(content: Any) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def filled_module_content(module: Module, values: Mapping[str, str]) -> dict[str, Any]:
    """Everything a mentor sees of a module, with the provider's settings filled in."""

    def fill(text: str) -> str:
        return fill_placeholders(text, values)

    return {
        "title": _title(fill(module.title)),
        "estimated_minutes": module.estimated_minutes,
        "questions_per_attempt": module.questions_per_attempt,
        "topics": list(module.topics),
        "objectives": [{"id": o.id, "text": fill(o.text)} for o in module.objectives],
        "references": [fill(reference) for reference in module.references],
        "sections": [
            {"title": fill(s.title), "markdown": fill(s.markdown)} for s in module.sections
        ],
        "questions": [_question_content(q, fill) for q in module.questions],
    }


def _title(title: str) -> str:
    """A module title opening with a placeholder's default reads "Your agency policies and
    procedures", not "your agency …". (Sentences are filled with the settings' resolved values,
    so their published text and hashes stay as they were; a provider's own name, never a
    default, is printed as they wrote it.)"""
    if title[:1].islower() and any(title.startswith(d) for d in PLACEHOLDER_DEFAULTS.values()):
        return title[0].upper() + title[1:]
    return title


def live_module_sections(module: Module, values: Mapping[str, str]) -> tuple[str, ...]:
    """Each section's Markdown filled like ``filled_module_content``, but with the emergency
    contacts left as markers, to be filled from the settings in force when it is read."""
    return tuple(fill_placeholders(s.markdown, values, LIVE_PLACEHOLDERS) for s in module.sections)


def _question_content(question: Question, fill: Callable[[str], str]) -> dict[str, Any]:
    content: dict[str, Any] = {
        "id": question.id,
        "objective": question.objective,
        "type": question.type.value,
        "prompt": fill(question.prompt),
        "options": [
            {"id": o.id, "text": fill(o.text), "correct": o.correct} for o in question.options
        ],
        "answer": question.answer,
        "rationale": fill(question.rationale),
    }
    # Stored only when set, so that a module written without these fields keeps the content,
    # and so the version hash, it always had: readers take a missing key as false / none.
    if question.scenario:
        content["scenario"] = True
    if question.section is not None:
        content["section"] = fill(question.section)  # as the section's own title is filled
    return content


@dataclass(frozen=True)
class EditionDiff:
    """What changed against the previous version of the same edition, for the publisher."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    reordered: bool = False
    first_publication: bool = False

    @property
    def any_change(self) -> bool:
        return bool(
            self.first_publication or self.added or self.removed or self.changed or self.reordered
        )

    def lines(self) -> list[str]:
        if self.first_publication:
            return [f"First publication: {len(self.added)} modules."]
        lines = [
            f"{label}: {', '.join(keys)}"
            for label, keys in (
                ("New modules", self.added),
                ("Removed modules", self.removed),
                ("Changed modules", self.changed),
            )
            if keys
        ]
        if self.reordered:
            lines.append("The order of the modules changed.")
        lines.append(f"Unchanged modules: {len(self.unchanged)}.")
        return lines


def diff_editions(
    previous: list[tuple[str, str]] | None, new: list[tuple[str, str]]
) -> EditionDiff:
    """Compare (module key, hash) lists of two versions of an edition."""
    if previous is None:
        return EditionDiff(added=tuple(key for key, _ in new), first_publication=True)
    old_hashes, new_hashes = dict(previous), dict(new)
    common = [key for key, _ in new if key in old_hashes]
    return EditionDiff(
        added=tuple(key for key, _ in new if key not in old_hashes),
        removed=tuple(key for key, _ in previous if key not in new_hashes),
        changed=tuple(key for key in common if old_hashes[key] != new_hashes[key]),
        unchanged=tuple(key for key in common if old_hashes[key] == new_hashes[key]),
        reordered=[k for k, _ in previous if k in new_hashes] != common,
    )


@dataclass(frozen=True)
class PreparedModule:
    key: str
    sha256: str
    source_sha256: str
    content: dict[str, Any] = field(hash=False)
    source: str = field(hash=False)
    live_sections: tuple[str, ...] = field(default=(), hash=False)


@dataclass(frozen=True)
class PublicationPlan:
    edition: Edition
    values: dict[str, str]
    modules: tuple[PreparedModule, ...]
    sha256: str
    existing: CurriculumEdition | None  # this exact content is already published
    diff: EditionDiff


def _placeholder_values(settings: Mapping[str, str]) -> dict[str, str]:
    return {
        key: settings.get(key, "").strip() or default
        for key, default in PLACEHOLDER_DEFAULTS.items()
    }


def latest_version(session: Session, curriculum_key: str, edition: str) -> CurriculumEdition | None:
    return session.execute(
        select(CurriculumEdition)
        .where(
            CurriculumEdition.curriculum_key == curriculum_key, CurriculumEdition.edition == edition
        )
        .order_by(CurriculumEdition.version.desc())
        .options(selectinload(CurriculumEdition.modules).selectinload(EditionModule.module_version))
        .limit(1)
    ).scalar_one_or_none()


def plan_publication(
    session: Session, edition: Edition, settings: Mapping[str, str]
) -> PublicationPlan:
    """Work out what publishing ``edition`` would store, without storing anything."""
    values = _placeholder_values(settings)
    modules = []
    for module in edition.modules:
        content = filled_module_content(module, values)
        modules.append(
            PreparedModule(
                module.id,
                _canonical_hash(content),
                module.content_hash,
                content,
                fill_placeholders(module.source, values),
                live_module_sections(module, values),
            )
        )
    sha256 = _canonical_hash(
        {
            "source": edition.content_hash,
            "modules": [[m.key, m.sha256] for m in modules],
            "pass_mark": edition.pass_mark,
            "effective_on": edition.effective_on.isoformat(),
            "crosswalk": {key: list(ids) for key, ids in edition.crosswalk.items()},
        }
    )
    existing = session.execute(
        select(CurriculumEdition).where(
            CurriculumEdition.curriculum_key == edition.id,
            CurriculumEdition.edition == edition.edition,
            CurriculumEdition.sha256 == sha256,
        )
    ).scalar_one_or_none()
    previous = latest_version(session, edition.id, edition.edition)
    previous_modules = (
        [(link.module_version.module_key, link.module_version.sha256) for link in previous.modules]
        if previous
        else None
    )
    diff = diff_editions(previous_modules, [(m.key, m.sha256) for m in modules])
    return PublicationPlan(edition, values, tuple(modules), sha256, existing, diff)


def _module_version(session: Session, prepared: PreparedModule) -> ModuleVersion:
    existing = session.execute(
        select(ModuleVersion).where(
            ModuleVersion.module_key == prepared.key, ModuleVersion.sha256 == prepared.sha256
        )
    ).scalar_one_or_none()
    if existing is not None:
        if existing.live_sections is None:  # published before the markers were kept
            existing.live_sections = list(prepared.live_sections)
        return existing
    latest = session.execute(
        select(func.max(ModuleVersion.version)).where(ModuleVersion.module_key == prepared.key)
    ).scalar_one()
    content = prepared.content
    version = ModuleVersion(
        module_key=prepared.key,
        version=(latest or 0) + 1,
        sha256=prepared.sha256,
        source_sha256=prepared.source_sha256,
        title=content["title"],
        estimated_minutes=content["estimated_minutes"],
        questions_per_attempt=content["questions_per_attempt"],
        topics=content["topics"],
        objectives=content["objectives"],
        references=content["references"],
        sections=content["sections"],
        live_sections=list(prepared.live_sections),
        questions=content["questions"],
        source=prepared.source,
        created_at=clock.now(),
    )
    session.add(version)
    session.flush()
    return version


def publish_edition(
    session: Session, actor: Actor, plan: PublicationPlan
) -> tuple[CurriculumEdition, bool]:
    """Store the planned edition; (edition, False) when this exact content is already stored.

    Publications take turns: the same edition published twice at once stores it once (the
    second finds the first's, as a sequential repeat would), and two different ones get
    consecutive version numbers for the edition and for each changed module."""
    if plan.existing is not None:
        return plan.existing, False
    take_turns(session, "curriculum.publish")
    edition = plan.edition
    stored = session.execute(
        select(CurriculumEdition).where(
            CurriculumEdition.curriculum_key == edition.id,
            CurriculumEdition.edition == edition.edition,
            CurriculumEdition.sha256 == plan.sha256,
        )
    ).scalar_one_or_none()
    if stored is not None:  # published while this request waited its turn
        return stored, False
    latest = latest_version(session, edition.id, edition.edition)
    published = CurriculumEdition(
        curriculum_key=edition.id,
        edition=edition.edition,
        version=(latest.version if latest else 0) + 1,
        title=edition.title,
        effective_on=edition.effective_on,
        pass_mark=edition.pass_mark,
        crosswalk={key: list(ids) for key, ids in edition.crosswalk.items()},
        sha256=plan.sha256,
        source_sha256=edition.content_hash,
        placeholder_values=plan.values,
        published_at=actor.now(),
        published_by_id=actor.user_id,
        published_by_label=actor.label,
    )
    session.add(published)
    session.flush()
    for position, prepared in enumerate(plan.modules, start=1):
        version = _module_version(session, prepared)
        session.add(
            EditionModule(edition_id=published.id, module_version_id=version.id, position=position)
        )
    session.flush()
    record(
        session,
        actor,
        "curriculum.publish",
        "curriculum_edition",
        published.id,
        {
            "curriculum": edition.id,
            "edition": edition.edition,
            "version": published.version,
            "sha256": plan.sha256,
            "changes": plan.diff.lines(),
        },
    )
    return published, True
