"""Who may see which person's record: HR, admins and auditors see everyone; a mentor sees only
their own record; a supervisor sees their own and their supervisees'."""

from __future__ import annotations

from flask import abort

from lms.auth.models import Role
from lms.staff.models import Person

READ_ALL_ROLES = (Role.HR, Role.ADMIN, Role.AUDITOR)


def can_view_person(user, person: Person, supervisor: Person | None) -> bool:
    if user.has_role(*READ_ALL_ROLES):
        return True
    if person.user_id is not None and person.user_id == user.id:
        return True
    return bool(
        user.has_role(Role.SUPERVISOR) and supervisor is not None and supervisor.user_id == user.id
    )


def ensure_can_view(user, person: Person | None, supervisor: Person | None = None) -> Person:
    """404 for a missing person and for a record not the user's to see: a 403 would confirm
    that the id exists."""
    if person is None or not can_view_person(user, person, supervisor):
        abort(404)
    return person


def viewable_person(session, user, person_id: int) -> Person:
    """Load a person for ``user``: 404 when missing or not theirs to see."""
    person = session.get(Person, person_id)
    supervisor = (
        session.get(Person, person.supervisor_id) if person and person.supervisor_id else None
    )
    return ensure_can_view(user, person, supervisor)
