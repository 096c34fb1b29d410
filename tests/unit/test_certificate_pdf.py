"""The certificate PDF: every required item is in its text, fonts are embedded, and the same
data always gives the same bytes."""

import dataclasses
import datetime as dt
import io
import unicodedata

import pytest
from pypdf import PdfReader

from lms.certificates.documents import (
    CertificateDocument,
    ModuleLine,
    format_hours,
    render_certificate,
)
from lms.pdf import format_duration
from tests.support.pdfs import assert_only_embedded_fonts

SHA = "3f8a9c2e41b7d6e05a1c9b8f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b"
TITLES = [
    "Role of the therapeutic mentor",
    "Youth development",
    "Cultural humility",
    "Trauma-informed practice",
    "Crisis response and safety planning",
    "Mandated reporting (51A)",
    "Confidentiality and privacy",
    "Professional boundaries",
    "Documentation",
    "Working with the clinical hub",
    "De-escalation",
    "Substance use",
    "Suicide risk awareness",
    "Affirming practice",
    "Family engagement",
    "Community resources",
    "Supervision",
    "Self-care",
    "Community safety",
    "Ethics",
]


def document(**changes) -> CertificateDocument:
    modules = tuple(
        ModuleLine(title, dt.date(2026, 11, 1 + index), (index % 4 + 1) * 15, 600 + index)
        for index, title in enumerate(TITLES)
    )
    base = CertificateDocument(
        organisation_name="Harbor Family Services",
        holder_name="Rosa María Díaz",
        curriculum_title="Therapeutic Mentoring core training",
        edition="2026",
        edition_version=2,
        edition_sha256=SHA,
        modules=modules,
        issued_on=dt.date(2026, 11, 23),
        expires_on=dt.date(2027, 11, 23),
        serial="TM-2026-7F3K-9QXQ",
        verification_url="https://lms.example.org/verify/TM-2026-7F3K-9QXQ",
        director_name="Dr. Alex Whitfield",
        director_title="Director of Training",
    )
    return dataclasses.replace(base, **changes)


def pages(pdf: bytes) -> list:
    return PdfReader(io.BytesIO(pdf)).pages


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pages(pdf))


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_certificate(document())


def test_every_required_item_is_in_the_text(rendered):
    text = text_of(rendered)
    for item in [
        "Harbor Family Services",
        "Certificate of completion",
        "Rosa María Díaz",
        "Therapeutic Mentoring core training, edition 2026 (version 2)",
        "3f8a9c2e41b7…",  # the short hash, and the full one in small print
        f"SHA-256: {SHA}",
        "Issued November 23, 2026",
        "Valid until November 23, 2027",
        "TM-2026-7F3K-9QXQ",
        "https://lms.example.org/verify/TM-2026-7F3K-9QXQ",
        "Dr. Alex Whitfield",
        "Director of Training",
        "20 modules · Estimated course length: 12.5 hours · Study time recorded: 3 h 23 min",
    ]:
        assert item in text, item
    lines = text.splitlines()
    for index, title in enumerate(TITLES):
        assert title in lines, title
        completed = dt.date(2026, 11, 1 + index).isoformat()
        # Each module is followed by its completion date and its hours.
        position = lines.index(title)
        assert lines[position + 1 : position + 3] == [completed, format_hours((index % 4 + 1) * 15)]


def test_one_landscape_letter_page_with_embedded_fonts_only(rendered):
    (page,) = pages(rendered)
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (792, 612)
    fonts = page["/Resources"]["/Font"]
    assert fonts
    for font in fonts.values():
        font = font.get_object()
        assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]  # TrueType, embedded
    assert set(assert_only_embedded_fonts(rendered)) == {"DejaVuSans", "DejaVuSans-Bold"}


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Hương",
        "Łukasz Wróbel",
        "Đorđe Ştefan Jean-Baptiste Désir",  # Serbo-Croatian, Romanian, Haitian
        "Ɛlena Ŋuyen Șerban Ţărână",  # the rarer Latin Extended letters
    ],
)
def test_names_print_in_any_latin_alphabet(name):
    pdf = render_certificate(document(holder_name=name, director_name="Dr. Małgorzata Trần"))
    text = text_of(pdf)
    assert name in text.splitlines()
    assert "Dr. Małgorzata Trần" in text
    assert "Unicode code points" not in text
    assert_only_embedded_fonts(pdf)


