"""Certificate serials: the check character, worked by hand, and the errors it catches."""

import random
import re

import pytest

from lms.certificates.serials import (
    ALPHABET,
    check_character,
    generate_serial,
    is_valid_serial,
    normalise_serial,
)

SHAPE = re.compile(r"TM-\d{4}-[0-9A-HJKMNP-TV-Y]{4}-[0-9A-HJKMNP-TV-Y]{4}")


class Scripted(random.Random):
    """An rng whose choices are written out in advance."""

    def __init__(self, picks: str) -> None:
        super().__init__(0)
        self.picks = iter(picks)

    def choice(self, sequence):
        pick = next(self.picks)
        assert pick in sequence
        return pick


def test_the_alphabet_leaves_out_ambiguous_characters():
    assert len(ALPHABET) == 31  # prime: see the module docstring
    assert not set("ILOUZ") & set(ALPHABET)
    assert len(set(ALPHABET)) == 31


# Values: 0-9 are themselves, then A=10 B=11 C=12 D=13 E=14 F=15 G=16 H=17 J=18 K=19 M=20
# N=21 P=22 Q=23 R=24 S=25 T=26 V=27 W=28 X=29 Y=30. Weights from the left: 12, 11, ..., 2.
@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        # 2*12 + 0*11 + 2*10 + 6*9 + 7*8 + 15*7 + 3*6 + 19*5 + 9*4 + 23*3 + 29*2 = 535
        # 535 = 17*31 + 8, so the check value is 31 - 8 = 23: Q.
        ("20267F3K9QX", "Q"),
        # 2*12 + 0*11 + 3*10 + 1*9 + 0 = 63 = 2*31 + 1, check value 31 - 1 = 30: Y.
        ("20310000000", "Y"),
        # 24 + 0 + 20 + 54 + 10*8 + 11*7 + 12*6 + 13*5 + 14*4 + 15*3 + 16*2 = 525
        # 525 = 16*31 + 29, check value 31 - 29 = 2: 2.
        ("2026ABCDEFG", "2"),
        # 2*12 + 0*11 + 2*10 + 6*9 + 0 = 98 = 3*31 + 5, check value 26: T.
        ("20260000000", "T"),
        # 1*12 + 0 + 0 + 0 + 30*(8+7+6+5+4+3+2) = 12 + 1050 = 1062 = 34*31 + 8: 23, Q.
        ("1000YYYYYYY", "Q"),
    ],
)
def test_check_character_worked_by_hand(payload, expected):
    assert check_character(payload) == expected
    serial = f"TM-{payload[:4]}-{payload[4:8]}-{payload[8:]}{expected}"
    assert is_valid_serial(serial)


def test_generate_serial_draws_seven_characters_and_appends_the_check():
    assert generate_serial(2026, Scripted("7F3K9QX")) == "TM-2026-7F3K-9QXQ"


def test_generated_serials_have_the_shape_and_are_valid():
    rng = random.Random(2026)
    serials = {generate_serial(2026, rng) for _ in range(500)}
    assert len(serials) == 500
    for serial in serials:
        assert SHAPE.fullmatch(serial), serial
        assert is_valid_serial(serial)


@pytest.mark.parametrize("year", [999, 10000, -1])
def test_the_year_must_have_four_digits(year):
    with pytest.raises(ValueError, match="four digits"):
        generate_serial(year, random.Random(1))


def _protected(serial: str) -> list[str]:
    """The twelve characters the check covers: year, random part, check character."""
    return list(serial[3:7] + serial[8:12] + serial[13:17])


def _serial(chars: list[str]) -> str:
    text = "".join(chars)
    return f"TM-{text[:4]}-{text[4:8]}-{text[8:]}"


def _samples() -> list[str]:
    rng = random.Random(31)
    return [
        "TM-2026-7F3K-9QXQ",
        *(generate_serial(rng.randint(2000, 2099), rng) for _ in range(60)),
    ]


