"""One open knowledge-check attempt per progress; API idempotency keys; rate-limit counters.

A doubled "Start knowledge check" could leave two open attempts, after which every start failed.
Extra open attempts (never submitted, so without answers or marks) are removed, keeping the
earliest, and a partial unique index keeps it to one from now on.

``api_idempotency_keys`` keeps, for 24 hours, the first answer to a create request sent with an
``Idempotency-Key`` header, so a retry gets that answer instead of creating again.

``rate_limit_counters`` holds the certificate-verify limit's counts per address (they were
counted from the audit log, which every unknown serial grew by a row). Past
``certificate.verify_failed`` events stay in the log, which is never edited; new ones are not
written, and the limit starts afresh.

Revision ID: c4e7a1d9f2b6
Revises: b8d4f0e2c3a5
Create Date: 2026-12-05 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lms.db

revision: str = "c4e7a1d9f2b6"
down_revision: str | None = "b8d4f0e2c3a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        sa.text(
            "DELETE FROM knowledge_check_attempts WHERE submitted_at IS NULL AND id NOT IN ("
            " SELECT MIN(id) FROM knowledge_check_attempts WHERE submitted_at IS NULL"
            " GROUP BY progress_id)"
        )
    )
    op.create_index(
        "uq_knowledge_check_attempts_one_open",
        "knowledge_check_attempts",
        ["progress_id"],
        unique=True,
        sqlite_where=sa.text("submitted_at IS NULL"),
        postgresql_where=sa.text("submitted_at IS NULL"),
    )
    op.create_table(
        "api_idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=2000), nullable=True),
        sa.Column("created_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_tokens.id"],
            name=op.f("fk_api_idempotency_keys_token_id_api_tokens"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_idempotency_keys")),
        sa.UniqueConstraint("token_id", "key", name=op.f("uq_api_idempotency_keys_token_id_key")),
    )
    op.create_index(
        op.f("ix_api_idempotency_keys_expires_at"), "api_idempotency_keys", ["expires_at"]
    )
    op.create_table(
        "rate_limit_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_started_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_counters")),
        sa.UniqueConstraint("bucket", "key", name=op.f("uq_rate_limit_counters_bucket_key")),
    )
    op.create_index(
        op.f("ix_rate_limit_counters_expires_at"), "rate_limit_counters", ["expires_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_limit_counters_expires_at"), table_name="rate_limit_counters")
    op.drop_table("rate_limit_counters")
    op.drop_index(op.f("ix_api_idempotency_keys_expires_at"), table_name="api_idempotency_keys")
    op.drop_table("api_idempotency_keys")
    op.drop_index("uq_knowledge_check_attempts_one_open", table_name="knowledge_check_attempts")
