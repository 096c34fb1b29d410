"""Synthetic staff for performance measurements: mentors with education, experience,
determinations and training history, inserted directly (fast) rather than through the
operations (faithful but slow). Never used by the app itself."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.eligibility.models import EducationCredential, ExperienceRecord, HumanServicesBasis
from lms.eligibility.rules import CredentialLevel, Population
from lms.staff.models import EmploymentPeriod, Person, Position, StaffStatus
from lms.training.models import CycleKind, TrainingCycle

FIRST = ("Ana", "Ben", "Chloe", "Dev", "Elena", "Femi", "Grace", "Hugo", "Iris", "Jalen")
LAST = ("Silva", "Nguyen", "Okafor", "Murphy", "Cohen", "Reyes", "Patel", "Brooks", "Lee")


def add_mentors(session: Session, count: int, today: dt.date, seed: int = 7) -> list[Person]:
    """``count`` active mentors hired over the last three years, each with a degree, a job and,
    for most, a completed training cycle."""
    rng = random.Random(seed)
    now = clock.now()
    supervisor = Person(
        legal_name="Bench Supervisor",
        date_of_birth=dt.date(1975, 1, 1),
        position=Position.LICENSED_CLINICIAN,
        status=StaffStatus.ACTIVE,
        hire_on=today - dt.timedelta(days=2000),
        created_at=now,
        updated_at=now,
    )
    session.add(supervisor)
    session.flush()
    people = []
    for number in range(count):
        hired = today - dt.timedelta(days=rng.randint(0, 1100))
        person = Person(
            legal_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {number:05}",
            date_of_birth=dt.date(rng.randint(1970, 2003), rng.randint(1, 12), rng.randint(1, 28)),
            position=Position.THERAPEUTIC_MENTOR,
            status=StaffStatus.ACTIVE,
            hire_on=hired,
            supervisor_id=supervisor.id,
            created_at=now,
            updated_at=now,
            identity_verified_at=now if rng.random() < 0.8 else None,
        )
        session.add(person)
        people.append(person)
    session.flush()
    for person in people:
        session.add(EmploymentPeriod(person_id=person.id, hired_on=person.hire_on, created_at=now))
        session.add(
            EducationCredential(
                person_id=person.id,
                level=rng.choice(list(CredentialLevel)),
                institution="Bench College",
                accredited=True,
                field_of_study="Psychology",
                conferred_on=dt.date(2015, 5, 20),
                human_services_basis=HumanServicesBasis.LISTED,
                created_at=now,
                verified_at=now if rng.random() < 0.7 else None,
            )
        )
        session.add(
            ExperienceRecord(
                person_id=person.id,
                employer="Bench Youth Center",
                role="Youth worker",
                start_on=dt.date(2016, 1, 1),
                end_on=None,
                hours_per_week=Decimal(rng.choice((20, 40))),
                population=Population.YOUTH,
                target_population=rng.random() < 0.5,
                created_at=now,
                verified_at=now if rng.random() < 0.7 else None,
            )
        )
        if rng.random() < 0.8:
            completed = person.hire_on + dt.timedelta(days=rng.randint(5, 40))
            if completed <= today:
                session.add(
                    TrainingCycle(
                        person_id=person.id,
                        edition_id=None,
                        kind=CycleKind.INITIAL,
                        assigned_on=person.hire_on,
                        due_on=person.hire_on + dt.timedelta(days=30),
                        completed_on=completed,
                        expires_on=completed + dt.timedelta(days=365),
                        imported=True,
                        import_note="bench",
                        created_at=now,
                    )
                )
    session.flush()
    return people


def add_requirement_records(session: Session, people: list[Person], today: dt.date) -> int:
    """For most of ``people``: the background checks, two monthly screenings and a CPR card, on
    random dates, so the requirements matrix has every status to show."""
    from lms.actor import Actor
    from lms.requirements.models import RequirementRecord
    from lms.requirements.operations import ensure_catalogue
    from lms.requirements.rules import RequirementKind
    from lms.staff.models import VerificationMethod

    rng = random.Random(11)
    now = clock.now()
    rows = []
    checks = ("cori", "sori", "oig_exclusion_screening", "masshealth_exclusion_screening")
    for person in people:
        for key in checks:
            if rng.random() < 0.9:
                rows.append(
                    dict(
                        person_id=person.id,
                        requirement_key=key,
                        kind=RequirementKind.CHECK,
                        done_on=today - dt.timedelta(days=rng.randint(0, 40)),
                        verified_at=now,
                        verification_method=VerificationMethod.OTHER,
                        verification_note="bench",
                        recorded_at=now,
                    )
                )
        if rng.random() < 0.8:
            issued = today - dt.timedelta(days=rng.randint(0, 800))
            rows.append(
                dict(
                    person_id=person.id,
                    requirement_key="cpr_first_aid",
                    kind=RequirementKind.CREDENTIAL,
                    done_on=issued,
                    expires_on=issued + dt.timedelta(days=730),
                    verified_at=now,
                    verification_method=VerificationMethod.OTHER,
                    verification_note="bench",
                    recorded_at=now,
                )
            )
    session.bulk_insert_mappings(RequirementRecord, rows)
    # A bulk insert passes the tracking by. Loading the first catalogue recomputes everyone's
    # cells (records included); with one loaded already, recompute them as the operations would.
    from lms.requirements.models import CatalogueVersion
    from lms.statuses.operations import refresh_requirement_statuses

    if session.execute(select(CatalogueVersion.id).limit(1)).first() is None:
        ensure_catalogue(session, Actor.system("bench"), today)
    else:
        refresh_requirement_statuses(session, [person.id for person in people])
    return len(rows)
