"""ODT (OpenDocument text) -> Document, read straight from `content.xml` with lxml.

The second route for legacy Word files (LibreOffice writes ODT from its own model,
so a table its DOCX export loses is still a `table:table` here) and the reader of an
ODT when LibreOffice is not installed.

Tables: every `table:table-cell` and `table:covered-table-cell` takes one grid
column (times `table:number-columns-repeated`); a cell's
`table:number-columns-spanned` / `table:number-rows-spanned` become colspan/rowspan
and the covered cells produce no Cell. A table nested in a cell joins the cell's
text row by row, as in the DOCX reader.

Pages: LibreOffice writes `text:soft-page-break` where its layout broke pages; each
one starts a new page, so pages here are LibreOffice's real layout, not an estimate.

Style hints follow the DOCX reader: "center"/"right" from `fo:text-align`, "bold",
"red" and "large" (at least 16 pt and larger than the "Standard" style) when all
visible characters are so; `text:h`, and short large or centred bold paragraphs,
are headings.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import astuple, dataclass, field, replace

from lxml import etree

from .errors import CorruptDocument, EmptyDocument, EncryptedDocument, UnsafeDocument
from .limits import Limits, check_xml_safe, open_zip_safely
from .model import Block, Cell, Document, Table

__all__ = ["count_table_cells", "extract"]

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_HEADING_MAX_CHARS = 80
_LARGE_PT = 16.0
_MAX_REPEAT = 1000  # a repeated empty row or column beyond this is layout, not data


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


_P, _H, _SPAN, _A = _q("text:p"), _q("text:h"), _q("text:span"), _q("text:a")
_S, _TAB, _BR, _SOFT = (
    _q("text:s"),
    _q("text:tab"),
    _q("text:line-break"),
    _q("text:soft-page-break"),
)
_NOTE, _FRAME, _TEXTBOX = _q("text:note"), _q("draw:frame"), _q("draw:text-box")
_LIST, _ITEM, _HEADER = _q("text:list"), _q("text:list-item"), _q("text:list-header")
_SECTION, _INDEX_BODY = _q("text:section"), _q("text:index-body")
_TABLE, _ROW, _CELL, _COVERED = (
    _q("table:table"),
    _q("table:table-row"),
    _q("table:table-cell"),
    _q("table:covered-table-cell"),
)
_ROW_GROUPS = {_q("table:table-header-rows"), _q("table:table-rows"), _q("table:table-row-group")}
_STYLE_NAME = _q("text:style-name")


def _read(archive: zipfile.ZipFile, part: str, *, required: bool) -> etree._Element | None:
    try:
        xml = archive.read(part)
    except KeyError:
        if required:
            raise CorruptDocument(f"corrupt ODT: the part {part} is missing") from None
        return None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
        raise CorruptDocument(f"corrupt ODT: part {part} cannot be decompressed ({e})") from e
    check_xml_safe(xml, part=part)
    try:
        return etree.fromstring(xml, parser=_PARSER)
    except etree.XMLSyntaxError as e:
        if required:
            raise CorruptDocument(f"corrupt ODT: {part} is not well-formed XML ({e})") from e
        return None


def _int_attr(el: etree._Element, name: str, *, cap: int = _MAX_REPEAT) -> int:
    try:
        return min(max(int(el.get(_q(name), "1")), 1), cap)
    except ValueError:
        return 1


def _open(data: bytes, *, limits: Limits) -> zipfile.ZipFile:
    archive = open_zip_safely(data, limits=limits, kind="ODT")
    try:
        manifest = archive.read("META-INF/manifest.xml")
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
        manifest = b""
    if b"encryption-data" in manifest:  # manifest:encryption-data of an encrypted part
        raise EncryptedDocument("encrypted ODT: a password is needed")
    return archive


def count_table_cells(data: bytes, *, limits: Limits) -> int:
    """Grid positions (cells and covered cells) of the top-level tables of an ODT."""
    archive = _open(data, limits=limits)
    root = _read(archive, "content.xml", required=True)
    assert root is not None
    total = 0
    for table in root.iter(_TABLE):
        if any(a.tag == _TABLE for a in table.iterancestors()):
            continue
        for row in _table_rows(table):
            width = sum(
                _int_attr(c, "table:number-columns-repeated")
                for c in row
                if c.tag in (_CELL, _COVERED)
            )
            total += width * _int_attr(row, "table:number-rows-repeated")
    return total


def _table_rows(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        if child.tag == _ROW:
            rows.append(child)
        elif child.tag in _ROW_GROUPS:
            rows.extend(_table_rows(child))
    return rows


# ------------------------------------------------------------------- styles


@dataclass(frozen=True, slots=True)
class _Look:
    align: str | None = None
    bold: bool | None = None
    size: float | None = None  # points
    color: str | None = None
    break_before: bool | None = None  # a page break (or a new page style) starts it
    break_after: bool | None = None

    def over(self, base: _Look) -> _Look:
        """These properties, with `base` filling in those this look leaves unset."""
        return _Look(
            *(
                mine if mine is not None else theirs
                for mine, theirs in zip(astuple(self), astuple(base), strict=True)
            )
        )


def _points(value: str | None) -> float | None:
    if not value or not value.endswith("pt"):
        return None  # percentages are relative to the parent: keep the inherited size
    try:
        return float(value[:-2])
    except ValueError:
        return None


def _look(style: etree._Element) -> _Look:
    para = style.find(_q("style:paragraph-properties"))
    if para is None:
        para = style.find(_q("style:table-properties"))
    text = style.find(_q("style:text-properties"))
    align = before = after = None
    if para is not None:
        align = para.get(_q("fo:text-align"))
        before = para.get(_q("fo:break-before")) == "page" or None
        after = para.get(_q("fo:break-after")) == "page" or None
    if style.get(_q("style:master-page-name")):
        before = True  # a new page style always starts a new page
    look = _Look(align=align, break_before=before, break_after=after)
    if text is None:
        return look
    weight = text.get(_q("style:font-weight-asian")) or text.get(_q("fo:font-weight"))
    bold = None if weight is None else weight == "bold" or (weight.isdigit() and int(weight) >= 600)
    size = _points(text.get(_q("style:font-size-asian"))) or _points(text.get(_q("fo:font-size")))
    return replace(look, bold=bold, size=size, color=text.get(_q("fo:color")))


class _Styles:
    """Paragraph and text styles of styles.xml and content.xml, resolved along parents."""

    def __init__(self, *roots: etree._Element | None) -> None:
        self._styles: dict[tuple[str, str], tuple[str | None, _Look]] = {}
        self._defaults: dict[str, _Look] = {}
        self._cache: dict[tuple[str, str | None], _Look] = {}
        for root in roots:
            if root is None:
                continue
            for el in root.iter(_q("style:default-style")):
                self._defaults[el.get(_q("style:family"), "")] = _look(el)
            for el in root.iter(_q("style:style")):
                key = (el.get(_q("style:family"), ""), el.get(_q("style:name"), ""))
                self._styles[key] = (el.get(_q("style:parent-style-name")), _look(el))

    def resolve(self, family: str, name: str | None) -> _Look:
        """A style's look with its parents' (and the family default) filled in."""
        key = (family, name)
        if key not in self._cache:
            chain: list[_Look] = []
            seen: set[str] = set()
            while name and (family, name) in self._styles and name not in seen:
                seen.add(name)  # a parent cycle in a broken file must not loop forever
                parent, look = self._styles[(family, name)]
                chain.append(look)
                name = parent
            resolved = self._defaults.get(family, _Look())
            for look in reversed(chain):
                resolved = look.over(resolved)
            self._cache[key] = resolved
        return self._cache[key]

    @property
    def body_size(self) -> float:
        return self.resolve("paragraph", "Standard").size or 12.0


def _is_red(color: str | None) -> bool:
    if not color or len(color) != 7 or not color.startswith("#"):
        return False
    try:
        r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    except ValueError:
        return False
    return r >= 0xB0 and g <= 0x60 and b <= 0x60


# ------------------------------------------------------------------- walking


@dataclass(slots=True)
class _Paragraph:
    runs: list[tuple[str, _Look]] = field(default_factory=list)
    frames: list[etree._Element] = field(default_factory=list)
    page_breaks: int = 0

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)


@dataclass(slots=True)
class _Reader:
    styles: _Styles
    page: int = 1
    order: int = 0
    started: bool = False  # a break before the first item starts no new page
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def container(self, el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag in (_P, _H):
                self.paragraph(child)
            elif tag == _TABLE:
                self.table(child)
            elif tag == _SOFT:
                self.page += 1
            elif tag in (_LIST, _ITEM, _HEADER, _SECTION, _INDEX_BODY) or tag == _q(
                "text:table-of-content"
            ):
                self.container(child)

    def _inline(self, el: etree._Element, look: _Look, para: _Paragraph) -> None:
        if el.text:
            para.runs.append((el.text, look))
        for child in el:
            tag = child.tag
            if tag in (_SPAN, _A, _q("text:meta")):
                inner = look
                if child.get(_STYLE_NAME):
                    inner = self.styles.resolve("text", child.get(_STYLE_NAME)).over(look)
                self._inline(child, inner, para)
            elif tag == _S:
                para.runs.append((" " * _int_attr(child, "text:c", cap=10_000), look))
            elif tag == _TAB:
                para.runs.append(("\t", look))
            elif tag == _BR:
                para.runs.append(("\n", look))
            elif tag == _SOFT:
                para.page_breaks += 1
            elif tag == _FRAME:
                para.frames.extend(child.iter(_TEXTBOX))
            elif tag != _NOTE and not str(tag).startswith(f"{{{_NS['office']}}}"):
                self._inline(child, look, para)  # fields, bookmarks, ruby: their text counts
            if child.tail:
                para.runs.append((child.tail, look))

    def read_paragraph(self, p: etree._Element) -> tuple[_Paragraph, _Look]:
        look = self.styles.resolve("paragraph", p.get(_STYLE_NAME))
        para = _Paragraph()
        self._inline(p, look, para)
        return para, look

    def _break_before(self, look: _Look) -> None:
        if look.break_before and self.started:
            self.page += 1
        self.started = True

    def paragraph(self, p: etree._Element) -> None:
        para, look = self.read_paragraph(p)
        self._break_before(look)
        text = para.text.strip()
        if text:
            style = self._style(para, look)
            heading = p.tag == _H or (
                ("large" in style or ("center" in style and "bold" in style))
                and len(text) <= _HEADING_MAX_CHARS
            )
            kind = "heading" if heading else "paragraph"
            self.blocks.append(Block(self.order, self.page, text, kind, style))
            self.order += 1
        self.page += para.page_breaks + (1 if look.break_after else 0)
        for box in para.frames:
            self.container(box)

    def _style(self, para: _Paragraph, look: _Look) -> tuple[str, ...]:
        style: list[str] = []
        if look.align == "center":
            style.append("center")
        elif look.align in ("end", "right"):
            style.append("right")
        visible = [run_look for text, run_look in para.runs if text.strip()]
        if visible:
            if all(r.bold for r in visible):
                style.append("bold")
            if all(_is_red(r.color) for r in visible):
                style.append("red")
            body = self.styles.body_size
            if all((r.size or body) >= _LARGE_PT and (r.size or body) > body for r in visible):
                style.append("large")
        return tuple(style)

    def _cell_lines(self, el: etree._Element, lines: list[str]) -> None:
        for child in el:
            tag = child.tag
            if tag in (_P, _H):
                para, _ = self.read_paragraph(child)
                self.page += para.page_breaks
                lines.append(para.text)
            elif tag == _TABLE:
                for row in _table_rows(child):
                    for cell in row:
                        if cell.tag == _CELL:
                            self._cell_lines(cell, lines)
            elif tag == _SOFT:
                self.page += 1
            elif tag in (_LIST, _ITEM, _HEADER, _SECTION):
                self._cell_lines(child, lines)

    def table(self, table: etree._Element) -> None:
        look = self.styles.resolve("table", table.get(_q("table:style-name")))
        self._break_before(look)
        start, order = self.page, self.order
        self.order += 1
        cells: list[Cell] = []
        n_cols = sum(
            _int_attr(c, "table:number-columns-repeated")
            for c in table.iter(_q("table:table-column"))
            if c.getparent() is table or c.getparent().getparent() is table
        )
        r = 0
        for item in self._row_items(table):
            if item is None:
                self.page += 1
                continue
            for _ in range(_int_attr(item, "table:number-rows-repeated")):
                col = 0
                for cell in item:
                    repeat = _int_attr(cell, "table:number-columns-repeated")
                    if cell.tag == _CELL:
                        lines: list[str] = []
                        self._cell_lines(cell, lines)
                        text = "\n".join(lines).strip()
                        for k in range(repeat):
                            cells.append(
                                Cell(
                                    row=r,
                                    col=col + k,
                                    text=text,
                                    rowspan=_int_attr(cell, "table:number-rows-spanned"),
                                    colspan=_int_attr(cell, "table:number-columns-spanned"),
                                )
                            )
                    if cell.tag in (_CELL, _COVERED):
                        col += repeat
                    elif cell.tag == _SOFT:
                        self.page += 1
                n_cols = max(n_cols, col)
                r += 1
        self.tables.append(
            Table(
                order=order,
                page=start,
                cells=tuple(cells),
                n_rows=r,
                n_cols=n_cols,
                pages=tuple(range(start, self.page + 1)),
            )
        )

    def _row_items(self, el: etree._Element) -> list[etree._Element | None]:
        """Rows in order, with None where a soft page break falls between rows."""
        items: list[etree._Element | None] = []
        for child in el:
            if child.tag == _ROW:
                items.append(child)
            elif child.tag == _SOFT:
                items.append(None)
            elif child.tag in _ROW_GROUPS:
                items.extend(self._row_items(child))
        return items


def _metadata(root: etree._Element | None) -> tuple[dict[str, str], int | None]:
    meta: dict[str, str] = {}
    pages: int | None = None
    if root is None:
        return meta, pages
    for name, key in (("dc:title", "title"), ("meta:initial-creator", "creator")):
        el = root.find(f".//{_q(name)}")
        if el is not None and el.text and el.text.strip():
            meta[key] = el.text.strip()
    stats = root.find(f".//{_q('meta:document-statistic')}")
    if stats is not None and (stats.get(_q("meta:page-count")) or "").isdigit():
        pages = int(stats.get(_q("meta:page-count")) or 0)
        meta["pages"] = str(pages)
    return meta, pages


def extract(
    data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str = "odt"
) -> Document:
    """Read the body of an ODT file into blocks and tables."""
    archive = _open(data, limits=limits)
    content = _read(archive, "content.xml", required=True)
    assert content is not None
    body = content.find(f"{_q('office:body')}/{_q('office:text')}")
    if body is None:
        raise CorruptDocument("corrupt ODT: content.xml has no office:body/office:text")
    styles = _Styles(_read(archive, "styles.xml", required=False), content)
    meta, meta_pages = _metadata(_read(archive, "meta.xml", required=False))
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
