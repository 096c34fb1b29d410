"""People for the staff-list tests, inserted directly: setup, not the behaviour under test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lms import clock
from lms.eligibility.models import EducationCredential, ExperienceRecord, HumanServicesBasis
from lms.eligibility.rules import CredentialLevel, Population
from lms.staff.models import Person, Position, StaffStatus
from tests.support.factories import insert_people


def add_people(
    db,
    names,
    *,
    qualified=False,
    verified=False,
    position=Position.THERAPEUTIC_MENTOR,
    status=StaffStatus.ACTIVE,
    date_of_birth=dt.date(1990, 4, 2),
) -> list[Person]:
    """One person per name. ``qualified`` people get a human-services bachelor's (2012) and
    full-time youth work since 2013, so a mentor 21 or older qualifies today: eligible when
    ``verified`` (identity and both facts), provisional otherwise."""
    now = clock.now()
    people = insert_people(
        db,
        names,
        position,
        date_of_birth=date_of_birth,
        employment=False,  # these lists were written before periods of employment existed
        status=status,
        hire_on=dt.date(2024, 1, 8),
        identity_verified_at=now if verified else None,
    )
    for person in people if qualified else ():
        db.add(
            EducationCredential(
                person_id=person.id,
                level=CredentialLevel.BACHELOR,
                field_of_study="Psychology",
                institution="UMass Boston",
                accredited=True,
                conferred_on=dt.date(2012, 5, 20),
                human_services_basis=HumanServicesBasis.LISTED,
                created_at=now,
                verified_at=now if verified else None,
            )
        )
        db.add(
            ExperienceRecord(
                person_id=person.id,
                employer="Boys & Girls Club",
                role="Youth worker",
                start_on=dt.date(2013, 1, 7),
                end_on=None,
                hours_per_week=Decimal(40),
                population=Population.YOUTH,
                target_population=True,
                created_at=now,
                verified_at=now if verified else None,
            )
        )
    db.commit()
    return people


def numbered(prefix: str, first: int, last: int) -> list[str]:
    """``numbered("Person", 1, 3)``: Person 001, Person 002, Person 003 (sorted as numbered)."""
    return [f"{prefix} {number:03}" for number in range(first, last + 1)]


def add_mentor(
    db,
    name: str,
    *,
    identity_verified: bool = True,
    degree_verified: bool = True,
    job_verified: bool = True,
    human_services: bool = True,
) -> Person:
    """An active mentor born 1990 with a bachelor's (2012) in psychology, or in accounting when
    not ``human_services``, and 18 months of full-time youth work (2024-01 to 2025-06): enough
    for the bachelor's pathway, not for the high-school one (two years)."""
    now = clock.now()
    person = add_people(db, [name], verified=identity_verified)[0]
    db.add(
        EducationCredential(
            person_id=person.id,
            level=CredentialLevel.BACHELOR,
            field_of_study="Psychology" if human_services else "Accounting",
            institution="Salem State University",
            accredited=True,
            conferred_on=dt.date(2012, 5, 20),
            human_services_basis=HumanServicesBasis.LISTED if human_services else None,
            created_at=now,
            verified_at=now if degree_verified else None,
        )
    )
    db.add(
        ExperienceRecord(
            person_id=person.id,
            employer="YMCA",
            role="Youth counsellor",
            start_on=dt.date(2024, 1, 1),
            end_on=dt.date(2025, 6, 30),
            hours_per_week=Decimal(40),
            population=Population.YOUTH,
            target_population=False,
            created_at=now,
            verified_at=now if job_verified else None,
        )
    )
    db.commit()
    return person
