"""The staff list's order and name search: an index on (legal_name, id), and trigram indexes
for the name search on PostgreSQL (pg_trgm, created here if the server has it).

On SQLite, and on a PostgreSQL server without pg_trgm, the three search indexes are plain
indexes of the same names (so the schema matches the models everywhere); the search then reads
the table as before.

Revision ID: 8d2b6e4f1a93
Revises: 3b002fc6ec4e
Create Date: 2026-12-05 02:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d2b6e4f1a93"
down_revision: str | None = "3b002fc6ec4e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = ("legal_name", "preferred_name", "work_email")


def _trigrams_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).scalar()
    if not available:
        return False
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    return True


def upgrade() -> None:
    op.create_index("ix_people_legal_name_id", "people", ["legal_name", "id"])
    trigrams = _trigrams_available()
    for column in SEARCHED:
        options = (
            {"postgresql_using": "gin", "postgresql_ops": {column: "gin_trgm_ops"}}
            if trigrams
            else {}
        )
        op.create_index(f"ix_people_{column}_trigrams", "people", [column], **options)


def downgrade() -> None:
    for column in SEARCHED:
        op.drop_index(f"ix_people_{column}_trigrams", table_name="people")
    op.drop_index("ix_people_legal_name_id", table_name="people")
