"""Reading PDFs back in tests: their text and the fonts they use."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

#: The fonts every PDF viewer must supply itself, so a PDF may name them without embedding them
#: (and then looks different on each machine, and lacks most non-English letters).
BASE_14 = {
    "Courier",
    "Courier-Bold",
    "Courier-BoldOblique",
    "Courier-Oblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-BoldOblique",
    "Helvetica-Oblique",
    "Symbol",
    "Times-Bold",
    "Times-BoldItalic",
    "Times-Italic",
    "Times-Roman",
    "ZapfDingbats",
}


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def fonts_of(pdf: bytes) -> dict[str, bool]:
    """Every font the PDF's pages (and their form XObjects) refer to, by base name without the
    subset prefix, and whether its font program is embedded."""
    fonts: dict[str, bool] = {}

    def walk(resources: DictionaryObject) -> None:
        for font in resources.get("/Font", DictionaryObject()).values():
            font = font.get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            fonts[name] = fonts.get(name, True) and embedded
        for xobject in resources.get("/XObject", DictionaryObject()).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                walk(xobject["/Resources"].get_object())

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk(page["/Resources"].get_object())
    return fonts


def assert_only_embedded_fonts(pdf: bytes) -> dict[str, bool]:
    fonts = fonts_of(pdf)
    assert fonts, "no fonts at all"
    assert all(fonts.values()), f"not embedded: {[n for n, e in fonts.items() if not e]}"
    assert not BASE_14 & set(fonts), f"base-14 fonts referenced: {sorted(BASE_14 & set(fonts))}"
    return fonts
