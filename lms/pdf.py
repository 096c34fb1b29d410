"""Shared PDF plumbing: embedded fonts and a page template with "Page N of M" footers.

The fonts are DejaVu Sans 2.37 (Vera's letterforms plus Latin Extended, Vietnamese, Greek and
Cyrillic; the upstream TTFs as packaged in dejavu-fonts-ttf 2.37.3), vendored in ``lms/fonts/``
with their LICENSE, so names such as "Nguyễn Thị Hương" or "Łukasz Wróbel" print as written.
Every PDF embeds (subsets) them, so it renders the same on any machine, with nothing to install.
"""

from __future__ import annotations

import itertools
import unicodedata
import zlib
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable

FONT, BOLD, ITALIC, BOLD_ITALIC = "LMSSans", "LMSSans-Bold", "LMSSans-Italic", "LMSSans-BoldItalic"
FONT_FOLDER = Path(__file__).parent / "fonts"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}


def printable(text: str, font: str = FONT) -> str:
    """``text`` as the PDFs print it in ``font``: composed (NFC), with each run of characters the
    font has no glyph for written as code points: "Li 王小明" -> "Li [U+738B U+5C0F U+660E]"."""
    register_fonts()
    return pdfmetrics.getFont(font).printable(text)


class _AlreadyDeflated:
    """A stream filter for content deflated beforehand: named FlateDecode, encodes nothing."""

    pdfname = "FlateDecode"

    def encode(self, content: bytes) -> bytes:
        return content


_ALREADY_DEFLATED = _AlreadyDeflated()


class _Formatted(pdfdoc.PDFObject):
    """A PDF value formatted beforehand (a font subset's widths): written as it is."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document) -> bytes:
        return self.data


#: Strings whose subset split a font remembers per document.
_SPLIT_MEMORY = 4096


class _PrintableTTFont(TTFont):
    """A TrueType font that measures and draws ``printable(text)``, so every PDF of the app, drawn
    on a canvas or laid out in paragraphs, gets the same fallback with nothing to call."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._chars = frozenset(map(chr, self.face.charToGlyph))
        self.face.addSubsetObjects = self._add_subset_objects

    def printable(self, text: str | bytes) -> str:
        # DejaVu has no CJK, Thai, Ethiopic, … glyphs, and reportlab would print its empty
        # .notdef box for them and put nothing usable in the text layer. Code points are ugly
        # but lossless: the name can be recovered exactly and matched against the record, and a
        # reader sees at once that the PDF could not draw it, where boxes or blanks pass for a
        # real (misspelt) name. NFC first, because reportlab does not position combining
        # accents: a name stored decomposed ("e" + U+0302 + U+0303) would print its accents
        # beside the letter instead of on it.
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        text = unicodedata.normalize("NFC", text)
        if self._chars.issuperset(text):
            return text
        return "".join(
            f"[{' '.join(f'U+{ord(char):04X}' for char in run)}]" if missing else "".join(run)
            for missing, run in itertools.groupby(text, lambda char: char not in self._chars)
        )

    @lru_cache(maxsize=64)  # noqa: B019 - the fonts live as long as the process anyway
    def _subset_stream(self, subset: tuple[int, ...]) -> tuple[int, bytes]:
        """A subset's font program: its length and its bytes as reportlab would compress them."""
        content = self.face.makeSubset(list(subset))
        return len(content), zlib.compress(content)

    @lru_cache(maxsize=64)  # noqa: B019
    def _subset_font_parts(self, base_name: str, subset: tuple[int, ...]) -> tuple[bytes, bytes]:
        """A subset's widths array as PDF text and its ToUnicode map deflated."""
        formatted = pdfdoc.PDFArray(list(map(self.face.getCharWidth, subset))).format(None)
        return formatted, zlib.compress(makeToUnicodeCMap(base_name, list(subset)).encode())

    def addObjects(self, doc):
        """reportlab's ``TTFont.addObjects`` with each subset's widths and ToUnicode map made
        once per glyph set, not once per document (the same bytes)."""
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_name = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode(
                "pdfdoc"
            )
            widths, cmap = self._subset_font_parts(base_name, tuple(subset))
            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {n}"
            font.Name = internal_name
            font.BaseFont = base_name
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = _Formatted(widths)
            cmap_stream = pdfdoc.PDFStream()
            if doc.compression:
                cmap_stream.content = cmap
                cmap_stream.filters = [_ALREADY_DEFLATED]
            else:
                cmap_stream.content = zlib.decompress(cmap)
            font.ToUnicode = doc.Reference(cmap_stream, "toUnicodeCMap:" + base_name)
            font.FontDescriptor = self.face.addSubsetObjects(doc, base_name, subset)
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]

    def _add_subset_objects(self, doc, fontname, subset):
        """reportlab's ``TTFontFace.addSubsetObjects`` with the subset's font program made and
        compressed once per glyph set: a packet embeds the same few subsets in thousands of
        small PDFs, and building and deflating them was a quarter of its time. The bytes written
        are exactly those reportlab writes."""
        length, compressed = self._subset_stream(tuple(subset))
        font_file = pdfdoc.PDFStream()
        font_file.dictionary["Length1"] = length
        if doc.compression:
            font_file.content = compressed
            font_file.filters = [_ALREADY_DEFLATED]
        else:
            font_file.content = zlib.decompress(compressed)
        face = self.face
        font_file_ref = doc.Reference(font_file, f"fontFile:{face.filename}({fontname})")
        flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": face.ascent,
                "CapHeight": face.capHeight,
                "Descent": face.descent,
                "Flags": flags,
                "FontBBox": pdfdoc.PDFArray(face.bbox),
                "FontName": pdfdoc.PDFName(fontname),
                "ItalicAngle": face.italicAngle,
                "StemV": face.stemV,
                "FontFile2": font_file_ref,
                "MissingWidth": face.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)

    def stringWidth(self, text, size, encoding="utf8"):
        return super().stringWidth(self.printable(text), size, encoding)

    def splitString(self, text, doc, encoding="utf-8"):
        # Remembered per document: a string's subset codes never change once assigned, and the
        # long registers print the same dates, names and words thousands of times.
        state = self.state.get(doc)
        known = getattr(state, "lms_split", None)
        if known is not None and (found := known.get(text)) is not None:
            return found
        split = super().splitString(self.printable(text), doc, encoding)
        if known is None:
            known = self.state[doc].lms_split = {}
        elif len(known) >= _SPLIT_MEMORY:
            known.clear()  # memory stays flat however long the document
        known[text] = split
        return split


