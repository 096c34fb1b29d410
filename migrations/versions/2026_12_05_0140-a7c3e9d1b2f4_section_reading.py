"""Study time per section (for LMS_MIN_SECTION_SECONDS) and sections due for re-reading
before a retake (for LMS_REREAD_BEFORE_RETAKE), on module progress.

Revision ID: a7c3e9d1b2f4
Revises: f1a2b3c4d5e6
Create Date: 2026-12-05 01:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7c3e9d1b2f4"
down_revision: str | None = "f1a2b3c4d5e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("module_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("section_seconds", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("reread_due", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("module_progress", schema=None) as batch_op:
        batch_op.drop_column("reread_due")
        batch_op.drop_column("section_seconds")
