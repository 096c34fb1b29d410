"""The one way the app writes CSV: every text cell that a spreadsheet would run as a formula is
made inert with a leading ``'``, so a name or reason typed as ``=HYPERLINK(...)`` stays text.

Numbers (``int``/``float``) are written as they are, so a negative count stays a number; text
that merely looks like a number is escaped like any other text, which is why callers pass
numbers as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

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


#: Characters of CSV gathered before each piece of a streamed download is sent.
STREAM_CHUNK = 64 * 1024


def csv_chunks(
    header: Sequence[str], rows: Iterable[Iterable[Cell]], *, chunk: int = STREAM_CHUNK
) -> Iterator[str]:
    """``header`` and ``rows`` as CSV text in pieces of about ``chunk`` characters, every text
    cell made inert: a download written as its rows are read, in flat memory."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() >= chunk:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# -- reading an import file -----------------------------------------------------------------------

#: The largest import file a command or page reads.
MAX_IMPORT_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class CsvProblem:
    """One problem in an import file: its line (the header is line 1), the column, what is wrong."""

    line: int
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field + ': ' if self.field else ''}{self.message}"


def read_table(
    data: bytes, required: Sequence[str], optional: Sequence[str] = ()
) -> tuple[list[tuple[int, dict[str, str]]], list[CsvProblem]]:
    """The rows of an import CSV as (line, {column: stripped cell}), and every problem found:
    size, encoding, missing or unknown columns, extra cells, cells the database could not store
    (NUL, a lone surrogate), and a file with no rows. Blank lines are skipped."""
    from lms.validation import text_problem

    if len(data) > MAX_IMPORT_BYTES:
        return [], [CsvProblem(1, None, "The file is larger than 2 MB.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [CsvProblem(1, None, "The file is not UTF-8 text; save it as CSV UTF-8.")]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in next(reader, [])]
    known = (*required, *optional)
    problems = [CsvProblem(1, name, "column is missing") for name in required if name not in header]
    problems += [
        CsvProblem(1, name, "is not a known column")
        for name in header
        if name and name not in known
    ]
    if problems:
        return [], problems
    rows = []
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            problems.append(CsvProblem(start, None, "The row has more cells than the header."))
            continue
        for name, cell in zip(header, cells, strict=False):
            if problem := text_problem(cell):
                problems.append(CsvProblem(start, name or None, f"This cell {problem}"))
        rows.append((start, dict(zip(header, (c.strip() for c in cells), strict=False))))
    if not rows and not problems:
        problems.append(CsvProblem(1, None, "The file has no rows to import."))
    return rows, problems
