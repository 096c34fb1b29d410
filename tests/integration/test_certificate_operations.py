"""Certificates against the database: issued when a cycle completes, one per cycle, kept on
renewal, never for imported records; revocation with a reason, once."""

import datetime as dt
import random

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.certificates.models import Certificate
from lms.certificates.operations import (
    SerialCollisionError,
    issue_certificate,
    revoke_certificate,
)
from lms.certificates.queries import certificate_by_serial, certificate_modules, certificate_rows
from lms.certificates.rules import CertificateState
from lms.certificates.serials import generate_serial, is_valid_serial
from lms.curriculum.loader import load_edition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.staff.models import Position, StaffStatus
from lms.staff.operations import create_person
from lms.training.operations import ensure_current_cycle, record_imported_completion
from lms.validation import InvalidInput
from tests.integration.test_training_operations import SETTINGS, complete_module
from tests.support.editions import Folder
from tests.support.factories import person_details

ACTOR = Actor(None, "test")
HIRED = dt.date(2030, 1, 6)


@pytest.fixture
def edition(db, tmp_path):
    loaded, problems = load_edition(Folder(tmp_path / "demo" / "2030").path)
    assert not problems
    published, _ = publish_edition(db, ACTOR, plan_publication(db, loaded, {}))
    return published


@pytest.fixture
def mentor(db):
    return create_person(
        db,
        ACTOR,
        person_details(
            "Rosa María Díaz",
            preferred_name="Rosa",
            date_of_birth=dt.date(1999, 5, 5),
            position=Position.THERAPEUTIC_MENTOR,
            status=StaffStatus.ACTIVE,
            hire_on=HIRED,
        ),
        HIRED,
    )


def complete_cycle(db, mentor, day):
    cycle = ensure_current_cycle(db, mentor, day, SETTINGS)
    complete_module(db, mentor, cycle, 1, day)
    complete_module(db, mentor, cycle, 2, day)
    assert cycle.completed_on == day
    return cycle


def certificates(db) -> list[Certificate]:
    return list(db.execute(select(Certificate).order_by(Certificate.id)).scalars())


