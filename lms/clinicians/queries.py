"""Read-only queries for clinicians' licences and training areas."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.clinicians.models import Licence, TrainingAreaRecord
from lms.clinicians.rules import ClinicianStanding, LicenceTerm, TrainingArea, clinician_standing
from lms.staff.models import Person, Position


def licences_of(session: Session, person_id: int) -> list[Licence]:
    """The person's licences, newest issue first (history included)."""
    return list(
        session.execute(
            select(Licence)
            .where(Licence.person_id == person_id)
            .order_by(Licence.issued_on.desc(), Licence.id.desc())
        ).scalars()
    )


def licence(session: Session, person_id: int, licence_id: int) -> Licence | None:
    return session.execute(
        select(Licence).where(Licence.id == licence_id, Licence.person_id == person_id)
    ).scalar_one_or_none()


def licence_terms_by_person(
    session: Session, person_ids: Iterable[int] | None = None
) -> dict[int, tuple[LicenceTerm, ...]]:
    """Every licence's dates and verification, per person, in one query."""
    statement = select(
        Licence.person_id,
        Licence.issued_on,
        Licence.expires_on,
        Licence.verified_at,
        Licence.licence_type,
        Licence.licence_number,
    )
    if person_ids is not None:
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        statement = statement.where(Licence.person_id.in_(ids))
    terms: dict[int, list[LicenceTerm]] = defaultdict(list)
    for row in session.execute(statement):
        terms[row.person_id].append(
            LicenceTerm(
                issued_on=row.issued_on,
                expires_on=row.expires_on,
                verified=row.verified_at is not None,
                licence_type=row.licence_type,
                licence_number=row.licence_number,
            )
        )
    return {person_id: tuple(items) for person_id, items in terms.items()}


def training_areas_of(session: Session, person_id: int) -> list[TrainingAreaRecord]:
    return list(
        session.execute(
            select(TrainingAreaRecord).where(TrainingAreaRecord.person_id == person_id)
        ).scalars()
    )


def training_area_record(
    session: Session, person_id: int, area: TrainingArea
) -> TrainingAreaRecord | None:
    return session.execute(
        select(TrainingAreaRecord).where(
            TrainingAreaRecord.person_id == person_id, TrainingAreaRecord.area == area
        )
    ).scalar_one_or_none()


def areas_by_person(session: Session, person_ids: Iterable[int]) -> dict[int, set[str]]:
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    areas: dict[int, set[str]] = defaultdict(set)
    for person_id, area in session.execute(
        select(TrainingAreaRecord.person_id, TrainingAreaRecord.area).where(
            TrainingAreaRecord.person_id.in_(ids)
        )
    ):
        areas[person_id].add(str(area))
    return areas


def standings_of(
    session: Session, people: list[Person], day: dt.date
) -> list[tuple[Person, ClinicianStanding]]:
    """Each clinician's standing on ``day``, in two queries however many there are."""
    ids = [person.id for person in people]
    terms = licence_terms_by_person(session, ids)
    areas = areas_by_person(session, ids)
    return [
        (
            person,
            clinician_standing(
                terms.get(person.id, ()),
                areas.get(person.id, set()),
                is_senior=person.position is Position.SENIOR_CLINICIAN,
                day=day,
            ),
        )
        for person in people
    ]


def standing_of(session: Session, person: Person, day: dt.date) -> ClinicianStanding:
    """Whether ``person`` could supervise and cover on-call on ``day``, with warnings."""
    return clinician_standing(
        licence_terms_by_person(session, [person.id]).get(person.id, ()),
        areas_by_person(session, [person.id]).get(person.id, set()),
        is_senior=person.position is Position.SENIOR_CLINICIAN,
        day=day,
    )
