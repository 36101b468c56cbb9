"""HTML elements -> Blocks and Tables in reading order.

Text is laid out the way a browser shows it: runs of ASCII white space collapse to
one space, except a source line break between two Chinese characters, which a
browser does not render as a space either; `<br>` starts a new line and each line
of a block element becomes its own Block (a signature "issuer<br>date" gives two),
except in headings, which stay one Block with "\n" where the <br> was.
Tables of two or more columns become Tables (rowspan/colspan kept); one-column
tables are layout and are read as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from lxml import html

from ..model import Block, Cell, Table

__all__ = ["BlockWriter", "clean_text", "element_text"]

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCK_TAGS = _HEADINGS | {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
_BOLD_TAGS = {"b", "strong"}
_BREAK = None  # a <br> among the buffered text fragments
_ASCII_SPACE = re.compile(r"[ \t\n\r\f]+")
_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_NEWLINE = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")
_STRIP = " \t\n\r\f\xa0\u3000"
_ALIGN_STYLE = re.compile(r"text-align\s*:\s*(center|right)", re.IGNORECASE)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.IGNORECASE)
_CENTER_CLASSES = {"center", "text-center", "tc", "tac", "align-center"}
_RIGHT_CLASSES = {"right", "text-right", "tr", "tar", "align-right"}


def clean_text(text: str) -> str:
    """Collapse white space as a browser does and strip the ends."""
    text = _CJK_NEWLINE.sub("", text)
    return _ASCII_SPACE.sub(" ", text).strip(_STRIP)


def element_text(el: html.HtmlElement) -> str:
    """All text of `el` (links included) on one line, laid out as the page shows it.

    Lines (<br>, block children) join with nothing between Chinese characters and a
    space elsewhere, the way a heading broken over lines reads.
    """
    writer = BlockWriter(flatten_tables=True)
    writer.write(el)
    return clean_text("\n".join(writer.lines))


def _tag(el: html.HtmlElement) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _align(el: html.HtmlElement) -> str | None:
    if _tag(el) == "center":
        return "center"
    align = (el.get("align") or "").lower()
    if align in ("center", "middle"):
        return "center"
    if align == "right":
        return "right"
    match = _ALIGN_STYLE.search(el.get("style") or "")
    if match:
        return match.group(1).lower()
    classes = set((el.get("class") or "").lower().split())
    if classes & _CENTER_CLASSES:
        return "center"
    if classes & _RIGHT_CLASSES:
        return "right"
    return None


def _is_bold(el: html.HtmlElement) -> bool:
    return _tag(el) in _BOLD_TAGS or bool(_BOLD_STYLE.search(el.get("style") or ""))


def _span(value: str | None, limit: int) -> int:
    try:
        return min(max(int((value or "1").strip()), 1), limit)
    except ValueError:
        return 1


@dataclass(frozen=True, slots=True)
class _Context:
    heading: bool = False
    align: str | None = None
    bold: bool = False


@dataclass(slots=True)
class BlockWriter:
    """Collects Blocks and Tables; `flatten_tables` reads tables as text (inside cells)."""

    order: int = 0
    flatten_tables: bool = False
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # every block's text, for cell text
    _buffer: list[tuple[str | None, bool]] = field(default_factory=list)
    _contexts: list[_Context] = field(default_factory=lambda: [_Context()])

    def write(self, el: html.HtmlElement, *, heading: bool = False) -> None:
        """Lay out `el` and everything inside it; `heading` forces kind="heading"."""
        if heading:
            self._contexts.append(replace(self._contexts[-1], heading=True))
        self._walk(el, bold=False)
        self._flush()
        if heading:
            self._contexts.pop()

    def _walk(self, el: html.HtmlElement, *, bold: bool) -> None:
        tag = _tag(el)
        if not tag:
            return
        if tag == "br":
            self._buffer.append((_BREAK, bold))
            return
        if tag == "input":
            kind = (el.get("type") or "").lower()
            if kind in ("checkbox", "radio"):
                self._buffer.append(("☑" if el.get("checked") is not None else "□", bold))
            return
        if tag == "table" and not self.flatten_tables and self._is_data_table(el):
            self._flush()
            self._table(el)
            return
        block = tag in _BLOCK_TAGS
        bold = bold or _is_bold(el)
        if block:
            self._flush()
            parent = self._contexts[-1]
            self._contexts.append(
                _Context(
                    heading=parent.heading or tag in _HEADINGS,
                    align=_align(el) or parent.align,
                    bold=bold,
                )
            )
        if el.text:
            self._buffer.append((el.text, bold))
        for child in el:
            self._walk(child, bold=bold)
            if child.tail:
                self._buffer.append((child.tail, bold))
        if block:
            self._flush()
            self._contexts.pop()

    def _flush(self) -> None:
        if not self._buffer:
            return
        context = self._contexts[-1]
        lines: list[tuple[str, bool]] = []
        line: list[tuple[str, bool]] = []
        for text, bold in [*self._buffer, (_BREAK, False)]:
            if text is not _BREAK:
                line.append((text, bold))
                continue
            content = clean_text("".join(t for t, _ in line))
            if content:
                lines.append((content, all(b for t, b in line if t.strip(_STRIP))))
            line = []
        self._buffer.clear()
        if context.heading and lines:
            # A heading broken by <br> is still one heading (as a title broken in a DOCX).
            self._emit("\n".join(t for t, _ in lines), context, bold=all(b for _, b in lines))
            return
        for content, bold in lines:
            self._emit(content, context, bold=bold)

    def _emit(self, text: str, context: _Context, *, bold: bool) -> None:
        style: list[str] = []
        if context.align:
            style.append(context.align)
        if bold:
            style.append("bold")
        kind = "heading" if context.heading else "paragraph"
        self.blocks.append(Block(self.order, None, text, kind, tuple(style)))
        self.lines.append(text)
        self.order += 1

    @staticmethod
    def _rows(table: html.HtmlElement) -> list[html.HtmlElement]:
        rows: list[html.HtmlElement] = []
        for child in table:
            tag = _tag(child)
            if tag == "tr":
                rows.append(child)
            elif tag in ("thead", "tbody", "tfoot"):
                rows.extend(r for r in child if _tag(r) == "tr")
        return rows

    def _is_data_table(self, table: html.HtmlElement) -> bool:
        widths = [sum(1 for c in row if _tag(c) in ("td", "th")) for row in self._rows(table)]
        return bool(widths) and max(widths) >= 2

    def _cell_text(self, cell: html.HtmlElement) -> str:
        inner = BlockWriter(flatten_tables=True)
        inner.write(cell)
        return "\n".join(inner.lines)

    def _table(self, table: html.HtmlElement) -> None:
        for caption in (c for c in table if _tag(c) == "caption"):
            self.write(caption, heading=False)
        rows = self._rows(table)
        taken: set[tuple[int, int]] = set()
        cells: list[Cell] = []
        n_cols = 0
        for r, row in enumerate(rows):
            c = 0
            for td in (x for x in row if _tag(x) in ("td", "th")):
                while (r, c) in taken:
                    c += 1
                rowspan = _span(td.get("rowspan"), len(rows) - r)
                colspan = _span(td.get("colspan"), 1000)
                cells.append(Cell(r, c, self._cell_text(td), rowspan, colspan))
                taken.update(
                    (rr, cc) for rr in range(r, r + rowspan) for cc in range(c, c + colspan)
                )
                c += colspan
                n_cols = max(n_cols, c)
        self.tables.append(Table(self.order, None, tuple(cells), len(rows), n_cols))
        self.order += 1
