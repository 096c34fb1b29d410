"""The staff import's licence, leave and employment rows (issue #10, "Interfaces that must
exist"): applied through the clinicians', supervision's and staff operations (so audited), and
refused as a whole when any row is wrong."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from lms.auditlog.models import AuditEvent
from lms.clinicians.models import Licence
from lms.staff.models import EmploymentPeriod, Person, Position
from lms.staffimport.imports import check_import, run_import
from lms.supervision.models import LeavePeriod, LeaveReason
from tests.integration.test_staff_import import ACTOR, TODAY, count, csv_bytes, existing, person


def licence(ref: str, **values: str) -> dict[str, str]:
    return {
        "record": "licence",
        "person_ref": ref,
        "licence_type": "LICSW",
        "licence_number": "112233",
        "issued_on": "2024-10-01",
        "expires_on": "2026-10-01",
        "issuing_state": "MA",
        **values,
    }


def leave(ref: str, **values: str) -> dict[str, str]:
    return {
        "record": "leave",
        "person_ref": ref,
        "starts_on": "2026-07-06",
        "ends_on": "2026-07-10",
        "reason": "vacation",
        **values,
    }


def employment(ref: str, **values: str) -> dict[str, str]:
    return {
        "record": "employment",
        "person_ref": ref,
        "hired_on": "2012-06-18",
        "separated_on": "2016-08-31",
        **values,
    }


def actions(db) -> list[str]:
    return list(db.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_each_new_record_type_is_imported_through_its_operation(db):
    data = csv_bytes(
        person(
            "sam@example.org",
            legal_name="Sam Okafor",
            position="senior_clinician",
            status="active",
            hire_on="2019-03-04",
        ),
        person("lee@example.org", legal_name="Lee Ward", position="licensed_clinician"),
        person("ann@example.org", status="active", hire_on="2021-09-07"),
        licence("sam@example.org", issuing_board="Board of Registration of Social Workers"),
        licence("lee@example.org", licence_type="LMHC", licence_number="9"),
        leave("ann@example.org"),
        employment("sam@example.org"),
        employment("ann@example.org", hired_on="2018-01-08", separated_on="2019-12-31"),
    )
    result = run_import(db, ACTOR, data, TODAY)
    assert result.problems == ()
    assert result.applied
    assert result.summary() == (
        "3 people, 0 credentials, 0 experience entries, 2 licences, 1 leave period, "
        "2 past employment periods"
    )
    sam, lee, ann = (
        db.execute(select(Person).where(Person.work_email == email)).scalar_one()
        for email in ("sam@example.org", "lee@example.org", "ann@example.org")
    )
    # Clinicians are person rows with their positions (#10).
    assert (sam.position, lee.position) == (Position.SENIOR_CLINICIAN, Position.LICENSED_CLINICIAN)
    licences = db.execute(select(Licence).order_by(Licence.id)).scalars().all()
    assert [
        (x.person_id, x.licence_type, x.issuing_state, x.issued_on, x.expires_on) for x in licences
    ] == [
        (sam.id, "LICSW", "MA", dt.date(2024, 10, 1), dt.date(2026, 10, 1)),
        (lee.id, "LMHC", "MA", dt.date(2024, 10, 1), dt.date(2026, 10, 1)),
    ]
    assert [x.issuing_board for x in licences] == ["Board of Registration of Social Workers", None]
    assert not any(x.verified for x in licences)  # HR verifies at the board afterwards
    [ann_leave] = db.execute(select(LeavePeriod)).scalars().all()
    assert (ann_leave.person_id, ann_leave.first_day, ann_leave.last_day, ann_leave.reason) == (
        ann.id,
        dt.date(2026, 7, 6),
        dt.date(2026, 7, 10),
        LeaveReason.VACATION,
    )
    periods = {
        (p.person_id, p.hired_on, p.separated_on)
        for p in db.execute(select(EmploymentPeriod)).scalars()
    }
    assert periods == {
        (sam.id, dt.date(2012, 6, 18), dt.date(2016, 8, 31)),
        (sam.id, dt.date(2019, 3, 4), None),
        (ann.id, dt.date(2018, 1, 8), dt.date(2019, 12, 31)),
        (ann.id, dt.date(2021, 9, 7), None),
    }
    # The record keeps describing the current period.
    assert (ann.hire_on, ann.separated_on) == (dt.date(2021, 9, 7), None)
    done = actions(db)
    assert done.count("licence.add") == 2
    assert done.count("leave.record") == 1
    assert done.count("employment.add_past") == 2
    assert done[-1] == "staff.import"


def test_records_may_be_added_to_people_already_on_record(db):
    existing(db, "sam@example.org", Position.SENIOR_CLINICIAN)  # hired 2020-01-01
    existing(db, "ann@example.org")
    data = csv_bytes(
        licence("sam@example.org"),
        leave("ann@example.org"),
        employment("ann@example.org"),
        header=[
            "record",
            "person_ref",
            "licence_type",
            "licence_number",
            "issued_on",
            "expires_on",
            "issuing_state",
            "starts_on",
            "ends_on",
            "reason",
            "hired_on",
            "separated_on",
        ],
    )
    result = run_import(db, ACTOR, data, TODAY)
    assert result.problems == ()
    assert [(p.existing, p.licences, p.leave, p.employments) for p in result.planned] == [
        (True, 1, 0, 0),
        (True, 0, 1, 1),
    ]


def _refused(db, *rows, expected):
    before = {model: count(db, model) for model in (Person, Licence, LeavePeriod, EmploymentPeriod)}
    events = count(db, AuditEvent)
    result = run_import(db, ACTOR, csv_bytes(*rows), TODAY)
    assert [(p.line, p.field) for p in result.problems] == expected, result.problems
    assert not result.applied
    after = {model: count(db, model) for model in before}
    assert after == before
    assert count(db, AuditEvent) == events
    # A dry run reports the same problems.
    dry = check_import(db, ACTOR, csv_bytes(*rows), TODAY)
    assert [(p.line, p.field) for p in dry.problems] == expected
    return result


def test_overlapping_employment_changes_nothing(db):
    existing(db, "sam@example.org", Position.SENIOR_CLINICIAN)  # employed since 2020-01-01
    result = _refused(
        db,
        person("ann@example.org"),
        licence("sam@example.org"),  # fine on its own: refused with the rest
        employment("ann@example.org", hired_on="2010-01-04", separated_on="2012-06-29"),
        employment("ann@example.org", hired_on="2012-06-01", separated_on="2013-01-31"),
        employment("sam@example.org", hired_on="2016-01-04", separated_on="2020-01-01"),
        expected=[(5, "hired_on"), (6, "hired_on")],
    )
    messages = [p.message for p in result.problems]
    assert messages[0] == "This overlaps the period of employment on line 4."
    assert messages[1] == "This overlaps the employment from 1 January 2020 and still on."


def test_leave_ending_before_it_starts_changes_nothing(db):
    result = _refused(
        db,
        person("ann@example.org"),
        leave("ann@example.org", starts_on="2026-07-10", ends_on="2026-07-06"),
        expected=[(3, "ends_on")],
    )
    assert result.problems[0].message == "The last day of leave is before the first."


def test_a_licence_expiring_before_it_was_issued_changes_nothing(db):
    result = _refused(
        db,
        person("sam@example.org", position="senior_clinician"),
        licence("sam@example.org", issued_on="2024-10-01", expires_on="2024-09-30"),
        expected=[(3, "expires_on")],
    )
    assert result.problems[0].message == "The expiry date must be after the issue date."


def test_an_unknown_person_ref_changes_nothing(db):
    _refused(
        db,
        person("ann@example.org"),
        licence("nobody@example.org"),
        leave("nobody@example.org"),
        employment("nobody@example.org"),
        expected=[(3, "person_ref"), (4, "person_ref"), (5, "person_ref")],
    )


def test_licences_for_non_clinicians_and_leave_for_non_mentors_are_refused(db):
    result = _refused(
        db,
        person("ann@example.org"),
        person("sam@example.org", position="senior_clinician"),
        licence("ann@example.org"),
        leave("sam@example.org"),
        licence("sam@example.org", licence_type="Astrologer"),
        expected=[(4, "person_ref"), (5, "person_ref"), (6, "licence_type")],
    )
    assert "therapeutic mentor" in result.problems[1].message


def test_the_configured_licence_types_are_the_ones_accepted(db):
    data = csv_bytes(
        person("sam@example.org", position="senior_clinician"),
        licence("sam@example.org", licence_type="lpc"),
    )
    refused = check_import(db, ACTOR, data, TODAY)
    assert [(p.line, p.field) for p in refused.problems] == [(3, "licence_type")]
    accepted = check_import(db, ACTOR, data, TODAY, licence_types=("LPC",))
    assert accepted.problems == ()
    assert db.execute(select(func.count()).select_from(Licence)).scalar_one() == 0  # dry runs


def test_a_person_row_carries_no_licence_it_goes_on_a_licence_row(db):
    """People no longer hold a licence (issue 10): licence cells on a person row are refused,
    all-or-nothing, with a pointer to the licence record type."""
    result = _refused(
        db,
        person(
            "sam@example.org",
            position="senior_clinician",
            licence_type="LICSW",
            licence_number="112233",
        ),
        expected=[(2, "licence_type"), (2, "licence_number")],
    )
    assert "A person's licence is a row of its own: record licence" in result.problems[0].message


def test_the_old_licence_expiry_column_is_refused_with_where_it_goes(db):
    header = ["record", "person_ref", "legal_name", "date_of_birth", "licence_expires_on"]
    data = csv_bytes(
        {
            "record": "person",
            "person_ref": "sam@example.org",
            "legal_name": "Sam Okafor",
            "date_of_birth": "1980-09-14",
            "licence_expires_on": "2027-01-01",
        },
        header=header,
    )
    result = run_import(db, ACTOR, data, TODAY)
    assert not result.applied
    [problem] = [p for p in result.problems if p.field == "licence_expires_on"]
    assert problem.line == 1
    assert "expires_on on a licence row" in problem.message
    assert count(db, Person) == 0
