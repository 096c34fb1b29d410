"""``lms curriculum``: check editions against curricula/FORMAT.md, and publish them."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from lms.curriculum.format import Edition
from lms.curriculum.item_rules import ModuleMeasures, measure_module
from lms.curriculum.loader import EditionCheck, check_edition, find_editions
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
@click.option("--stats", is_flag=True, help="Also print each module's item-rule measurements.")
def curriculum_check(paths: tuple[Path, ...], stats: bool) -> None:
    """Check each edition at or under PATHS against the file format and the item-writing rules;
    print every problem as path:line and exit 2 if any."""
    failed = False
    for path in paths:
        editions = find_editions(path)
        if not editions:
            click.echo(f"{path}: no curriculum.yaml at or under this folder")
            failed = True
        for folder in editions:
            if not report_edition(check_edition(folder), stats):
                failed = True
    if failed:
        sys.exit(2)


def report_edition(checked: EditionCheck, stats: bool = False) -> bool:
    """Print the edition's problems (and measurements) and a summary line; True when none."""
    for problem in checked.problems:
        click.echo(str(problem))
    if stats:
        for line in stats_table([measure_module(module) for module in checked.modules]):
            click.echo(line)
    if checked.publishable is None:
        count = len(checked.problems)
        click.echo(
            f"FAILED: {checked.folder} — {count} problem{'' if count == 1 else 's'} "
            f"(format: {len(checked.format_problems)}, item rules: {len(checked.item_problems)})"
        )
        return False
    click.echo(f"OK: {summary(checked.publishable)}")
    return True


def summary(edition: Edition) -> str:
    """``tm-core 2026 — 20 modules, 278 questions, 17/17 required topics covered``."""
    covered = sum(1 for topic in REQUIRED_TOPICS if edition.crosswalk.get(topic.key))
    return (
        f"{edition.id} {edition.edition} — {len(edition.modules)} modules, "
        f"{edition.question_count} questions, "
        f"{covered}/{len(REQUIRED_TOPICS)} required topics covered"
    )


STATS_HEADINGS = (
    "module",
    "pool",
    "per attempt",
    "scenario",
    "key longest",
    "max key ratio",
    "T/F true/false",
)


def stats_table(measures: list[ModuleMeasures]) -> list[str]:
    """One line per module: what the item rules measure, under a heading line."""
    rows = [STATS_HEADINGS]
    for m in measures:
        rows.append(
            (
                m.module_id,
                str(m.pool_size),
                str(m.questions_per_attempt),
                f"{m.scenario_count} ({_share(m.scenario_count, m.pool_size)})",
                f"{m.key_longest_count}/{m.single_count} "
                f"({_share(m.key_longest_count, m.single_count)})",
                "-" if m.max_key_ratio is None else f"{float(m.max_key_ratio):.2f}",
                f"{m.true_count}/{m.false_count}",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(STATS_HEADINGS))]
    return [
        "  ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


@curriculum_group.command("publish")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; store nothing.")
def curriculum_publish(path: Path, dry_run: bool) -> None:
    """Store the edition at PATH as an immutable version (a new one only if content changed)."""
    from flask import current_app

    from lms.cli import cli_actor, new_session
    from lms.curriculum.operations import plan_publication, publish_edition
    from lms.organisation.queries import organisation_settings

    # The same checks as `lms curriculum check`: the file format and the item-writing rules.
    checked = check_edition(path)
    edition = checked.publishable
    if edition is None:
        for problem in checked.problems:
            click.echo(str(problem))
        click.echo(f"Not published: {len(checked.problems)} problem(s).")
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
