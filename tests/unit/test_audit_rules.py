"""The audit chain: a hash per entry over the previous hash, and the first break found."""

import dataclasses
import datetime as dt
import hashlib

from lms.auditlog.rules import GENESIS_HASH, AuditEntry, entry_hash, find_chain_break

AT = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def build_chain(count: int) -> list[tuple[AuditEntry, str]]:
    chain, previous = [], GENESIS_HASH
    for sequence in range(1, count + 1):
        entry = AuditEntry(
            sequence,
            AT,
            1,
            "admin@example.org",
            "user.create",
            "user",
            str(sequence),
            {},
            "10.0.0.1",
            previous,
        )
        previous = entry_hash(entry)
        chain.append((entry, previous))
    return chain


def test_hash_is_sha256_of_previous_hash_and_canonical_content():
    entry = AuditEntry(
        1, AT, None, "cli:root", "demo.load", None, None, {"b": 2, "a": 1}, None, GENESIS_HASH
    )
    canonical = (
        '{"action":"demo.load","actor_label":"cli:root","actor_user_id":null,'
        '"details":{"a":1,"b":2},"ip_address":null,"occurred_at":"2026-11-23T12:00:00+00:00",'
        '"sequence":1,"target_id":null,"target_type":null}'
    )
    assert entry_hash(entry) == hashlib.sha256((GENESIS_HASH + canonical).encode()).hexdigest()


def test_intact_chain_has_no_break():
    chain = build_chain(4)
    assert find_chain_break(chain, (4, chain[-1][1])) is None


def test_empty_log_is_intact():
    assert find_chain_break([], None) is None
    assert find_chain_break([], (0, GENESIS_HASH)) is None


def test_edited_entry_is_named():
    chain = build_chain(4)
    edited = dataclasses.replace(chain[1][0], details={"roles": ["admin"]})
    chain[1] = (edited, chain[1][1])
    problem = find_chain_break(chain, (4, chain[-1][1]))
    assert problem.sequence == 2
    assert "edited" in problem.problem


def test_deleted_middle_entry_is_named():
    chain = build_chain(4)
    del chain[2]
    problem = find_chain_break(chain, (4, chain[-1][1]))
    assert problem.sequence == 3


def test_deleted_last_entry_is_caught_by_the_head():
    chain = build_chain(4)
    head = (4, chain[-1][1])
    problem = find_chain_break(chain[:3], head)
    assert problem.sequence == 4


def test_rehashed_forgery_breaks_the_link_to_the_next_entry():
    chain = build_chain(3)
    forged = dataclasses.replace(chain[0][0], action="user.delete")
    chain[0] = (forged, entry_hash(forged))  # the forger recomputes this row's hash...
    problem = find_chain_break(chain, (3, chain[-1][1]))
    assert problem.sequence == 2  # ...but the next row still points at the original
