"""Who is acting: passed explicitly into every operation instead of read from the request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    ip_address: str | None = None

    @classmethod
    def system(cls, label: str) -> Actor:
        """A command-line or scheduled job acting without a signed-in user."""
        return cls(user_id=None, label=label, ip_address=None)

    @classmethod
    def anonymous(cls, ip_address: str | None, label: str = "anonymous") -> Actor:
        return cls(user_id=None, label=label, ip_address=ip_address)
