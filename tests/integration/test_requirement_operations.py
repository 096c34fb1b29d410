"""Requirements on the database: catalogue versions, records with evidence, policies, signatures,
the matrix and the CSV import. Expected statuses are worked from issue 12's rules."""

import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.requirements.catalogue import DEFAULT_PATH, load_catalogue_file, parse_catalogue
from lms.requirements.models import CatalogueVersion, RequirementRecord
from lms.requirements.operations import (
    Evidence,
    ImportRefused,
    ItemDetails,
    ensure_catalogue,
    import_records,
    load_catalogue,
    publish_policy,
    record_item,
    requirement_for,
    sign_policy,
)
from lms.requirements.queries import MatrixFilters, compliance_matrix
from lms.requirements.rules import RequirementStatus
from lms.staff.models import Position, StaffStatus, VerificationMethod
from lms.staff.operations import create_person
from lms.validation import InvalidInput
from tests.support.factories import person_details

S = RequirementStatus
TODAY = dt.date(2026, 11, 23)
PDF = b"%PDF-1.7\n" + b"0" * 100


@pytest.fixture
def hr(users):
    return Actor(users["hr"].id, users["hr"].email, "192.0.2.1")


@pytest.fixture
def mentor(db, hr, users):
    ensure_catalogue(db, hr, dt.date(2026, 1, 1))
    return create_person(
        db,
        hr,
        person_details(
            "Mia Mentor",
            date_of_birth=dt.date(1998, 4, 1),
            position=Position.THERAPEUTIC_MENTOR,
            status=StaffStatus.ACTIVE,
            work_email="mia@example.org",
            hire_on=dt.date(2026, 11, 2),
            user_email="mentor@example.org",
        ),
        TODAY,
    )


def statuses(db, person, day):
    matrix = compliance_matrix(db, day, MatrixFilters(person_id=person.id))
    (row,) = matrix.rows
    return {key: result.status for key, result in row.statuses.items()}, row.clearance


def test_first_use_loads_the_default_catalogue_once(db, hr):
    ensure_catalogue(db, hr, TODAY)
    ensure_catalogue(db, hr, TODAY)
    assert db.execute(select(func.count()).select_from(CatalogueVersion)).scalar_one() == 1
    event = db.execute(
        select(AuditEvent).where(AuditEvent.action == "requirements.catalogue.load")
    ).scalar_one()
    assert "cori" in event.details["added"]


def test_a_new_mentor_is_not_cleared_until_checks_are_recorded(db, hr, mentor):
    found, clearance = statuses(db, mentor, TODAY)
    # Hired 2 November; CORI, SORI and both exclusion screenings are due before the first day.
    assert found["cori"] is S.MISSING
    assert found["oig_exclusion_screening"] is S.MISSING
    assert found["cpr_first_aid"] is S.PENDING  # due 30 days after hire: 2 December
    assert found["dcf_background_check"] is S.NOT_APPLICABLE  # off by default
    assert found["code_of_conduct"] is S.NOT_APPLICABLE  # no version published yet
    assert not clearance.cleared
    blocking = {key for key, _ in clearance.blockers}
    assert blocking == {
        "cori",
        "sori",
        "oig_exclusion_screening",
        "masshealth_exclusion_screening",
    }
    for key in blocking:
        record_item(
            db,
            hr,
            mentor,
            requirement_for(db, key, TODAY),
            ItemDetails(
                dt.date(2026, 10, 30),
                None,
                None,
                VerificationMethod.OTHER,
                "State portal look-up on the day: cleared",
            ),
            None,
            TODAY,
        )
    found, clearance = statuses(db, mentor, TODAY)
    assert clearance.cleared
    assert found["cori"] is S.MET
    # A monthly screening done 30 October is valid to 29 November: 7 days' warning from the 23rd.
    assert found["oig_exclusion_screening"] is S.DUE_SOON


