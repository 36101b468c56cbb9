"""PDF -> `Document`: pdfium reads every page, pdfplumber the pages with ruled tables.

`reader` is the entry point (errors, routing of pages, OCR of pages without a usable
text layer, page assembly); `glyphs` reads a page's glyphs, rules and pictures with
pdfium; `textlayer` says when a page needs OCR.
"""

from .reader import extract, read_page

__all__ = ["extract", "read_page"]
