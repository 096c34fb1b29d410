"""LightTable, the canvas-level grid the long registers are drawn with: every cell printed, the
header on every page, tall rows continued rather than refused, only embedded fonts."""

import io

from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate

from lms.pdf import ROW_LINES, LightTable, numbered_canvas, styles
from tests.support.pdfs import fonts_of


def build(table: LightTable) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(LETTER), invariant=True)
    document.build(
        [Paragraph("Register", styles()["Title"]), table], canvasmaker=numbered_canvas("Register")
    )
    return buffer.getvalue()


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_every_row_is_printed_with_the_header_on_every_page():
    rows = [[f"row {n:03d}", "Łukasz Wróbel\nsecond line", "Met"] for n in range(200)]
    data = build(LightTable(("Name", "Person", "Status"), rows, [1.5 * inch] * 3))
    texts = pages(data)
    assert len(texts) > 3
    assert all("Name" in text and "Status" in text for text in texts)
    everything = "\n".join(texts)
    assert all(f"row {n:03d}" in everything for n in range(200))
    assert everything.count("Łukasz Wróbel") == 200
    assert "Page 1 of" in texts[0]
    assert all(embedded for embedded in fonts_of(data).values())


def test_a_row_taller_than_a_page_continues_on_the_next():
    tall = "\n".join(f"hash {n:03d}" for n in range(3 * ROW_LINES))
    data = build(LightTable(("Requirement", "Evidence"), [["CORI", tall]], [2 * inch] * 2))
    everything = "\n".join(pages(data))
    assert all(f"hash {n:03d}" in everything for n in range(3 * ROW_LINES))


def test_remembered_font_subsets_write_the_bytes_reportlab_writes(monkeypatch):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from lms import pdf

    def one() -> bytes:
        return build(LightTable(("Name",), [["Nguyễn Thị Hương"], ["Li 王小明"]], [3 * inch]))

    remembered = one()
    assert one() == remembered
    # reportlab's own way: every subset made, measured and deflated afresh for each document
    monkeypatch.setattr(pdf._PrintableTTFont, "addObjects", TTFont.addObjects)
    for name in (pdf.FONT, pdf.BOLD):
        face = pdfmetrics.getFont(name).face
        monkeypatch.delattr(face, "addSubsetObjects")
    assert one() == remembered