def test_a_credential_with_evidence_is_hashed_and_audited(db, hr, mentor):
    cpr = requirement_for(db, "cpr_first_aid", TODAY)
    row = record_item(
        db,
        hr,
        mentor,
        cpr,
        ItemDetails(
            dt.date(2026, 9, 1),
            dt.date(2028, 9, 1),
            "AHA-123",
            VerificationMethod.OTHER,
            "Card seen on the day",
        ),
        Evidence("card scan.pdf", PDF),
        TODAY,
    )
    assert row.evidence_sha256 == hashlib.sha256(PDF).hexdigest()
    assert row.evidence_filename == "card scan.pdf"
    assert statuses(db, mentor, TODAY)[0]["cpr_first_aid"] is S.MET
    event = db.execute(
        select(AuditEvent).where(AuditEvent.action == "requirement.record")
    ).scalar_one()
    assert event.details["evidence_sha256"] == row.evidence_sha256


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (
            ItemDetails(
                dt.date(2026, 9, 1),
                None,
                None,
                VerificationMethod.OTHER,
                "State portal look-up on the day: cleared",
            ),
            "expires_on",
        ),
        (
            ItemDetails(
                dt.date(2026, 9, 1),
                dt.date(2026, 9, 1),
                None,
                VerificationMethod.OTHER,
                "State portal look-up on the day: cleared",
            ),
            "expires_on",
        ),
        (
            ItemDetails(
                dt.date(2026, 12, 1),
                dt.date(2028, 1, 1),
                None,
                VerificationMethod.OTHER,
                "State portal look-up on the day: cleared",
            ),
            "done_on",
        ),
        (
            ItemDetails(
                dt.date(2026, 9, 1), dt.date(2028, 9, 1), None, VerificationMethod.OTHER, ""
            ),
            "note",
        ),
    ],
)
def test_bad_details_name_the_field_and_change_nothing(db, hr, mentor, details, field):
    cpr = requirement_for(db, "cpr_first_aid", TODAY)
    with pytest.raises(InvalidInput) as raised:
        record_item(db, hr, mentor, cpr, details, Evidence("x.pdf", PDF), TODAY)
    assert raised.value.field == field
    assert db.execute(select(func.count()).select_from(RequirementRecord)).scalar_one() == 0


def test_evidence_must_be_a_pdf_png_or_jpeg(db, hr, mentor):
    cpr = requirement_for(db, "cpr_first_aid", TODAY)
    details = ItemDetails(
        dt.date(2026, 9, 1),
        dt.date(2028, 9, 1),
        None,
        VerificationMethod.OTHER,
        "State portal look-up on the day: cleared",
    )
    with pytest.raises(InvalidInput) as raised:
        record_item(db, hr, mentor, cpr, details, Evidence("x.exe", b"MZ\x90"), TODAY)
    assert raised.value.field == "file"


def test_a_mentor_signs_a_new_policy_version_and_the_old_signature_runs_out(db, hr, mentor, users):
    conduct = requirement_for(db, "code_of_conduct", TODAY)
    first = publish_policy(db, hr, conduct, "Code of conduct", "Be kind.", TODAY, TODAY)
    me = Actor(users["mentor"].id, users["mentor"].email, None)
    with pytest.raises(InvalidInput) as raised:
        sign_policy(db, me, mentor, first, "Somebody Else", TODAY)
    assert raised.value.field == "typed_name"
    with pytest.raises(InvalidInput):
        sign_policy(db, hr, mentor, first, "Mia Mentor", TODAY)  # not the person themselves
    signature = sign_policy(db, me, mentor, first, "  mia   MENTOR ", TODAY)
    assert signature.document_sha256 == hashlib.sha256(b"Be kind.").hexdigest()
    assert statuses(db, mentor, TODAY)[0]["code_of_conduct"] is S.MET
    second = publish_policy(
        db, hr, conduct, "Code of conduct", "Be kind, always.", dt.date(2026, 12, 1), TODAY
    )
    # Version 2 from 1 December, 30 days' grace: the version-1 signature counts to 30 December,
    # inside the 14-day warning from 17 December.
    assert statuses(db, mentor, dt.date(2026, 12, 16))[0]["code_of_conduct"] is S.MET
    assert statuses(db, mentor, dt.date(2026, 12, 17))[0]["code_of_conduct"] is S.DUE_SOON
    assert statuses(db, mentor, dt.date(2026, 12, 31))[0]["code_of_conduct"] is S.EXPIRED
    with pytest.raises(InvalidInput) as raised:
        publish_policy(db, hr, conduct, "Code", "Text", dt.date(2026, 11, 1), TODAY)
    assert raised.value.field == "effective_on"
    sign_policy(db, me, mentor, second, "Mia Mentor", TODAY)
    assert statuses(db, mentor, dt.date(2026, 12, 31))[0]["code_of_conduct"] is S.MET


