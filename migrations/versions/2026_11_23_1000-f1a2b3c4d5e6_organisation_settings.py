"""Organisation settings saved by administrators, one row per save, overriding the environment.

Revision ID: f1a2b3c4d5e6
Revises: e8b4d2a6f0c1
Create Date: 2026-11-23 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lms.db

revision: str = "f1a2b3c4d5e6"
down_revision: str | None = "e8b4d2a6f0c1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisation_settings_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("on_call_phone", sa.String(length=60), nullable=False),
        sa.Column("emergency_protocol", sa.String(length=500), nullable=False),
        sa.Column("supervisor_contact", sa.String(length=200), nullable=False),
        sa.Column("training_director_name", sa.String(length=120), nullable=False),
        sa.Column("training_director_title", sa.String(length=120), nullable=False),
        sa.Column("saved_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_by_label", sa.String(length=254), nullable=False),
        sa.CheckConstraint(
            "organisation_name <> '' AND training_director_name <> '' AND training_director_title <> ''",
            name=op.f("ck_organisation_settings_versions_required_values_given"),
        ),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["users.id"],
            name=op.f("fk_organisation_settings_versions_saved_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_settings_versions")),
    )


def downgrade() -> None:
    op.drop_table("organisation_settings_versions")
