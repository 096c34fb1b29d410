"""Who may use every URL of the app: one declarative matrix, one table per feature.

Each table maps an endpoint to the roles that may use it (or ``PUBLIC``). Adding a route means
adding its row to its feature's table here (or a new table, listed in ``FEATURES``) and, if its
URL takes an argument no other route takes, a sample row in that feature's ``samples``.
``tests/web/test_permissions.py`` checks every row for every role, and fails when a URL rule of
the app has no row (or a row names no URL rule).

What each cell means (``expected``):

- a role the row names: allowed — neither 401 nor 403 (a POST without a CSRF token stops at 400);
- a role it does not name: 403;
- no one signed in: sent to sign in (302 to ``/login?next=``), or 401 with a bearer challenge
  on the JSON API; ``PUBLIC`` rows are open to everyone;
- API endpoints (``api.*``) go by the role of the bearer token; a signed-in browser is anonymous
  to them (401).

The rows are written by hand: adding an endpoint means deciding here who may use it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterator

ROLES = ("admin", "hr", "supervisor", "mentor", "auditor")
EVERYONE = frozenset(ROLES)
PUBLIC = "public"
#: The "role" of a visitor who has not signed in.
ANONYMOUS = "anonymous"


class Expect(enum.Enum):
    ALLOWED = "allowed (neither 401 nor 403)"
    FORBIDDEN = "403"
    SIGN_IN = "302 to /login?next="
    UNAUTHENTICATED = "401 with a bearer challenge"


def is_api(endpoint: str) -> bool:
    return endpoint.startswith("api.")


# -- signing in, homes, accounts --------------------------------------------------------------

AUTH = {
    "auth.login": PUBLIC,
    "auth.logout": EVERYONE,
    "account.change_password": EVERYONE,
    "home.index": EVERYONE,
    "home.admin": {"admin"},
    "home.hr": {"hr"},
    "home.supervisor": {"supervisor"},
    "home.mentor": {"mentor"},
    "home.auditor": {"auditor"},
}

ADMIN = {
    "admin.users": {"admin"},
    "admin.new_user": {"admin"},
    "admin.user_detail": {"admin"},
    "admin.reset_password": {"admin"},
    "admin.set_active": {"admin"},
    "api_tokens.index": {"admin"},
    "api_tokens.new": {"admin"},
    "api_tokens.revoke": {"admin"},
}

# -- staff and their eligibility facts ----------------------------------------------------------

STAFF = {
    "staff.index": {"admin", "hr", "auditor"},
    "staff.new": {"hr"},
    "staff.edit": {"hr"},
    "staff.me": {"mentor", "supervisor"},
    "staff.link_account_view": {"admin", "hr"},
    "staff.show": EVERYONE,  # HR, admins, auditors; mentors and supervisors: their own people
    "staff.verify_identity_view": {"hr"},
    "staff_import.upload": {"hr"},
    "staff_import.template": {"hr"},
    "staff_import.check": {"hr"},
    "staff_import.confirm": {"hr"},
}

ELIGIBILITY = {
    "facts.new_fact": {"hr"},
    "facts.edit_fact": {"hr"},
    "facts.verify": {"hr"},
    "facts.remove": {"hr"},
    "facts.upload_evidence": {"hr"},
    "facts.download_evidence": {"admin", "hr", "auditor"},
}

# -- training, curriculum, certificates ---------------------------------------------------------

TRAINING = {
    "training.index": {"mentor"},
    "training.module": {"mentor"},  # their own cycles only
    "training.new_attempt": {"mentor"},
    "training.attempt": {"mentor"},
    "training.attestation": {"mentor"},
    "training.reread": {"mentor"},  # their own completed cycles only
    "training.team": {"supervisor", "hr", "admin"},
    "training.person": {"supervisor", "hr", "admin", "auditor"},  # supervisors: their team
    "training.reset": {"supervisor", "hr"},
    # The knowledge-check item analysis.
    "training.item_analysis_editions": {"admin", "auditor"},
    "training.item_analysis": {"admin", "auditor"},
    "training.item_analysis_csv": {"admin", "auditor"},
}

CURRICULUM = {
    "curriculum_admin.index": {"admin"},
    "curriculum_admin.review": {"admin"},
    "curriculum_admin.publish": {"admin"},
}

CERTIFICATES = {
    "certificates.verify_form": PUBLIC,
    "certificates.verify": PUBLIC,
    "certificates.verification": PUBLIC,
    # The holder, their supervisor, HR and auditors; administrators are not on the list.
    "certificates.download": {"mentor", "supervisor", "hr", "auditor"},
    "certificates.revoke": {"hr"},
}


def certificate_samples(records) -> dict:
    """A certificate on the fixture mentor's cycle (an inserted row: the cycle is still open)."""
    if "certificate_id" not in records:
        import random

        from lms import clock
        from lms.certificates.models import Certificate
        from lms.certificates.serials import generate_serial
        from lms.training.models import TrainingCycle

        db = records["db"]
        cycle = db.get(TrainingCycle, records["cycle_id"])
        certificate = Certificate(
            serial=generate_serial(2030, random.Random(7)),
            cycle_id=cycle.id,
            person_id=cycle.person_id,
            edition_id=cycle.edition_id,
            holder_name="Men Tor",
            issued_on=dt.date(2030, 1, 10),
            expires_on=dt.date(2031, 1, 10),
            issued_at=clock.now(),
        )
        db.add(certificate)
        db.commit()
        records["certificate_id"] = certificate.id
        records["serial"] = certificate.serial
    return {"certificate_id": records["certificate_id"], "serial": records["serial"]}


