"""The one way the app writes CSV: every text cell that a spreadsheet would run as a formula is
made inert with a leading ``'``, so a name or reason typed as ``=HYPERLINK(...)`` stays text.

Numbers (``int``/``float``) are written as they are, so a negative count stays a number; text
that merely looks like a number is escaped like any other text, which is why callers pass
numbers as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

#: Spreadsheets run a cell that starts with one of these as a formula (or a DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def inert(cell: Cell) -> Cell:
    """``cell`` made safe to open in a spreadsheet: formula-like text gets a leading ``'``."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return f"'{cell}"
    return cell


class SafeWriter:
    """A ``csv.writer`` that makes every text cell inert before writing it."""

    def __init__(self, stream: io.TextIOBase, *, lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(stream, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Cell]) -> None:
        self._writer.writerow([inert(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Cell]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(
    header: Sequence[str], rows: Iterable[Iterable[Cell]], *, lineterminator: str = "\r\n"
) -> str:
    """``header`` and ``rows`` as CSV text, every text cell made inert."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator=lineterminator)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
