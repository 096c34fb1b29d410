"""Read-only queries over accounts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import Role, User, UserRole


def list_users(session: Session, role: Role | None = None) -> Sequence[User]:
    """Every account (roles loaded in one extra query), optionally only those holding ``role``."""
    statement = select(User).order_by(User.full_name, User.email)
    if role is not None:
        statement = statement.where(User.role_grants.any(UserRole.role == role))
    return session.execute(statement).scalars().all()
