"""Drop the audit log's (action, ip_address, occurred_at) index: no query uses it any more.

It served the certificate-verify limit, which counted recent failed look-ups per address in
the audit log; that count now lives in ``rate_limit_counters`` (c4e7a1d9f2b6) and the only
query of ``audit_events`` reads it in sequence order (the chain check), so the index only
cost every append a write.

Revision ID: 29e2178e6681
Revises: 3926a71164ce
Create Date: 2026-12-05 22:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "29e2178e6681"
down_revision: str | None = "3926a71164ce"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_action_ip_address_occurred_at")


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_events_action_ip_address_occurred_at",
            ["action", "ip_address", "occurred_at"],
            unique=False,
        )