# -- alerts ------------------------------------------------------------------------------------

ALERTS = {
    "notifications.index": EVERYONE,
    "notifications.read": EVERYONE,  # a user's own only: anyone else's is 404 in the view
    "notifications.read_all": EVERYONE,
    "notifications.preferences": {"supervisor", "hr"},
}


def alert_samples(records) -> dict:
    """A notification of the mentor's, about their own training."""
    if "notification_id" not in records:
        from lms.alerts.models import Alert, AlertKind, Notification
        from lms.staff.models import Person

        db = records["db"]
        mentor = db.get(Person, records["mentor_person_id"])
        now = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
        alert = Alert(
            person_id=mentor.id,
            subject_key=f"person:{mentor.id}",
            kind=AlertKind.TRAINING_DUE,
            threshold=30,
            due_on=dt.date(2026, 12, 23),
            decided_on=dt.date(2026, 11, 23),
            subject="Training due in 30 days: Men Tor",
            body="Men Tor's initial training is due.",
            created_at=now,
        )
        db.add(alert)
        db.flush()
        notification = Notification(user_id=mentor.user_id, alert_id=alert.id, created_at=now)
        db.add(notification)
        db.commit()
        records["notification_id"] = notification.id
    return {"notification_id": records["notification_id"]}


# -- compliance, organisation -------------------------------------------------------------------

# HR and admins (everyone's records) and supervisors (their own team only).
COMPLIANCE = {
    "compliance.index": {"hr", "admin", "supervisor"},
    "compliance.export": {"hr", "admin", "supervisor"},
}

ORGANISATION = {
    # The provider's own details: administrators only (changes are in the audit log).
    "organisation.settings": {"admin"},
}

# -- the auditors' pages ------------------------------------------------------------------------

AUDITORS = {
    "auditor.curriculum_documentation": {"auditor", "admin", "hr"},
    "auditor.answer_key": {"auditor", "admin"},
    "auditor.eligibility_file": {"auditor", "admin", "hr"},
    "auditor.packets": {"auditor", "admin"},
    "auditor.packet": {"auditor", "admin"},
    "auditor.packet_download": {"auditor", "admin"},
    "auditor.roster_report_pdf": {"auditor", "admin", "hr"},
    "auditor.roster_report_csv": {"auditor", "admin", "hr"},
    "auditor.certificate_register": {"auditor", "admin", "hr"},
    # Mentors: their own; supervisors: their team (the matrix's person is the mentor's own record).
    "auditor.transcript": {"auditor", "admin", "hr", "supervisor", "mentor"},
    # Issue 10 and 12: the supervision log, on-call coverage and the requirements register.
    "auditor.supervision_log_pdf": {"auditor", "admin", "hr"},
    "auditor.supervision_log_csv": {"auditor", "admin", "hr"},
    "auditor.oncall_coverage_pdf": {"auditor", "admin", "hr"},
    "auditor.oncall_coverage_csv": {"auditor", "admin", "hr"},
    "auditor.requirements_register_pdf": {"auditor", "admin", "hr"},
    "auditor.requirements_register_csv": {"auditor", "admin", "hr"},
}


