"""Read-only queries over staff records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload, undefer

from lms import clock
from lms.eligibility.models import Determination, EvidenceDocument
from lms.staff.models import CLINICAL_POSITIONS, Person, Position, StaffStatus


def people_with_facts(
    session: Session,
    *,
    status: StaffStatus | None = None,
    position: Position | None = None,
    search: str | None = None,
) -> Sequence[Person]:
    """People with their credentials and experience loaded: three queries, however many."""
    statement = (
        select(Person)
        .options(selectinload(Person.credentials), selectinload(Person.experiences))
        .order_by(Person.legal_name, Person.id)
    )
    if status is not None:
        statement = statement.where(Person.status == status)
    if position is not None:
        statement = statement.where(Person.position == position)
    if search:
        pattern = f"%{search.strip().lower()}%"
        statement = statement.where(
            or_(
                Person.legal_name.ilike(pattern),
                Person.preferred_name.ilike(pattern),
                Person.work_email.ilike(pattern),
            )
        )
    return session.execute(statement).scalars().all()


def person_with_facts(session: Session, person_id: int) -> Person | None:
    return session.execute(
        select(Person)
        .where(Person.id == person_id)
        .options(
            selectinload(Person.credentials),
            selectinload(Person.experiences),
            selectinload(Person.evidence),
            selectinload(Person.supervisor),
        )
    ).scalar_one_or_none()


def person_for_user(session: Session, user_id: int) -> Person | None:
    return session.execute(select(Person).where(Person.user_id == user_id)).scalar_one_or_none()


def supervisors(session: Session) -> Sequence[Person]:
    """Licensed clinicians still on staff, who may supervise mentors."""
    return (
        session.execute(
            select(Person)
            .where(Person.position.in_(CLINICAL_POSITIONS), Person.status != StaffStatus.SEPARATED)
            .order_by(Person.legal_name)
        )
        .scalars()
        .all()
    )


def determination_history(session: Session, person_id: int) -> Sequence[Determination]:
    return (
        session.execute(
            select(Determination)
            .where(Determination.person_id == person_id)
            .order_by(Determination.determined_at.desc(), Determination.id.desc())
        )
        .scalars()
        .all()
    )


def evidence_document(
    session: Session, person_id: int, document_id: int
) -> EvidenceDocument | None:
    """One evidence document of one person, with its content (deferred elsewhere)."""
    return session.execute(
        select(EvidenceDocument)
        .where(EvidenceDocument.id == document_id, EvidenceDocument.person_id == person_id)
        .options(undefer(EvidenceDocument.content))
    ).scalar_one_or_none()


def verifier_names(session: Session, person: Person, credentials, experiences) -> dict[int, str]:
    """Names of the users who verified the person's facts, in one query."""
    from lms.auth.models import User

    ids = {person.identity_verified_by_id}
    ids |= {fact.verified_by_id for fact in (*credentials, *experiences)}
    ids.discard(None)
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


def determination_in_force(
    session: Session, person_id: int, day: dt.date, timezone: str
) -> Determination | None:
    """The newest determination made by the end of ``day`` (in the provider's time zone)."""
    return determinations_in_force(session, [person_id], day, timezone).get(person_id)


def determinations_in_force(
    session: Session, person_ids: Sequence[int], day: dt.date, timezone: str
) -> dict[int, Determination]:
    """Each person's newest determination made by the end of ``day``: one query."""
    end = clock.end_of_day(day, timezone)
    ranked = (
        select(
            Determination.id,
            func.row_number()
            .over(
                partition_by=Determination.person_id,
                order_by=(Determination.determined_at.desc(), Determination.id.desc()),
            )
            .label("rank"),
        )
        .where(Determination.person_id.in_(person_ids), Determination.determined_at < end)
        .subquery()
    )
    rows = session.execute(
        select(Determination)
        .join(ranked, ranked.c.id == Determination.id)
        .where(ranked.c.rank == 1)
    ).scalars()
    return {row.person_id: row for row in rows}
