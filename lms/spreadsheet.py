"""CSV cells a spreadsheet will not run: a text cell starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is a formula to Excel and LibreOffice, so it gets a leading quote."""

from __future__ import annotations

#: Spreadsheets run a cell that starts with one of these as a formula; names are only text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """``cell`` as text a spreadsheet shows rather than runs."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell
