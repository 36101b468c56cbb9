"""DOCX (Word 2007+ / WPS) -> Document: paragraphs and tables in body order.

Opened with python-docx: its package model gives the main document part, the styles
and numbering parts (by relationship) and the core properties; its `CT_Row` / `CT_Tc`
elements give the table grid (`grid_before`, `grid_span`, `vMerge`, in `tables`).
What python-docx does not model is read from its lxml elements: content controls
(`w:sdt`, check boxes), custom XML, text boxes, numbering labels, style inheritance
of run properties, `w:hMerge`, and `docProps/app.xml` (page count). Before python-docx
parses anything, the zip's declared sizes are checked (`open_zip_safely`) and every
XML part is checked by `check_xml_safe` (python-docx's parser resolves no entities
either). A package python-docx refuses (no `[Content_Types].xml`, a macro-enabled or
template main part, a broken optional part) is read from its parts with lxml
directly, as before, so such files still load.

Pages: a DOCX stores no pages. They are estimated from the explicit breaks the
author made — `w:br w:type="page"`, `w:pageBreakBefore` and section breaks (a
`w:sectPr` in a paragraph's properties, unless the next section is continuous) — so
each "附件N" that starts on a new page gets its own page number. `n_pages` is that
estimate, or `docProps/app.xml` <Pages> when it is larger.

Style hints (`Block.style`): "center"/"right" (paragraph alignment), "bold" and
"red" (all visible characters bold / red-ish), "large" (all characters at least
16 pt = 32 half-points and larger than the body text, so a notice typeset entirely
in 16 pt 三号 is not "large" throughout). `kind="heading"` for Heading/Title
styles and outline levels, and for short paragraphs that are large, or centred
and bold (the 公文 title, an attachment's title).
"""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..errors import CorruptDocument, EmptyDocument, UnsafeDocument
from ..limits import Limits, check_xml_safe, open_zip_safely
from ..model import Block, Document, Table
from ..style_hints import kind_of, paragraph_style
from .numbering import Numbering
from .styles import ParaProps, StyleSheet, W, read_ppr, w
from .tables import read_table_grid, row_cells, table_rows
from .text import MC, ParagraphContent, read_paragraph

__all__ = ["extract"]

log = logging.getLogger(__name__)

_MAIN_PART = "word/document.xml"
_LARGE_HALF_POINTS = 32
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_CORE = "http://purl.org/dc/elements/1.1/"
_APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        return archive.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
        raise CorruptDocument(f"corrupt DOCX: part {name} cannot be decompressed ({e})") from e


def _parse(xml: bytes, part: str) -> etree._Element:
    check_xml_safe(xml, part=part)
    try:
        return etree.fromstring(xml, parser=_PARSER)
    except etree.XMLSyntaxError as e:
        raise CorruptDocument(f"corrupt DOCX: {part} is not well-formed XML ({e})") from e