def auditor_samples(records) -> dict:
    """A published edition for the edition_id argument, and a finished packet job."""
    from sqlalchemy import select

    if "edition_id" not in records:
        from lms.curriculum.models import CurriculumEdition

        records["edition_id"] = (
            records["db"].execute(select(CurriculumEdition.id).limit(1)).scalar_one()
        )
    if "job_id" not in records:
        from lms.auditors.models import ExportChunk, ExportJob, ExportStatus
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
        )
        records["db"].add(job)
        records["db"].flush()
        records["db"].add(ExportChunk(job_id=job.id, sequence=0, data=b"PK!"))
        records["db"].commit()
        records["job_id"] = job.id
    return {"edition_id": records["edition_id"], "job_id": records["job_id"]}


# -- on-call coverage ---------------------------------------------------------------------------

ONCALL = {
    # Every signed-in user may see whom to call; mentors most of all.
    "oncall.now": EVERYONE,
    # The roster is kept by HR and administrators.
    "oncall.roster": {"hr", "admin"},
    "oncall.new_block": {"hr", "admin"},
    "oncall.delete_block": {"hr", "admin"},
    "oncall.copy_last_week": {"hr", "admin"},
    # Reading coverage over a past range writes nothing.
    "oncall.report": {"hr", "admin", "auditor", "supervisor"},
    "oncall.report_csv": {"hr", "admin", "auditor", "supervisor"},
    # The JSON API, by token role.
    "api.oncall.list_oncall_blocks": {"hr", "admin", "auditor"},
    "api.oncall.create_oncall_block": {"hr", "admin"},
    "api.oncall.oncall_gaps": {"hr", "admin", "auditor"},
}


def oncall_samples(records) -> dict:
    """An on-call block by a senior clinician, for the block_id argument."""
    if "oncall_block_id" not in records:
        from lms.actor import Actor
        from lms.oncall.operations import BlockDetails, add_block
        from lms.staff.models import Position, StaffStatus
        from tests.support.factories import add_licence_record, make_person

        db, actor = records["db"], Actor.system("test")
        clinician = make_person(
            db,
            "Sen Ior",
            today=dt.date(2026, 11, 23),
            date_of_birth=dt.date(1970, 1, 1),
            position=Position.SENIOR_CLINICIAN,
            status=StaffStatus.ACTIVE,
            hire_on=dt.date(2020, 1, 1),
        )
        add_licence_record(db, clinician, dt.date(2030, 1, 1), licence_number="1")
        block = add_block(
            db,
            actor,
            BlockDetails("2026-11-23T08:00", "2026-11-23T21:00", clinician, "617-555-0100"),
            "America/New_York",
        )
        db.commit()
        records["oncall_block_id"] = block.id
    return {"block_id": records["oncall_block_id"]}


# -- requirements and policies ------------------------------------------------------------------

# HR, admins and auditors read the matrix and evidence; HR records; HR and admins publish
# policies; anyone signed in reads a policy and signs their own.
REQUIREMENTS = {
    "requirements.matrix": {"hr", "admin", "auditor"},
    "requirements.export": {"hr", "admin", "auditor"},
    "requirements.register": {"hr", "admin", "auditor"},
    # Mentors and supervisors: their own requirements (supervisors also their team's).
    "requirements.person": {"hr", "admin", "auditor", "mentor", "supervisor"},
    "requirements.record": {"hr"},
    "requirements.evidence": {"hr", "admin", "auditor"},
    "requirements.policies": {"hr", "admin"},
    "requirements.catalogue": {"admin"},
    "requirements.policy": {"hr", "admin", "auditor", "mentor", "supervisor"},
    # Staff sign their own policies; auditors are outsiders and change nothing.
    "requirements.sign": {"hr", "admin", "mentor", "supervisor"},
    # The JSON API, by token role.
    "api.person_requirements": {"hr", "admin", "auditor"},
    "api.requirement_records": {"hr", "admin", "auditor"},
    "api.add_requirement_record": {"hr"},
}


def requirement_samples(records) -> dict:
    """A requirement record with evidence and a published policy, for the URL arguments."""
    if "record_id" not in records:
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
            ItemDetails(
                dt.date(2026, 1, 2),
                dt.date(2028, 1, 2),
                None,
                VerificationMethod.OTHER,
                "State portal look-up on the day: cleared",
            ),
            Evidence("card.pdf", b"%PDF-1.4 card"),
            today,
        )
        document = publish_policy(
            db, actor, requirement_for(db, "code_of_conduct", today), "Code", "Text", today, today
        )
        db.commit()
        records["record_id"], records["policy_document_id"] = row.id, document.id
    return {"record_id": records["record_id"], "document_id": records["policy_document_id"]}


