"""Requirements by position: catalogue versions, HR's records of credentials and checks with
their evidence, versioned policy documents and people's signatures of them.

Revision ID: 3b002fc6ec4e
Revises: 9c1d2e3f4a5b
Create Date: 2026-12-05 02:03:29.695051
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lms.db

revision: str = "3b002fc6ec4e"
down_revision: str | None = "9c1d2e3f4a5b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "policy_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requirement_key", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("published_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_policy_documents_version_positive")),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_policy_documents_published_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_documents")),
        sa.UniqueConstraint(
            "requirement_key", "version", name=op.f("uq_policy_documents_requirement_key_version")
        ),
    )
    with op.batch_alter_table("policy_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_policy_documents_requirement_key"), ["requirement_key"], unique=False
        )

    op.create_table(
        "requirement_catalogues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("definitions", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("loaded_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("loaded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_requirement_catalogues_version_positive")),
        sa.ForeignKeyConstraint(
            ["loaded_by_id"],
            ["users.id"],
            name=op.f("fk_requirement_catalogues_loaded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement_catalogues")),
        sa.UniqueConstraint("version", name=op.f("uq_requirement_catalogues_version")),
    )
    op.create_table(
        "policy_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("requirement_key", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("typed_name", sa.String(length=200), nullable=False),
        sa.Column("signed_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["policy_documents.id"],
            name=op.f("fk_policy_signatures_document_id_policy_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_policy_signatures_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_policy_signatures_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_signatures")),
        sa.UniqueConstraint(
            "person_id", "document_id", name=op.f("uq_policy_signatures_person_id_document_id")
        ),
    )
    with op.batch_alter_table("policy_signatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_policy_signatures_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_policy_signatures_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "requirement_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("requirement_key", sa.String(length=80), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "credential",
                "check",
                "acknowledgment",
                "course",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("verified_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "verification_method",
            sa.Enum(
                "government_id",
                "diploma",
                "transcript",
                "registrar",
                "clearinghouse",
                "dapip_lookup",
                "credential_evaluation",
                "employer_reference",
                "pay_records",
                "other",
                name="verification_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("verification_note", sa.Text(), nullable=True),
        sa.Column("evidence_filename", sa.String(length=255), nullable=True),
        sa.Column("evidence_media_type", sa.String(length=100), nullable=True),
        sa.Column("evidence_size_bytes", sa.Integer(), nullable=True),
        sa.Column("evidence_sha256", sa.String(length=64), nullable=True),
        sa.Column("evidence_content", sa.LargeBinary(), nullable=True),
        sa.Column("recorded_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind != 'check' OR expires_on IS NULL",
            name=op.f("ck_requirement_records_check_has_no_expiry"),
        ),
        sa.CheckConstraint(
            "kind != 'credential' OR (expires_on IS NOT NULL AND expires_on > done_on)",
            name=op.f("ck_requirement_records_credential_expires"),
        ),
        sa.CheckConstraint(
            "kind IN ('credential', 'check')", name=op.f("ck_requirement_records_recorded_kind")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_requirement_records_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_requirement_records_recorded_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"],
            ["users.id"],
            name=op.f("fk_requirement_records_verified_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement_records")),
    )
    with op.batch_alter_table("requirement_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_requirement_records_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_requirement_records_requirement_key"), ["requirement_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("requirement_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requirement_records_requirement_key"))
        batch_op.drop_index(batch_op.f("ix_requirement_records_person_id"))

    op.drop_table("requirement_records")
    with op.batch_alter_table("policy_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_signatures_person_id"))
        batch_op.drop_index(batch_op.f("ix_policy_signatures_document_id"))

    op.drop_table("policy_signatures")
    op.drop_table("requirement_catalogues")
    with op.batch_alter_table("policy_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_documents_requirement_key"))

    op.drop_table("policy_documents")
