"""Status tallies and unsupervised weeks: counts by status on any day, and "missed supervision
lately", without reading every person's records.

Each stored status period also keeps the position and staff status its person had when it was
computed (the scope a list filters by; the people table's values are copied here). The new
``status_tallies`` table keeps, per kind of status, scope, status and day, how much the count of
people with that status changes that day (``lms.tallies.rules``). ``supervision_gaps`` keeps each
mentor's runs of consecutive weeks that require supervision and have no session that counts
(``lms.supervision.rules.unsupervised_runs``). This migration only creates them: ``lms db upgrade``
recomputes every stored status, counter and run at the head from the rules
(``lms.statuses.operations.fill_if_empty``), and from then on the transaction that changes what
the rules read updates them.

Revision ID: 7b1d4e9a2c35
Revises: 921b09b5a486
Create Date: 2026-12-06 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b1d4e9a2c35"
down_revision: str | None = "921b09b5a486"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERIOD_TABLES = ("training_status_periods", "eligibility_status_periods")


def upgrade() -> None:
    for table in PERIOD_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("position", sa.String(length=40), nullable=True))
            batch.add_column(sa.Column("staff_status", sa.String(length=20), nullable=True))
        op.execute(
            f"UPDATE {table} SET"  # noqa: S608 - table names are this module's constants
            " position = (SELECT people.position FROM people WHERE people.id = person_id),"
            " staff_status = (SELECT people.status FROM people WHERE people.id = person_id)"
        )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("position", existing_type=sa.String(length=40), nullable=False)
            batch.alter_column("staff_status", existing_type=sa.String(length=20), nullable=False)
    op.create_index(
        "ix_training_status_periods_status_due_on",
        "training_status_periods",
        ["status", "due_on", "starts_on", "ends_on", "position", "person_id"],
    )
    op.create_table(
        "status_tallies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("position", sa.String(length=40), nullable=False),
        sa.Column("staff_status", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_tallies")),
        sa.UniqueConstraint(
            "kind",
            "position",
            "staff_status",
            "status",
            "day",
            name=op.f("uq_status_tallies_kind_position_staff_status_status_day"),
        ),
    )
    op.create_index(
        "ix_status_tallies_kind_status_day",
        "status_tallies",
        ["kind", "status", "day", "position", "staff_status", "change"],
    )
    op.create_table(
        "supervision_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("first_week", sa.Date(), nullable=False),
        sa.Column("last_week", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["people.id"], name=op.f("fk_supervision_gaps_mentor_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_gaps")),
    )
    op.create_index(
        "ix_supervision_gaps_mentor_id_first_week", "supervision_gaps", ["mentor_id", "first_week"]
    )


def downgrade() -> None:
    op.drop_index("ix_supervision_gaps_mentor_id_first_week", table_name="supervision_gaps")
    op.drop_table("supervision_gaps")
    op.drop_index("ix_status_tallies_kind_status_day", table_name="status_tallies")
    op.drop_table("status_tallies")
    op.drop_index("ix_training_status_periods_status_due_on", table_name="training_status_periods")
    for table in PERIOD_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("staff_status")
            batch.drop_column("position")
