"""The embedded SQLite database under concurrent use: writers queue, long reads do not block.

These run on a scratch SQLite file whatever the run's database, because the locking they check
is SQLite's own (PostgreSQL has row locks and needs none of this).
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.auditlog.operations import record, verify_chain
from lms.db import begin_long_read, make_engine
from lms.migrate import upgrade

EVENTS_PER_WRITER = 25


def _sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'locking.sqlite3'}")
    upgrade(engine)
    return engine, sessionmaker(engine, expire_on_commit=False)


def test_concurrent_read_then_write_transactions_queue_instead_of_failing(tmp_path):
    # Appending to the audit log reads the chain head, then writes it: the pattern that failed
    # with "database is locked" when another connection committed between the read and the write.
    engine, factory = _sessions(tmp_path)
    errors: list[BaseException] = []

    def append_events(name: str) -> None:
        try:
            for number in range(EVENTS_PER_WRITER):
                session = factory()
                try:
                    session.execute(select(AuditEvent.id).limit(1)).all()  # read first
                    time.sleep(0.002)  # let the other writer commit in between
                    record(session, Actor.system(name), "test.append", "n", number)
                    session.commit()
                finally:
                    session.close()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    writers = [threading.Thread(target=append_events, args=(f"w{i}",)) for i in range(3)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()

    assert errors == []
    with factory() as session:
        count, broken = verify_chain(session)
    assert (count, broken) == (3 * EVENTS_PER_WRITER, None)
    engine.dispose()


def test_a_long_read_does_not_hold_the_write_lock(tmp_path):
    engine, factory = _sessions(tmp_path)
    reader = factory()
    begin_long_read(reader)
    reader.execute(select(AuditEvent.id)).all()  # the long read has begun and holds a snapshot

    writer = factory()
    started = time.monotonic()
    record(writer, Actor.system("writer"), "test.append")
    writer.commit()
    elapsed = time.monotonic() - started
    writer.close()

    # The reader still sees its snapshot; the writer did not wait for it (busy_timeout is 5 s).
    assert reader.execute(select(AuditEvent.id)).all() == []
    assert elapsed < 1.0
    reader.close()
    engine.dispose()