def test_every_single_character_substitution_is_detected():
    tried = 0
    for serial in _samples():
        chars = _protected(serial)
        for position, original in enumerate(chars):
            # The year is digits by shape; any other symbol there is refused by shape alone.
            candidates = "0123456789" if position < 4 else ALPHABET
            for replacement in candidates:
                if replacement == original:
                    continue
                mistyped = chars.copy()
                mistyped[position] = replacement
                assert not is_valid_serial(_serial(mistyped)), (serial, position, replacement)
                tried += 1
    assert tried == 61 * (4 * 9 + 8 * 30)


def test_every_transposition_of_two_different_characters_is_detected():
    adjacent = 0
    for serial in _samples():
        chars = _protected(serial)
        for first in range(len(chars)):
            for second in range(first + 1, len(chars)):
                if chars[first] == chars[second]:
                    continue
                if (first < 4) != (second < 4) and not (chars[first] + chars[second]).isdigit():
                    continue  # a letter moved into the year: refused by shape, not by the check
                swapped = chars.copy()
                swapped[first], swapped[second] = swapped[second], swapped[first]
                assert not is_valid_serial(_serial(swapped)), (serial, first, second)
                adjacent += second == first + 1
    assert adjacent > 500  # adjacent swaps, across the hyphens too, were among those tried


@pytest.mark.parametrize(
    "typed",
    [
        "TM-2026-7F3K-9QXQ",
        "tm-2026-7f3k-9qxq",
        "TM20267F3K9QXQ",
        " TM 2026 7F3K 9QXQ ",
        "TM--2026--7F3K-9QXQ-",
        "TM-2026-7F3-K9QXQ",
        "TM\u20132026\u20137F3K\u20139QXQ",  # en dashes from a word processor
        "TM_2026.7F3K.9QXQ",
        "TM-2O26-7F3K-9QXQ",  # letter O for zero, in the year
    ],
)
def test_normalise_tolerates_case_spacing_and_hyphens(typed):
    assert normalise_serial(typed) == "TM-2026-7F3K-9QXQ"
    assert is_valid_serial(typed)


def test_confusable_letters_are_read_as_digits():
    # 1 and 0 in the random part, typed as I, L and O.
    serial = generate_serial(2026, Scripted("10A1B0C"))
    assert serial == "TM-2026-10A1-B0C" + serial[-1]
    typed = serial.replace("1", "I", 1).replace("0", "O").replace("1", "l")
    assert typed != serial
    assert normalise_serial(typed) == serial
    assert is_valid_serial(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "TM",
        "TM-2026",
        "TM-2026-7F3K-9QX",  # one character short
        "TM-2026-7F3K-9QXQQ",  # one too many
        "TN-2026-7F3K-9QXQ",  # wrong prefix
        "2026-7F3K-9QXQ",  # no prefix
        "TM-20A6-7F3K-9QXQ",  # a letter in the year
        "TM-226-7F3K-9QXQ",  # three-digit year
        "TM-2026-7F3K-9QXU",  # U is not in the alphabet
        "TM-2026-7F3K-9QXZ",  # nor is Z
        "TM-2026-7F3K-9Q*Q",
        "TM-2026-7F3K-9QXQ; DROP TABLE certificates",
        "TM-2026-7F3K-9QXQ" * 5,
        "TM-\uff12\uff10\uff12\uff16-7F3K-9QXQ",  # full-width digits
    ],
)
def test_malformed_serials_are_refused(typed):
    assert normalise_serial(typed) is None
    assert not is_valid_serial(typed)


def test_a_wrong_check_character_is_refused_but_has_the_shape():
    assert normalise_serial("TM-2026-7F3K-9QXR") == "TM-2026-7F3K-9QXR"
    assert not is_valid_serial("TM-2026-7F3K-9QXR")
    # Hyphens are ignored, so a dropped year digit shifts everything: the check catches it.
    assert normalise_serial("TM-226-7F3K-9QXQQ") == "TM-2267-F3K9-QXQQ"
    assert not is_valid_serial("TM-226-7F3K-9QXQQ")


def test_non_text_is_refused():
    assert normalise_serial(None) is None  # type: ignore[arg-type]
    assert not is_valid_serial(2026)  # type: ignore[arg-type]
