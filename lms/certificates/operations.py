"""Use cases for certificates: issuing one when a cycle completes, revoking it, its PDF."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms import clock
from lms.actor import Actor
from lms.auditlog.operations import record
from lms.certificates.documents import CertificateDocument, render_certificate
from lms.certificates.models import Certificate, CertificatePdf
from lms.certificates.serials import generate_serial
from lms.ratelimits.operations import Limit, hit, tally
from lms.staff.models import Person
from lms.training.models import TrainingCycle
from lms.validation import InvalidInput

#: Fresh serials tried before giving up; a single collision is already a one-in-billions event.
SERIAL_ATTEMPTS = 5
MAX_REASON_LENGTH = 2000


class SerialCollisionError(RuntimeError):
    """Every serial tried was taken: the random source is broken, not merely unlucky."""


def certificate_for_cycle(session: Session, cycle_id: int) -> Certificate | None:
    return session.execute(
        select(Certificate).where(Certificate.cycle_id == cycle_id)
    ).scalar_one_or_none()


def _serial_taken(session: Session, serial: str) -> bool:
    found = session.execute(select(Certificate.id).where(Certificate.serial == serial)).first()
    return found is not None


def issue_certificate(
    session: Session,
    actor: Actor,
    cycle: TrainingCycle,
    person: Person,
    today: dt.date,
    rng: random.Random | None = None,
) -> Certificate | None:
    """The certificate for a completed cycle: the existing one, or a new one (audit-logged).

    None for an imported cycle, which has no edition to certify. Exactly one per cycle even
    when two requests complete it at once: the unique constraint on ``cycle_id`` refuses the
    second insert, and the loser returns the winner's certificate.
    """
    if cycle.imported or cycle.edition_id is None:
        return None
    if cycle.completed_on is None or cycle.expires_on is None:
        raise ValueError(f"training cycle {cycle.id} is not complete")
    existing = certificate_for_cycle(session, cycle.id)
    if existing is not None:
        return existing
    rng = rng or random.SystemRandom()
    for _ in range(SERIAL_ATTEMPTS):
        certificate = Certificate(
            serial=generate_serial(today.year, rng),
            cycle_id=cycle.id,
            person_id=person.id,
            edition_id=cycle.edition_id,
            holder_name=person.legal_name,
            issued_on=today,
            expires_on=cycle.expires_on,
            issued_at=actor.now(),
        )
        try:
            # A savepoint, so a refused insert leaves the caller's transaction usable.
            with session.begin_nested():
                session.add(certificate)
        except IntegrityError:
            existing = certificate_for_cycle(session, cycle.id)
            if existing is not None:
                return existing  # another request issued it first
            if not _serial_taken(session, certificate.serial):
                raise  # neither the cycle nor the serial: not a race this code understands
            continue  # the serial was taken: draw another
        record(
            session,
            actor,
            "certificate.issue",
            "certificate",
            certificate.id,
            {
                "serial": certificate.serial,
                "cycle_id": cycle.id,
                "person_id": person.id,
                "edition_id": cycle.edition_id,
                "issued_on": today.isoformat(),
                "expires_on": certificate.expires_on.isoformat(),
            },
        )
        return certificate
    raise SerialCollisionError(f"no free serial after {SERIAL_ATTEMPTS} attempts")


def revoke_certificate(
    session: Session, actor: Actor, certificate: Certificate, reason: str, today: dt.date
) -> Certificate:
    """Revoke from ``today`` on, with a reason (audit-logged); a second revocation is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Give the reason for revoking this certificate.", "reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(
            f"Keep the reason under {MAX_REASON_LENGTH} characters ({len(reason)} now).", "reason"
        )
    # Lock and re-read the row, so two HR users revoking at once cannot both succeed.
    certificate = session.execute(
        select(Certificate)
        .where(Certificate.id == certificate.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    if certificate.revoked_on is not None:
        raise InvalidInput(
            f"This certificate was already revoked on {certificate.revoked_on.isoformat()}; "
            "a revocation cannot be changed."
        )
    certificate.revoked_at = actor.now()
    certificate.revoked_on = today
    certificate.revoked_by_id = actor.user_id
    certificate.revocation_reason = reason
    session.flush()
    record(
        session,
        actor,
        "certificate.revoke",
        "certificate",
        certificate.id,
        {"serial": certificate.serial, "revoked_on": today.isoformat(), "reason": reason},
    )
    return certificate


def record_download(session: Session, actor: Actor, certificate: Certificate) -> None:
    """Note in the audit log that someone downloaded a certificate's PDF."""
    record(
        session,
        actor,
        "certificate.download",
        "certificate",
        certificate.id,
        {"serial": certificate.serial, "person_id": certificate.person_id},
    )


#: The rate limit on checks of serials that match no certificate, per address.
VERIFY_BUCKET = "certificate.verify"


def verify_limit(max_failures: int, window_minutes: int) -> Limit:
    return Limit(VERIFY_BUCKET, max_failures, dt.timedelta(minutes=window_minutes))


def verification_refusal(
    session: Session, actor: Actor, limit: Limit, now: dt.datetime
) -> int | None:
    """Seconds until ``actor``'s address may verify again, or None when it is not limited.

    The address is limited once ``limit.max_count`` of its checks in the window matched no
    certificate; then every check is refused (and counted) until the window ends.
    """
    current = tally(session, limit, actor.ip_address or "", now)
    if current is None or current.count < limit.max_count:
        return None
    return _count_check(session, actor, limit, now)


def record_failed_verification(
    session: Session, actor: Actor, limit: Limit, now: dt.datetime
) -> int | None:
    """Count a check that matched no certificate: None while within the limit, else the seconds
    until the address may verify again (when simultaneous checks went past the limit)."""
    return _count_check(session, actor, limit, now)


def _count_check(session: Session, actor: Actor, limit: Limit, now: dt.datetime) -> int | None:
    """Count one check in the rate-limit table (not the audit log: anonymous traffic must not
    grow it). The audit log gets one event when an address is first refused in a window."""
    counted = hit(session, limit, actor.ip_address or "", now)
    if counted.count <= limit.max_count:
        return None
    if counted.count == limit.max_count + 1:
        record(
            session,
            actor,
            "certificate.verify_throttled",
            None,
            None,
            {
                "failed_checks": limit.max_count,
                "window_minutes": int(limit.window.total_seconds() // 60),
                "refused_until": counted.expires_at.isoformat(),
            },
        )
    return counted.retry_after(now)


@functools.cache
def _drawing_code_digest() -> bytes:
    """What the PDF's bytes depend on besides the document: the code that draws it."""
    import reportlab

    from lms import pdf
    from lms.certificates import documents

    digest = hashlib.sha256(reportlab.Version.encode())
    for module in (documents, pdf):
        digest.update(Path(module.__file__).read_bytes())
    return digest.digest()


def pdf_fingerprint(document: CertificateDocument) -> str:
    """SHA-256 of everything a certificate's PDF is drawn from: same fingerprint, same bytes."""
    return hashlib.sha256(_drawing_code_digest() + repr(document).encode()).hexdigest()


def certificate_pdf(session: Session, certificate_id: int, document: CertificateDocument) -> bytes:
    """The certificate's PDF: drawn once and kept, sent from the database afterwards.

    The PDF is deterministic, so the kept bytes are what drawing again would give — as long as
    neither what is printed nor the drawing code changed; the fingerprint checks both, and a
    mismatch draws and keeps it afresh. Flushes (a first download writes the row).
    """
    fingerprint = pdf_fingerprint(document)
    stored = session.execute(
        select(CertificatePdf.fingerprint, CertificatePdf.content).where(
            CertificatePdf.certificate_id == certificate_id
        )
    ).one_or_none()
    if stored is not None and stored.fingerprint == fingerprint:
        return stored.content
    content = render_certificate(document)
    row = CertificatePdf(
        certificate_id=certificate_id,
        fingerprint=fingerprint,
        content=content,
        rendered_at=clock.now(),
    )
    try:
        with session.begin_nested():  # a concurrent first download may have kept it already
            session.merge(row)
    except IntegrityError:
        pass  # the other download's bytes are these bytes
    return content
