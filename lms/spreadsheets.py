"""CSV downloads that are safe to open in a spreadsheet.

Spreadsheets run a cell that starts with one of ``FORMULA_STARTS`` as a formula, so text cells
that start so are prefixed with an apostrophe (the same rule as the compliance export). Numbers
are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """``header`` and ``rows`` as CSV; text cells made inert, numbers and None left as such."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([inert(cell) for cell in header])
    for row in rows:
        writer.writerow(
            [
                inert(cell) if isinstance(cell, str) else ("" if cell is None else cell)
                for cell in row
            ]
        )
    return output.getvalue()
