"""API tokens expire: each has an expiry, and tokens made before now get 90 days from creation.

Revision ID: e8b4d2a6f0c1
Revises: c25fb4410cb9
Create Date: 2026-11-23 09:30:00.000000
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lms.db

revision: str = "e8b4d2a6f0c1"
down_revision: str | None = "c25fb4410cb9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: What a token created before expiry existed is given: the default lifetime of a new one.
EXISTING_TOKEN_LIFETIME = dt.timedelta(days=90)

api_tokens = sa.table(
    "api_tokens",
    sa.column("id", sa.Integer()),
    sa.column("created_at", lms.db.UTCDateTime(timezone=True)),
    sa.column("expires_at", lms.db.UTCDateTime(timezone=True)),
)


def _backfill_expiry() -> None:
    # In Python rather than SQL: date arithmetic differs between SQLite and PostgreSQL, and
    # the UTC type keeps the instants exact on both. There are only ever a few tokens.
    connection = op.get_bind()
    rows = connection.execute(sa.select(api_tokens.c.id, api_tokens.c.created_at)).all()
    for token_id, created_at in rows:
        connection.execute(
            api_tokens.update()
            .where(api_tokens.c.id == token_id)
            .values(expires_at=created_at + EXISTING_TOKEN_LIFETIME)
        )


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", lms.db.UTCDateTime(timezone=True), nullable=True)
        )

    _backfill_expiry()

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at", existing_type=lms.db.UTCDateTime(timezone=True), nullable=False
        )
        batch_op.create_check_constraint(
            op.f("ck_api_tokens_expires_after_creation"), "expires_at > created_at"
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_api_tokens_expires_after_creation"), type_="check")
        batch_op.drop_column("expires_at")
