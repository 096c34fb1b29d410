"""Pure rules of the audit chain: how an entry's hash is computed and how a chain is checked."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: The previous hash of the very first entry.
GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    sequence: int
    occurred_at: dt.datetime
    actor_user_id: int | None
    actor_label: str
    action: str
    target_type: str | None
    target_id: str | None
    details: dict[str, Any]
    ip_address: str | None
    previous_hash: str


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 of the previous hash and this entry's content in a canonical JSON form."""
    content = {
        "sequence": entry.sequence,
        "occurred_at": entry.occurred_at.astimezone(dt.UTC).isoformat(),
        "actor_user_id": entry.actor_user_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "details": entry.details,
        "ip_address": entry.ip_address,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((entry.previous_hash + canonical).encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    problem: str


def find_chain_break(
    entries: Iterable[tuple[AuditEntry, str]], head: tuple[int, str] | None
) -> ChainBreak | None:
    """The first place the chain ``(entry, stored hash)`` stops holding, in sequence order.

    ``head`` is the stored (last sequence, last hash); None means no event was ever written.
    """
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    for entry, stored_hash in entries:
        if entry.sequence != expected_sequence:
            return ChainBreak(expected_sequence, "entry is missing (deleted?)")
        if entry.previous_hash != expected_previous:
            return ChainBreak(entry.sequence, "previous-hash link does not match the entry before")
        if entry_hash(entry) != stored_hash:
            return ChainBreak(entry.sequence, "content does not match its hash (edited?)")
        expected_previous = stored_hash
        expected_sequence += 1
    last_sequence = expected_sequence - 1
    if head is None:
        if last_sequence:
            return ChainBreak(last_sequence, "chain head is missing")
        return None
    head_sequence, head_hash = head
    if head_sequence != last_sequence or head_hash != expected_previous:
        return ChainBreak(last_sequence + 1, "entries after this point were deleted")
    return None
