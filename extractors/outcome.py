"""Whether an extraction gave anything at all.

An extractor may return a `Document` without raising and still have read nothing: a
PDF whose objects were reordered parses into zero pages, a scanned page with OCR off
has pages but no text. Such a document must never be stored `ok`: the flow records it
`failed` with the reason this module words for people.
"""

from __future__ import annotations

from .model import Document

__all__ = ["nothing_extracted"]


def _has_text(doc: Document) -> bool:
    return any(block.text.strip() for block in doc.blocks)


def _has_table_text(doc: Document) -> bool:
    return any(cell.text.strip() for table in doc.tables for cell in table.cells)


def nothing_extracted(doc: Document) -> str | None:
    """Why nothing usable was extracted from `doc`, or None when it has content."""
    if _has_text(doc) or _has_table_text(doc):
        return None
    kind = doc.media_type.upper()
    if doc.n_pages == 0:
        return (
            f"nothing could be read: the {kind} has no readable pages "
            "(its internal structure is damaged or out of order)"
        )
    if doc.ocr_used:
        return "nothing could be read: OCR found no text on the scanned pages"
    if doc.n_pages:
        pages = "page" if doc.n_pages == 1 else "pages"
        return (
            f"nothing could be read: {doc.n_pages} {pages} but no text, tables or OCR text "
            "(blank or image-only pages, or OCR turned off)"
        )
    return f"nothing could be read: the {kind} holds no text and no tables"
