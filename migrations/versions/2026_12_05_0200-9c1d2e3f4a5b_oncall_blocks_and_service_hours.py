"""On-call blocks (which senior clinician mentors call, from when until when), and service hours
as an organisation setting (blank in every version saved so far: the environment's default).

Revision ID: 9c1d2e3f4a5b
Revises: 3c8e1f2a9b47
Create Date: 2026-12-05 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lms.db

revision: str = "9c1d2e3f4a5b"
down_revision: str | None = "3c8e1f2a9b47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation_settings_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("service_hours", sa.String(length=500), server_default="", nullable=False)
        )
    op.create_table(
        "oncall_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("starts_local", sa.String(length=19), nullable=False),
        sa.Column("ends_local", sa.String(length=19), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("created_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_label", sa.String(length=254), nullable=False),
        sa.Column("removed_at", lms.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("removed_by_label", sa.String(length=254), nullable=True),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_oncall_blocks_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["clinician_id"], ["people.id"], name=op.f("fk_oncall_blocks_clinician_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_oncall_blocks_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_blocks")),
    )
    with op.batch_alter_table("oncall_blocks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_blocks_clinician_id"), ["clinician_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_oncall_blocks_ends_at"), ["ends_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_oncall_blocks_starts_at"), ["starts_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("oncall_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oncall_blocks_starts_at"))
        batch_op.drop_index(batch_op.f("ix_oncall_blocks_ends_at"))
        batch_op.drop_index(batch_op.f("ix_oncall_blocks_clinician_id"))

    op.drop_table("oncall_blocks")
    with op.batch_alter_table("organisation_settings_versions", schema=None) as batch_op:
        batch_op.drop_column("service_hours")
