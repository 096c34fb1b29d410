"""Read-only queries behind the API and the token pages: a fixed number per request."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from lms.api.models import ApiToken
from lms.auth.models import User
from lms.eligibility.models import Determination, EducationCredential, ExperienceRecord
from lms.staff.models import Person, Position, StaffStatus


def _filtered_people(
    statement: Select, status: StaffStatus | None, position: Position | None
) -> Select:
    if status is not None:
        statement = statement.where(Person.status == status)
    if position is not None:
        statement = statement.where(Person.position == position)
    return statement


def people_page(
    session: Session,
    *,
    status: StaffStatus | None,
    position: Position | None,
    limit: int,
    offset: int,
) -> tuple[int, Sequence[tuple[Person, str | None]]]:
    """(how many match, one page of (person, their account's email)): two queries."""
    total = session.execute(
        _filtered_people(select(func.count()).select_from(Person), status, position)
    ).scalar_one()
    rows = session.execute(
        _filtered_people(
            select(Person, User.email).outerjoin(User, User.id == Person.user_id),
            status,
            position,
        )
        .order_by(Person.legal_name, Person.id)
        .limit(limit)
        .offset(offset)
    )
    return total, rows.all()


def person_with_email(session: Session, person_id: int) -> tuple[Person, str | None] | None:
    """One person and the email of their user account, if they have one."""
    row = session.execute(
        select(Person, User.email)
        .outerjoin(User, User.id == Person.user_id)
        .where(Person.id == person_id)
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def person_with_facts(session: Session, person_id: int) -> Person | None:
    """One person with the credentials and experience the rules read."""
    return session.execute(
        select(Person)
        .where(Person.id == person_id)
        .options(selectinload(Person.credentials), selectinload(Person.experiences))
    ).scalar_one_or_none()


def credentials_of(session: Session, person_id: int) -> Sequence[EducationCredential]:
    return (
        session.execute(
            select(EducationCredential)
            .where(EducationCredential.person_id == person_id)
            .order_by(EducationCredential.conferred_on, EducationCredential.id)
        )
        .scalars()
        .all()
    )


def experience_of(session: Session, person_id: int) -> Sequence[ExperienceRecord]:
    return (
        session.execute(
            select(ExperienceRecord)
            .where(ExperienceRecord.person_id == person_id)
            .order_by(ExperienceRecord.start_on, ExperienceRecord.id)
        )
        .scalars()
        .all()
    )


def latest_determination(session: Session, person_id: int) -> Determination | None:
    return session.execute(
        select(Determination)
        .where(Determination.person_id == person_id)
        .order_by(Determination.determined_at.desc(), Determination.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def tokens_with_creators(session: Session) -> Sequence[tuple[ApiToken, str | None]]:
    """Every token, newest first, with the name of the administrator who created it."""
    return session.execute(
        select(ApiToken, User.full_name)
        .outerjoin(User, User.id == ApiToken.created_by_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