@dataclass(slots=True)
class _Reader:
    """Walks the body in document order, numbering items and estimating pages."""

    styles: StyleSheet
    numbering: Numbering
    section_breaks: list[bool]  # per section end, in body order: a new page follows
    sections_seen: int = 0
    page: int = 1
    order: int = 0
    started: bool = False
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def container(self, el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag == w("p"):
                self.paragraph(child)
            elif tag == w("tbl"):
                self.table(child)
            elif tag in (w("sdt"),):
                content = child.find(w("sdtContent"))
                if content is not None:
                    self.container(content)
            elif tag == w("customXml"):
                self.container(child)
            elif tag == f"{{{MC}}}AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None:
                    self.container(choice)

    def _props(self, p: etree._Element) -> ParaProps:
        ppr = p.find(w("pPr"))
        style_id = None
        if ppr is not None:
            style = ppr.find(w("pStyle"))
            style_id = style.get(w("val")) if style is not None else None
        return read_ppr(ppr).over(self.styles.paragraph(style_id))

    def _text(self, p: etree._Element, props: ParaProps) -> tuple[str, ParagraphContent]:
        content = read_paragraph(p, props.run, self.styles)
        text = content.text
        if text.strip():
            text = self.numbering.label(props.num_id, props.ilvl) + text
        return text, content

    def _section_break(self, p: etree._Element) -> None:
        if p.find(f"{w('pPr')}/{w('sectPr')}") is None:
            return
        index = self.sections_seen
        self.sections_seen += 1
        if index >= len(self.section_breaks) or self.section_breaks[index]:
            self.page += 1

    def paragraph(self, p: etree._Element) -> None:
        props = self._props(p)
        if props.page_break_before and self.started:
            self.page += 1
        self.started = True
        text, content = self._text(p, props)
        start_page = self.page + content.page_breaks_before_text()
        self.page += sum(1 for part in content.parts if part is None)
        text = text.strip()
        if text:
            style = self._style(props, content)
            self.blocks.append(
                Block(self.order, start_page, text, self._kind(props, style, text), style)
            )
            self.order += 1
        for box in content.textboxes:
            self.container(box)
        self._section_break(p)

    def _style(self, props: ParaProps, content: ParagraphContent) -> tuple[str, ...]:
        visible = [rp for t, rp in content.runs if t.strip()]
        return paragraph_style(
            props.jc, visible, body_size=self.styles.body_size, large_at=_LARGE_HALF_POINTS
        )

    @staticmethod
    def _kind(props: ParaProps, style: tuple[str, ...], text: str) -> str:
        by_style = props.heading_style or props.outline_level is not None
        return kind_of(style, text, heading_by_style=by_style)

    def _cell_lines(self, el: etree._Element, lines: list[str]) -> None:
        for child in el:
            tag = child.tag
            if tag == w("p"):
                text, content = self._text(child, self._props(child))
                self.page += sum(1 for part in content.parts if part is None)
                lines.append(text)
            elif tag == w("tbl"):
                # A table nested in a cell: its text joins the cell, row by row.
                for row in table_rows(child):
                    for cell in row_cells(row):
                        self._cell_lines(cell, lines)
            elif tag in (w("sdt"), w("customXml")):
                inner = child.find(w("sdtContent")) if tag == w("sdt") else child
                if inner is not None:
                    self._cell_lines(inner, lines)

    def cell_text(self, tc: etree._Element) -> str:
        lines: list[str] = []
        self._cell_lines(tc, lines)
        return "\n".join(lines).strip()

    def table(self, tbl: etree._Element) -> None:
        first = tbl.find(f".//{w('p')}")
        if first is not None and self._props(first).page_break_before and self.started:
            self.page += 1
        self.started = True
        start = self.page
        order = self.order
        self.order += 1  # the table comes before anything inside its cells' text boxes
        grid = read_table_grid(tbl, self.cell_text)
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


def _section_breaks(body: etree._Element) -> list[bool]:
    """For each section end in body order, whether the next section starts on a new page."""
    sections = [s for s in body.iter(w("sectPr")) if s.getparent().tag != w("sectPrChange")]
    breaks: list[bool] = []
    for following in sections[1:]:
        kind = following.find(w("type"))
        breaks.append(kind is None or kind.get(w("val")) != "continuous")
    return breaks


def _metadata(archive: zipfile.ZipFile, problems: list[str]) -> tuple[dict[str, str], int | None]:
    meta: dict[str, str] = {}
    pages: int | None = None
    for part, fields in (
        ("docProps/core.xml", {f"{{{_CORE}}}title": "title", f"{{{_CORE}}}creator": "creator"}),
        (
            "docProps/app.xml",
            {f"{{{_APP}}}Application": "application", f"{{{_APP}}}Pages": "pages"},
        ),
    ):
        xml = _read_member(archive, part)
        if xml is None:
            continue
        try:
            root = _parse(xml, part)
        except CorruptDocument as e:
            problems.append(f"{part} unreadable, metadata skipped ({e})")
            continue
        for el in root.iter():
            if el.tag in fields and el.text and el.text.strip():
                meta[fields[el.tag]] = el.text.strip()
    if meta.get("pages", "").isdigit():
        pages = int(meta["pages"])
    return meta, pages


def _optional_part(
    archive: zipfile.ZipFile, part: str, problems: list[str]
) -> etree._Element | None:
    xml = _read_member(archive, part)
    if xml is None:
        return None
    try:
        return _parse(xml, part)
    except CorruptDocument as e:
        # Styles and numbering only refine the result: read the text without them.
        problems.append(f"{part} unreadable, read without it ({e})")
        return None


def _check_xml_parts(archive: zipfile.ZipFile) -> None:
    """Refuse entity declarations in any XML part, before python-docx parses them."""
    for name in archive.namelist():
        if name.endswith((".xml", ".rels")):
            xml = _read_member(archive, name)
            if xml is not None:
                check_xml_safe(xml, part=name)


def _open_model(data: bytes, source_uri: str) -> Any | None:
    """python-docx's document, or None when python-docx refuses the package."""
    import docx as python_docx

    try:
        return python_docx.Document(io.BytesIO(data))
    except Exception as e:  # any refusal: the parts are read directly instead
        log.debug("%s: python-docx cannot open the package (%s); reading its parts", source_uri, e)
        return None


def _related(part: Any, reltype: str, name: str, problems: list[str]) -> etree._Element | None:
    """The XML root of the part `part` relates to by `reltype`, None without one."""
    try:
        related = part.part_related_by(reltype)
    except KeyError:
        return None
    element = getattr(related, "element", None)
    if element is not None:
        return element
    try:  # a part python-docx keeps as bytes
        return _parse(related.blob, name)
    except CorruptDocument as e:
        problems.append(f"{name} unreadable, read without it ({e})")
        return None


def _model_metadata(model: Any, problems: list[str]) -> tuple[dict[str, str], int | None]:
    """Title and author from python-docx's core properties; application and pages from
    `docProps/app.xml`, which python-docx keeps as bytes."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    meta: dict[str, str] = {}
    package = model.part.package
    try:
        package.part_related_by(RT.CORE_PROPERTIES)
    except KeyError:
        pass  # python-docx would invent defaults ("python-docx" as the author)
    else:
        core = model.core_properties
        for key, value in (("title", core.title), ("creator", core.author)):
            if isinstance(value, str) and value.strip():
                meta[key] = value.strip()
    pages = None
    for part in package.iter_parts():
        if str(part.partname) != "/docProps/app.xml":
            continue
        try:
            root = _parse(part.blob, "docProps/app.xml")
        except CorruptDocument as e:
            problems.append(f"docProps/app.xml unreadable, metadata skipped ({e})")
            break
        fields = {f"{{{_APP}}}Application": "application", f"{{{_APP}}}Pages": "pages"}
        for el in root.iter():
            if el.tag in fields and el.text and el.text.strip():
                meta[fields[el.tag]] = el.text.strip()
        if meta.get("pages", "").isdigit():
            pages = int(meta["pages"])
    return meta, pages


def extract(
    data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str = "docx"
) -> Document:
    """Read a DOCX file's body into blocks and tables."""
    archive = open_zip_safely(data, limits=limits, kind="DOCX")
    xml = _read_member(archive, _MAIN_PART)
    if xml is None:
        raise CorruptDocument(f"corrupt DOCX: the main part {_MAIN_PART} is missing")
    root = _parse(xml, _MAIN_PART)
    body = root.find(w("body"))
    if root.tag != w("document") or body is None:
        raise CorruptDocument(
            f"corrupt DOCX: {_MAIN_PART} has no w:body in namespace {W} (root {root.tag!r})"
        )
    _check_xml_parts(archive)
    problems: list[str] = []
    model = _open_model(data, source_uri)
    if model is not None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        root = model.element
        body = root.find(w("body"))
        styles = StyleSheet(_related(model.part, RT.STYLES, "word/styles.xml", problems))
        numbering = Numbering(_related(model.part, RT.NUMBERING, "word/numbering.xml", problems))
        meta, app_pages = _model_metadata(model, problems)
    else:
        styles = StyleSheet(_optional_part(archive, "word/styles.xml", problems))
        numbering = Numbering(_optional_part(archive, "word/numbering.xml", problems))
        meta, app_pages = _metadata(archive, problems)

    reader = _Reader(styles, numbering, _section_breaks(body))
    reader.container(body)
    if not reader.blocks and not reader.tables:
        raise EmptyDocument("empty DOCX: the document body has no text and no tables")
    n_pages = max(reader.page, app_pages or 0)
    if n_pages > limits.max_pages:
        raise UnsafeDocument(
            f"refused: DOCX has about {n_pages} pages, over the limit {limits.max_pages}"
        )
    log.debug("DOCX %s: %d blocks, %d tables", source_uri, len(reader.blocks), len(reader.tables))
    return Document(
        doc_id=doc_id,
        source_uri=source_uri,
        media_type=media_type,
        blocks=tuple(reader.blocks),
        tables=tuple(reader.tables),
        n_pages=n_pages,
        title=meta.get("title"),
        problems=tuple(problems),
        meta=meta,
    )
