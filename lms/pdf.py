"""Shared PDF plumbing: embedded fonts and a page template with "Page N of M" footers.

Fonts are the Bitstream Vera family that reportlab itself ships, so every PDF embeds its fonts
and renders the same on any machine, with nothing to install.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import reportlab
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT, BOLD, ITALIC, BOLD_ITALIC = "LMSSans", "LMSSans-Bold", "LMSSans-Italic", "LMSSans-BoldItalic"
_FONT_FILES = {
    FONT: "Vera.ttf",
    BOLD: "VeraBd.ttf",
    ITALIC: "VeraIt.ttf",
    BOLD_ITALIC: "VeraBI.ttf",
}


@cache
def register_fonts() -> None:
    folder = Path(reportlab.__file__).parent / "fonts"
    for name, filename in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )


@cache
def styles() -> StyleSheet1:
    """Paragraph styles for reports: plain, readable, in the embedded fonts."""
    register_fonts()
    sheet = StyleSheet1()
    base = ParagraphStyle("Body", fontName=FONT, fontSize=10, leading=14, spaceAfter=6)
    sheet.add(base)
    sheet.add(ParagraphStyle("Small", parent=base, fontSize=8, leading=10))
    sheet.add(
        ParagraphStyle("Title", parent=base, fontName=BOLD, fontSize=24, leading=30, spaceAfter=18)
    )
    # Like H1 but kept out of the table of contents.
    sheet.add(
        ParagraphStyle(
            "CoverSubtitle", parent=base, fontName=BOLD, fontSize=16, leading=20, spaceAfter=10
        )
    )
    sheet.add(
        ParagraphStyle(
            "H1", parent=base, fontName=BOLD, fontSize=16, leading=20, spaceBefore=12, spaceAfter=10
        )
    )
    sheet.add(
        ParagraphStyle(
            "H2", parent=base, fontName=BOLD, fontSize=13, leading=17, spaceBefore=10, spaceAfter=6
        )
    )
    sheet.add(
        ParagraphStyle(
            "H3", parent=base, fontName=BOLD, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4
        )
    )
    sheet.add(ParagraphStyle("Cell", parent=base, fontSize=8.5, leading=11, spaceAfter=0))
    sheet.add(ParagraphStyle("TOC1", parent=base, fontSize=10, leftIndent=0))
    sheet.add(ParagraphStyle("TOC2", parent=base, fontSize=9, leftIndent=16, spaceAfter=2))
    return sheet


class NumberedCanvas(canvas.Canvas):
    """Defers each page until the end so the footer can say "Page N of M"."""

    footer_text = ""

    def __init__(self, *args, **kwargs) -> None:
        register_fonts()
        # Without this reportlab starts every page in Helvetica, which is never embedded.
        kwargs.setdefault("initialFontName", FONT)
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict] = []

    def showPage(self) -> None:
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        register_fonts()
        self.setFont(FONT, 8)
        width, _ = self._pagesize
        self.drawString(54, 30, self.footer_text)
        self.drawRightString(width - 54, 30, f"Page {self._pageNumber} of {total}")


def numbered_canvas(footer: str) -> type[NumberedCanvas]:
    """A canvas class whose pages carry ``footer`` on the left and the page count on the right."""
    return type("FooteredCanvas", (NumberedCanvas,), {"footer_text": footer})
