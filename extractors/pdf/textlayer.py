"""When a PDF page's text layer cannot be used, so the page must be read by OCR.

A page is read by OCR when it has:

- no glyphs but a picture (a scan) or many drawn paths (text turned into outlines);
- glyphs that are mostly undecodable: "(cid:123)" (a font with no ToUnicode map
  and no known encoding), U+FFFD or private-use code points;
- a page-sized picture and only a few glyphs (a scan with a page number stamped on
  by the filing system).

Kept apart from the OCR modules so the PDF extractor asks these questions
without loading OpenCV or the OCR models. `scan_of` answers them from pdfium's
reading of a page (`glyphs`), `inspect_page` from pdfplumber's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .glyphs import PageGlyphs

__all__ = [
    "Scan",
    "TextLayer",
    "inspect_page",
    "is_broken_glyph",
    "scan_of",
    "text_layer_usable",
]

_MIN_IMAGE_SIDE = 32  # pixels: a smaller picture holds no readable text
_MIN_OUTLINE_PATHS = 20  # drawn paths on a page with no glyphs: text as outlines
_FEW_GLYPHS = 20  # fewer glyphs than this over a page-sized picture: a stamped scan
_PAGE_SIZED = 0.5  # share of the page a picture covers to count as the page itself


@dataclass(frozen=True, slots=True)
class Scan:
    """Why a page needs OCR, in words that follow "page N ...", and whether it can help."""

    reason: str
    readable: bool  # something is drawn that OCR can read (False: a tiny picture only)


def is_broken_glyph(text: str) -> bool:
    """True for a glyph whose text says nothing: (cid:N), U+FFFD, a private-use code point."""
    return (
        text.startswith("(cid:")
        or "\ufffd" in text
        or any(0xE000 <= ord(ch) <= 0xF8FF or ord(ch) >= 0xF0000 for ch in text)
    )


def text_layer_usable(texts: Iterable[str]) -> bool:
    """True when the glyph texts are mostly real characters (less than half broken)."""
    glyphs = [text for text in texts if text.strip()]
    broken = sum(1 for text in glyphs if is_broken_glyph(text))
    return bool(glyphs) and broken * 2 < len(glyphs)


def _picture_share(page: Any, images: list[dict[str, Any]]) -> float:
    area = float(page.width) * float(page.height)
    if area <= 0:
        return 0.0
    covered = 0.0
    for image in images:
        width = min(float(image["x1"]), float(page.width)) - max(float(image["x0"]), 0.0)
        height = min(float(image["bottom"]), float(page.height)) - max(float(image["top"]), 0.0)
        covered += max(width, 0.0) * max(height, 0.0)
    return min(covered / area, 1.0)


def inspect_page(page: Any) -> tuple[list[dict[str, Any]], Scan | None]:
    """The page's usable glyphs (pdfplumber chars) and, when it needs OCR, why.

    Undecodable glyphs are dropped: their "(cid:12)" texts are no text at all.
    """
    chars: list[dict[str, Any]] = page.chars
    visible = [char for char in chars if char["text"].strip()]
    if visible and not text_layer_usable(char["text"] for char in visible):
        return [], Scan("has no usable text layer (its fonts map to no characters)", True)
    images = page.images
    pictures = [image for image in images if min(image.get("srcsize") or (0, 0)) >= _MIN_IMAGE_SIDE]
    if not visible:
        if images:
            return chars, Scan("has no text layer, only images", readable=bool(pictures))
        if len(page.curves) >= _MIN_OUTLINE_PATHS:
            return chars, Scan("has no text layer, only drawn shapes", readable=True)
        return chars, None
    if len(visible) < _FEW_GLYPHS and _picture_share(page, pictures) >= _PAGE_SIZED:
        return chars, Scan("is a scanned image with only a few characters of text", True)
    return chars, None


@dataclass(frozen=True, slots=True)
class TextLayer:
    """What pdfium's reading of a page says: why it needs OCR, and whether its glyphs
    are text to lay out (False: undecodable, or none at all)."""

    scan: Scan | None
    readable_text: bool


def scan_of(glyphs: PageGlyphs, width: float, height: float) -> TextLayer | None:
    """`inspect_page`'s answer from pdfium's reading of the page; None: a page of text."""
    pictures = [p for p in glyphs.pictures if min(p[4], p[5]) >= _MIN_IMAGE_SIDE]
    if glyphs.n_visible and glyphs.n_broken * 2 >= glyphs.n_visible:
        return TextLayer(
            Scan("has no usable text layer (its fonts map to no characters)", True), False
        )
    if not glyphs.n_visible:
        if glyphs.pictures:
            return TextLayer(Scan("has no text layer, only images", readable=bool(pictures)), False)
        if glyphs.curves >= _MIN_OUTLINE_PATHS:
            return TextLayer(Scan("has no text layer, only drawn shapes", readable=True), False)
        return TextLayer(None, False)
    if glyphs.n_visible < _FEW_GLYPHS and _share(width, height, pictures) >= _PAGE_SIZED:
        return TextLayer(Scan("is a scanned image with only a few characters of text", True), True)
    return None


def _share(
    width: float, height: float, pictures: list[tuple[float, float, float, float, int, int]]
) -> float:
    area = width * height
    if area <= 0:
        return 0.0
    covered = 0.0
    for x0, top, x1, bottom, _, _ in pictures:
        w = min(x1, width) - max(x0, 0.0)
        h = min(bottom, height) - max(top, 0.0)
        covered += max(w, 0.0) * max(h, 0.0)
    return min(covered / area, 1.0)
