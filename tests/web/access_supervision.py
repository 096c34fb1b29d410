"""Access rows for clinicians and supervision (merged into test_permissions.EXPECTED)."""

EXPECTED_ACCESS = {
    # Clinicians' licences and training areas: HR writes; HR, admins and auditors read; a
    # supervisor sees their own page (clinician_id is the supervisor's own record here).
    "clinicians.index": {"hr", "admin", "auditor"},
    "clinicians.show": {"hr", "admin", "auditor", "supervisor"},
    "clinicians.add_licence_view": {"hr"},
    "clinicians.edit_licence": {"hr"},
    "clinicians.verify_licence_view": {"hr"},
    "clinicians.licence_evidence": {"hr", "admin", "auditor"},
    "clinicians.record_area": {"hr"},
    # Supervision: supervisors record and sign for their team; mentors see and acknowledge
    # their own; HR records leave; HR, admins and auditors read everything.
    "supervision.week": {"supervisor"},
    "supervision.record": {"supervisor"},
    "supervision.record_week": {"supervisor"},
    "supervision.sign": {"supervisor"},
    "supervision.correct": {"supervisor"},
    "supervision.session_detail": {"hr", "admin", "auditor", "supervisor", "mentor"},
    "supervision.history": {"hr", "admin", "auditor", "supervisor", "mentor"},
    "supervision.mine": {"mentor"},
    "supervision.acknowledge": {"mentor"},
    "supervision.leave": {"hr"},
    "supervision.missed": {"hr", "admin", "auditor"},
    "supervision.log": {"hr", "admin", "auditor"},
    # The JSON API, by token role: HR and admin tokens report sessions and leave.
    "api.list_supervision_sessions": {"hr", "admin", "auditor"},
    "api.create_supervision_session": {"hr", "admin"},
    "api.list_leave": {"hr", "admin", "auditor"},
    "api.create_leave": {"hr", "admin"},
}


def sample_values(records) -> dict:
    """The supervisor's own record with a licence (with evidence), and a signed session."""
    import datetime as dt

    from sqlalchemy import select

    from lms import clock
    from lms.clinicians.models import Licence
    from lms.staff.models import Person
    from lms.supervision.models import SupervisionSession
    from lms.supervision.rules import Modality, SessionFormat

    keys = ("clinician_id", "licence_id", "session_id")
    if "clinician_id" in records:
        return {key: records[key] for key in keys}
    db = records["db"]
    supervisor = db.execute(select(Person).where(Person.legal_name == "Sue Pervisor")).scalar_one()
    now = clock.now()
    licence = Licence(
        person_id=supervisor.id,
        licence_type="LICSW",
        licence_number="123",
        issuing_state="MA",
        issuing_board="Board",
        issued_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2030, 1, 1),
        migrated=False,
        created_at=now,
        updated_at=now,
        evidence_filename="board.pdf",
        evidence_media_type="application/pdf",
        evidence_sha256="0" * 64,
        evidence_content=b"%PDF-1.4 x",
    )
    db.add(licence)
    db.flush()
    session = SupervisionSession(
        mentor_id=records["mentor_person_id"],
        supervisor_id=supervisor.id,
        held_on=dt.date(2026, 11, 17),
        minutes=60,
        format=SessionFormat.INDIVIDUAL,
        modality=Modality.IN_PERSON,
        topics=[],
        recorded_at=now,
        recorded_by_label="test",
        imported=False,
        signed_at=now,
        signed_name="Sue Pervisor",
    )
    db.add(session)
    db.commit()
    records.update(
        {"clinician_id": supervisor.id, "licence_id": licence.id, "session_id": session.id}
    )
    return {key: records[key] for key in keys}
