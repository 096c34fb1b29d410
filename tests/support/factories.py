"""One place to build the records tests need: people, clinicians, published editions.

People are made through the app's own operation (``create_person``), so their employment
periods, determinations and training assignment exist as they would in use; ``insert_person``
is for bulk setup where the operation would be slow, and still writes the employment period the
operation would. Defaults are a therapeutic mentor; pass only what a test is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from lms import clock
from lms.actor import Actor
from lms.clinicians.models import Licence
from lms.curriculum.loader import load_edition
from lms.curriculum.models import CurriculumEdition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.staff.models import EmploymentPeriod, Person, Position, StaffStatus
from lms.staff.operations import PersonDetails, create_person
from tests.support.editions import Folder

TEST_ACTOR = Actor.system("test")


def person_details(
    legal_name: str = "Kai Moreno",
    *,
    position: Position = Position.THERAPEUTIC_MENTOR,
    status: StaffStatus = StaffStatus.CANDIDATE,
    date_of_birth: dt.date = dt.date(1999, 7, 1),
    **fields,
) -> PersonDetails:
    """What a form or import would give ``create_person``."""
    return PersonDetails(
        legal_name=legal_name,
        date_of_birth=date_of_birth,
        position=position,
        status=status,
        **fields,
    )


def make_person(
    db: Session, legal_name: str = "Kai Moreno", *, today: dt.date, commit: bool = False, **fields
) -> Person:
    """A person added through ``create_person``; ``commit`` keeps them through a view's rollback."""
    person = create_person(db, TEST_ACTOR, person_details(legal_name, **fields), today)
    if commit:
        db.commit()
    return person


def add_licence_record(
    db: Session,
    person: Person,
    expires_on: dt.date,
    *,
    issued_on: dt.date = dt.date(2015, 1, 1),
    licence_type: str = "LICSW",
    licence_number: str | None = None,
    verified: bool = False,
) -> Licence:
    """A clinician's licence record (the only place a licence is kept), valid from
    ``issued_on`` up to the day before ``expires_on``."""
    now = clock.now()
    licence = Licence(
        person_id=person.id,
        licence_type=licence_type,
        licence_number=licence_number or f"L-{person.id}",
        issuing_state="MA",
        issued_on=issued_on,
        expires_on=expires_on,
        migrated=False,
        verified_at=now if verified else None,
        created_at=now,
        updated_at=now,
    )
    db.add(licence)
    db.flush()
    return licence


def insert_person(
    db: Session,
    legal_name: str,
    position: Position = Position.THERAPEUTIC_MENTOR,
    *,
    date_of_birth: dt.date = dt.date(1995, 1, 1),
    employment: bool = True,
    **fields,
) -> Person:
    """A person inserted directly (setup, not behaviour), with the employment period that the
    operation would have recorded for a hire (``employment=False``: none)."""
    return insert_people(
        db,
        [legal_name],
        position,
        date_of_birth=date_of_birth,
        employment=employment,
        **fields,
    )[0]


def insert_people(
    db: Session,
    names: Iterable[str],
    position: Position = Position.THERAPEUTIC_MENTOR,
    *,
    date_of_birth: dt.date = dt.date(1995, 1, 1),
    employment: bool = True,
    **fields,
) -> list[Person]:
    """``insert_person`` for many names at once: one flush for the people, one for their periods.
    Every field is the same for all; the status defaults to active."""
    now = clock.now()
    fields.setdefault("status", StaffStatus.ACTIVE)
    fields.setdefault("created_at", now)
    fields.setdefault("updated_at", fields["created_at"])
    people = [
        Person(legal_name=name, date_of_birth=date_of_birth, position=position, **fields)
        for name in names
    ]
    db.add_all(people)
    db.flush()
    periods = [
        EmploymentPeriod(
            person_id=person.id,
            hired_on=person.hire_on,
            separated_on=person.separated_on,
            created_at=fields["created_at"],
        )
        for person in people
        if employment and person.hire_on is not None and person.status is not StaffStatus.CANDIDATE
    ]
    if periods:
        db.add_all(periods)
        db.flush()
    return people


def publish_small_edition(
    db: Session, folder: Path, *, item_rules: bool = False, commit: bool = False
) -> CurriculumEdition:
    """The two-module edition of ``tests.support.editions``, published from ``folder``."""
    loaded, problems = load_edition(Folder(folder / "demo" / "2030", item_rules).path)
    assert not problems, problems
    edition, _ = publish_edition(db, TEST_ACTOR, plan_publication(db, loaded, {}))
    if commit:
        db.commit()
    return edition


#: The smallest file the evidence check accepts as a PDF.
SMALL_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def attach_document(db: Session, person: Person, fact, name: str = "document.pdf"):
    """Attach a small PDF to a credential or an experience entry (``fact`` None: the person's
    identity), as HR would before verifying it by a method that reads a document (a transcript,
    pay records, a government ID)."""
    from lms.eligibility.models import EducationCredential, EvidenceSubject
    from lms.eligibility.operations import attach_evidence

    subject = (
        EvidenceSubject.IDENTITY
        if fact is None
        else EvidenceSubject.CREDENTIAL
        if isinstance(fact, EducationCredential)
        else EvidenceSubject.EXPERIENCE
    )
    return attach_evidence(db, TEST_ACTOR, person, subject, fact, name, SMALL_PDF)
