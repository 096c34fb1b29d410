"""One open knowledge-check attempt per progress.

A doubled "Start knowledge check" could leave two open attempts, after which every start failed.
Extra open attempts (never submitted, so without answers or marks) are removed, keeping the
earliest, and a partial unique index keeps it to one from now on.

Revision ID: c4e7a1d9f2b6
Revises: b8d4f0e2c3a5
Create Date: 2026-12-05 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4e7a1d9f2b6"
down_revision: str | None = "b8d4f0e2c3a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        sa.text(
            "DELETE FROM knowledge_check_attempts WHERE submitted_at IS NULL AND id NOT IN ("
            " SELECT MIN(id) FROM knowledge_check_attempts WHERE submitted_at IS NULL"
            " GROUP BY progress_id)"
        )
    )
    op.create_index(
        "uq_knowledge_check_attempts_one_open",
        "knowledge_check_attempts",
        ["progress_id"],
        unique=True,
        sqlite_where=sa.text("submitted_at IS NULL"),
        postgresql_where=sa.text("submitted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_knowledge_check_attempts_one_open", table_name="knowledge_check_attempts")
