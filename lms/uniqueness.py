"""Duplicates a person can cause, refused with the answer a sequential duplicate gets.

An operation checks "is there one already?" before it inserts, and answers a clear
``InvalidInput``. Two requests at once both pass that check; the database's unique constraint
then refuses the second insert. :func:`refusing_duplicates` turns that refusal into the same kind
of answer — ``InvalidInput`` naming the field — instead of a 500, and keeps the request's
transaction usable (the insert runs in a savepoint). :data:`DUPLICATES` says, for every unique
constraint a user-driven write can hit, which field and message to give;
``tests/unit/test_uniqueness.py`` checks that every unique constraint of the schema is either
listed there or named in :data:`NOT_USER_DRIVEN` with how it is kept race-safe instead.

:func:`take_turns` is the other tool: concurrent writers of one kind wait for each other (a
PostgreSQL advisory lock for the rest of the transaction; SQLite's ``BEGIN IMMEDIATE`` already
lets one writer in), so a "next version number" or "is this content published already?" read
after it sees the other's committed work.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import UniqueConstraint, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.validation import InvalidInput

#: Unique constraint → (field, message) for duplicates a user-driven write can cause.
DUPLICATES: dict[str, tuple[str | None, str]] = {
    "uq_people_work_email": ("work_email", "Another person already has this work email."),
    "uq_people_user_id": ("user_email", "That user account belongs to another person."),
    "uq_users_email": ("email", "An account with this email already exists."),
    "uq_user_roles_user_id_role": ("roles", "That role was granted at the same moment; reload."),
    "uq_api_tokens_token_hash": (None, "Token creation collided; try again."),
    "uq_human_services_fields_name": ("name", "That field is already on the list."),
    "uq_policy_documents_requirement_key_version": (
        "effective_on",
        "Another version of this policy was published at the same moment; reload the page.",
    ),
    "uq_policy_signatures_person_id_document_id": (None, "You have already signed this version."),
    "uq_clinician_licences_person_id_licence_type_licence_number_issued_on": (
        "licence_number",
        "This licence, with this number and issue date, is already recorded.",
    ),
    "uq_employment_periods_person_id_hired_on": (
        "hire_on",
        "An employment period starting on this date is already recorded.",
    ),
    "uq_position_changes_person_id_effective_on": (
        "position_since",
        "A change of position on this date was recorded at the same moment; reload.",
    ),
}

#: Unique constraints no person's duplicate can reach as a refusal, and why.
NOT_USER_DRIVEN: dict[str, str] = {
    "uq_module_versions_module_key_version": "publication takes turns (take_turns)",
    "uq_module_versions_module_key_sha256": "publication takes turns (take_turns)",
    "uq_curriculum_editions_curriculum_key_edition_version": "publication takes turns",
    "uq_curriculum_editions_curriculum_key_edition_sha256": "publication takes turns",
    "uq_edition_modules_edition_id_position": "written once, by one publication",
    "uq_edition_modules_edition_id_module_version_id": "written once, by one publication",
    "uq_requirement_catalogues_version": "loads take turns (load_catalogue)",
    "uq_rate_limit_counters_bucket_key": "one upsert (lms.ratelimits)",
    "uq_status_tallies_kind_position_staff_status_status_span_day": "one upsert (lms.tallies)",
    "uq_requirement_tallies_requirement_key_position_status_span_day": "one upsert (lms.tallies)",
    "uq_audit_events_sequence": "the audit log serialises its appends",
    "uq_api_idempotency_keys_token_id_key": "insert-or-fetch (lms.api.idempotency)",
    "uq_alerts_subject_key_kind_threshold_due_on": "alert runs take a lease",
    "uq_alert_deliveries_alert_id_recipient_key": "alert runs take a lease",
    "uq_notifications_user_id_alert_id": "alert runs take a lease",
    "uq_clinician_training_areas_person_id_area": "insert-or-fetch (record_training_area)",
    "uq_supervision_sessions_supersedes_id": "the corrected session is locked first",
    "uq_training_cycles_one_open_per_person": "insert-or-fetch (ensure_current_cycle)",
    "uq_certificates_cycle_id": "insert-or-fetch (issue_certificate)",
    "uq_certificates_serial": "random serial, retried (issue_certificate)",
    "uq_module_progress_cycle_id_module_version_id": "insert-or-fetch (open_module)",
    "uq_attestations_progress_id": "the progress row is locked first (attest)",
    "uq_knowledge_check_attempts_progress_id_number": "the progress row is locked first",
    "uq_knowledge_check_attempts_one_open": "insert-or-fetch (start_attempt)",
}

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?:index '(?P<index>[^']+)'|(?P<cols>.+))")


def _sqlite_constraint(message: str) -> str | None:
    """The constraint SQLite's "UNIQUE constraint failed: t.a, t.b" means, from the schema."""
    match = _SQLITE_UNIQUE.search(message)
    if match is None:
        return None
    if match["index"]:
        return match["index"]
    columns = [part.strip() for part in match["cols"].split(",")]
    table = columns[0].split(".")[0]
    names = frozenset(column.split(".", 1)[-1] for column in columns)
    from lms.db import Base

    found = Base.metadata.tables.get(table)
    if found is None:
        return None
    candidates = [c for c in found.constraints if isinstance(c, UniqueConstraint)]
    candidates += [index for index in found.indexes if index.unique]
    for candidate in candidates:
        if {column.name for column in candidate.columns} == names:
            return str(candidate.name)
    return None


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the unique constraint ``error`` reports, or None (another kind of error)."""
    original = error.orig
    diag = getattr(original, "diag", None)
    if diag is not None:
        if getattr(original, "sqlstate", None) != "23505":  # unique_violation
            return None
        return getattr(diag, "constraint_name", None)
    return _sqlite_constraint(str(original))


def as_refusal(error: IntegrityError) -> InvalidInput | None:
    """The ``InvalidInput`` a duplicate on a listed constraint means, or None."""
    found = DUPLICATES.get(violated_constraint(error) or "")
    if found is None:
        return None
    field, message = found
    return InvalidInput(message, field)


@contextmanager
def refusing_duplicates(session: Session) -> Iterator[None]:
    """Add or change rows inside the block; a duplicate a concurrent request committed first is
    refused as ``InvalidInput`` (see :data:`DUPLICATES`), the block's writes undone and the rest
    of the transaction kept. Pending changes made *before* the block are flushed on entry."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError as error:
        refusal = as_refusal(error)
        if refusal is None:
            raise
        raise refusal from error


#: The first key of the PostgreSQL advisory locks taken by :func:`take_turns` ("TT").
_TURNS_LOCK_SPACE = 0x5454


def take_turns(session: Session, name: str) -> None:
    """Wait until no other transaction holds turn ``name``; hold it until this one ends."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big", signed=True)
    session.execute(
        text("SELECT pg_advisory_xact_lock(:space, :key)"), {"space": _TURNS_LOCK_SPACE, "key": key}
    )