def test_a_name_stored_decomposed_prints_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    assert decomposed != "Nguyễn Thị Hương"
    text = text_of(render_certificate(document(holder_name=decomposed)))
    assert "Nguyễn Thị Hương" in text.splitlines()


def test_letters_the_font_lacks_print_as_code_points_with_a_note():
    pdf = render_certificate(document(holder_name="Li 王小明"))
    text = text_of(pdf)
    assert "Li [U+738B U+5C0F U+660E]" in text.splitlines()
    assert "Unicode code points [U+…]; the verification page shows the name as recorded." in text
    assert "\x00" not in text  # what reportlab put in the text layer for a missing glyph
    assert_only_embedded_fonts(pdf)


def test_same_data_gives_the_same_bytes(rendered):
    assert render_certificate(document()) == rendered
    assert render_certificate(document(serial="TM-2026-7F3K-9QXR")) != rendered


def test_the_metadata_names_the_certificate(rendered):
    metadata = PdfReader(io.BytesIO(rendered)).metadata
    assert metadata.title == "Certificate of completion TM-2026-7F3K-9QXQ"
    assert metadata.author == "Harbor Family Services"


def test_many_modules_continue_on_a_second_page():
    many = tuple(ModuleLine(f"Module number {n}", dt.date(2026, 1, 1), 30, 0) for n in range(1, 41))
    pdf = render_certificate(document(modules=many))
    first, second = pages(pdf)
    assert "Continued on the next page." in first.extract_text()
    assert "Module number 28" in first.extract_text().splitlines()  # 14 lines a column
    assert "Module number 29" in second.extract_text().splitlines()
    assert "Module number 40" in second.extract_text().splitlines()
    assert "TM-2026-7F3K-9QXQ · page 2" in second.extract_text()


def test_a_long_module_title_wraps_onto_a_second_line():
    title = "Ethnic, cultural and linguistic considerations of the community we serve"
    pdf = render_certificate(document(modules=(ModuleLine(title, None, 60, 0),)))
    lines = text_of(pdf).splitlines()
    first = next(index for index, line in enumerate(lines) if line.startswith("Ethnic"))
    assert f"{lines[first]} {lines[first + 3]}" == title  # after the date and the hours


def test_a_title_longer_than_two_lines_is_shortened():
    long_title = "A module title that goes on " + "and on " * 30
    pdf = render_certificate(document(modules=(ModuleLine(long_title, None, 60, 0),)))
    text = text_of(pdf)
    assert "A module title that goes on and on" in text
    assert long_title.strip() not in text
    assert "…" in text


@pytest.mark.parametrize(
    ("minutes", "hours"), [(60, "1"), (90, "1.5"), (10, "0.17"), (45, "0.75"), (0, "0")]
)
def test_hours(minutes, hours):
    assert format_hours(minutes) == hours


def test_durations():
    assert format_duration(0) == "0 min"
    assert format_duration(59 * 60 + 40) == "1 h 00 min"
    assert format_duration(3 * 3600 + 23 * 60) == "3 h 23 min"


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (895, "Estimated course length: 14.9 hours"),  # 14.916… hours, to one decimal
        (750, "Estimated course length: 12.5 hours"),
        (120, "Estimated course length: 2 hours"),
    ],
)
def test_the_estimate_is_named_as_an_estimate(minutes, text):
    from lms.pdf import estimated_length

    assert estimated_length(minutes) == text


def test_recorded_time_is_named_as_recorded():
    from lms.pdf import study_time

    assert study_time(41 * 60) == "Study time recorded: 41 min"
    assert study_time(3 * 3600 + 23 * 60) == "Study time recorded: 3 h 23 min"


def test_no_certificate_presents_the_estimate_as_training_received(rendered):
    text = text_of(rendered)
    assert "hours of training" not in text
    assert "Est. hours" in text  # the column of per-module estimates says what it holds