@cache
def register_fonts() -> None:
    for name, filename in _FONT_FILES.items():
        pdfmetrics.registerFont(_PrintableTTFont(name, str(FONT_FOLDER / filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )


@cache
def styles() -> StyleSheet1:
    """Paragraph styles for reports: plain, readable, in the embedded fonts."""
    register_fonts()
    sheet = StyleSheet1()
    # bulletFontName too: reportlab's default for bullets is Helvetica.
    base = ParagraphStyle(
        "Body", fontName=FONT, bulletFontName=FONT, fontSize=10, leading=14, spaceAfter=6
    )
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


#: Where no font is given, reportlab falls back to Helvetica, a base-14 font it never embeds:
#: Table, for one, sets each cell's style font (Helvetica unless the table style names another)
#: before drawing the cell, even a cell that holds a Paragraph. Fonts named in Paragraph markup
#: (``<font face=...>``) are set on the text object and do not pass through here.
_EMBEDDED_FOR = {
    "Helvetica": FONT,
    "Helvetica-Bold": BOLD,
    "Helvetica-Oblique": ITALIC,
    "Helvetica-BoldOblique": BOLD_ITALIC,
}


class NumberedCanvas(canvas.Canvas):
    """Defers each page until the end so the footer can say "Page N of M"; draws only in the
    embedded fonts."""

    footer_text = ""

    def __init__(self, *args, **kwargs) -> None:
        register_fonts()
        # Without this reportlab starts every page in Helvetica, which is never embedded; the doc
        # templates pass initialFontName=None explicitly, so a setdefault is not enough.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict] = []

    def setFont(self, psfontname: str, size: float, leading: float | None = None) -> None:
        super().setFont(_EMBEDDED_FOR.get(psfontname, psfontname), size, leading)

    def showPage(self) -> None:
        state = dict(self.__dict__)
        # A page waits as its drawing operators joined and deflated (a fast level): a register
        # of hundreds of pages would otherwise hold millions of small strings until the end.
        code = self._code
        state["_code"] = zlib.compress("\n".join(code).encode(), 1) if code else None
        self._saved_pages.append(state)
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for number, state in enumerate(self._saved_pages):
            self._saved_pages[number] = None  # let each page go once it is out
            code = state.pop("_code")
            self.__dict__.update(state)
            self._code = [zlib.decompress(code).decode()] if code is not None else []
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


def estimated_length(minutes: int) -> str:
    """The course's estimated length, named as an estimate: 895 -> "Estimated course length:
    14.9 hours". The curriculum's estimate, never the time the holder spent."""
    hours = f"{minutes / 60:.1f}".removesuffix(".0")
    return f"Estimated course length: {hours} hours"


def study_time(seconds: int) -> str:
    """The study time the app recorded, named as such: 2460 -> "Study time recorded: 41 min"."""
    return f"Study time recorded: {format_duration(seconds)}"


def format_duration(seconds: int) -> str:
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


#: Grid tables' cell padding, rule and header background, as reportlab's Table and
#: ``lms.curriculum.documents.grid_style`` draw them.
_PAD_X, _PAD_Y = 6, 3
_RULE_GREY = colors.grey
_HEADER_BACKGROUND = colors.HexColor("#eef1f4")


#: The most lines a LightTable row holds before it continues in another row (a page's worth
#: would never fit below the header).
ROW_LINES = 30


def _row_parts(cells: list[list[str]]) -> list[list[list[str]]]:
    tallest = max(len(lines) for lines in cells)
    if tallest <= ROW_LINES:
        return [cells]
    return [
        [lines[start : start + ROW_LINES] for lines in cells]
        for start in range(0, tallest, ROW_LINES)
    ]


class LightTable(Flowable):
    """A grid of plain-text cells for registers thousands of rows long: the look of a platypus
    ``Table`` with ``grid_style`` (bold header row on grey, repeated on every page, grey rules,
    top-aligned cells), laid out in one pass and drawn with one text object per page.

    Cells are strings, already broken into lines with ``\\n`` (no wrapping here, no
    Paragraphs), so a row's height is its tallest cell's line count times ``leading``. A row of
    more than :data:`ROW_LINES` lines is drawn as several rows of at most that many, so that it
    can run onto the next page; a shorter row is never split."""

    def __init__(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        widths: Sequence[float],
        *,
        size: float = 8,
        leading: float = 10,
        _heights: list[float] | None = None,
    ) -> None:
        super().__init__()
        self.hAlign = "LEFT"
        self.header = [str(cell).split("\n") for cell in header]
        self.rows = (
            [part for row in rows for part in _row_parts([str(c).split("\n") for c in row])]
            if _heights is None
            else rows
        )
        self.widths = list(widths)
        self.size, self.leading = size, leading
        self.header_height = self._row_height(self.header)
        self.heights = (
            _heights if _heights is not None else [self._row_height(r) for r in self.rows]
        )

    def _row_height(self, cells: Sequence[Sequence[str]]) -> float:
        return max(len(lines) for lines in cells) * self.leading + 2 * _PAD_Y

    def _copy(self, start: int, stop: int | None = None) -> LightTable:
        """Rows ``start:stop`` as a new table (none of platypus's bookkeeping copied over)."""
        part = LightTable.__new__(LightTable)
        Flowable.__init__(part)
        part.hAlign = self.hAlign
        part.header, part.widths, part.header_height = self.header, self.widths, self.header_height
        part.size, part.leading = self.size, self.leading
        part.rows, part.heights = self.rows[start:stop], self.heights[start:stop]
        return part

    def wrap(self, availWidth, availHeight):
        self.width = sum(self.widths)
        self.height = self.header_height + sum(self.heights)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        room = availHeight - self.header_height
        fitting = 0
        for height in self.heights:
            if height > room:
                break
            room -= height
            fitting += 1
        if fitting == 0 or fitting == len(self.rows):
            return []
        return [self._copy(0, fitting), self._copy(fitting)]

    def draw(self) -> None:
        canv = self.canv
        doc = canv._doc
        width, top = sum(self.widths), self.height
        edges = [0.0]
        for column in self.widths:
            edges.append(edges[-1] + column)
        canv.saveState()
        canv.setFillColor(_HEADER_BACKGROUND)
        canv.rect(0, top - self.header_height, width, self.header_height, stroke=0, fill=1)
        canv.setFillColor(colors.black)
        # The text operators written directly, one text object for the page's part of the table:
        # a register prints hundreds of thousands of short lines, and reportlab's text object
        # spends most of its time per call rather than per character.
        ops = ["BT"]
        size = fp_str(self.size)
        current: tuple[str, int] | None = None
        lefts = [fp_str(x + _PAD_X) for x in edges]
        rules = []
        y = top
        for bold, cells, height in (
            (True, self.header, self.header_height),
            *((False, row, h) for row, h in zip(self.rows, self.heights, strict=True)),
        ):
            font = pdfmetrics.getFont(BOLD if bold else FONT)
            for left, lines in zip(lefts, cells, strict=False):
                baseline = y - _PAD_Y - self.size
                for line in lines:
                    if line:
                        ops.append(f"1 0 0 1 {left} {fp_str(baseline)} Tm")
                        for subset, chunk in font.splitString(line, doc):
                            if current != (font.fontName, subset):
                                current = (font.fontName, subset)
                                ops.append(f"{font.getSubsetInternalName(subset, doc)} {size} Tf")
                            ops.append(f"({escapePDF(chunk)}) Tj")
                    baseline -= self.leading
            rules.append((0, y, width, y))
            y -= height
        ops.append("ET")
        canv._code.append("\n".join(ops))
        rules.append((0, y, width, y))
        rules += [(x, top, x, y) for x in edges]
        canv.setStrokeColor(_RULE_GREY)
        canv.setLineWidth(0.5)
        canv.lines(rules)
        canv.restoreState()
