"""People, licences and sessions for the supervision tests, inserted directly (setup, not the
behaviour under test). ``frozen_clock`` stands on Monday 23 November 2026; its week (from
Sunday) is 22-28 November, the week before 15-21 November."""

from __future__ import annotations

import datetime as dt

from lms import clock
from lms.clinicians.models import Licence
from lms.staff.models import Person, Position
from tests.support.factories import insert_person

TODAY = dt.date(2026, 11, 23)
THIS_WEEK = dt.date(2026, 11, 22)
LAST_WEEK = dt.date(2026, 11, 15)


def add_person(
    db,
    name: str,
    *,
    position: Position = Position.THERAPEUTIC_MENTOR,
    hire_on: dt.date = dt.date(2026, 1, 5),
    supervisor: Person | None = None,
    user_id: int | None = None,
    email: str | None = None,
) -> Person:
    return insert_person(
        db,
        name,
        position,
        date_of_birth=dt.date(1990, 4, 2),
        work_email=email or f"{name.split()[0].lower()}@example.org",
        hire_on=hire_on,
        supervisor_id=supervisor.id if supervisor else None,
        user_id=user_id,
    )


def add_licence(
    db,
    person: Person,
    issued_on: dt.date = dt.date(2020, 1, 1),
    expires_on: dt.date = dt.date(2028, 1, 1),
) -> Licence:
    now = clock.now()
    licence = Licence(
        person_id=person.id,
        licence_type="LICSW",
        licence_number=f"L-{person.id}-{issued_on.year}",
        issuing_state="MA",
        issuing_board="Board of Registration of Social Workers",
        issued_on=issued_on,
        expires_on=expires_on,
        migrated=False,
        created_at=now,
        updated_at=now,
    )
    db.add(licence)
    db.flush()
    return licence
