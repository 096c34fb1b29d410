"""Who may download a certificate: the holder, their supervisor, HR and auditors; no one else
(administrators manage the system, not training records, so they are not on the list)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lms.auth.models import Role
from lms.staff.models import Person

DOWNLOAD_ALL_ROLES = (Role.HR, Role.AUDITOR)


def can_download(user, person: Person, supervisor: Person | None) -> bool:
    if user.has_role(*DOWNLOAD_ALL_ROLES):
        return True
    if user.has_role(Role.MENTOR) and person.user_id is not None and person.user_id == user.id:
        return True
    return bool(
        user.has_role(Role.SUPERVISOR) and supervisor is not None and supervisor.user_id == user.id
    )


def may_download_certificates_of(session: Session, user, person: Person) -> bool:
    """``can_download`` for ``person``, loading their supervisor."""
    supervisor = session.get(Person, person.supervisor_id) if person.supervisor_id else None
    return can_download(user, person, supervisor)
