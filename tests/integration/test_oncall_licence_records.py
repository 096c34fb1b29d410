"""Who may cover on-call is judged from the licence records: a senior clinician is qualified on a
day when a licence is valid that day (issued_on <= day < expires_on); the records are the only
source, so someone with no licence record never qualifies."""

import datetime as dt

from lms import clock
from lms.clinicians.models import Licence
from lms.oncall.queries import qualifying_days
from lms.staff.models import Position
from tests.support.factories import insert_person

D = dt.date


def add_licence(db, person, issued_on, expires_on, number="1234"):
    now = clock.now()
    db.add(
        Licence(
            person_id=person.id,
            licence_type="LICSW",
            licence_number=number,
            issued_on=issued_on,
            expires_on=expires_on,
            created_at=now,
            updated_at=now,
        )
    )
    db.flush()


def test_a_licence_record_that_lapses_mid_range_ends_the_qualifying_days(db):
    # The record expires on 10 March 2026.
    senior = insert_person(db, "Sam Senior", Position.SENIOR_CLINICIAN, hire_on=D(2020, 1, 1))
    add_licence(db, senior, D(2024, 3, 10), D(2026, 3, 10))
    days = qualifying_days(db, [senior.id], D(2026, 3, 8), D(2026, 3, 12))
    # The printed expiry day itself does not count.
    assert days[senior.id] == frozenset({D(2026, 3, 8), D(2026, 3, 9)})


def test_a_renewal_record_continues_the_cover(db):
    senior = insert_person(db, "Sam Senior", Position.SENIOR_CLINICIAN, hire_on=D(2020, 1, 1))
    add_licence(db, senior, D(2024, 3, 10), D(2026, 3, 10))
    add_licence(db, senior, D(2026, 3, 10), D(2028, 3, 10), number="5678")
    days = qualifying_days(db, [senior.id], D(2026, 3, 8), D(2026, 3, 12))
    assert days[senior.id] == frozenset(D(2026, 3, day) for day in range(8, 13))


def test_a_licensed_clinician_who_is_not_senior_never_qualifies(db):
    clinician = insert_person(
        db, "Lee Licensed", Position.LICENSED_CLINICIAN, hire_on=D(2020, 1, 1)
    )
    add_licence(db, clinician, D(2024, 1, 1), D(2028, 1, 1))
    assert qualifying_days(db, [clinician.id], D(2026, 3, 8), D(2026, 3, 9)) == {
        clinician.id: frozenset()
    }


def test_a_senior_clinician_with_no_licence_record_never_qualifies(db):
    senior = insert_person(db, "Sam Senior", Position.SENIOR_CLINICIAN, hire_on=D(2020, 1, 1))
    assert qualifying_days(db, [senior.id], D(2026, 3, 8), D(2026, 3, 9)) == {
        senior.id: frozenset()
    }
