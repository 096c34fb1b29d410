"""Licence validity and a clinician's standing, hand-worked from issue 10: a licence is valid on a
date when issued_on <= date < expires_on; the printed expiry day itself does not count."""

from __future__ import annotations

import datetime as dt

from lms.clinicians.rules import (
    LicenceTerm,
    TrainingArea,
    clinician_standing,
    licence_valid_on,
    missing_training_areas,
)

D = dt.date
LICENCE = LicenceTerm(issued_on=D(2024, 7, 1), expires_on=D(2026, 6, 30))


def test_a_licence_is_valid_from_its_issue_day():
    assert licence_valid_on([LICENCE], D(2024, 7, 1))
    assert not licence_valid_on([LICENCE], D(2024, 6, 30))


def test_a_licence_is_valid_up_to_the_day_before_its_expiry():
    assert licence_valid_on([LICENCE], D(2026, 6, 29))
    assert not licence_valid_on([LICENCE], D(2026, 6, 30))


def test_no_licences_is_never_valid():
    assert not licence_valid_on([], D(2026, 1, 1))


def test_a_renewal_continues_validity():
    renewal = LicenceTerm(issued_on=D(2026, 6, 30), expires_on=D(2028, 6, 30))
    assert licence_valid_on([LICENCE, renewal], D(2026, 6, 30))


def test_standing_warns_about_unverified_licence_and_missing_areas():
    unverified = LicenceTerm(D(2024, 7, 1), D(2026, 6, 30), verified=False, licence_type="LICSW")
    standing = clinician_standing(
        [unverified], ["mental_health"], is_senior=True, day=D(2025, 1, 1)
    )
    assert standing.could_supervise and standing.could_cover_oncall
    assert any("LICSW" in warning and "verified" in warning for warning in standing.warnings)
    assert any("Wraparound" in warning for warning in standing.warnings)


def test_a_clinician_who_is_not_senior_cannot_cover_on_call():
    standing = clinician_standing(
        [LICENCE], [area.value for area in TrainingArea], is_senior=False, day=D(2025, 1, 1)
    )
    assert standing.could_supervise and not standing.could_cover_oncall


def test_without_a_valid_licence_neither():
    standing = clinician_standing([LICENCE], [], is_senior=True, day=D(2026, 6, 30))
    assert not standing.could_supervise and not standing.could_cover_oncall


def test_missing_areas_in_the_specifications_order():
    assert missing_training_areas(["wraparound", "mental_health"]) == [
        TrainingArea.CHILD_ADOLESCENT,
        TrainingArea.CHILD_SERVING_AGENCIES,
        TrainingArea.FAMILY_CENTERED,
        TrainingArea.STRENGTHS_BASED,
    ]
