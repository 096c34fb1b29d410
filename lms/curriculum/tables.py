"""Lesson tables that read as cards on a phone: each cell labelled with its column's heading.

Applied to HTML that ``lms.curriculum.rendering.render_markdown`` has already made safe, which
writes every table in one shape (``<th>`` and ``<td>`` without attributes, one per line); the
labels are the headings' own text, escaped again for the attribute.
"""

from __future__ import annotations

import html
import re

_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_HEADING = re.compile(r"<th>(.*?)</th>", re.DOTALL)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def label_table_cells(safe_html: str) -> str:
    """``safe_html`` with each lesson table marked ``lesson-table`` and each body cell given a
    ``data-label`` naming its column, which the stylesheet shows on narrow screens."""
    return _TABLE.sub(_labelled_table, safe_html)


def _labelled_table(table: re.Match[str]) -> str:
    body = table.group(1)
    labels = [
        html.escape(html.unescape(_TAG.sub("", heading)).strip(), quote=True)
        for heading in _HEADING.findall(body)
    ]

    def labelled_row(row: re.Match[str]) -> str:
        cells = iter(labels)
        return (
            "<tr>"
            + re.sub(r"<td>", lambda _: f'<td data-label="{next(cells, "")}">', row.group(1))
            + "</tr>"
        )

    return '<table class="lesson-table">' + _ROW.sub(labelled_row, body) + "</table>"
