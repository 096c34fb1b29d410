"""Password hashing (argon2id) and the bundled list of common passwords."""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: OWASP's floor for argon2id; configuration may raise these, never lower them.
MIN_MEMORY_KIB = 19 * 1024
MIN_TIME_COST = 2
MIN_PARALLELISM = 1


def make_hasher(memory_kib: int, time_cost: int, parallelism: int) -> PasswordHasher:
    if memory_kib < MIN_MEMORY_KIB or time_cost < MIN_TIME_COST or parallelism < MIN_PARALLELISM:
        raise ValueError("argon2id parameters below m=19 MiB, t=2, p=1 are not allowed")
    return PasswordHasher(memory_cost=memory_kib, time_cost=time_cost, parallelism=parallelism)


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    """About 20,000 commonly used passwords (the list Django ships, BSD licence), lower-cased."""
    data = resources.files("lms.auth").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip().lower() for line in gzip.decompress(data).decode().splitlines())
