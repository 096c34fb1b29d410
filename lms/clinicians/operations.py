"""Use cases for clinicians' licences and specialised-training areas. Flush, never commit."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.auditlog.operations import record
from lms.clinicians.models import Licence, LicenceVerificationMethod, ShownHow, TrainingAreaRecord
from lms.clinicians.queries import training_area_record
from lms.clinicians.rules import TrainingArea
from lms.eligibility.operations import MAX_EVIDENCE_BYTES, sniff_media_type
from lms.eligibility.rules import verification_problem
from lms.staff.models import Person
from lms.uniqueness import refusing_duplicates
from lms.validation import InvalidInput

_STATE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class LicenceDetails:
    licence_type: str
    licence_number: str
    issuing_state: str
    issuing_board: str | None
    issued_on: dt.date
    expires_on: dt.date


def _clean_licence(
    details: LicenceDetails,
    licence_types: tuple[str, ...],
    board_required: bool = True,
    today: dt.date | None = None,
) -> LicenceDetails:
    licence_type = (details.licence_type or "").strip()
    number = (details.licence_number or "").strip()
    state = (details.issuing_state or "").strip().upper()
    board = (details.issuing_board or "").strip()
    if licence_type not in licence_types:
        raise InvalidInput(f"Choose one of: {', '.join(licence_types)}.", "licence_type")
    if not number:
        raise InvalidInput("Enter the licence number.", "licence_number")
    if len(number) > 60:
        raise InvalidInput("The licence number is at most 60 characters.", "licence_number")
    if not _STATE.match(state):
        raise InvalidInput("Enter the two-letter state code, e.g. MA.", "issuing_state")
    if not board and board_required:
        raise InvalidInput("Enter the licensing board.", "issuing_board")
    if len(board) > 200:
        raise InvalidInput("The board's name is at most 200 characters.", "issuing_board")
    if details.issued_on is None:
        raise InvalidInput("Enter the date the licence was issued.", "issued_on")
    if details.expires_on is None:
        raise InvalidInput("Enter the expiry date printed on the licence.", "expires_on")
    if today is not None and details.issued_on > today:
        # A licence not issued yet cannot be verified at the primary source.
        raise InvalidInput(
            "A licence is recorded once issued: the issue date is in the future.", "issued_on"
        )
    if details.expires_on <= details.issued_on:
        raise InvalidInput("The expiry date must be after the issue date.", "expires_on")
    return LicenceDetails(
        licence_type, number, state, board or None, details.issued_on, details.expires_on
    )


def _licence_audit(licence: Licence) -> dict[str, object]:
    return {
        "person_id": licence.person_id,
        "licence_type": licence.licence_type,
        "licence_number": licence.licence_number,
        "issuing_state": licence.issuing_state,
        "issuing_board": licence.issuing_board,
        "issued_on": licence.issued_on.isoformat(),
        "expires_on": licence.expires_on.isoformat(),
    }


def add_licence(
    session: Session,
    actor: Actor,
    person: Person,
    details: LicenceDetails,
    licence_types: tuple[str, ...],
    *,
    board_required: bool = True,
    today: dt.date | None = None,
) -> Licence:
    """Record a licence (or a renewal: a new record, so the history stays). The staff import
    brings licences from records that may not name the board (``board_required=False``). With
    ``today`` (the provider's date), an issue date after it is refused."""
    details = _clean_licence(details, licence_types, board_required, today)
    now = actor.now()
    licence = Licence(
        person_id=person.id,
        licence_type=details.licence_type,
        licence_number=details.licence_number,
        issuing_state=details.issuing_state,
        issuing_board=details.issuing_board,
        issued_on=details.issued_on,
        expires_on=details.expires_on,
        migrated=False,
        created_at=now,
        updated_at=now,
    )
    with refusing_duplicates(session):
        session.add(licence)
    record(session, actor, "licence.add", "licence", licence.id, _licence_audit(licence))
    return licence


def update_licence(
    session: Session,
    actor: Actor,
    licence: Licence,
    details: LicenceDetails,
    licence_types: tuple[str, ...],
    *,
    today: dt.date | None = None,
) -> bool:
    """Correct a licence's details. Any change clears its verification (HR checks it again).

    Returns whether anything changed."""
    details = _clean_licence(details, licence_types, today=today)
    before = _licence_audit(licence)
    with refusing_duplicates(session):  # the same licence recorded twice at once
        for name in ("licence_type", "licence_number", "issuing_state", "issuing_board"):
            setattr(licence, name, getattr(details, name))
        licence.issued_on = details.issued_on
        licence.expires_on = details.expires_on
        after = _licence_audit(licence)
        changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
        cleared = licence.verified
        if changes:
            licence.clear_verification()
            licence.migrated = False
            licence.updated_at = actor.now()
    if not changes:
        return False
    record(
        session,
        actor,
        "licence.update",
        "licence",
        licence.id,
        {"person_id": licence.person_id, "changes": changes, "verification_cleared": cleared},
    )
    return True


def verify_licence(
    session: Session,
    actor: Actor,
    licence: Licence,
    method: LicenceVerificationMethod,
    note: str | None,
) -> None:
    """Record that HR checked the licence at the primary source: who, when and how."""
    note = (note or "").strip() or None
    if method is LicenceVerificationMethod.OTHER and note is None:
        raise InvalidInput("Say how the licence was checked.", "note")
    problem = verification_problem(
        method.value, method.label, licence.evidence_sha256 is not None, note
    )
    if problem is not None:
        raise InvalidInput(problem[1], problem[0])
    licence.verified_at = actor.now()
    licence.verified_by_id = actor.user_id
    licence.verification_method = method
    licence.verification_note = note
    session.flush()
    record(
        session,
        actor,
        "licence.verify",
        "licence",
        licence.id,
        {"person_id": licence.person_id, "method": method.value, "note": note},
    )


def _evidence(target: Licence | TrainingAreaRecord, filename: str, data: bytes) -> dict:
    """Store a PDF, PNG or JPEG as the record's evidence, the same checks as eligibility's."""
    if not data:
        raise InvalidInput("The file is empty.", "file")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise InvalidInput("The file is larger than 10 MB.", "file")
    sniffed = sniff_media_type(data)
    if sniffed is None:
        raise InvalidInput("Only PDF, PNG and JPEG files can be attached.", "file")
    media_type, extension = sniffed
    stem = re.sub(r"[^\w.-]+", "_", (filename or "evidence").rsplit("/", 1)[-1]).strip("._")
    stem = (stem.rsplit(".", 1)[0] or "evidence")[:200]
    target.evidence_filename = f"{stem}{extension}"
    target.evidence_media_type = media_type
    target.evidence_sha256 = hashlib.sha256(data).hexdigest()
    target.evidence_content = data
    return {
        "filename": target.evidence_filename,
        "sha256": target.evidence_sha256,
        "size_bytes": len(data),
    }


def attach_licence_evidence(
    session: Session, actor: Actor, licence: Licence, filename: str, data: bytes
) -> None:
    """Keep the board's verification print-out (or a scan of the licence) with its SHA-256."""
    details = _evidence(licence, filename, data)
    session.flush()
    record(
        session,
        actor,
        "licence.evidence",
        "licence",
        licence.id,
        {"person_id": licence.person_id, **details},
    )


@dataclass(frozen=True)
class TrainingAreaDetails:
    area: TrainingArea
    shown_how: ShownHow
    shown_on: dt.date
    note: str | None = None


def record_training_area(
    session: Session,
    actor: Actor,
    person: Person,
    details: TrainingAreaDetails,
    today: dt.date,
    evidence: tuple[str, bytes] | None = None,
) -> TrainingAreaRecord:
    """Record (or replace) how the clinician showed specialised training in one area."""
    if details.shown_on is None:
        raise InvalidInput("Enter the date.", "shown_on")
    if details.shown_on > today:
        raise InvalidInput("The date cannot be in the future.", "shown_on")
    note = (details.note or "").strip() or None
    if details.shown_how is ShownHow.OTHER and note is None:
        raise InvalidInput("Say how the training was shown.", "note")
    row = training_area_record(session, person.id, details.area)
    # Recording an area is HR's verification of it: on the document, or on a note.
    has_evidence = evidence is not None or (row is not None and row.evidence_sha256 is not None)
    problem = verification_problem(
        details.shown_how.value, details.shown_how.label, has_evidence, note
    )
    if problem is not None:
        raise InvalidInput(problem[1], "evidence" if problem[0] == "method" else problem[0])
    if row is None:
        row = TrainingAreaRecord(
            person_id=person.id,
            area=details.area,
            shown_how=details.shown_how,
            shown_on=details.shown_on,
            recorded_at=actor.now(),
        )
        try:
            # A savepoint: when a simultaneous request recorded this area first, the unique
            # constraint refuses this insert and this record replaces theirs instead.
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            row = training_area_record(session, person.id, details.area)
            if row is None:
                raise
    row.shown_how = details.shown_how
    row.shown_on = details.shown_on
    row.note = note
    row.recorded_at = actor.now()
    row.recorded_by_id = actor.user_id
    audit: dict[str, object] = {
        "person_id": person.id,
        "area": details.area.value,
        "shown_how": details.shown_how.value,
        "shown_on": details.shown_on.isoformat(),
        "note": note,
    }
    if evidence is not None:
        audit["evidence"] = _evidence(row, *evidence)
    session.flush()
    record(session, actor, "training_area.record", "training_area", row.id, audit)
    return row
