"""Pure rules for clinicians' qualifications: when a licence is valid, whether a clinician could
supervise or cover on-call on a day, and which of the specification's specialised-training areas
are still missing. No database, no clock: days come in as arguments."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar


class LicencePeriod(Protocol):
    """Anything with a licence's two dates: a ``Licence`` row or a ``LicenceTerm``."""

    @property
    def issued_on(self) -> dt.date: ...

    @property
    def expires_on(self) -> dt.date: ...


L = TypeVar("L", bound=LicencePeriod)


@dataclass(frozen=True)
class LicenceTerm:
    """A licence's dates, and whether HR has verified it at the primary source."""

    issued_on: dt.date
    expires_on: dt.date
    verified: bool = True
    licence_type: str = ""
    licence_number: str = ""


def licence_is_valid_on(licence: LicencePeriod, day: dt.date) -> bool:
    """One licence is valid on ``day`` when issued_on <= day < expires_on.

    The printed expiry day itself does not count (conservatively, the licence may lapse that day).
    """
    return licence.issued_on <= day < licence.expires_on


def licence_valid_on(licences: Iterable[LicencePeriod], day: dt.date) -> bool:
    """Whether any of ``licences`` is valid on ``day`` (issued_on <= day < expires_on)."""
    return any(licence_is_valid_on(licence, day) for licence in licences)


def licences_valid_on(licences: Iterable[L], day: dt.date) -> list[L]:
    """The licences valid on ``day``, in the order given."""
    return [licence for licence in licences if licence_is_valid_on(licence, day)]


class TrainingArea(enum.StrEnum):
    """The six areas of specialised training the specification asks of a supervising clinician
    (Staffing Requirements 3)."""

    CHILD_ADOLESCENT = "child_adolescent"
    CHILD_SERVING_AGENCIES = "child_serving_agencies"
    MENTAL_HEALTH = "mental_health"
    FAMILY_CENTERED = "family_centered"
    STRENGTHS_BASED = "strengths_based"
    WRAPAROUND = "wraparound"

    @property
    def label(self) -> str:
        return TRAINING_AREA_LABELS[self]


TRAINING_AREA_LABELS = {
    TrainingArea.CHILD_ADOLESCENT: "Child/adolescent issues",
    TrainingArea.CHILD_SERVING_AGENCIES: "Child-serving agencies (DYS, DCF, DMH, DDS, DESE)",
    TrainingArea.MENTAL_HEALTH: "Mental health",
    TrainingArea.FAMILY_CENTERED: "Family-centered treatment",
    TrainingArea.STRENGTHS_BASED: "Strengths-based interventions",
    TrainingArea.WRAPAROUND: "Wraparound planning consistent with Systems of Care",
}


def missing_training_areas(shown: Iterable[str]) -> list[TrainingArea]:
    """The specialised-training areas not yet recorded, in the specification's order."""
    recorded = set(shown)
    return [area for area in TrainingArea if area.value not in recorded]


@dataclass(frozen=True)
class ClinicianStanding:
    """What a clinician could do on one day, and what should worry HR about it."""

    day: dt.date
    could_supervise: bool
    could_cover_oncall: bool
    warnings: tuple[str, ...]


def clinician_standing(
    licences: Iterable[LicenceTerm],
    areas_shown: Iterable[str],
    *,
    is_senior: bool,
    day: dt.date,
) -> ClinicianStanding:
    """Whether a clinician could supervise (a licence valid that day) and cover on-call (senior
    and a licence valid that day) on ``day``. Unverified licences and missing training areas are
    warnings: they are shown, never silently passed, but do not change the answer."""
    valid = licences_valid_on(list(licences), day)
    warnings: list[str] = []
    if not valid:
        warnings.append(f"No licence valid on {day.isoformat()}.")
    for licence in valid:
        if not licence.verified:
            name = " ".join(part for part in (licence.licence_type, licence.licence_number) if part)
            warnings.append(
                f"Licence {name or 'on record'} has not been verified at the primary source."
            )
    missing = missing_training_areas(areas_shown)
    if missing:
        warnings.append(
            "Specialised training not recorded: " + "; ".join(area.label for area in missing) + "."
        )
    if not is_senior:
        warnings.append("Not in the senior licensed clinician position, so cannot cover on-call.")
    return ClinicianStanding(
        day=day,
        could_supervise=bool(valid),
        could_cover_oncall=bool(valid) and is_senior,
        warnings=tuple(warnings),
    )
