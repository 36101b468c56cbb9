"""ODT (OpenDocument text) -> Document, read straight from `content.xml` with lxml.

The second route for legacy Word files (LibreOffice writes ODT from its own model,
so a table its DOCX export loses is still a `table:table` here) and the reader of an
ODT when LibreOffice is not installed. This module walks the body: paragraphs, their
text runs, lists, sections, frames and tables in reading order. The package and its
XML names are `odt_xml`, styles `odt_styles`, the table grid
`odt_tables`.

Tables: cells on the grid with colspan/rowspan (see `odt_tables`). A table
nested in a cell joins the cell's text row by row, as in the DOCX reader.

Pages: LibreOffice writes `text:soft-page-break` where its layout broke pages; each
one starts a new page, so pages here are LibreOffice's real layout, not an estimate.

Style hints follow the DOCX reader: "center"/"right" from `fo:text-align`, "bold",
"red" and "large" (at least 16 pt and larger than the "Standard" style) when all
visible characters are so; `text:h`, and short large or centred bold paragraphs,
are headings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ..errors import CorruptDocument, EmptyDocument, UnsafeDocument
from ..limits import Limits
from ..model import Block, Document, Table
from ..style_hints import kind_of, paragraph_style
from .odt_styles import Look, Styles
from .odt_tables import grid_positions, read_table_grid, table_rows
from .odt_xml import (
    BR,
    CELL,
    FRAME,
    HEADER,
    HEADING,
    INDEX_BODY,
    ITEM,
    LINK,
    LIST,
    NOTE,
    NS,
    PARAGRAPH,
    SECTION,
    SOFT,
    SPACES,
    SPAN,
    STYLE_NAME,
    TAB,
    TABLE,
    TEXTBOX,
    int_attr,
    open_archive,
    q,
    read_part,
)

__all__ = ["count_table_cells", "extract"]

_LARGE_PT = 16.0
_TABLE_OF_CONTENT = q("text:table-of-content")


def count_table_cells(data: bytes, *, limits: Limits) -> int:
    """Grid positions (cells and covered cells) of the top-level tables of an ODT."""
    archive = open_archive(data, limits=limits)
    root = read_part(archive, "content.xml", required=True)
    assert root is not None
    return grid_positions(root)


@dataclass(slots=True)
class _Paragraph:
    runs: list[tuple[str, Look]] = field(default_factory=list)
    frames: list[etree._Element] = field(default_factory=list)
    page_breaks: int = 0

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)


@dataclass(slots=True)
class _Reader:
    styles: Styles
    page: int = 1
    order: int = 0
    started: bool = False  # a break before the first item starts no new page
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def container(self, el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag in (PARAGRAPH, HEADING):
                self.paragraph(child)
            elif tag == TABLE:
                self.table(child)
            elif tag == SOFT:
                self.page += 1
            elif tag in (LIST, ITEM, HEADER, SECTION, INDEX_BODY, _TABLE_OF_CONTENT):
                self.container(child)

    def _inline(self, el: etree._Element, look: Look, para: _Paragraph) -> None:
        if el.text:
            para.runs.append((el.text, look))
        for child in el:
            tag = child.tag
            if tag in (SPAN, LINK, q("text:meta")):
                inner = look
                if child.get(STYLE_NAME):
                    inner = self.styles.resolve("text", child.get(STYLE_NAME)).over(look)
                self._inline(child, inner, para)
            elif tag == SPACES:
                para.runs.append((" " * int_attr(child, "text:c", cap=10_000), look))
            elif tag == TAB:
                para.runs.append(("\t", look))
            elif tag == BR:
                para.runs.append(("\n", look))
            elif tag == SOFT:
                para.page_breaks += 1
            elif tag == FRAME:
                para.frames.extend(child.iter(TEXTBOX))
            elif tag != NOTE and not str(tag).startswith(f"{{{NS['office']}}}"):
                self._inline(child, look, para)  # fields, bookmarks, ruby: their text counts
            if child.tail:
                para.runs.append((child.tail, look))

    def read_paragraph(self, p: etree._Element) -> tuple[_Paragraph, Look]:
        look = self.styles.resolve("paragraph", p.get(STYLE_NAME))
        para = _Paragraph()
        self._inline(p, look, para)
        return para, look

    def _break_before(self, look: Look) -> None:
        if look.break_before and self.started:
            self.page += 1
        self.started = True

    def _next_page(self) -> None:
        self.page += 1

    def paragraph(self, p: etree._Element) -> None:
        para, look = self.read_paragraph(p)
        self._break_before(look)
        text = para.text.strip()
        if text:
            style = self._style(para, look)
            kind = kind_of(style, text, heading_by_style=p.tag == HEADING)
            self.blocks.append(Block(self.order, self.page, text, kind, style))
            self.order += 1
        self.page += para.page_breaks + (1 if look.break_after else 0)
        for box in para.frames:
            self.container(box)

    def _style(self, para: _Paragraph, look: Look) -> tuple[str, ...]:
        visible = [run_look for text, run_look in para.runs if text.strip()]
        return paragraph_style(
            look.align, visible, body_size=self.styles.body_size, large_at=_LARGE_PT
        )

    def _cell_lines(self, el: etree._Element, lines: list[str]) -> None:
        for child in el:
            tag = child.tag
            if tag in (PARAGRAPH, HEADING):
                para, _ = self.read_paragraph(child)
                self.page += para.page_breaks
                lines.append(para.text)
            elif tag == TABLE:
                for row in table_rows(child):
                    for cell in row:
                        if cell.tag == CELL:
                            self._cell_lines(cell, lines)
            elif tag == SOFT:
                self.page += 1
            elif tag in (LIST, ITEM, HEADER, SECTION):
                self._cell_lines(child, lines)

    def _cell_text(self, cell: etree._Element) -> str:
        lines: list[str] = []
        self._cell_lines(cell, lines)
        return "\n".join(lines).strip()

    def table(self, table: etree._Element) -> None:
        look = self.styles.resolve("table", table.get(q("table:style-name")))
        self._break_before(look)
        start, order = self.page, self.order
        self.order += 1
        grid = read_table_grid(table, cell_text=self._cell_text, page_break=self._next_page)
        self.tables.append(
            Table(
                order=order,
                page=start,
                cells=grid.cells,
                n_rows=grid.n_rows,
                n_cols=grid.n_cols,
                pages=tuple(range(start, self.page + 1)),
            )
        )


def _metadata(root: etree._Element | None) -> tuple[dict[str, str], int | None]:
    meta: dict[str, str] = {}
    pages: int | None = None
    if root is None:
        return meta, pages
    for name, key in (("dc:title", "title"), ("meta:initial-creator", "creator")):
        el = root.find(f".//{q(name)}")
        if el is not None and el.text and el.text.strip():
            meta[key] = el.text.strip()
    stats = root.find(f".//{q('meta:document-statistic')}")
    if stats is not None and (stats.get(q("meta:page-count")) or "").isdigit():
        pages = int(stats.get(q("meta:page-count")) or 0)
        meta["pages"] = str(pages)
    return meta, pages


def extract(
    data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str = "odt"
) -> Document:
    """Read the body of an ODT file into blocks and tables."""
    archive = open_archive(data, limits=limits)
    content = read_part(archive, "content.xml", required=True)
    assert content is not None
    body = content.find(f"{q('office:body')}/{q('office:text')}")
    if body is None:
        raise CorruptDocument("corrupt ODT: content.xml has no office:body/office:text")
    styles = Styles(read_part(archive, "styles.xml", required=False), content)
    meta, meta_pages = _metadata(read_part(archive, "meta.xml", required=False))
    reader = _Reader(styles)
    reader.container(body)
    if not reader.blocks and not reader.tables:
        raise EmptyDocument("empty ODT: the document body has no text and no tables")
    n_pages = max(reader.page, meta_pages or 0)
    if n_pages > limits.max_pages:
        raise UnsafeDocument(
            f"refused: ODT has about {n_pages} pages, over the limit {limits.max_pages}"
        )
    return Document(
        doc_id=doc_id,
        source_uri=source_uri,
        media_type=media_type,
        blocks=tuple(reader.blocks),
        tables=tuple(reader.tables),
        n_pages=n_pages,
        title=meta.get("title"),
        meta=meta,
    )
