"""The audit log on a real database: appending, verifying, and refusing edits."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from lms.actor import Actor
from lms.auditlog.operations import chain_head, record, verify_chain

ACTOR = Actor(None, "cli:test", "192.0.2.10")

DROP_TRIGGERS = {
    "sqlite": ["DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"],
    "postgresql": ["DROP TRIGGER audit_events_append_only ON audit_events"],
}


def write_events(db, count: int):
    return [
        record(db, ACTOR, "test.event", "thing", number, {"n": number}) for number in range(count)
    ]


def test_events_chain_and_verify(db):
    events = write_events(db, 3)
    assert [event.sequence for event in events] == [1, 2, 3]
    assert events[1].previous_hash == events[0].entry_hash
    assert chain_head(db) == (3, events[-1].entry_hash)
    assert verify_chain(db) == (3, None)


def test_database_refuses_to_update_or_delete_an_event(db):
    write_events(db, 1)
    with pytest.raises(DatabaseError, match="append-only"), db.begin_nested():
        db.execute(text("UPDATE audit_events SET action = 'forged'"))
    with pytest.raises(DatabaseError, match="append-only"), db.begin_nested():
        db.execute(text("DELETE FROM audit_events"))


def _without_triggers(db):
    for statement in DROP_TRIGGERS[db.get_bind().dialect.name]:
        db.execute(text(statement))  # undone when the test's transaction rolls back


def test_edited_row_is_found(db):
    write_events(db, 4)
    _without_triggers(db)
    db.execute(text("UPDATE audit_events SET details = '{\"n\": 99}' WHERE sequence = 2"))
    db.expire_all()
    _count, problem = verify_chain(db)
    assert problem.sequence == 2
    assert "edited" in problem.problem


def test_deleted_row_is_found(db):
    write_events(db, 4)
    _without_triggers(db)
    db.execute(text("DELETE FROM audit_events WHERE sequence = 3"))
    db.expire_all()
    _, problem = verify_chain(db)
    assert problem.sequence == 3


def test_deleted_newest_rows_are_found(db):
    write_events(db, 4)
    _without_triggers(db)
    db.execute(text("DELETE FROM audit_events WHERE sequence >= 3"))
    db.expire_all()
    _, problem = verify_chain(db)
    assert problem.sequence == 3
