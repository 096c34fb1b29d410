"""An audit packet's file stored in chunks (``export_chunks``) rather than one value on its job:
a packet for thousands of people runs to hundreds of megabytes, which one value held in memory
whole to store and again to send (and past a gigabyte no database stores it). Files already
stored become their job's one chunk. The size column widens to 64 bits (past 2 GiB).

Revision ID: f2b6d8e0a4c7
Revises: e7a3c9d14f58
Create Date: 2026-12-07 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f2b6d8e0a4c7"
down_revision: str | None = "e7a3c9d14f58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create_chunks() -> None:
    op.create_table(
        "export_chunks",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["export_jobs.id"],
            name=op.f("fk_export_chunks_job_id_export_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "sequence", name=op.f("pk_export_chunks")),
    )


def upgrade() -> None:
    # The files are moved aside before the jobs' table is rebuilt (SQLite rebuilds it to drop a
    # column, and dropping the old table would cascade to chunks already pointing at it).
    op.create_table(
        "export_files_moving",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.execute(
        "INSERT INTO export_files_moving (job_id, data) "
        "SELECT id, content FROM export_jobs WHERE content IS NOT NULL"
    )
    with op.batch_alter_table("export_jobs") as batch:
        batch.drop_column("content")
        batch.alter_column("size_bytes", type_=sa.BigInteger(), existing_nullable=True)
    _create_chunks()
    op.execute(
        "INSERT INTO export_chunks (job_id, sequence, data) "
        "SELECT job_id, 0, data FROM export_files_moving"
    )
    op.drop_table("export_files_moving")


def downgrade() -> None:
    with op.batch_alter_table("export_jobs") as batch:
        batch.add_column(sa.Column("content", sa.LargeBinary(), nullable=True))
    connection = op.get_bind()
    jobs = connection.execute(sa.text("SELECT DISTINCT job_id FROM export_chunks")).scalars()
    for job_id in list(jobs):  # one file whole at a time, as the old column held it
        pieces = connection.execute(
            sa.text("SELECT data FROM export_chunks WHERE job_id = :job ORDER BY sequence"),
            {"job": job_id},
        ).scalars()
        connection.execute(
            sa.text("UPDATE export_jobs SET content = :content WHERE id = :job"),
            {"content": b"".join(pieces), "job": job_id},
        )
    op.drop_table("export_chunks")
    with op.batch_alter_table("export_jobs") as batch:  # no chunk left to cascade to
        batch.alter_column("size_bytes", type_=sa.Integer(), existing_nullable=True)
