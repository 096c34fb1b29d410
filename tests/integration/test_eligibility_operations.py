"""Staff and eligibility operations on the database: determinations, verification, evidence."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.eligibility.models import (
    Determination,
    EvidenceDocument,
    EvidenceSubject,
    HumanServicesBasis,
)
from lms.eligibility.operations import (
    CredentialDetails,
    ExperienceDetails,
    add_credential,
    add_experience,
    attach_evidence,
    remove_fact,
    update_credential,
    update_experience,
    verify_fact,
)
from lms.eligibility.rules import CredentialLevel, EligibilityStatus, Pathway, Population
from lms.staff.models import Position, StaffStatus, VerificationMethod
from lms.staff.operations import PersonDetails, create_person, update_person, verify_identity
from lms.validation import InvalidInput
from tests.support.factories import attach_document, person_details

TODAY = dt.date(2026, 11, 23)
PDF = b"%PDF-1.7\n" + b"0" * 100


@pytest.fixture
def actor(users):
    return Actor(users["hr"].id, users["hr"].email, "192.0.2.1")


def mentor_details(**changes) -> PersonDetails:
    values = dict(
        legal_name="Ana Souza",
        date_of_birth=dt.date(1998, 4, 2),
        position=Position.THERAPEUTIC_MENTOR,
        status=StaffStatus.CANDIDATE,
    )
    values.update(changes)
    return person_details(**values)


def bachelors(**changes) -> CredentialDetails:
    values = dict(
        level=CredentialLevel.BACHELOR,
        institution="Salem State University",
        conferred_on=dt.date(2020, 5, 15),
        accredited=True,
        field_of_study="Psychology",
        human_services_basis=HumanServicesBasis.LISTED,
    )
    values.update(changes)
    return CredentialDetails(**values)


def full_time_youth_job(**changes) -> ExperienceDetails:
    values = dict(
        employer="Lynn YMCA",
        role="Youth worker",
        start_on=dt.date(2021, 1, 4),
        end_on=None,
        hours_per_week=Decimal(40),
        population=Population.YOUTH,
        target_population=False,
    )
    values.update(changes)
    return ExperienceDetails(**values)


def history(db, person) -> list[Determination]:
    return (
        db.execute(
            select(Determination)
            .where(Determination.person_id == person.id)
            .order_by(Determination.id)
        )
        .scalars()
        .all()
    )


def test_candidate_to_eligible_through_verification(db, actor):
    person = create_person(db, actor, mentor_details(), TODAY)
    credential = add_credential(db, actor, person, bachelors(), TODAY)
    job = add_experience(db, actor, person, full_time_youth_job(), TODAY)
    assert history(db, person)[-1].status is EligibilityStatus.PROVISIONAL

    attach_document(db, person, credential)

    verify_fact(db, actor, person, credential, VerificationMethod.TRANSCRIPT, None, TODAY)
    verify_fact(
        db,
        actor,
        person,
        job,
        VerificationMethod.EMPLOYER_REFERENCE,
        "HR manager, 617-555-0100",
        TODAY,
    )
    assert history(db, person)[-1].status is EligibilityStatus.PROVISIONAL  # identity still open
    attach_document(db, person, None, "photo-id.pdf")
    verify_identity(db, actor, person, VerificationMethod.GOVERNMENT_ID, None, TODAY)

    final = history(db, person)[-1]
    assert final.status is EligibilityStatus.ELIGIBLE
    assert final.pathway is Pathway.BACHELOR
    assert final.eligible_from == dt.date(2022, 1, 3)
    assert final.trigger == "person.verify_identity"
    assert final.actor_label == actor.label
    assert final.inputs["identity_verified"] is True
    assert final.inputs["experience"][0]["hours_per_week"] == 40
    assert [d.trigger for d in history(db, person)] == [
        "person.create",
        "credential.add",
        "experience.add",
        "credential.verify",
        "experience.verify",
        "person.verify_identity",
    ]
    assert credential.verified_by_id == actor.user_id
    assert credential.verification_method is VerificationMethod.TRANSCRIPT


def test_changing_a_verified_fact_clears_its_verification(db, actor):
    person = create_person(db, actor, mentor_details(), TODAY)
    credential = add_credential(db, actor, person, bachelors(), TODAY)
    attach_document(db, person, credential)
    verify_fact(db, actor, person, credential, VerificationMethod.TRANSCRIPT, None, TODAY)
    update_credential(
        db, actor, person, credential, bachelors(conferred_on=dt.date(2020, 6, 1)), TODAY
    )
    assert not credential.verified
    event = db.execute(select(AuditEvent).order_by(AuditEvent.sequence.desc())).scalars().first()
    assert event.action == "credential.update"
    assert event.details["verification_cleared"] is True


def test_changing_only_how_accreditation_was_checked_keeps_the_verification(db, actor):
    person = create_person(db, actor, mentor_details(), TODAY)
    credential = add_credential(db, actor, person, bachelors(), TODAY)
    attach_document(db, person, credential)
    verify_fact(db, actor, person, credential, VerificationMethod.TRANSCRIPT, None, TODAY)
    update_credential(
        db,
        actor,
        person,
        credential,
        bachelors(accreditation_checked_how="DAPIP 2026-11-20"),
        TODAY,
    )
    assert credential.verified


def test_changing_a_verified_job_clears_its_verification(db, actor):
    person = create_person(db, actor, mentor_details(), TODAY)
    job = add_experience(db, actor, person, full_time_youth_job(), TODAY)
    attach_document(db, person, job)
    verify_fact(db, actor, person, job, VerificationMethod.PAY_RECORDS, None, TODAY)
    update_experience(
        db, actor, person, job, full_time_youth_job(hours_per_week=Decimal(30)), TODAY
    )
    assert not job.verified


def test_new_date_of_birth_clears_identity_verification(db, actor):
    person = create_person(db, actor, mentor_details(), TODAY)
    attach_document(db, person, None, "photo-id.pdf")
    verify_identity(db, actor, person, VerificationMethod.GOVERNMENT_ID, None, TODAY)
    update_person(db, actor, person, mentor_details(date_of_birth=dt.date(1998, 4, 3)), TODAY)
    assert not person.identity_verified
    assert history(db, person)[-1].trigger == "person.date_of_birth"


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (bachelors(field_of_study="Business"), "human_services_basis"),
        (
            bachelors(human_services_basis=HumanServicesBasis.JUDGEMENT),
            "human_services_justification",
        ),
        (bachelors(conferred_on=dt.date(2026, 12, 1)), "conferred_on"),
        (bachelors(institution="  "), "institution"),
    ],
)
def test_bad_credentials_name_the_field_and_write_nothing(db, actor, details, field):
    person = create_person(db, actor, mentor_details(), TODAY)
    before = len(history(db, person))
    with pytest.raises(InvalidInput) as raised:
        add_credential(db, actor, person, details, TODAY)
    assert raised.value.field == field
    assert len(history(db, person)) == before


def test_listed_field_matches_case_insensitively_and_judgement_is_kept(db, actor):
    person = create_person(db, actor, mentor_details(), TODAY)
    add_credential(db, actor, person, bachelors(field_of_study="social work"), TODAY)
    justified = add_credential(
        db,
        actor,
        person,
        bachelors(
            field_of_study="Criminal Justice",
            human_services_basis=HumanServicesBasis.JUDGEMENT,
            human_services_justification="Coursework in juvenile justice and youth development.",
        ),
        TODAY,
    )
    assert justified.human_services_field
    assert justified.human_services_justification.startswith("Coursework")


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (full_time_youth_job(end_on=dt.date(2020, 1, 1)), "end_on"),
        (full_time_youth_job(hours_per_week=Decimal(0)), "hours_per_week"),
        (full_time_youth_job(hours_per_week=Decimal("168.01")), "hours_per_week"),
        (full_time_youth_job(hours_per_week=Decimal("12.345")), "hours_per_week"),
        (
            full_time_youth_job(population=Population.OTHER, target_population=True),
            "target_population",
        ),
        (full_time_youth_job(employer=""), "employer"),
        # TODAY is 2026-11-23: experience starting the next day has not happened yet.
        (full_time_youth_job(start_on=dt.date(2026, 11, 24), end_on=None), "start_on"),
    ],
)
def test_bad_experience_names_the_field(db, actor, details, field):
    person = create_person(db, actor, mentor_details(), TODAY)
    with pytest.raises(InvalidInput) as raised:
        add_experience(db, actor, person, details, TODAY)
    assert raised.value.field == field


def test_clinicians_get_no_determination(db, actor):
    clinician = create_person(
        db,
        actor,
        mentor_details(
            legal_name="Dr. Lee",
            position=Position.LICENSED_CLINICIAN,
        ),
        TODAY,
    )
    assert history(db, clinician) == []


def test_supervisor_must_be_a_current_clinician(db, actor):
    other_mentor = create_person(db, actor, mentor_details(legal_name="Peer"), TODAY)
    with pytest.raises(InvalidInput) as raised:
        create_person(db, actor, mentor_details(supervisor_id=other_mentor.id), TODAY)
    assert raised.value.field == "supervisor_id"


def test_active_needs_hire_date_and_separated_needs_date(db, actor):
    with pytest.raises(InvalidInput) as raised:
        create_person(db, actor, mentor_details(status=StaffStatus.ACTIVE), TODAY)
    assert raised.value.field == "hire_on"
    with pytest.raises(InvalidInput) as raised:
        create_person(
            db,
            actor,
            mentor_details(status=StaffStatus.SEPARATED, hire_on=dt.date(2025, 1, 1)),
            TODAY,
        )
    assert raised.value.field == "separated_on"


class TestEvidence:
    def test_pdf_is_stored_with_its_hash(self, db, actor):
        person = create_person(db, actor, mentor_details(), TODAY)
        credential = add_credential(db, actor, person, bachelors(), TODAY)
        document = attach_evidence(
            db, actor, person, EvidenceSubject.CREDENTIAL, credential, "../../etc/diploma.PDF", PDF
        )
        assert document.media_type == "application/pdf"
        assert document.sha256 == hashlib.sha256(PDF).hexdigest()
        assert document.filename == "diploma.pdf"
        assert document.size_bytes == len(PDF)

    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("id.pdf", b"MZ\x90\x00 not a pdf", "Only PDF, PNG and JPEG files can be attached."),
            ("empty.pdf", b"", "The file is empty."),
            ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "The file is larger than 10 MB."),
        ],
    )
    def test_bad_files_are_refused(self, db, actor, name, data, message):
        person = create_person(db, actor, mentor_details(), TODAY)
        with pytest.raises(InvalidInput, match=message):
            attach_evidence(db, actor, person, EvidenceSubject.IDENTITY, None, name, data)
        count = db.execute(select(func.count()).select_from(EvidenceDocument)).scalar_one()
        assert count == 0

    def test_png_and_jpeg_are_recognised_by_their_bytes(self, db, actor):
        person = create_person(db, actor, mentor_details(), TODAY)
        png = attach_evidence(
            db, actor, person, EvidenceSubject.IDENTITY, None, "id.jpg", b"\x89PNG\r\n\x1a\n...."
        )
        jpeg = attach_evidence(
            db, actor, person, EvidenceSubject.IDENTITY, None, "id", b"\xff\xd8\xff\xe0...."
        )
        assert (png.media_type, png.filename) == ("image/png", "id.png")
        assert (jpeg.media_type, jpeg.filename) == ("image/jpeg", "id.jpg")

    def test_evidence_for_another_persons_fact_is_refused(self, db, actor):
        ana = create_person(db, actor, mentor_details(), TODAY)
        ben = create_person(db, actor, mentor_details(legal_name="Ben"), TODAY)
        credential = add_credential(db, actor, ana, bachelors(), TODAY)
        with pytest.raises(InvalidInput):
            attach_evidence(db, actor, ben, EvidenceSubject.CREDENTIAL, credential, "d.pdf", PDF)


def test_removing_a_fact_only_while_unverified_and_without_evidence(db, actor):
    person = create_person(db, actor, mentor_details(), TODAY)
    credential = add_credential(db, actor, person, bachelors(), TODAY)
    attach_evidence(db, actor, person, EvidenceSubject.CREDENTIAL, credential, "d.pdf", PDF)
    with pytest.raises(InvalidInput, match="Evidence is attached"):
        remove_fact(db, actor, person, credential, TODAY)
    job = add_experience(db, actor, person, full_time_youth_job(), TODAY)
    attach_document(db, person, job)
    verify_fact(db, actor, person, job, VerificationMethod.PAY_RECORDS, None, TODAY)
    with pytest.raises(InvalidInput, match="verified fact cannot be removed"):
        remove_fact(db, actor, person, job, TODAY)
    typo = add_experience(db, actor, person, full_time_youth_job(employer="Typo"), TODAY)
    remove_fact(db, actor, person, typo, TODAY)
    assert history(db, person)[-1].trigger == "experience.remove"
