"""The `Document` model every extractor returns and every normalizer reads.

A document is an ordered sequence of items: text blocks and tables. Both carry
`order` (position in reading order across the whole document) and `page`
(1-based, None when the source has no pages), so a normalizer can ask "which
heading stands right before this table" without knowing the file format.

Text stays as the file says it: extractors do not join wrapped lines inside
table cells, change brackets or remove spaces. Line breaks that the file itself
holds (a `<w:br/>` in a title, a wrapped PDF cell) are kept as "\n".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["Block", "Cell", "Document", "Link", "Table"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell at its anchor (top-left) position.

    Positions covered by a merge (gridSpan / vMerge / rowspan / colspan) have no
    Cell of their own: the anchor cell carries the spans.
    """

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True, slots=True)
class Table:
    """A table, stitched into one when it continues over several pages."""

    order: int
    page: int | None
    cells: tuple[Cell, ...]
    n_rows: int
    n_cols: int
    pages: tuple[int, ...] = ()

    def grid(self, *, fill_merged: bool = False) -> list[list[str | None]]:
        """Rows of texts. Covered positions are None, or the anchor's text with fill_merged."""
        grid: list[list[str | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, min(cell.row + cell.rowspan, self.n_rows)):
                for c in range(cell.col, min(cell.col + cell.colspan, self.n_cols)):
                    anchor = r == cell.row and c == cell.col
                    if anchor or fill_merged:
                        grid[r][c] = cell.text
        return grid

    def cell_at(self, row: int, col: int) -> Cell | None:
        """The cell covering (row, col), anchor or merged."""
        for cell in self.cells:
            if (
                cell.row <= row < cell.row + cell.rowspan
                and cell.col <= col < cell.col + cell.colspan
            ):
                return cell
        return None


@dataclass(frozen=True, slots=True)
class Block:
    """A run of text: a paragraph, a heading, or a line that stands alone.

    `kind` is a layout hint, not domain knowledge: "paragraph", "heading"
    (bold/large or an <h*> element) or "line" (a short line the layout set apart).
    `style` holds what the source says about the look (e.g. "center", "bold",
    "red") when the extractor can tell; normalizers may use it as a hint.
    """

    order: int
    page: int | None
    text: str
    kind: str = "paragraph"
    style: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink of a web page: its visible text and its href as written.

    `role` is "attachment" for links to files the page attaches (附件), "page" for
    every other link of the page (a list page's links to notices, say).
    """

    text: str
    href: str
    role: str = "attachment"


@dataclass(frozen=True, slots=True)
class Document:
    doc_id: str  # SHA-256 hex of the source bytes
    source_uri: str
    media_type: str  # registry.MediaType value: pdf, docx, html, txt, ...
    blocks: tuple[Block, ...] = ()
    tables: tuple[Table, ...] = ()
    n_pages: int | None = None
    title: str | None = None  # <title>/metadata title, when the format has one
    published_date: str | None = None  # as written on a web page (e.g. "2021-04-20")
    links: tuple[Link, ...] = ()
    problems: tuple[str, ...] = ()  # non-fatal: the document loads as `partial`
    ocr_used: bool = False
    ocr_confidence: float | None = None
    meta: dict[str, str] = field(default_factory=dict)

    def items(self) -> Iterator[Block | Table]:
        """Blocks and tables interleaved in reading order."""
        items: list[Block | Table] = [*self.blocks, *self.tables]
        yield from sorted(items, key=lambda item: item.order)

    @property
    def text(self) -> str:
        """All block text in reading order, one block per line (tables left out)."""
        return "\n".join(block.text for block in sorted(self.blocks, key=lambda b: b.order))
