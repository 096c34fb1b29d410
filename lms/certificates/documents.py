"""The certificate as a one-page landscape Letter PDF, drawn with reportlab.

Rendering is a pure function of a ``CertificateDocument``: the same data gives the same bytes
(reportlab's invariant mode fixes the creation date and file identifier), so a certificate
downloaded twice, or re-rendered for an audit years later, is byte-identical. The fonts are the
app's DejaVu Sans (``lms.pdf``), embedded (subset) in the file, so the PDF looks the same
everywhere and needs no system fonts.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from dataclasses import dataclass

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from lms import pdf
from lms.pdf import estimated_length, study_time

PAGE_WIDTH, PAGE_HEIGHT = landscape(letter)  # 792 x 612 points
MARGIN = 44
BRAND = HexColor("#0b5563")
INK = HexColor("#1b1f24")
MUTED = HexColor("#4a5360")
RULE = HexColor("#c9d1d9")

REGULAR, BOLD, ITALIC = pdf.FONT, pdf.BOLD, pdf.ITALIC

#: Lines of the module table per column on the first page and on any continuation page.
LINES_FIRST_PAGE = 14
LINES_OTHER_PAGES = 36
LINE_HEIGHT = 11
COLUMN_GAP = 24
COLUMN_WIDTH = (PAGE_WIDTH - 2 * MARGIN - COLUMN_GAP) / 2
TITLE_WIDTH = COLUMN_WIDTH - 70 - 40 - 8  # then the completion date and the estimated hours
WRAP_INDENT = 6
QR_SIZE = 92


@dataclass(frozen=True)
class ModuleLine:
    title: str
    completed_on: dt.date | None
    estimated_minutes: int
    seconds_spent: int


@dataclass(frozen=True)
class CertificateDocument:
    organisation_name: str
    holder_name: str
    curriculum_title: str
    edition: str
    edition_version: int
    edition_sha256: str
    modules: tuple[ModuleLine, ...]
    issued_on: dt.date
    expires_on: dt.date
    serial: str
    verification_url: str
    director_name: str
    director_title: str


def long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def format_hours(minutes: int) -> str:
    """Minutes as decimal hours, as training credit is counted: 90 -> "1.5", 10 -> "0.17"."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def short_hash(sha256: str) -> str:
    return sha256[:12]


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so it fits ``width`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _centred(canvas: Canvas, y: float, text: str, font: str, size: float, colour=INK) -> None:
    canvas.setFillColor(colour)
    canvas.setFont(font, size)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, text)


def _border(canvas: Canvas) -> None:
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(2.5)
    canvas.rect(18, 18, PAGE_WIDTH - 36, PAGE_HEIGHT - 36)
    canvas.setLineWidth(0.75)
    canvas.rect(25, 25, PAGE_WIDTH - 50, PAGE_HEIGHT - 50)


Column = list[tuple[ModuleLine, list[str]]]


def _title_lines(title: str) -> list[str]:
    """A module title on one or two lines of the table (shortened only past two)."""
    lines = simpleSplit(title, REGULAR, 8, TITLE_WIDTH) or [""]
    if len(lines) <= 2:
        return lines
    return [lines[0], _fit(" ".join(lines[1:]), REGULAR, 8, TITLE_WIDTH - WRAP_INDENT)]


def _lines_in(column: Column) -> int:
    return sum(len(lines) for _, lines in column)


def _layout(modules: list[ModuleLine]) -> list[tuple[Column, Column]]:
    """The modules in two columns per page, ``LINES_FIRST_PAGE`` lines a column on the first
    page and ``LINES_OTHER_PAGES`` after; the last page's two columns are balanced."""
    items = [(module, _title_lines(module.title)) for module in modules]
    pages: list[tuple[Column, Column]] = []
    capacity = LINES_FIRST_PAGE
    while True:
        total = _lines_in(items)
        if total <= 2 * capacity:
            split, used = 0, 0
            while split < len(items) and (
                split == 0 or used + len(items[split][1]) <= math.ceil(total / 2)
            ):
                used += len(items[split][1])
                split += 1
            pages.append((items[:split], items[split:]))
            return pages
        columns: list[Column] = []
        for _ in range(2):
            column: Column = []
            while items and _lines_in(column) + len(items[0][1]) <= capacity:
                column.append(items.pop(0))
            columns.append(column)
        pages.append((columns[0], columns[1]))
        capacity = LINES_OTHER_PAGES


def _module_table(canvas: Canvas, columns: tuple[Column, Column], top: float) -> float:
    """The two columns of modules below ``top``; returns the y below the table."""
    for index, column in enumerate(columns):
        if not column:
            continue
        x = MARGIN + index * (COLUMN_WIDTH + COLUMN_GAP)
        canvas.setFont(BOLD, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(x, top, "Module")
        canvas.drawString(x + TITLE_WIDTH + 8, top, "Completed")
        canvas.drawRightString(x + COLUMN_WIDTH, top, "Est. hours")
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(x, top - 3, x + COLUMN_WIDTH, top - 3)
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(INK)
        y = top - 2
        for module, lines in column:
            y -= LINE_HEIGHT
            canvas.drawString(x, y, lines[0])
            completed = module.completed_on.isoformat() if module.completed_on else "—"
            canvas.drawString(x + TITLE_WIDTH + 8, y, completed)
            canvas.drawRightString(x + COLUMN_WIDTH, y, format_hours(module.estimated_minutes))
            for line in lines[1:]:
                y -= LINE_HEIGHT
                canvas.drawString(x + WRAP_INDENT, y, line)
    return top - max(_lines_in(column) for column in columns) * LINE_HEIGHT - 16


def _qr_code(canvas: Canvas, url: str, x: float, y: float) -> None:
    # The flowable draws rectangles straight onto the canvas (a graphics Drawing would pull in
    # an unembedded standard font); its quiet zone is part of QR_SIZE.
    QrCode(url, width=QR_SIZE, height=QR_SIZE, qrLevel="M").drawOn(canvas, x, y)


def _first_page(
    canvas: Canvas, document: CertificateDocument, columns: tuple[Column, Column], more: bool
) -> None:
    _border(canvas)
    _centred(canvas, PAGE_HEIGHT - 72, document.organisation_name, BOLD, 14, BRAND)
    _centred(canvas, PAGE_HEIGHT - 112, "Certificate of completion", BOLD, 30)
    _centred(canvas, PAGE_HEIGHT - 140, "This certifies that", REGULAR, 12, MUTED)
    _centred(canvas, PAGE_HEIGHT - 172, _fit(document.holder_name, BOLD, 24, 600), BOLD, 24)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.75)
    canvas.line(PAGE_WIDTH / 2 - 200, PAGE_HEIGHT - 180, PAGE_WIDTH / 2 + 200, PAGE_HEIGHT - 180)
    course = (
        f"has completed {document.curriculum_title}, edition {document.edition} "
        f"(version {document.edition_version})"
    )
    y = PAGE_HEIGHT - 200
    for line in simpleSplit(course, REGULAR, 12, PAGE_WIDTH - 2 * MARGIN - 40)[:2]:
        _centred(canvas, y, line, REGULAR, 12)
        y -= 15
    _centred(
        canvas,
        y - 1,
        f"Curriculum content hash {short_hash(document.edition_sha256)}… (SHA-256, in full below)",
        REGULAR,
        8,
        MUTED,
    )
    y -= 24
    dates = (
        f"Issued {long_date(document.issued_on)}    ·    "
        f"Valid until {long_date(document.expires_on)}"
    )
    _centred(canvas, y, dates, BOLD, 12, BRAND)

    top = y - 26
    canvas.setFont(BOLD, 10)
    canvas.setFillColor(INK)
    canvas.drawString(MARGIN, top, "Modules completed")
    total = sum(m.estimated_minutes for m in document.modules)
    spent = sum(m.seconds_spent for m in document.modules)
    canvas.setFont(REGULAR, 8)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(
        PAGE_WIDTH - MARGIN,
        top,
        f"{len(document.modules)} modules · {estimated_length(total)} · {study_time(spent)}",
    )
    below = _module_table(canvas, columns, top - 14)
    if more:
        canvas.setFont(ITALIC, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, below, "Continued on the next page.")
    _footer(canvas, document)


def _footer(canvas: Canvas, document: CertificateDocument) -> None:
    # The signature block, left.
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.75)
    canvas.line(MARGIN + 10, 96, MARGIN + 230, 96)
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 11)
    canvas.drawString(MARGIN + 10, 82, _fit(document.director_name, BOLD, 11, 240))
    canvas.setFont(REGULAR, 9)
    canvas.drawString(MARGIN + 10, 70, _fit(document.director_title, REGULAR, 9, 240))
    canvas.drawString(MARGIN + 10, 58, _fit(document.organisation_name, REGULAR, 9, 240))

    # The serial and where to check it, right, beside the QR code that encodes the same URL.
    qr_x = PAGE_WIDTH - MARGIN - QR_SIZE + 6
    text_right = qr_x - 4
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 8)
    canvas.drawRightString(text_right, 118, "Serial number")
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 15)
    canvas.drawRightString(text_right, 101, document.serial)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 8)
    canvas.drawRightString(text_right, 84, "Check that this certificate is valid at")
    canvas.setFillColor(INK)
    canvas.setFont(REGULAR, 9)
    canvas.drawRightString(text_right, 72, _fit(document.verification_url, REGULAR, 9, 330))
    _qr_code(canvas, document.verification_url, qr_x, 40)

    canvas.setFont(REGULAR, 6.5)
    canvas.setFillColor(MUTED)
    canvas.drawString(MARGIN + 10, 34, f"Curriculum content SHA-256: {document.edition_sha256}")
    if pdf.printable(document.holder_name, BOLD) != unicodedata.normalize(
        "NFC", document.holder_name
    ):
        # The fonts lack some of the name's letters (e.g. Chinese), which lms.pdf prints as code
        # points; say so on the certificate itself, and where the name is shown as recorded.
        canvas.setFont(ITALIC, 7)
        canvas.drawString(
            MARGIN + 10,
            45,
            "Letters of the name that this certificate's typeface cannot show are given as "
            "Unicode code points [U+…]; the verification page shows the name as recorded.",
        )


def _continuation_page(
    canvas: Canvas, document: CertificateDocument, columns: tuple[Column, Column], page: int
) -> None:
    _border(canvas)
    canvas.setFont(BOLD, 12)
    canvas.setFillColor(INK)
    canvas.drawString(MARGIN, PAGE_HEIGHT - 62, "Modules completed (continued)")
    canvas.setFont(REGULAR, 9)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(
        PAGE_WIDTH - MARGIN,
        PAGE_HEIGHT - 62,
        f"{_fit(document.holder_name, REGULAR, 9, 260)} · {document.serial} · page {page}",
    )
    _module_table(canvas, columns, PAGE_HEIGHT - 84)


def render_certificate(document: CertificateDocument) -> bytes:
    """The certificate as PDF bytes: the same document always gives the same bytes."""
    pdf.register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=1,
        pageCompression=1,
        initialFontName=REGULAR,  # else Helvetica is referenced, and not embedded
    )
    canvas.setTitle(f"Certificate of completion {document.serial}")
    canvas.setAuthor(document.organisation_name)
    canvas.setSubject(f"{document.curriculum_title}, edition {document.edition}")
    canvas.setCreator("Therapeutic Mentoring training records")
    first, *others = _layout(list(document.modules))
    _first_page(canvas, document, first, more=bool(others))
    for number, columns in enumerate(others, start=2):
        canvas.showPage()
        _continuation_page(canvas, document, columns, number)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
