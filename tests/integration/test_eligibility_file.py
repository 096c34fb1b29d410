"""The eligibility file answers for a past date exactly as the records stood then."""

import datetime as dt
import io
import re
from decimal import Decimal

from pypdf import PdfReader

from lms.actor import Actor
from lms.eligibility.documents import eligibility_file_pdf
from lms.eligibility.models import EvidenceSubject, HumanServicesBasis
from lms.eligibility.operations import (
    CredentialDetails,
    ExperienceDetails,
    add_credential,
    add_experience,
    attach_evidence,
    update_credential,
    verify_fact,
)
from lms.eligibility.queries import determination_in_force
from lms.eligibility.rules import CredentialLevel, Population
from lms.staff.models import Position, StaffStatus, VerificationMethod
from lms.staff.operations import create_person, verify_identity
from tests.support.factories import attach_document, person_details

TZ = "America/New_York"
PDF = b"%PDF-1.4 transcript"


def text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def file_on(db, person, day):
    determination = determination_in_force(db, person.id, day, TZ)
    return text(eligibility_file_pdf(person.legal_name, day, determination, "Agency"))


def test_history_read_back_on_several_dates(db, users, frozen_clock):
    hr = Actor(users["hr"].id, users["hr"].email)
    frozen_clock.current = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
    day1 = dt.date(2026, 3, 2)
    person = create_person(
        db,
        hr,
        person_details(
            "Lena Park",
            date_of_birth=dt.date(1997, 8, 9),
            position=Position.THERAPEUTIC_MENTOR,
            status=StaffStatus.CANDIDATE,
        ),
        day1,
    )
    degree = CredentialDetails(
        CredentialLevel.BACHELOR,
        "Lesley University",
        dt.date(2019, 5, 18),
        True,
        "Psychology",
        "DAPIP",
        HumanServicesBasis.LISTED,
    )
    credential = add_credential(db, hr, person, degree, day1)
    job = add_experience(
        db,
        hr,
        person,
        ExperienceDetails(
            "Cambridge YMCA",
            "Youth worker",
            dt.date(2020, 1, 6),
            None,
            Decimal(40),
            Population.YOUTH,
            False,
        ),
        day1,
    )

    frozen_clock.current = dt.datetime(2026, 3, 3, 15, 0, tzinfo=dt.UTC)
    day2 = dt.date(2026, 3, 3)
    attach_evidence(db, hr, person, EvidenceSubject.CREDENTIAL, credential, "transcript.pdf", PDF)
    attach_document(db, person, credential, "transcript.pdf")
    verify_fact(db, hr, person, credential, VerificationMethod.TRANSCRIPT, "Sealed copy", day2)
    reference = "Called the YMCA director (617-555-0188) on 2026-03-03: dates and hours confirmed"
    verify_fact(db, hr, person, job, VerificationMethod.EMPLOYER_REFERENCE, reference, day2)
    attach_document(db, person, None, "photo-id.pdf")
    verify_identity(db, hr, person, VerificationMethod.GOVERNMENT_ID, None, day2)

    frozen_clock.current = dt.datetime(2026, 3, 5, 15, 0, tzinfo=dt.UTC)
    day4 = dt.date(2026, 3, 5)
    update_credential(
        db,
        hr,
        person,
        credential,
        CredentialDetails(**{**degree.__dict__, "conferred_on": dt.date(2019, 5, 19)}),
        day4,
    )

    before = file_on(db, person, dt.date(2026, 3, 1))
    assert "No determination was on record on or before this date." in before

    first = file_on(db, person, day1)
    assert "Provisional" in first
    assert "Not verified" in first

    second = file_on(db, person, dt.date(2026, 3, 4))
    assert "Verified 2026-03-03 by Hr: Official transcript — Sealed copy" in second
    # Labels in words, not codes: the pathway, the credential, the method, the trigger.
    assert "Pathway Bachelor's" in second
    assert "Credential Bachelor's degree in Psychology" in second
    assert "Government-issued photo ID" in second
    assert "(identity verified)" in second
    assert "person.verify_identity" not in second and "government id" not in second
    assert re.search(r"Youth experience [\d,]+ days ", second)  # whole days, no "427.0 days"
    assert not re.search(r"\d\.\d days", second)
    assert "transcript.pdf" in second
    # The reference call has no document: the file says what the verification rests on.
    assert "No evidence attached: verified without a document, on the strength of the note" in (
        second
    )
    assert "2019-05-18" in second

    latest = file_on(db, person, day4)
    assert "2019-05-19" in latest
    assert "Verified 2026-03-03 by Hr: Official transcript" not in latest  # the change cleared it
