"""Certificate PDFs kept after their first download, with the fingerprint they were drawn from.

Revision ID: 3c8e1f2a9b47
Revises: 217929611ded
Create Date: 2026-12-05 01:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lms.db

revision: str = "3c8e1f2a9b47"
down_revision: str | None = "217929611ded"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certificate_pdfs",
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("rendered_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_certificate_pdfs_certificate_id_certificates"),
        ),
        sa.PrimaryKeyConstraint("certificate_id", name=op.f("pk_certificate_pdfs")),
    )


def downgrade() -> None:
    op.drop_table("certificate_pdfs")
