"""CSV cells a spreadsheet would run as formulas are made inert; others are left alone."""

import pytest

from lms.csvfile import inert


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"])
def test_formula_starts_get_a_leading_quote(cell):
    assert inert(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "Mia Mentor", "mia@example.org", "2026-11-17", "1=1"])
def test_other_cells_are_unchanged(cell):
    assert inert(cell) == cell
