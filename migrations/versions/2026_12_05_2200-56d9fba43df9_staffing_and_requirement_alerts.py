"""Alerts for supervision, on-call gaps and requirements; alerts keyed by what they are about.

An alert was unique per (person, kind, threshold, due date). An on-call gap is about no person,
and a person can have several requirements or sessions alerted on one date, so an alert now has
a ``subject_key`` (``person:<id>`` for everything before this migration, which is backfilled)
and is unique per (subject key, kind, threshold, due date); ``person_id`` may be empty.
``own_subject``/``own_body`` hold the text as the person it is about reads it ("Your training…").
The ``kind`` check constraint gains the new kinds (and the column their length).

Revision ID: 56d9fba43df9
Revises: c4e7a1d9f2b6
Create Date: 2026-12-05 22:00:00.000000
"""

# The SQL below is built from this file's own constants, never from input.
# ruff: noqa: S608
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "56d9fba43df9"
down_revision: str | None = "c4e7a1d9f2b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = (
    "training_due",
    "training_overdue",
    "training_lapsed",
    "licence_expiring",
    "provisional_stale",
)
NEW_KINDS = (
    *OLD_KINDS,
    "supervision_pending",
    "supervision_missed",
    "unlicensed_supervision",
    "oncall_gap",
    "requirement_due",
    "requirement_lapsed",
    "check_due",
    "policy_to_sign",
)


def _in(kinds: Sequence[str]) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade() -> None:
    op.add_column("alerts", sa.Column("subject_key", sa.String(length=200), nullable=True))
    op.add_column("alerts", sa.Column("own_subject", sa.String(length=200), nullable=True))
    op.add_column("alerts", sa.Column("own_body", sa.Text(), nullable=True))
    op.execute(sa.text("UPDATE alerts SET subject_key = 'person:' || CAST(person_id AS VARCHAR)"))
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_alerts_person_id_kind_threshold_due_on"), type_="unique")
        batch_op.drop_constraint(op.f("ck_alerts_kind"), type_="check")
        batch_op.alter_column("subject_key", existing_type=sa.String(200), nullable=False)
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column(
            "kind", existing_type=sa.String(17), type_=sa.String(max(map(len, NEW_KINDS)))
        )
        batch_op.create_check_constraint(op.f("ck_alerts_kind"), _in(NEW_KINDS))
        batch_op.create_unique_constraint(
            op.f("uq_alerts_subject_key_kind_threshold_due_on"),
            ["subject_key", "kind", "threshold", "due_on"],
        )


def downgrade() -> None:
    # Alerts the older schema cannot hold (about no person, or of the new kinds) go with it.
    kinds = ", ".join(f"'{kind}'" for kind in NEW_KINDS if kind not in OLD_KINDS)
    doomed = f"SELECT id FROM alerts WHERE person_id IS NULL OR kind IN ({kinds})"
    doomed_deliveries = f"SELECT id FROM alert_deliveries WHERE alert_id IN ({doomed})"
    op.execute(sa.text(f"DELETE FROM delivery_attempts WHERE delivery_id IN ({doomed_deliveries})"))
    op.execute(sa.text(f"DELETE FROM alert_deliveries WHERE alert_id IN ({doomed})"))
    op.execute(sa.text(f"DELETE FROM notifications WHERE alert_id IN ({doomed})"))
    op.execute(sa.text(f"DELETE FROM alerts WHERE id IN ({doomed})"))
    # A person had one alert per (kind, threshold, due date): keep the first of any others.
    op.execute(
        sa.text(
            "DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM alert_deliveries"
            " WHERE alert_id NOT IN (SELECT MIN(id) FROM alerts"
            " GROUP BY person_id, kind, threshold, due_on))"
        )
    )
    for table in ("alert_deliveries", "notifications"):
        op.execute(
            sa.text(
                f"DELETE FROM {table} WHERE alert_id NOT IN (SELECT MIN(id) FROM alerts"
                " GROUP BY person_id, kind, threshold, due_on)"
            )
        )
    op.execute(
        sa.text(
            "DELETE FROM alerts WHERE id NOT IN (SELECT MIN(id) FROM alerts"
            " GROUP BY person_id, kind, threshold, due_on)"
        )
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("uq_alerts_subject_key_kind_threshold_due_on"), type_="unique"
        )
        batch_op.drop_constraint(op.f("ck_alerts_kind"), type_="check")
        batch_op.alter_column(
            "kind", existing_type=sa.String(max(map(len, NEW_KINDS))), type_=sa.String(17)
        )
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(op.f("ck_alerts_kind"), _in(OLD_KINDS))
        batch_op.create_unique_constraint(
            op.f("uq_alerts_person_id_kind_threshold_due_on"),
            ["person_id", "kind", "threshold", "due_on"],
        )
        batch_op.drop_column("own_body")
        batch_op.drop_column("own_subject")
        batch_op.drop_column("subject_key")