def events(db, action: str) -> list[AuditEvent]:
    return list(db.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


class Scripted(random.Random):
    def __init__(self, picks: str) -> None:
        super().__init__(0)
        self.picks = iter(picks)

    def choice(self, sequence):
        return next(self.picks)


def test_completing_a_cycle_issues_one_certificate(db, mentor, edition):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    complete_module(db, mentor, cycle, 1, dt.date(2030, 1, 20))
    assert certificates(db) == []  # one module of two: not yet
    complete_module(db, mentor, cycle, 2, dt.date(2030, 1, 28))
    (certificate,) = certificates(db)
    assert certificate.cycle_id == cycle.id
    assert certificate.person_id == mentor.id
    assert certificate.edition_id == edition.id
    assert certificate.holder_name == "Rosa María Díaz"  # the legal name, not the preferred one
    assert certificate.issued_on == dt.date(2030, 1, 28)
    assert certificate.expires_on == cycle.expires_on == dt.date(2031, 1, 28)
    assert certificate.serial.startswith("TM-2030-")
    assert is_valid_serial(certificate.serial)
    assert certificate.revoked_on is None
    (event,) = events(db, "certificate.issue")
    assert event.target_id == str(certificate.id)
    assert event.details["serial"] == certificate.serial
    assert event.details["cycle_id"] == cycle.id


def test_issuing_again_returns_the_same_certificate(db, mentor, edition):
    cycle = complete_cycle(db, mentor, dt.date(2030, 1, 28))
    (first,) = certificates(db)
    again = issue_certificate(db, ACTOR, cycle, mentor, dt.date(2030, 2, 5))
    assert again.id == first.id
    assert len(certificates(db)) == 1
    assert len(events(db, "certificate.issue")) == 1


def test_a_renewal_issues_a_new_certificate_and_keeps_the_old_one(db, mentor, edition):
    initial = complete_cycle(db, mentor, dt.date(2030, 1, 28))
    annual = complete_cycle(db, mentor, dt.date(2030, 12, 1))
    first, second = certificates(db)
    assert (first.cycle_id, second.cycle_id) == (initial.id, annual.id)
    assert first.expires_on == dt.date(2031, 1, 28)
    assert second.expires_on == dt.date(2032, 1, 28)  # the anniversary is kept
    assert second.issued_on == dt.date(2030, 12, 1)
    assert first.serial != second.serial
    rows = certificate_rows(db, mentor.id, dt.date(2031, 2, 1))
    assert [row.certificate.id for row in rows] == [second.id, first.id]  # newest first
    assert [row.status.state for row in rows] == [CertificateState.VALID, CertificateState.EXPIRED]


def test_imported_completions_get_no_certificate(db, mentor, edition):
    cycle = record_imported_completion(
        db, ACTOR, mentor, dt.date(2030, 2, 1), "Paper records", dt.date(2030, 6, 1), SETTINGS
    )
    assert issue_certificate(db, ACTOR, cycle, mentor, dt.date(2030, 6, 1)) is None
    assert certificates(db) == []


def test_an_open_cycle_cannot_be_certified(db, mentor, edition):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    with pytest.raises(ValueError, match="not complete"):
        issue_certificate(db, ACTOR, cycle, mentor, HIRED)


def test_a_taken_serial_is_replaced_by_a_fresh_one(db, mentor, edition):
    first_cycle = complete_cycle(db, mentor, dt.date(2030, 1, 28))
    (first,) = certificates(db)
    annual = ensure_current_cycle(db, mentor, dt.date(2030, 12, 1), SETTINGS)
    annual.completed_on, annual.expires_on = dt.date(2030, 12, 1), dt.date(2032, 1, 28)
    db.flush()
    taken = first.serial[8:12] + first.serial[13:16]  # the random part of the first serial
    rng = Scripted(taken + "ABCDEFG")  # first the existing serial again (same year), then new
    second = issue_certificate(db, ACTOR, annual, mentor, dt.date(2030, 12, 1), rng)
    assert second.serial == generate_serial(2030, Scripted("ABCDEFG"))
    assert second.cycle_id == annual.id != first_cycle.id
    assert len(certificates(db)) == 2
    assert len(events(db, "certificate.issue")) == 2


def test_a_broken_random_source_fails_loudly(db, mentor, edition):
    complete_cycle(db, mentor, dt.date(2030, 1, 28))
    (first,) = certificates(db)
    annual = ensure_current_cycle(db, mentor, dt.date(2030, 12, 1), SETTINGS)
    annual.completed_on, annual.expires_on = dt.date(2030, 12, 1), dt.date(2032, 1, 28)
    db.flush()
    taken = first.serial[8:12] + first.serial[13:16]
    with pytest.raises(SerialCollisionError):
        issue_certificate(db, ACTOR, annual, mentor, dt.date(2030, 12, 1), Scripted(taken * 5))
    assert len(certificates(db)) == 1  # nothing half-written, and the session still works


def test_revoking_records_who_when_and_why(db, mentor, edition, make_user):
    hr = make_user("hr@example.org")
    complete_cycle(db, mentor, dt.date(2030, 1, 28))
    (certificate,) = certificates(db)
    actor = Actor(hr.id, hr.email, "203.0.113.9")
    revoke_certificate(
        db, actor, certificate, "  Attestation was signed by someone else. ", dt.date(2030, 3, 1)
    )
    assert certificate.revoked_on == dt.date(2030, 3, 1)
    assert certificate.revoked_by_id == hr.id
    assert certificate.revoked_at is not None
    assert certificate.revocation_reason == "Attestation was signed by someone else."
    (event,) = events(db, "certificate.revoke")
    assert event.actor_user_id == hr.id
    assert event.details["reason"] == "Attestation was signed by someone else."
    # Revoked from that day on; still valid the day before, for anyone asking about the past.
    rows = certificate_rows(db, mentor.id, dt.date(2030, 2, 28))
    assert rows[0].status.state is CertificateState.VALID
    assert certificate_rows(db, mentor.id, dt.date(2030, 3, 1))[0].status.state is (
        CertificateState.REVOKED
    )


def test_revoking_twice_is_refused_and_changes_nothing(db, mentor, edition):
    complete_cycle(db, mentor, dt.date(2030, 1, 28))
    (certificate,) = certificates(db)
    revoke_certificate(db, ACTOR, certificate, "First reason", dt.date(2030, 3, 1))
    with pytest.raises(InvalidInput, match="already revoked on 2030-03-01"):
        revoke_certificate(db, ACTOR, certificate, "Second reason", dt.date(2030, 4, 1))
    assert certificate.revoked_on == dt.date(2030, 3, 1)
    assert certificate.revocation_reason == "First reason"
    assert len(events(db, "certificate.revoke")) == 1


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 2001])
def test_a_revocation_needs_a_reason(db, mentor, edition, reason):
    complete_cycle(db, mentor, dt.date(2030, 1, 28))
    (certificate,) = certificates(db)
    with pytest.raises(InvalidInput) as raised:
        revoke_certificate(db, ACTOR, certificate, reason, dt.date(2030, 3, 1))
    assert raised.value.field == "reason"
    assert certificate.revoked_on is None
    assert events(db, "certificate.revoke") == []


def test_lookup_by_serial_and_the_modules_printed(db, mentor, edition):
    complete_cycle(db, mentor, dt.date(2030, 1, 28))
    (certificate,) = certificates(db)
    found, found_edition = certificate_by_serial(db, certificate.serial)
    assert (found.id, found_edition.id) == (certificate.id, edition.id)
    assert certificate_by_serial(db, "TM-2030-0000-000Y") is None
    modules = certificate_modules(db, certificate)
    assert [module.title for module, _ in modules] == ["The alpha module", "The beta module"]
    assert all(progress.completed_on == dt.date(2030, 1, 28) for _, progress in modules)
    count = db.execute(select(func.count()).select_from(Certificate)).scalar_one()
    assert count == 1