def test_a_catalogue_change_does_not_rewrite_a_past_status(db, hr, mentor):
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace(
        "positions: [therapeutic_mentor, licensed_clinician, senior_clinician]\n"
        "    # Within 30 days of hire",
        "positions: [licensed_clinician]\n    # Within 30 days of hire",
    )
    changed = parse_catalogue(text, "changed.yaml")
    assert changed.sha256 != load_catalogue_file(DEFAULT_PATH).sha256
    day = dt.date(2026, 12, 10)
    assert statuses(db, mentor, day)[0]["cpr_first_aid"] is S.MISSING
    version = load_catalogue(db, hr, changed, "changed.yaml", dt.date(2026, 12, 15))
    assert version.version == 2
    assert statuses(db, mentor, day)[0]["cpr_first_aid"] is S.MISSING  # the old version's day
    later = statuses(db, mentor, dt.date(2026, 12, 15))[0]
    assert later["cpr_first_aid"] is S.NOT_APPLICABLE
    assert load_catalogue(db, hr, changed, "changed.yaml", dt.date(2026, 12, 16)) is None


def test_import_is_all_or_nothing_and_names_every_line(db, hr, mentor):
    text = (
        "work_email,requirement,done_on,expires_on,verification_method,verification_note\n"
        "mia@example.org,cori,2026-10-30,,other,iCORI\n"
        "nobody@example.org,cori,2026-10-30,,other,iCORI\n"
        "mia@example.org,cpr_first_aid,2026-10-30,,other,card\n"
        "mia@example.org,sori,30/10/2026,,other,x\n"
        "mia@example.org,sori,2026-10-30,,other,iCORI portal check on 2026-10-30\n"
    )
    with pytest.raises(ImportRefused) as raised:
        import_records(db, hr, text, TODAY)
    no_basis = (
        "verification_note: No document is attached, so say how it was confirmed: whom you "
        "spoke to or what you looked up, the number or address, and the date."
    )
    assert [str(p) for p in raised.value.problems] == [
        f"line 2: {no_basis}",
        "line 3: no person has the work email “nobody@example.org”",
        "line 4: expires_on: Enter the date the credential expires.",
        "line 5: done_on: “30/10/2026” is not a date (YYYY-MM-DD).",
    ]
    assert db.execute(select(func.count()).select_from(RequirementRecord)).scalar_one() == 0
    good = (
        "work_email,requirement,done_on,expires_on,verification_method,verification_note,"
        "evidence_sha256\n"
        "MIA@example.org,cori,2026-10-30,,other,iCORI," + "a" * 64 + "\n"
        "mia@example.org,cpr_first_aid,2026-10-30,2028-10-30,other,card seen on 2026-10-30,\n"
    )
    assert import_records(db, hr, good, TODAY) == 2
    found, _ = statuses(db, mentor, TODAY)
    assert found["cori"] is S.MET and found["cpr_first_aid"] is S.MET