# -- clinicians and supervision -----------------------------------------------------------------

SUPERVISION = {
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


def supervision_samples(records) -> dict:
    """The supervisor's own record with a licence (with evidence), and a signed session."""
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


# -- the JSON API's staff and eligibility endpoints ---------------------------------------------

API = {
    "api.openapi": PUBLIC,
    "api.evaluate_facts": {"hr", "admin"},
    "api.list_staff": {"hr", "admin", "auditor"},
    "api.create_staff": {"hr"},
    "api.person": {"hr", "admin", "auditor"},
    "api.update_staff": {"hr"},
    "api.eligibility": {"hr", "admin", "auditor"},
    "api.credentials": {"hr", "admin", "auditor"},
    "api.add_staff_credential": {"hr"},
    "api.update_staff_credential": {"hr"},
    "api.experience": {"hr", "admin", "auditor"},
    "api.add_staff_experience": {"hr"},
    "api.update_staff_experience": {"hr"},
    # Licence records (issue 10): the person bodies no longer carry a licence.
    "api.licences": {"hr", "admin", "auditor"},
    "api.add_staff_licence": {"hr", "admin"},
}


#: Every feature's table, and what fills its URL arguments beyond the ``records`` fixture's
#: (a function of ``records`` returning argument -> value; it may add rows once, keyed in
#: ``records``). A new feature adds a line here.
FEATURES: dict[str, tuple[dict, Callable[[dict], dict] | None]] = {
    "auth": (AUTH, None),
    "admin": (ADMIN, None),
    "staff": (STAFF, None),
    "eligibility": (ELIGIBILITY, None),
    "training": (TRAINING, None),
    "curriculum": (CURRICULUM, None),
    "certificates": (CERTIFICATES, certificate_samples),
    "alerts": (ALERTS, alert_samples),
    "compliance": (COMPLIANCE, None),
    "organisation": (ORGANISATION, None),
    "auditors": (AUDITORS, auditor_samples),
    "oncall": (ONCALL, oncall_samples),
    "requirements": (REQUIREMENTS, requirement_samples),
    "supervision": (SUPERVISION, supervision_samples),
    "api": (API, None),
}


def _one_matrix() -> dict[str, frozenset[str] | str]:
    matrix: dict[str, frozenset[str] | str] = {}
    for feature, (table, _) in FEATURES.items():
        for endpoint, allowed in table.items():
            assert endpoint not in matrix, f"{endpoint} is listed twice (again in {feature})"
            assert allowed == PUBLIC or set(allowed) <= EVERYONE, (endpoint, allowed)
            matrix[endpoint] = allowed if allowed == PUBLIC else frozenset(allowed)
    return matrix


#: endpoint -> roles allowed (or PUBLIC): every feature's rows in one table.
MATRIX = _one_matrix()


def allows(endpoint: str, role: str) -> bool:
    allowed = MATRIX[endpoint]
    return allowed == PUBLIC or role in allowed


def expected(endpoint: str, role: str, *, token: bool = False) -> Expect:
    """The cell of the matrix: what ``role`` (or ``ANONYMOUS``) gets at ``endpoint``, signed in
    with a session cookie, or with a bearer token of that role (``token``, API endpoints only)."""
    if MATRIX[endpoint] == PUBLIC:
        return Expect.ALLOWED
    if role == ANONYMOUS:
        return Expect.UNAUTHENTICATED if is_api(endpoint) else Expect.SIGN_IN
    if is_api(endpoint) and not token:
        return Expect.UNAUTHENTICATED  # the session cookie is ignored by the API
    return Expect.ALLOWED if role in MATRIX[endpoint] else Expect.FORBIDDEN


def endpoint_requests(app, users, records) -> Iterator[tuple[str, str, str]]:
    """Every (endpoint, method, url) the app serves, with ids filled from real rows."""
    from flask import url_for

    samples = {"user_id": users["mentor"].id, "kind": "credentials", **records}
    for _, fill in FEATURES.values():
        if fill is not None:
            samples.update(fill(records))
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {argument: samples[argument] for argument in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url
