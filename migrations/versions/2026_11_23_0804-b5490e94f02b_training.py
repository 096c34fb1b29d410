"""Published curriculum editions, module versions and training records.

Revision ID: b5490e94f02b
Revises: ded67a565043
Create Date: 2026-11-23 08:04:46.327354
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lms.db

revision: str = "b5490e94f02b"
down_revision: str | None = "ded67a565043"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "module_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_key", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("estimated_minutes", sa.Integer(), nullable=False),
        sa.Column("questions_per_attempt", sa.Integer(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_versions")),
        sa.UniqueConstraint(
            "module_key", "sha256", name=op.f("uq_module_versions_module_key_sha256")
        ),
        sa.UniqueConstraint(
            "module_key", "version", name=op.f("uq_module_versions_module_key_version")
        ),
    )
    op.create_table(
        "curriculum_editions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("curriculum_key", sa.String(length=80), nullable=False),
        sa.Column("edition", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("crosswalk", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("placeholder_values", sa.JSON(), nullable=False),
        sa.Column("published_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_by_label", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_curriculum_editions_published_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_curriculum_editions")),
        sa.UniqueConstraint(
            "curriculum_key",
            "edition",
            "sha256",
            name=op.f("uq_curriculum_editions_curriculum_key_edition_sha256"),
        ),
        sa.UniqueConstraint(
            "curriculum_key",
            "edition",
            "version",
            name=op.f("uq_curriculum_editions_curriculum_key_edition_version"),
        ),
    )
    op.create_table(
        "edition_modules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("module_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["curriculum_editions.id"],
            name=op.f("fk_edition_modules_edition_id_curriculum_editions"),
        ),
        sa.ForeignKeyConstraint(
            ["module_version_id"],
            ["module_versions.id"],
            name=op.f("fk_edition_modules_module_version_id_module_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edition_modules")),
        sa.UniqueConstraint(
            "edition_id",
            "module_version_id",
            name=op.f("uq_edition_modules_edition_id_module_version_id"),
        ),
        sa.UniqueConstraint(
            "edition_id", "position", name=op.f("uq_edition_modules_edition_id_position")
        ),
    )
    with op.batch_alter_table("edition_modules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_edition_modules_module_version_id"), ["module_version_id"], unique=False
        )

    op.create_table(
        "training_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum("initial", "annual", name="kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("imported", sa.Boolean(), nullable=False),
        sa.Column("import_note", sa.Text(), nullable=True),
        sa.Column("created_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["curriculum_editions.id"],
            name=op.f("fk_training_cycles_edition_id_curriculum_editions"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_training_cycles_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_cycles")),
    )
    with op.batch_alter_table("training_cycles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_cycles_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            "uq_training_cycles_one_open_per_person",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text("completed_on IS NULL AND withdrawn_on IS NULL"),
            postgresql_where=sa.text("completed_on IS NULL AND withdrawn_on IS NULL"),
        )

    op.create_table(
        "module_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("module_version_id", sa.Integer(), nullable=False),
        sa.Column("current_section", sa.Integer(), nullable=False),
        sa.Column("furthest_section", sa.Integer(), nullable=False),
        sa.Column("seconds_spent", sa.Integer(), nullable=False),
        sa.Column("started_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_viewed_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("passed_at", lms.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("attempts_reset_at", lms.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["training_cycles.id"],
            name=op.f("fk_module_progress_cycle_id_training_cycles"),
        ),
        sa.ForeignKeyConstraint(
            ["module_version_id"],
            ["module_versions.id"],
            name=op.f("fk_module_progress_module_version_id_module_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_progress")),
        sa.UniqueConstraint(
            "cycle_id",
            "module_version_id",
            name=op.f("uq_module_progress_cycle_id_module_version_id"),
        ),
    )
    with op.batch_alter_table("module_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_module_progress_cycle_id"), ["cycle_id"], unique=False)

    op.create_table(
        "attestations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("progress_id", sa.Integer(), nullable=False),
        sa.Column("module_version_id", sa.Integer(), nullable=False),
        sa.Column("typed_name", sa.String(length=200), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("attested_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["module_version_id"],
            ["module_versions.id"],
            name=op.f("fk_attestations_module_version_id_module_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["progress_id"],
            ["module_progress.id"],
            name=op.f("fk_attestations_progress_id_module_progress"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attestations")),
        sa.UniqueConstraint("progress_id", name=op.f("uq_attestations_progress_id")),
    )
    op.create_table(
        "knowledge_check_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("progress_id", sa.Integer(), nullable=False),
        sa.Column("module_version_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("paper", sa.JSON(), nullable=False),
        sa.Column("started_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", lms.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("correct_count", sa.Integer(), nullable=True),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("score_percent", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["module_version_id"],
            ["module_versions.id"],
            name=op.f("fk_knowledge_check_attempts_module_version_id_module_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["progress_id"],
            ["module_progress.id"],
            name=op.f("fk_knowledge_check_attempts_progress_id_module_progress"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_check_attempts")),
        sa.UniqueConstraint(
            "progress_id", "number", name=op.f("uq_knowledge_check_attempts_progress_id_number")
        ),
    )
    with op.batch_alter_table("knowledge_check_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_knowledge_check_attempts_progress_id"), ["progress_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("knowledge_check_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_check_attempts_progress_id"))

    op.drop_table("knowledge_check_attempts")
    op.drop_table("attestations")
    with op.batch_alter_table("module_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_module_progress_cycle_id"))

    op.drop_table("module_progress")
    with op.batch_alter_table("training_cycles", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_training_cycles_one_open_per_person",
            sqlite_where=sa.text("completed_on IS NULL AND withdrawn_on IS NULL"),
            postgresql_where=sa.text("completed_on IS NULL AND withdrawn_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_training_cycles_person_id"))

    op.drop_table("training_cycles")
    with op.batch_alter_table("edition_modules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edition_modules_module_version_id"))

    op.drop_table("edition_modules")
    op.drop_table("curriculum_editions")
    op.drop_table("module_versions")
