"""``lms curriculum``: check curriculum editions against curricula/FORMAT.md."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from lms.curriculum.format import Edition
from lms.curriculum.loader import find_editions, load_edition
from lms.curriculum.topics import REQUIRED_TOPICS

curriculum_group = AppGroup("curriculum", help="Check and publish curriculum editions.")


# Checking reads files only, so it needs no app or database: CI and authors can run it anywhere.
@curriculum_group.command("check", with_appcontext=False)
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
def curriculum_check(paths: tuple[Path, ...]) -> None:
    """Check each edition at or under PATHS; print every problem as path:line and exit 2 if any."""
    failed = False
    for path in paths:
        editions = find_editions(path)
        if not editions:
            click.echo(f"{path}: no curriculum.yaml at or under this folder")
            failed = True
        for folder in editions:
            if not check_edition(folder):
                failed = True
    if failed:
        sys.exit(2)


def check_edition(folder: Path) -> bool:
    """Print the edition's problems and a summary line; True when there are none."""
    edition, problems = load_edition(folder)
    for problem in problems:
        click.echo(str(problem))
    if edition is None:
        count = len(problems)
        click.echo(f"FAILED: {folder} — {count} problem{'' if count == 1 else 's'}")
        return False
    click.echo(f"OK: {summary(edition)}")
    return True


def summary(edition: Edition) -> str:
    """``tm-core 2026 — 20 modules, 278 questions, 17/17 required topics covered``."""
    covered = sum(1 for topic in REQUIRED_TOPICS if edition.crosswalk.get(topic.key))
    return (
        f"{edition.id} {edition.edition} — {len(edition.modules)} modules, "
        f"{edition.question_count} questions, "
        f"{covered}/{len(REQUIRED_TOPICS)} required topics covered"
    )


@curriculum_group.command("publish")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; store nothing.")
def curriculum_publish(path: Path, dry_run: bool) -> None:
    """Store the edition at PATH as an immutable version (a new one only if content changed)."""
    from flask import current_app

    from lms.cli import cli_actor, new_session
    from lms.curriculum.operations import plan_publication, publish_edition
    from lms.organisation.queries import organisation_settings

    edition, problems = load_edition(path)
    if edition is None:
        for problem in problems:
            click.echo(str(problem))
        click.echo(f"Not published: {len(problems)} problem(s).")
        sys.exit(2)
    session = new_session()
    try:
        placeholders = organisation_settings(session, current_app.config).curriculum_placeholders
        plan = plan_publication(session, edition, placeholders)
        for line in plan.diff.lines():
            click.echo(line)
        if plan.existing is not None:
            click.echo(f"Already published as version {plan.existing.version}; nothing to do.")
            return
        if dry_run:
            click.echo("Dry run: nothing stored.")
            return
        published, _ = publish_edition(session, cli_actor(), plan)
        session.commit()
        click.echo(
            f"Published {edition.id} {edition.edition} version {published.version} "
            f"(SHA-256 {published.sha256})."
        )
    finally:
        session.close()
