"""Certificate serials that people can read out, type and check: ``TM-2026-7F3K-9QXQ``.

Shape: the prefix ``TM``, the year of issue, then eight characters in two groups of four: seven
random characters and one check character, all from a 31-character alphabet.

The alphabet is Crockford's Base32 (digits and capitals without I, L, O and U, which are easily
confused with 1, 1, 0 and V) minus ``Z`` (easily read as 2), leaving 31 symbols. 31 is prime,
which is what makes the check character strong (the scheme is the one ISBN-10 uses, over 31
symbols instead of 11):

- number the eleven characters it protects (the year's four digits, then the seven random
  characters) and the check character from the right, weights 12, 11, …, 2 and 1;
- the check character is the one that makes the sum of ``weight * value`` a multiple of 31.

Because every weight is non-zero and all differ modulo the prime 31, changing any single
character changes the sum by ``weight * difference``, which 31 never divides: every single
mistyped character is detected. Swapping two different characters changes it by
``(weight_a - weight_b) * (value_a - value_b)``, also never a multiple of 31: every
transposition is detected, adjacent or not (year included). The prefix is fixed and not counted.

Typing is forgiving: case, spaces and hyphens do not matter, and O is read as 0, I and L as 1.
"""

from __future__ import annotations

import random
import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
MODULUS = len(ALPHABET)  # 31, a prime
PREFIX = "TM"
RANDOM_LENGTH = 7
VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}

#: What people type for a symbol the alphabet leaves out on purpose.
CONFUSIONS = str.maketrans({"O": "0", "I": "1", "L": "1"})
#: Whitespace and dash-like characters people (or word processors) put between the groups.
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.]+")
_SHAPE = re.compile(rf"{PREFIX}([0-9]{{4}})([{ALPHABET}]{{{RANDOM_LENGTH + 1}}})")


def check_character(payload: str) -> str:
    """The check character for the year and random characters ``payload`` (11 symbols)."""
    weights = range(len(payload) + 1, 1, -1)  # 12 … 2; the check character itself weighs 1
    total = sum(weight * VALUES[symbol] for weight, symbol in zip(weights, payload, strict=True))
    return ALPHABET[-total % MODULUS]


def format_serial(year: int, body: str) -> str:
    """``TM-YYYY-XXXX-XXXX`` from the year and the eight characters after it."""
    return f"{PREFIX}-{year:04d}-{body[:4]}-{body[4:]}"


def generate_serial(year: int, rng: random.Random) -> str:
    """A new serial for a certificate issued in ``year``; ``rng`` should be unpredictable
    (``random.SystemRandom()``) so serials cannot be guessed from one another."""
    if not 1000 <= year <= 9999:
        raise ValueError(f"the year must have four digits, not {year}")
    random_part = "".join(rng.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return format_serial(year, random_part + check_character(f"{year}{random_part}"))


def normalise_serial(text: str) -> str | None:
    """The serial in its printed form if ``text`` has the shape of one, else None.

    The check character is not checked here (see ``is_valid_serial``).
    """
    if not isinstance(text, str) or len(text) > 64:
        return None
    compact = SEPARATORS.sub("", text).upper().translate(CONFUSIONS)
    # "TM" itself survives the confusion mapping (no O, I or L in it).
    match = _SHAPE.fullmatch(compact)
    if match is None:
        return None
    return format_serial(int(match.group(1)), match.group(2))


def is_valid_serial(text: str) -> bool:
    """Whether ``text`` is a well-formed serial whose check character is right."""
    serial = normalise_serial(text)
    if serial is None:
        return False
    protected = serial[3:7] + serial[8:12] + serial[13:16]
    return check_character(protected) == serial[16]
