"""Staff records, education, experience, evidence, determinations and API tokens.

Revision ID: ded67a565043
Revises: 7589db6c0a91
Create Date: 2026-11-23 07:54:01.933433
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lms.db

revision: str = "ded67a565043"
down_revision: str | None = "7589db6c0a91"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


#: Fields of study MassHealth's "Field of Degree Guidelines for CBHI Providers" (2015) names as
#: human services; providers can add to the list.
HUMAN_SERVICES_FIELDS = [
    "Child development",
    "Counseling",
    "Early childhood education",
    "Education",
    "Elementary education",
    "Family relations",
    "Human services",
    "Psychology",
    "Rehabilitation counseling",
    "Social work",
    "Special needs",
]


def upgrade() -> None:
    op.create_table(
        "human_services_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_human_services_fields")),
        sa.UniqueConstraint("name", name=op.f("uq_human_services_fields_name")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_prefix", sa.String(length=12), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "hr",
                "supervisor",
                "mentor",
                "auditor",
                name="role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", lms.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", lms.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_api_tokens_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("preferred_name", sa.String(length=200), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("work_email", sa.String(length=254), nullable=True),
        sa.Column("hire_on", sa.Date(), nullable=True),
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
        sa.Column(
            "status",
            sa.Enum(
                "candidate",
                "active",
                "separated",
                name="status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("separated_on", sa.Date(), nullable=True),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("licence_type", sa.String(length=40), nullable=True),
        sa.Column("licence_number", sa.String(length=60), nullable=True),
        sa.Column("licence_expires_on", sa.Date(), nullable=True),
        sa.Column("identity_verified_at", lms.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("identity_verified_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "identity_verification_method",
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
                name="identity_verification_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("identity_verification_note", sa.Text(), nullable=True),
        sa.Column("created_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(status = 'separated') = (separated_on IS NOT NULL)",
            name=op.f("ck_people_separated_has_date"),
        ),
        sa.ForeignKeyConstraint(
            ["identity_verified_by_id"],
            ["users.id"],
            name=op.f("fk_people_identity_verified_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["people.id"], name=op.f("fk_people_supervisor_id_people")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_people_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("user_id", name=op.f("uq_people_user_id")),
        sa.UniqueConstraint("work_email", name=op.f("uq_people_work_email")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_people_supervisor_id"), ["supervisor_id"], unique=False
        )

    op.create_table(
        "determinations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("determined_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("ruleset", sa.String(length=20), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "eligible",
                "provisional",
                "not_eligible",
                name="status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "pathway",
            sa.Enum(
                "bachelor",
                "associate",
                "high_school",
                name="pathway",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("eligible_from", sa.Date(), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("trigger", sa.String(length=80), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_determinations_actor_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_determinations_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_determinations")),
    )
    with op.batch_alter_table("determinations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_determinations_person_id_determined_at",
            ["person_id", "determined_at"],
            unique=False,
        )

    op.create_table(
        "education_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "high_school",
                "ged",
                "associate",
                "bachelor",
                "master",
                "doctorate",
                name="level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("field_of_study", sa.String(length=200), nullable=True),
        sa.Column("institution", sa.String(length=200), nullable=False),
        sa.Column("accredited", sa.Boolean(), nullable=False),
        sa.Column("accreditation_checked_how", sa.String(length=200), nullable=True),
        sa.Column("conferred_on", sa.Date(), nullable=False),
        sa.Column(
            "human_services_basis",
            sa.Enum(
                "listed",
                "judgement",
                name="human_services_basis",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("human_services_justification", sa.Text(), nullable=True),
        sa.Column("created_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verified_at", lms.db.UTCDateTime(timezone=True), nullable=True),
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
            nullable=True,
        ),
        sa.Column("verification_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "human_services_basis != 'judgement' OR human_services_justification IS NOT NULL",
            name=op.f("ck_education_credentials_judgement_is_justified"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_education_credentials_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"],
            ["users.id"],
            name=op.f("fk_education_credentials_verified_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_education_credentials")),
    )
    with op.batch_alter_table("education_credentials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_education_credentials_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "experience_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("employer", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("hours_per_week", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column(
            "population",
            sa.Enum("youth", "other", name="population", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("target_population", sa.Boolean(), nullable=False),
        sa.Column("created_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verified_at", lms.db.UTCDateTime(timezone=True), nullable=True),
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
            nullable=True,
        ),
        sa.Column("verification_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "NOT target_population OR population = 'youth'",
            name=op.f("ck_experience_entries_target_is_youth"),
        ),
        sa.CheckConstraint(
            "end_on IS NULL OR end_on >= start_on",
            name=op.f("ck_experience_entries_ends_after_start"),
        ),
        sa.CheckConstraint(
            "hours_per_week > 0 AND hours_per_week <= 168",
            name=op.f("ck_experience_entries_hours_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_experience_entries_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"],
            ["users.id"],
            name=op.f("fk_experience_entries_verified_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experience_entries")),
    )
    with op.batch_alter_table("experience_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_experience_entries_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "evidence_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "subject",
            sa.Enum(
                "identity",
                "credential",
                "experience",
                name="subject",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("credential_id", sa.Integer(), nullable=True),
        sa.Column("experience_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(subject = 'identity' AND credential_id IS NULL AND experience_id IS NULL) OR (subject = 'credential' AND credential_id IS NOT NULL AND experience_id IS NULL) OR (subject = 'experience' AND experience_id IS NOT NULL AND credential_id IS NULL)",
            name=op.f("ck_evidence_documents_one_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["education_credentials.id"],
            name=op.f("fk_evidence_documents_credential_id_education_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["experience_id"],
            ["experience_entries.id"],
            name=op.f("fk_evidence_documents_experience_id_experience_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_evidence_documents_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_evidence_documents_uploaded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_documents")),
    )
    with op.batch_alter_table("evidence_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_documents_credential_id"), ["credential_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evidence_documents_experience_id"), ["experience_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evidence_documents_person_id"), ["person_id"], unique=False
        )

    fields = sa.table("human_services_fields", sa.column("name", sa.String))
    op.bulk_insert(fields, [{"name": name} for name in HUMAN_SERVICES_FIELDS])


def downgrade() -> None:
    with op.batch_alter_table("evidence_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_documents_person_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_documents_experience_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_documents_credential_id"))

    op.drop_table("evidence_documents")
    with op.batch_alter_table("experience_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_experience_entries_person_id"))

    op.drop_table("experience_entries")
    with op.batch_alter_table("education_credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_education_credentials_person_id"))

    op.drop_table("education_credentials")
    with op.batch_alter_table("determinations", schema=None) as batch_op:
        batch_op.drop_index("ix_determinations_person_id_determined_at")

    op.drop_table("determinations")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_supervisor_id"))

    op.drop_table("people")
    op.drop_table("api_tokens")
    op.drop_table("human_services_fields")
