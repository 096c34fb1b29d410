"""An index on people by position, then the list's order: one position's people read in name
order (the team page, the staff list's eligibility filter: a page stops once full), their count
by staff status from the index alone, and the few clinicians among many mentors (the compliance
dashboard's supervisor filter) without reading every row.

Revision ID: 5c9e2b7d4a10
Revises: 7b1d4e9a2c35
Create Date: 2026-12-06 02:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5c9e2b7d4a10"
down_revision: str | None = "7b1d4e9a2c35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_people_position_legal_name_id_status",
        "people",
        ["position", "legal_name", "id", "status"],
    )


def downgrade() -> None:
    op.drop_index("ix_people_position_legal_name_id_status", table_name="people")
