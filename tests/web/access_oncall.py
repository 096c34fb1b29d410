"""Access rows for on-call coverage (merged into test_permissions.EXPECTED)."""

EXPECTED_ACCESS = {
    # Every signed-in user may see whom to call; mentors most of all.
    "oncall.now": {"admin", "hr", "supervisor", "mentor", "auditor"},
    # The roster is kept by HR and administrators.
    "oncall.roster": {"hr", "admin"},
    "oncall.new_block": {"hr", "admin"},
    "oncall.delete_block": {"hr", "admin"},
    "oncall.copy_last_week": {"hr", "admin"},
    # Reading coverage over a past range writes nothing.
    "oncall.report": {"hr", "admin", "auditor", "supervisor"},
    "oncall.report_csv": {"hr", "admin", "auditor", "supervisor"},
}


def sample_values(records) -> dict:
    """An on-call block by a senior clinician, for the block_id argument."""
    if "oncall_block_id" not in records:
        import datetime as dt

        from lms.actor import Actor
        from lms.oncall.operations import BlockDetails, add_block
        from lms.staff.models import Position, StaffStatus
        from lms.staff.operations import PersonDetails, create_person

        db, actor = records["db"], Actor.system("test")
        clinician = create_person(
            db,
            actor,
            PersonDetails(
                legal_name="Sen Ior",
                date_of_birth=dt.date(1970, 1, 1),
                position=Position.SENIOR_CLINICIAN,
                status=StaffStatus.ACTIVE,
                hire_on=dt.date(2020, 1, 1),
                licence_type="LICSW",
                licence_number="1",
                licence_expires_on=dt.date(2030, 1, 1),
            ),
            dt.date(2026, 11, 23),
        )
        block = add_block(
            db,
            actor,
            BlockDetails("2026-11-23T08:00", "2026-11-23T21:00", clinician, "617-555-0100"),
            "America/New_York",
        )
        db.commit()
        records["oncall_block_id"] = block.id
    return {"block_id": records["oncall_block_id"]}


# The JSON API, by token role (tests/web/test_api.py walks these with tokens).
EXPECTED_ACCESS.update(
    {
        "api.oncall.list_oncall_blocks": {"hr", "admin", "auditor"},
        "api.oncall.create_oncall_block": {"hr", "admin"},
        "api.oncall.oncall_gaps": {"hr", "admin", "auditor"},
    }
)
