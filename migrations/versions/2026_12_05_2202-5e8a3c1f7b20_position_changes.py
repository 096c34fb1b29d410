"""Position history: each change of a person's position with the date it took effect.

A requirement's status on a past date is judged by the position held that day (#12:
``not_applicable`` is "not the person's position on that date"); until now a change of position
rewrote every past date. Each person starts with one row: their current position, effective from
their first hire (their record's hire date, or the day the record was made when there is none).

Revision ID: 5e8a3c1f7b20
Revises: 13c7dc3ec799
Create Date: 2026-12-05 21:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lms.db

revision: str = "5e8a3c1f7b20"
down_revision: str | None = "13c7dc3ec799"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "position_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "position",
            sa.Enum(
                "therapeutic_mentor",
                "licensed_clinician",
                "senior_clinician",
                "other",
                name="position",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_position_changes_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_position_changes_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_changes")),
        sa.UniqueConstraint(
            "person_id", "effective_on", name=op.f("uq_position_changes_person_id_effective_on")
        ),
    )
    with op.batch_alter_table("position_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_position_changes_person_id"), ["person_id"], unique=False
        )
    # Everyone's current position, from their first hire (no hire yet: the record's creation).
    op.execute(
        "INSERT INTO position_changes (person_id, position, effective_on, recorded_at) "
        "SELECT p.id, p.position, COALESCE("
        "(SELECT MIN(e.hired_on) FROM employment_periods e WHERE e.person_id = p.id), "
        "p.hire_on, DATE(p.created_at)), p.created_at FROM people p"
    )


def downgrade() -> None:
    with op.batch_alter_table("position_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_position_changes_person_id"))
    op.drop_table("position_changes")
