"""Stored status periods: training and eligibility statuses answerable in SQL.

``training_status_periods`` and ``eligibility_status_periods`` keep, per person, the runs of days
over which the training rules (``state_on``) and the eligibility rules (``evaluate``) give the
same answer, so a filter, count or chart compares stored dates with a day instead of running the
rules for every person. This migration only creates them: filling them runs the app's rules and
models, which must match the schema at the head, so ``lms db upgrade`` fills them once it reaches
the head (``lms.statuses.operations.fill_if_empty``). From then on ``lms.statuses.tracking`` keeps
them, and ``lms status verify`` checks them.

Revision ID: 3926a71164ce
Revises: 5e8a3c1f7b20
Create Date: 2026-12-05 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3926a71164ce"
down_revision: str | None = "5e8a3c1f7b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRAINING_STATUSES = ("not_started", "in_progress", "overdue", "compliant", "due_soon", "lapsed")
ELIGIBILITY_STATUSES = ("eligible", "provisional", "not_eligible")


def upgrade() -> None:
    op.create_table(
        "training_status_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(*TRAINING_STATUSES, name="status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("window_opens_on", sa.Date(), nullable=True),
        sa.Column("last_completed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_training_status_periods_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_status_periods")),
    )
    op.create_index(
        "ix_training_status_periods_person_id_starts_on",
        "training_status_periods",
        ["person_id", "starts_on", "ends_on", "status"],
    )
    op.create_index(
        "ix_training_status_periods_status",
        "training_status_periods",
        ["status", "ends_on", "starts_on", "person_id"],
    )
    op.create_table(
        "eligibility_status_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                *ELIGIBILITY_STATUSES, name="status", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_eligibility_status_periods_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_status_periods")),
    )
    op.create_index(
        "ix_eligibility_status_periods_person_id_starts_on",
        "eligibility_status_periods",
        ["person_id", "starts_on"],
    )
    op.create_index(
        "ix_eligibility_status_periods_status",
        "eligibility_status_periods",
        ["status", "ends_on", "starts_on", "person_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_eligibility_status_periods_status", table_name="eligibility_status_periods")
    op.drop_index("ix_training_status_periods_status", table_name="training_status_periods")
    op.drop_index(
        "ix_eligibility_status_periods_person_id_starts_on",
        table_name="eligibility_status_periods",
    )
    op.drop_table("eligibility_status_periods")
    op.drop_index(
        "ix_training_status_periods_person_id_starts_on", table_name="training_status_periods"
    )
    op.drop_table("training_status_periods")
