"""Appending to the audit log and checking its chain."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.auditlog.models import AuditChainHead, AuditEvent
from lms.auditlog.rules import GENESIS_HASH, AuditEntry, ChainBreak, entry_hash, find_chain_break

_HEAD_ID = 1


def record(
    session: Session,
    actor: Actor,
    action: str,
    target_type: str | None = None,
    target_id: object | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Flushes; the caller's transaction commits it."""
    head = session.execute(
        select(AuditChainHead).where(AuditChainHead.id == _HEAD_ID).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditChainHead(id=_HEAD_ID, last_sequence=0, last_hash=GENESIS_HASH)
        session.add(head)
    entry = AuditEntry(
        sequence=head.last_sequence + 1,
        occurred_at=actor.now(),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        details=details or {},
        ip_address=actor.ip_address,
        previous_hash=head.last_hash,
    )
    digest = entry_hash(entry)
    event = AuditEvent(**entry.__dict__, entry_hash=digest)
    session.add(event)
    head.last_sequence = entry.sequence
    head.last_hash = digest
    session.flush()
    return event


def _as_entry(event: AuditEvent) -> AuditEntry:
    return AuditEntry(
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        actor_user_id=event.actor_user_id,
        actor_label=event.actor_label,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        details=event.details,
        ip_address=event.ip_address,
        previous_hash=event.previous_hash,
    )


def verify_chain(session: Session) -> tuple[int, ChainBreak | None]:
    """Check every event in order; return how many were read and the first break, if any."""
    head_row = session.get(AuditChainHead, _HEAD_ID)
    head = None if head_row is None else (head_row.last_sequence, head_row.last_hash)
    count = 0
    # Streamed in batches so a long log never has to fit in memory; closed even when the
    # check stops early, or PostgreSQL keeps the server-side cursor open.
    result = session.execute(
        select(AuditEvent).order_by(AuditEvent.sequence).execution_options(yield_per=1000)
    )

    def entries():
        nonlocal count
        for event in result.scalars():
            count += 1
            yield _as_entry(event), event.entry_hash

    try:
        problem = find_chain_break(entries(), head)
    finally:
        result.close()
    return count, problem


def chain_head(session: Session) -> tuple[int, str]:
    """The newest event's sequence and hash: what an export cites to pin the log's state."""
    head_row = session.get(AuditChainHead, _HEAD_ID)
    return (0, GENESIS_HASH) if head_row is None else (head_row.last_sequence, head_row.last_hash)
