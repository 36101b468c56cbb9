"""A document from which nothing was extracted is never `ok`: `nothing_extracted` says why."""

from __future__ import annotations

import random
import re
from pathlib import Path

from extractors import Block, Cell, Document, Table, extract
from extractors.outcome import nothing_extracted

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def shuffled_pdf_objects(data: bytes, seed: int = 1) -> bytes:
    """The PDF with its `N 0 obj … endobj` objects in another order (xref now wrong)."""
    objects = list(re.finditer(rb"\d+ \d+ obj\b.*?endobj\s*", data, re.DOTALL))
    parts = [m.group() for m in objects]
    random.Random(seed).shuffle(parts)
    return data[: objects[0].start()] + b"".join(parts) + data[objects[-1].end() :]


def test_a_pdf_with_shuffled_objects_is_reported_as_nothing_extracted() -> None:
    data = shuffled_pdf_objects((RAW / "hubei_2023_plan.pdf").read_bytes())
    doc = extract(data, source_uri="shuffled.pdf")
    reason = nothing_extracted(doc)
    assert reason is not None and "no readable pages" in reason


def test_pages_without_text_tables_or_ocr_are_nothing_extracted() -> None:
    doc = Document("d", "scan.pdf", "pdf", blocks=(Block(0, 1, "  \u3000 "),), n_pages=3)
    reason = nothing_extracted(doc)
    assert reason is not None and "3 pages but no text, tables or OCR text" in reason


def test_a_document_without_pages_or_text_is_nothing_extracted() -> None:
    assert nothing_extracted(Document("d", "x.html", "html")) is not None


def test_text_or_a_filled_table_is_content() -> None:
    assert (
        nothing_extracted(Document("d", "a.pdf", "pdf", (Block(0, 1, "通知"),), n_pages=1)) is None
    )
    table = Table(0, 1, (Cell(0, 0, ""), Cell(0, 1, "合计")), 1, 2)
    assert nothing_extracted(Document("d", "b.xlsx", "xlsx", tables=(table,))) is None


def test_every_sample_notice_has_content() -> None:
    for path in sorted(RAW.glob("*.*")):
        if path.suffix in (".pdf", ".docx", ".html"):
            assert nothing_extracted(extract(path.read_bytes(), source_uri=str(path))) is None
