"""Keep each module version's sections with the emergency contacts as markers.

A mentor in the middle of a cycle on an older edition read the on-call number, emergency
protocol and supervisor contact filled in when that edition was published, even after the
provider published their real ones. Module versions now keep ``live_sections``: the sections'
Markdown with those three placeholders left as ``{{ key }}`` markers, filled from the settings
in force whenever a mentor reads them. The published ``sections`` (and the version's hash, which
the records cite) are untouched.

Existing versions are backfilled from the authored module file in ``curricula/`` whose SHA-256
is the version's ``source_sha256``, and only when filling the markers with the values recorded
at publication gives back exactly the stored sections; any other version keeps None and shows
its text as published (republishing it fills the markers in).

Revision ID: 13c7dc3ec799
Revises: 56d9fba43df9
Create Date: 2026-12-05 22:00:00.000000
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "13c7dc3ec799"
down_revision: str | None = "56d9fba43df9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONS = sa.table(
    "module_versions",
    sa.column("id", sa.Integer()),
    sa.column("source_sha256", sa.String()),
    sa.column("sections", sa.JSON()),
    sa.column("live_sections", sa.JSON()),
)
LINKS = sa.table(
    "edition_modules",
    sa.column("edition_id", sa.Integer()),
    sa.column("module_version_id", sa.Integer()),
)
EDITIONS = sa.table(
    "curriculum_editions",
    sa.column("id", sa.Integer()),
    sa.column("placeholder_values", sa.JSON()),
)


def upgrade() -> None:
    op.add_column("module_versions", sa.Column("live_sections", sa.JSON(), nullable=True))
    _backfill()


def _backfill() -> None:
    from lms.config import PROJECT_ROOT
    from lms.curriculum.loader import load_module
    from lms.curriculum.operations import live_module_sections
    from lms.curriculum.rendering import live_text

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(VERSIONS.c.id, VERSIONS.c.source_sha256, VERSIONS.c.sections)
    ).all()
    if not rows:
        return
    files = {}
    for path in sorted((PROJECT_ROOT / "curricula").glob("**/*.md")):
        files.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    for version_id, source_sha256, sections in rows:
        path = files.get(source_sha256)
        values = connection.execute(
            sa.select(EDITIONS.c.placeholder_values)
            .join(LINKS, LINKS.c.edition_id == EDITIONS.c.id)
            .where(LINKS.c.module_version_id == version_id)
            .limit(1)
        ).scalar()
        if path is None or values is None:
            continue
        module, _problems = load_module(path)
        if module is None:
            continue
        live = live_module_sections(module, values)
        published = [section["markdown"] for section in sections]
        if [live_text(text, values) for text in live] != published:
            continue  # not provably the text that was published: keep it as published
        connection.execute(
            sa.update(VERSIONS).where(VERSIONS.c.id == version_id).values(live_sections=list(live))
        )


def downgrade() -> None:
    # Both SQLite (3.35+) and PostgreSQL drop a plain column in place; a batch copy of the
    # table would trip the foreign keys that point at it once it holds rows.
    op.execute("ALTER TABLE module_versions DROP COLUMN live_sections")
