"""A clinician's licence as a credential requirement (#12 lists "a clinician's licence from the
supervision issue" among credentials): its records are the licence records of lms/clinicians.
Expected values from the rules: a licence is valid from its issue date to the day before its
expiry date; the default catalogue's ``clinician_licence`` warns 90 days ahead, applies to
licensed and senior clinicians, is due before the first day and blocks work."""

import datetime as dt

import pytest

from lms.actor import Actor
from lms.clinicians.operations import LicenceDetails, add_licence
from lms.config import LICENCE_TYPES
from lms.requirements.operations import (
    ItemDetails,
    ensure_catalogue,
    record_item,
    requirement_for,
)
from lms.requirements.queries import MatrixFilters, compliance_matrix, report_rows
from lms.requirements.rules import RequirementStatus
from lms.staff.models import Position, StaffStatus, VerificationMethod
from lms.staff.operations import PersonDetails, create_person, update_person
from lms.validation import InvalidInput

S = RequirementStatus
KEY = "clinician_licence"


@pytest.fixture
def hr(users):
    return Actor(users["hr"].id, users["hr"].email, "192.0.2.1")


def person(db, hr, name, position, hire_on=dt.date(2025, 1, 6)):
    details = PersonDetails(
        legal_name=name,
        date_of_birth=dt.date(1985, 2, 2),
        position=position,
        status=StaffStatus.ACTIVE,
        work_email=f"{name.split()[0].lower()}@example.org",
        hire_on=hire_on,
    )
    return create_person(db, hr, details, hire_on)


def licence(db, hr, who, issued_on, expires_on):
    details = LicenceDetails("LICSW", "112233", "MA", "Board", issued_on, expires_on)
    return add_licence(db, hr, who, details, LICENCE_TYPES)


def result(db, who, day):
    matrix = compliance_matrix(db, day, MatrixFilters(person_id=who.id))
    (row,) = matrix.rows
    return row.statuses[KEY], row.clearance


@pytest.fixture
def catalogue(db, hr):
    ensure_catalogue(db, hr, dt.date(2025, 1, 1))


def test_status_from_the_licence_valid_on_the_date(db, hr, catalogue):
    sam = person(db, hr, "Sam Okafor", Position.SENIOR_CLINICIAN)
    licence(db, hr, sam, dt.date(2024, 10, 1), dt.date(2026, 10, 1))
    # 90 days before the expiry date 2026-10-01 is 2026-07-03.
    assert result(db, sam, dt.date(2026, 7, 2))[0][:2] == (S.MET, dt.date(2026, 9, 30))
    assert result(db, sam, dt.date(2026, 7, 3))[0].status is S.DUE_SOON
    assert result(db, sam, dt.date(2026, 9, 30))[0].status is S.DUE_SOON  # the last valid day
    # The printed expiry day itself does not count.
    expired, clearance = result(db, sam, dt.date(2026, 10, 1))
    assert (expired.status, expired.valid_until) == (S.EXPIRED, dt.date(2026, 9, 30))
    assert (KEY, S.EXPIRED) in clearance.blockers
    # A renewal is a new licence record: met again from its issue date.
    licence(db, hr, sam, dt.date(2026, 10, 5), dt.date(2028, 10, 1))
    assert result(db, sam, dt.date(2026, 10, 4))[0].status is S.EXPIRED
    assert result(db, sam, dt.date(2026, 10, 5))[0].status is S.MET
    # Before the licence was issued (employed since 2025-01-06, due before the first day).
    before_hire = compliance_matrix(db, dt.date(2024, 9, 30), MatrixFilters(person_id=sam.id))
    assert before_hire.rows == []  # not yet hired: nothing applies
    lee = person(db, hr, "Lee Ward", Position.LICENSED_CLINICIAN, dt.date(2024, 1, 8))
    licence(db, hr, lee, dt.date(2024, 10, 1), dt.date(2026, 10, 1))
    missing, clearance = result(db, lee, dt.date(2024, 9, 30))
    assert missing.status is S.MISSING
    assert not clearance.cleared


def test_a_clinician_without_a_licence_is_missing_it_and_a_mentor_needs_none(db, hr, catalogue):
    lee = person(db, hr, "Lee Ward", Position.LICENSED_CLINICIAN)
    mia = person(db, hr, "Mia Mentor", Position.THERAPEUTIC_MENTOR)
    licence(db, hr, mia, dt.date(2024, 10, 1), dt.date(2026, 10, 1))  # held, but not required
    day = dt.date(2026, 3, 2)
    assert result(db, lee, day)[0].status is S.MISSING
    assert result(db, mia, day)[0].status is S.NOT_APPLICABLE
    rows = report_rows(compliance_matrix(db, day))
    assert {(r["work_email"], r["status"]) for r in rows if r["requirement"] == KEY} == {
        ("lee@example.org", "missing")
    }


def test_it_follows_the_position_held_on_the_date(db, hr, catalogue):
    """A mentor until 2026-06-30 and a licensed clinician from 2026-07-01."""
    rowan = person(db, hr, "Rowan Hale", Position.THERAPEUTIC_MENTOR)
    licence(db, hr, rowan, dt.date(2026, 6, 1), dt.date(2028, 6, 1))
    changed = PersonDetails(
        legal_name="Rowan Hale",
        date_of_birth=dt.date(1985, 2, 2),
        position=Position.LICENSED_CLINICIAN,
        status=StaffStatus.ACTIVE,
        work_email="rowan@example.org",
        hire_on=dt.date(2025, 1, 6),
        position_since=dt.date(2026, 7, 1),
    )
    update_person(db, hr, rowan, changed, dt.date(2026, 8, 1))
    assert result(db, rowan, dt.date(2026, 6, 15))[0].status is S.NOT_APPLICABLE
    assert result(db, rowan, dt.date(2026, 8, 1))[0][:2] == (S.MET, dt.date(2028, 5, 31))


def test_hr_cannot_record_a_second_copy_on_the_requirements_page(db, hr, catalogue):
    lee = person(db, hr, "Lee Ward", Position.LICENSED_CLINICIAN)
    details = ItemDetails(
        dt.date(2024, 10, 1), dt.date(2026, 10, 1), "112233", VerificationMethod.OTHER, "board"
    )
    requirement = requirement_for(db, KEY, dt.date(2026, 3, 2))
    with pytest.raises(InvalidInput) as refused:
        record_item(db, hr, lee, requirement, details, None, dt.date(2026, 3, 2))
    assert refused.value.field == "requirement"
    assert "clinician's page" in refused.value.message
