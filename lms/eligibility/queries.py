"""Read-only queries for eligibility: the determination in force on a date, who verified what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from lms import clock
from lms.eligibility.models import Determination, EligibilityStatusPeriod, PersonRecord
from lms.eligibility.rules import EligibilityStatus


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


def eligibility_is(status: EligibilityStatus, day: dt.date, person_id) -> ColumnElement[bool]:
    """The status ``evaluate`` gives on ``day`` for the person whose id is the column
    ``person_id`` is ``status``, from the stored periods (kept only for those evaluated).

    A correlated EXISTS answered from the (person_id, starts_on) index: a list read in name
    order checks the people it reads and stops once its page is full, instead of first
    gathering everyone with the status (counts come from ``lms.tallies``)."""
    period = EligibilityStatusPeriod
    return (
        select(period.id)
        .where(
            period.person_id == person_id,
            period.starts_on <= day,
            or_(period.ends_on.is_(None), period.ends_on >= day),
            period.status == status,
        )
        .exists()
    )


def verifier_names(
    session: Session, person: PersonRecord, credentials, experiences
) -> dict[int, str]:
    """Names of the users who verified the person's identity and facts, in one query."""
    from lms.auth.models import User

    ids = {person.identity_verified_by_id}
    ids |= {fact.verified_by_id for fact in (*credentials, *experiences)}
    ids.discard(None)
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}
