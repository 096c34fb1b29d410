"""Indexes on people by position: the team page's count of active mentors from the index alone,
the clinicians on staff without reading every mentor, and the distinct supervisors of mentors
one index probe each (the compliance dashboard's supervisor filter), at any headcount.

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
    op.create_index("ix_people_position_status", "people", ["position", "status"])
    op.create_index("ix_people_position_supervisor_id", "people", ["position", "supervisor_id"])


def downgrade() -> None:
    op.drop_index("ix_people_position_supervisor_id", table_name="people")
    op.drop_index("ix_people_position_status", table_name="people")
