"""Who may use the requirements pages: HR, admins and auditors read the matrix and evidence; HR
records; HR and admins publish policies; anyone signed in reads a policy and signs their own."""

EXPECTED_ACCESS = {
    "requirements.matrix": {"hr", "admin", "auditor"},
    "requirements.export": {"hr", "admin", "auditor"},
    "requirements.register": {"hr", "admin", "auditor"},
    # Mentors and supervisors: their own requirements (supervisors also their team's).
    "requirements.person": {"hr", "admin", "auditor", "mentor", "supervisor"},
    "requirements.record": {"hr"},
    "requirements.evidence": {"hr", "admin", "auditor"},
    "requirements.policies": {"hr", "admin"},
    "requirements.catalogue": {"admin"},
    # The JSON API, by token role.
    "api.person_requirements": {"hr", "admin", "auditor"},
    "api.requirement_records": {"hr", "admin", "auditor"},
    "api.add_requirement_record": {"hr"},
    "requirements.policy": {"hr", "admin", "auditor", "mentor", "supervisor"},
    # Staff sign their own policies; auditors are outsiders and change nothing.
    "requirements.sign": {"hr", "admin", "mentor", "supervisor"},
}


def sample_values(records):
    """A requirement record with evidence and a published policy, for the URL arguments."""
    import datetime as dt

    from lms.actor import Actor
    from lms.requirements.operations import (
        Evidence,
        ItemDetails,
        ensure_catalogue,
        publish_policy,
        record_item,
        requirement_for,
    )
    from lms.staff.models import Person, VerificationMethod

    db = records["db"]
    actor, today = Actor.system("test"), dt.date(2026, 11, 23)
    ensure_catalogue(db, actor, today)
    person = db.get(Person, records["person_id"])
    row = record_item(
        db,
        actor,
        person,
        requirement_for(db, "cpr_first_aid", today),
        ItemDetails(dt.date(2026, 1, 2), dt.date(2028, 1, 2), None, VerificationMethod.OTHER, "x"),
        Evidence("card.pdf", b"%PDF-1.4 card"),
        today,
    )
    document = publish_policy(
        db, actor, requirement_for(db, "code_of_conduct", today), "Code", "Text", today, today
    )
    db.commit()
    return {"record_id": row.id, "document_id": document.id}
