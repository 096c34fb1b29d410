"""The reports' fonts: names in any Latin alphabet print as written, letters the font lacks print
as code points, and every font in a PDF is embedded (no base-14 font is even referenced)."""

import datetime as dt
import io
import unicodedata

import pytest
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from lms.eligibility.documents import eligibility_file_pdf
from lms.pdf import BOLD, ITALIC, numbered_canvas, printable, styles
from tests.support.pdfs import assert_only_embedded_fonts, text_of

DAY = dt.date(2026, 3, 2)


def eligibility_file(name: str) -> bytes:
    return eligibility_file_pdf(name, DAY, None, "Harbor Family Services")


@pytest.mark.parametrize("name", ["Nguyễn Thị Hương", "Łukasz Wróbel"])
def test_a_report_prints_the_name_as_written_in_embedded_fonts(name):
    pdf = eligibility_file(name)
    lines = text_of(pdf).splitlines()
    assert f"Eligibility file: {name}" in lines
    assert any(line.startswith(f"Eligibility file — {name} — 2026-03-02") for line in lines)
    assert set(assert_only_embedded_fonts(pdf)) == {"DejaVuSans", "DejaVuSans-Bold"}


def test_a_report_is_the_same_every_time():
    assert eligibility_file("Nguyễn Thị Hương") == eligibility_file("Nguyễn Thị Hương")


def test_a_report_prints_letters_the_font_lacks_as_code_points():
    pdf = eligibility_file("Li 王小明")
    lines = text_of(pdf).splitlines()
    assert "Eligibility file: Li [U+738B U+5C0F U+660E]" in " ".join(lines)
    assert any("Eligibility file — Li [U+738B U+5C0F U+660E] — 2026-03-02" in x for x in lines)
    assert_only_embedded_fonts(pdf)


def test_tables_in_a_report_refer_to_no_base_14_font():
    # reportlab's Table sets each cell's style font, Helvetica by default, even for Paragraphs.
    sheet = styles()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER, invariant=True).build(
        [Table([[Paragraph("Name", sheet["Cell"]), Paragraph("Łukasz Wróbel", sheet["Cell"])]])],
        canvasmaker=numbered_canvas("Roster — Nguyễn Thị Hương"),
    )
    pdf = buffer.getvalue()
    assert "Łukasz Wróbel" in text_of(pdf)
    assert_only_embedded_fonts(pdf)


def test_the_font_check_catches_a_base_14_font():
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.drawString(72, 72, "Helvetica, not embedded")
    canvas.save()
    with pytest.raises(AssertionError, match="Helvetica"):
        assert_only_embedded_fonts(buffer.getvalue())


@pytest.mark.parametrize(
    "text",
    [
        "Nguyễn Thị Hương",
        "Łukasz Wróbel",
        "Đorđe",
        "Ştefan Ș ș Ț ț",
        "Jean-Baptiste Désir",
        "Ɛ ɛ Ɔ ɔ Ŋ ŋ",
        "Τέλης Жанна",
        "Straße №5 — “quoted” …",
    ],
)
@pytest.mark.parametrize("font", ["LMSSans", BOLD, ITALIC])
def test_latin_greek_and_cyrillic_names_print_unchanged(text, font):
    assert printable(text, font) == text


def test_printable_composes_decomposed_accents():
    assert printable(unicodedata.normalize("NFD", "Nguyễn")) == "Nguyễn"


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("王小明", "[U+738B U+5C0F U+660E]"),
        ("Li 王小明", "Li [U+738B U+5C0F U+660E]"),
        ("王 小明", "[U+738B] [U+5C0F U+660E]"),
        ("김민준 Kim", "[U+AE40 U+BBFC U+C900] Kim"),
        ("𠀀", "[U+20000]"),
    ],
)
def test_printable_spells_out_letters_the_font_lacks(text, printed):
    assert printable(text) == printed
