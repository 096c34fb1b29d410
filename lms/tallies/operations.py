"""Apply changes to stored counters: one upsert for any number of them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from lms.tallies.models import StatusTally
from lms.tallies.rules import TallyKey, rolled_up


def add_to_counters(
    session: Session, model, key_columns: Sequence[str], rows: Sequence[Mapping[str, object]]
) -> None:
    """Add each row's ``change`` to the counter of ``model`` with the row's ``key_columns`` (a
    unique constraint), creating the counters not yet kept: one statement. Give the rows in key
    order, so two transactions adding to the same counters lock them in the same order."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the app runs on these two
        raise NotImplementedError(dialect)
    statement = insert(model)
    statement = statement.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={"change": model.change + statement.excluded.change},
    )
    session.execute(statement, list(rows))


def apply_changes(session: Session, changes: Mapping[TallyKey, int]) -> None:
    """Add ``changes`` (by day) to the status counters and their month and year sums: one
    statement."""
    rows = [
        {
            "kind": key.kind,
            "position": key.position,
            "staff_status": key.staff_status,
            "status": key.status,
            "day": key.day,
            "span": key.span,
            "change": change,
        }
        for key, change in rolled_up(changes).items()
    ]
    add_to_counters(
        session, StatusTally, ("kind", "position", "staff_status", "status", "span", "day"), rows
    )
