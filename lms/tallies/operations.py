"""Apply changes to the stored counters: one upsert for any number of them."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from lms.tallies.models import StatusTally
from lms.tallies.rules import TallyKey, without_zeros


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the app runs on these two
        raise NotImplementedError(dialect)
    return insert(StatusTally)


def apply_changes(session: Session, changes: Mapping[TallyKey, int]) -> None:
    """Add ``changes`` to the counters, creating those not yet kept: one statement. Rows go in
    key order, so two transactions adding to the same counters lock them in the same order."""
    rows = [
        {
            "kind": key.kind,
            "position": key.position,
            "staff_status": key.staff_status,
            "status": key.status,
            "day": key.day,
            "change": change,
        }
        for key, change in without_zeros(changes).items()
    ]
    if not rows:
        return
    statement = _insert(session)
    statement = statement.on_conflict_do_update(
        index_elements=["kind", "position", "staff_status", "status", "day"],
        set_={"change": StatusTally.change + statement.excluded.change},
    )
    session.execute(statement, rows)
