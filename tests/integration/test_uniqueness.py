"""A duplicate the pre-insert check could not see (a concurrent request committed it first) is
refused like a sequential one: ``InvalidInput`` naming the field, never a 500.

The concurrent pairs themselves run on PostgreSQL in test_doubled_requests.py; here the check is
bypassed by hand so the database's own refusal is what the operation meets, on either database.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import UniqueConstraint, func, select

import lms.schema  # noqa: F401 - every model on the metadata
from lms.db import Base
from lms.staff import operations as staff_operations
from lms.staff.models import Person
from lms.uniqueness import DUPLICATES, NOT_USER_DRIVEN, refusing_duplicates
from lms.validation import InvalidInput
from tests.support.factories import make_person

TODAY = dt.date(2026, 11, 23)


def _unique_names() -> set[str]:
    names = set()
    for table in Base.metadata.tables.values():
        names |= {
            str(constraint.name)
            for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint)
        }
        names |= {str(index.name) for index in table.indexes if index.unique}
    return names


def test_every_unique_constraint_says_how_a_duplicate_is_answered():
    names = _unique_names()
    assert set(DUPLICATES).isdisjoint(NOT_USER_DRIVEN)
    assert names - set(DUPLICATES) - set(NOT_USER_DRIVEN) == set(), "add it to lms/uniqueness.py"
    assert set(DUPLICATES) | set(NOT_USER_DRIVEN) <= names, "a listed constraint no longer exists"


def test_a_duplicate_work_email_the_check_missed_is_the_same_refusal(db, monkeypatch):
    make_person(db, "Ann First", today=TODAY, work_email="same@example.org")
    with pytest.raises(InvalidInput) as sequential:
        make_person(db, "Bo Second", today=TODAY, work_email="same@example.org")
    monkeypatch.setattr(staff_operations, "_validate", lambda *args: None)  # the race's loser
    with pytest.raises(InvalidInput) as raced:
        make_person(db, "Bo Second", today=TODAY, work_email="same@example.org")
    assert (raced.value.field, raced.value.message) == (
        sequential.value.field,
        sequential.value.message,
    )
    # The transaction goes on: the refused insert alone was undone.
    people = db.execute(select(func.count()).select_from(Person)).scalar_one()
    assert people == 1


def test_an_error_on_another_constraint_is_not_taken_for_a_duplicate(db):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), refusing_duplicates(db):
        db.add(Person(legal_name="No Dates"))  # NOT NULL, not a duplicate
