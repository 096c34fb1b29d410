"""Who is acting: passed explicitly into every operation instead of read from the request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from lms import clock


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    ip_address: str | None = None
    #: When the actor acts. None (every request, command and job) means now. Only a record of
    #: past events entered as such — the demo's two years of history (lms/demo.py) — passes an
    #: instant, and every timestamp the operations write for this actor is that instant.
    at: dt.datetime | None = None

    def now(self) -> dt.datetime:
        """The instant this actor's operations record: ``at``, or the clock's now."""
        return self.at if self.at is not None else clock.now()

    def acting_at(self, at: dt.datetime | None) -> Actor:
        return replace(self, at=at)

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
