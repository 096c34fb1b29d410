"""User accounts, their roles and the sign-in attempts that drive throttling."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import false

from lms.db import Base, UTCDateTime, string_enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    HR = "hr"
    SUPERVISOR = "supervisor"
    MENTOR = "mentor"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.HR: "HR",
    Role.SUPERVISOR: "Supervisor",
    Role.MENTOR: "Mentor",
    Role.AUDITOR: "Auditor",
}


class LoginOutcome(enum.StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # wrong password or unknown email: the only outcome that counts to a lock
    REFUSED = "refused"  # right password, but the account is disabled or its access has ended
    THROTTLED = "throttled"  # not checked at all because the account or address is locked


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: the unique constraint then makes addresses unique case-insensitively.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on logout, deactivation and password change, so that every cookie carrying an
    # older value stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    access_starts_on: Mapped[dt.date | None] = mapped_column(Date)
    access_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    # Auditors may be limited to records as of dates in this range (for example the period
    # under audit); either end may be open.
    records_from: Mapped[dt.date | None] = mapped_column(Date)
    records_until: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Supervisors and HR may take one daily digest instead of one email per alert.
    alert_digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    role_grants: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.role_grants)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    # Flask-Login's protocol. The id carries the session version so old cookies stop matching.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(string_enum(Role, "role"))

    user: Mapped[User] = relationship(back_populates="role_grants")


class LoginAttempt(Base):
    """One try at signing in; the database is shared, so throttling holds across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_attempted_at", "email", "attempted_at"),
        Index("ix_login_attempts_ip_address_attempted_at", "ip_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip_address: Mapped[str] = mapped_column(String(45))
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[LoginOutcome] = mapped_column(string_enum(LoginOutcome, "outcome"))
