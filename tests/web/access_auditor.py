"""Access rows for the auditors' documents (merged into test_permissions.EXPECTED)."""

EXPECTED_ACCESS = {
    "auditor.curriculum_documentation": {"auditor", "admin", "hr"},
    "auditor.answer_key": {"auditor", "admin"},
}


def sample_values(records) -> dict:
    """A published edition for the edition_id argument."""
    from sqlalchemy import select

    if "edition_id" not in records:
        from lms.curriculum.models import CurriculumEdition

        records["edition_id"] = (
            records["db"].execute(select(CurriculumEdition.id).limit(1)).scalar_one()
        )
    if "job_id" not in records:
        import datetime as dt

        from lms.auditors.models import ExportJob, ExportStatus
        from lms.auth.models import User

        auditor = (
            records["db"]
            .execute(select(User.id).where(User.email == "auditor@example.org"))
            .scalar_one()
        )
        job = ExportJob(
            requested_by_id=auditor,
            as_of=dt.date(2026, 11, 1),
            status=ExportStatus.READY,
            progress_done=1,
            progress_total=1,
            created_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            filename="audit-packet-2026-11-01.zip",
            sha256="0" * 64,
            size_bytes=3,
            content=b"PK!",
        )
        records["db"].add(job)
        records["db"].commit()
        records["job_id"] = job.id
    return {"edition_id": records["edition_id"], "job_id": records["job_id"]}


EXPECTED_ACCESS["auditor.eligibility_file"] = {"auditor", "admin", "hr"}

EXPECTED_ACCESS.update(
    {
        "auditor.packets": {"auditor", "admin"},
        "auditor.packet": {"auditor", "admin"},
        "auditor.packet_download": {"auditor", "admin"},
    }
)

EXPECTED_ACCESS.update(
    {
        "auditor.roster_report_pdf": {"auditor", "admin", "hr"},
        "auditor.roster_report_csv": {"auditor", "admin", "hr"},
        "auditor.certificate_register": {"auditor", "admin", "hr"},
    }
)

# Mentors: their own; supervisors: their team (the matrix's person is the mentor's own record).
EXPECTED_ACCESS["auditor.transcript"] = {"auditor", "admin", "hr", "supervisor", "mentor"}

# Issue 10 and 12: the supervision log, on-call coverage and the requirements register.
EXPECTED_ACCESS.update(
    {
        "auditor.supervision_log_pdf": {"auditor", "admin", "hr"},
        "auditor.supervision_log_csv": {"auditor", "admin", "hr"},
        "auditor.oncall_coverage_pdf": {"auditor", "admin", "hr"},
        "auditor.oncall_coverage_csv": {"auditor", "admin", "hr"},
        "auditor.requirements_register_pdf": {"auditor", "admin", "hr"},
        "auditor.requirements_register_csv": {"auditor", "admin", "hr"},
    }
)
