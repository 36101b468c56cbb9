"""The fast PDF route (pdfium glyphs, pdfplumber only where rules are drawn) reads every PDF
fixture exactly as pdfplumber alone does: same Document, block for block, cell for cell."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from extractors.limits import Limits
from extractors.pdf import reader
from extractors.pdf.glyphs import read_page_glyphs

ROOT = Path(__file__).resolve().parents[2]
PDFS = sorted(
    [*ROOT.glob("data/raw/*.pdf"), *ROOT.glob("tests/fixtures/**/*.pdf")],
    key=lambda p: p.as_posix(),
)


def test_there_are_pdf_fixtures() -> None:
    assert len(PDFS) >= 25


@pytest.mark.parametrize("path", PDFS, ids=[p.relative_to(ROOT).as_posix() for p in PDFS])
def test_fast_route_gives_the_pdfplumber_document(path: Path) -> None:
    data = path.read_bytes()
    limits = Limits(ocr=False)
    fast = reader.extract(data, doc_id="d", source_uri=path.name, limits=limits)
    reference = reader.extract(
        data, doc_id="d", source_uri=path.name, limits=limits, engine="pdfplumber"
    )
    assert fast.blocks == reference.blocks
    assert fast.tables == reference.tables
    assert fast == reference


def _routes(path: Path) -> Counter[str]:
    routes: Counter[str] = Counter()
    data = path.read_bytes()
    document = pypdfium2.PdfDocument(data)
    fonts = reader._Fonts()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            routes[reader._route_page(page, document, fonts).route] += 1
    document.close()
    return routes


def test_text_and_table_pages_are_read_from_pdfium_rotated_pages_by_pdfplumber() -> None:
    # hubei_2026_plan: 6 pages of notice text, then the programme list in ruled tables
    # (pdfplumber's table finder runs on the rules pdfium read).
    assert _routes(ROOT / "data/raw/hubei_2026_plan.pdf") == Counter({"pdfium": 12})
    # A /Rotate 90 page: pdfium's glyph boxes are not pdfminer's there.
    routes = _routes(ROOT / "tests/fixtures/layout/beijing_2023_call_for_applications_rotated.pdf")
    assert routes["pdfplumber"] == 1 and routes["pdfium"] >= 2


def test_blanks_before_a_kerned_glyph_are_told_from_pdfium() -> None:
    # The Fujian call: "：  年" with two blanks, the second one dropped by pdfium and the
    # glyph after it kerned back by 0.084 pt. Only page 9 (41 blanks in a form line, more
    # than a run of blanks is trusted to hold) is left to pdfplumber.
    routes = _routes(ROOT / "data/raw/fujian_2026_call_for_applications.pdf")
    assert routes == Counter({"pdfium": 9, "pdfplumber": 1})


def test_a_scanned_page_needs_no_pdfminer_parse() -> None:
    routes = _routes(ROOT / "tests/fixtures/scans/hubei_2026_plan_scan.pdf")
    assert routes == Counter({"pdfium": 6})


def test_pdfium_glyph_boxes_are_pdfminers() -> None:
    path = ROOT / "data/raw/hubei_2026_plan.pdf"
    fonts = reader._Fonts()
    document = pypdfium2.PdfDocument(path.read_bytes())
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        fonts.add_page(page)
        glyphs = read_page_glyphs(document, 0, float(page.height), fonts.metrics)
        reference = page.chars
    document.close()
    assert glyphs.exact and not glyphs.ruled
    key = lambda c: (round(c["top"], 1), c["x0"])  # noqa: E731
    ours, theirs = sorted(glyphs.chars, key=key), sorted(reference, key=key)
    assert [c["text"] for c in ours] == [c["text"] for c in theirs]
    for a, b in zip(ours, theirs, strict=True):
        for name in ("x0", "x1", "top", "bottom", "size"):
            assert a[name] == pytest.approx(b[name], abs=0.01), (a["text"], name)
