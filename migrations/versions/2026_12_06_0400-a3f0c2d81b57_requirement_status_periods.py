"""Stored requirement statuses: the matrix (people by requirements) filtered, counted and paged in
SQL instead of running every person's requirement rules on each request; and who has something
to verify, for HR's home page.

``requirement_status_periods`` keeps, per person and requirement, the runs of days over which the
matrix's cell reads the same (``lms.requirements.rules.requirement_periods``);
``requirement_clearance_periods`` the runs of days on which a person is listed (with any
requirement, or with one in a given status) and cleared to work or not; ``requirement_tallies``
how the counts change by day (``lms.tallies.rules``); ``people_to_verify`` who has their identity,
a credential or a job not yet verified (counted, with training about to expire, in
``status_tallies``). This migration only creates them and empties ``status_tallies``, so that
``lms db upgrade`` recomputes every stored status from the rules at the head
(``lms.statuses.operations.fill_if_empty`` runs when no counter is stored), these included; from
then on the transaction that changes an input updates them.

Revision ID: a3f0c2d81b57
Revises: 5c9e2b7d4a10
Create Date: 2026-12-06 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a3f0c2d81b57"
down_revision: str | None = "5c9e2b7d4a10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REQUIREMENT_STATUSES = ("met", "due_soon", "expired", "missing", "pending", "not_applicable")


def upgrade() -> None:
    op.create_table(
        "requirement_status_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("requirement_key", sa.String(length=80), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                *REQUIREMENT_STATUSES, name="status", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("position", sa.String(length=40), nullable=False),
        sa.Column("blocks_work", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_requirement_status_periods_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement_status_periods")),
    )
    op.create_index(
        "ix_requirement_status_periods_person_id_starts_on",
        "requirement_status_periods",
        ["person_id", "starts_on", "ends_on", "status", "requirement_key"],
    )
    op.create_index(
        "ix_requirement_status_periods_status",
        "requirement_status_periods",
        ["status", "requirement_key", "ends_on", "starts_on", "position", "person_id"],
    )
    op.create_index(
        "ix_requirement_status_periods_valid_until",
        "requirement_status_periods",
        ["valid_until", "status", "starts_on", "ends_on"],
    )
    op.create_table(
        "requirement_clearance_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("with_status", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("position", sa.String(length=40), nullable=False),
        sa.Column("cleared", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_requirement_clearance_periods_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement_clearance_periods")),
    )
    op.create_index(
        "ix_requirement_clearance_periods_person_id_with_status",
        "requirement_clearance_periods",
        ["person_id", "with_status", "starts_on", "ends_on", "position", "cleared"],
    )
    op.create_table(
        "requirement_tallies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requirement_key", sa.String(length=100), nullable=False),
        sa.Column("position", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement_tallies")),
        sa.UniqueConstraint(
            "requirement_key",
            "position",
            "status",
            "day",
            name=op.f("uq_requirement_tallies_requirement_key_position_status_day"),
        ),
    )
    op.create_index(
        "ix_requirement_tallies_day",
        "requirement_tallies",
        ["day", "requirement_key", "position", "status", "change"],
    )
    op.create_table(
        "people_to_verify",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=40), nullable=False),
        sa.Column("staff_status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_people_to_verify_person_id_people")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_people_to_verify")),
    )
    # Every stored status is recomputed at the head by ``lms db upgrade`` (fill_if_empty).
    op.execute("DELETE FROM status_tallies")


def downgrade() -> None:
    op.drop_table("people_to_verify")
    op.drop_index("ix_requirement_tallies_day", table_name="requirement_tallies")
    op.drop_table("requirement_tallies")
    op.drop_index(
        "ix_requirement_clearance_periods_person_id_with_status",
        table_name="requirement_clearance_periods",
    )
    op.drop_table("requirement_clearance_periods")
    for name in (
        "ix_requirement_status_periods_valid_until",
        "ix_requirement_status_periods_status",
        "ix_requirement_status_periods_person_id_starts_on",
    ):
        op.drop_index(name, table_name="requirement_status_periods")
    op.drop_table("requirement_status_periods")
    # The status counters were emptied on the way up; ``lms status rebuild`` refills them.
