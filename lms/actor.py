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


def by_whom(label: str) -> str:
    """Who acted, as words that follow a date: "by hr@example.org", or for a command run at
    the server (label ``cli:<account>``) "from the command line (account root)"."""
    if label.startswith("cli:"):
        return f"from the command line (account {label.removeprefix('cli:')})"
    return f"by {label}"
