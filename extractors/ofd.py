"""OFD (GB/T 33190, 版式文档) -> `Document`: positioned glyphs and ruling lines, read with
the PDF layout code.

An OFD file is a zip of XML parts: `OFD.xml` names each document's root
(`Doc_0/Document.xml`), which lists the pages (`Pages/Page_N/Content.xml`), the page
area, templates and fonts. A page holds layers of `TextObject`s (a `Boundary`, a font
size, and `TextCode` runs placed at `X`/`Y` with per-glyph advances `DeltaX`) and
`PathObject`s (ruling lines as `AbbreviatedData`: `M x y L x y ...`). Coordinates are
millimetres from the top left of the page; they are turned into points so the
layout engine (`layout.columns`, `layout.blocks`, `layout.tables`) reads an OFD page as it reads
a PDF page: text lines and blocks from the glyph boxes, tables from the rules.

Read with lxml, not a PyPI OFD reader: `ofdkit` (Apache-2.0, no dependencies) gives the
text runs but neither path objects (the table rules) nor fonts and colours, and
`easyofd` depends on PyMuPDF (AGPL) and reportlab. Every part is checked by
`check_xml_safe` and parsed without entities or network; the zip's declared sizes are
checked (`open_zip_safely`) before any part is read.
"""

from __future__ import annotations

import contextlib
import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from posixpath import dirname, join, normpath
from typing import Any

from lxml import etree

from .errors import CorruptDocument, EmptyDocument, UnsafeDocument
from .layout.assemble import assemble_pages
from .layout.blocks import PageLines, is_page_furniture
from .layout.columns import read_lines
from .layout.tables import RawTable, RulePage, assign_chars, find_raw_tables, has_ruling
from .limits import Limits, check_xml_safe, open_zip_safely
from .model import Document

__all__ = ["extract"]

log = logging.getLogger(__name__)

_PT_PER_MM = 72 / 25.4
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_A4 = (0.0, 0.0, 210.0, 297.0)
_ASCENT, _DESCENT = 0.86, 0.14  # of the font size, above and below the baseline
_BOLD_FONT = re.compile(r"bold|black|heavy|hei|黑", re.IGNORECASE)
_MAX_DEPTH = 32  # nesting of PageBlock / CompositeObject followed
Affine = tuple[float, float, float, float, float, float]
_IDENTITY: Affine = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: etree._Element, name: str) -> Iterator[etree._Element]:
    for child in el:
        if _local(child.tag) == name:
            yield child


def _child(el: etree._Element | None, name: str) -> etree._Element | None:
    return None if el is None else next(_children(el, name), None)


def _text_of(el: etree._Element | None, name: str) -> str | None:
    found = _child(el, name)
    return (found.text or "").strip() or None if found is not None else None


def _numbers(value: str | None) -> list[float]:
    out = []
    for token in (value or "").split():
        try:
            out.append(float(token))
        except ValueError:
            continue
    return out


def _box(value: str | None) -> tuple[float, float, float, float] | None:
    numbers = _numbers(value)
    return (numbers[0], numbers[1], numbers[2], numbers[3]) if len(numbers) == 4 else None


def _deltas(value: str | None) -> list[float]:
    """`DeltaX`/`DeltaY`: advances, "g N d" standing for N times d."""
    tokens = (value or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            with contextlib.suppress(ValueError):
                out.extend([float(tokens[i + 2])] * int(float(tokens[i + 1])))
            i += 3
            continue
        with contextlib.suppress(ValueError):
            out.append(float(tokens[i]))
        i += 1
    return out


def _compose(outer: Affine, inner: Affine) -> Affine:
    """The transform applying `inner` first, then `outer`."""
    a1, b1, c1, d1, e1, f1 = outer
    a2, b2, c2, d2, e2, f2 = inner
    return (
        a2 * a1 + b2 * c1,
        a2 * b1 + b2 * d1,
        c2 * a1 + d2 * c1,
        c2 * b1 + d2 * d1,
        e2 * a1 + f2 * c1 + e1,
        e2 * b1 + f2 * d1 + f1,
    )


def _apply(m: Affine, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


class _Package:
    def __init__(self, data: bytes, limits: Limits) -> None:
        self.archive = open_zip_safely(data, limits=limits, kind="OFD")
        self.names = {normpath(n.lstrip("/")): n for n in self.archive.namelist()}

    def resolve(self, base: str, location: str | None) -> str | None:
        if not location:
            return None
        location = location.strip().replace("\\", "/")
        path = normpath(location.lstrip("/")) if location.startswith("/") else None
        if path is None:
            path = normpath(join(dirname(base), location))
        if path in self.names:
            return path
        # Some writers give paths from the document root instead of the part's folder.
        path = normpath(location.lstrip("/"))
        return path if path in self.names else None

    def xml(self, path: str) -> etree._Element:
        try:
            data = self.archive.read(self.names[path])
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError) as e:
            raise CorruptDocument(f"corrupt OFD: part {path} cannot be read ({e})") from e
        check_xml_safe(data, part=path)
        try:
            return etree.fromstring(data, parser=_PARSER)
        except etree.XMLSyntaxError as e:
            raise CorruptDocument(f"corrupt OFD: {path} is not well-formed XML ({e})") from e


@dataclass(slots=True)
class _PageContent:
    chars: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)


class _Reader:
    def __init__(self, package: _Package, document_path: str, root: etree._Element) -> None:
        self.package = package
        self.path = document_path
        common = _child(root, "CommonData")
        self.page_box = _box(_text_of(_child(common, "PageArea"), "PhysicalBox")) or _A4
        self.fonts: dict[str, str] = {}
        self.templates: dict[str, str] = {}
        if common is not None:
            for res in list(_children(common, "PublicRes")) + list(
                _children(common, "DocumentRes")
            ):
                self._read_fonts(package.resolve(document_path, res.text))
            for template in _children(common, "TemplatePage"):
                location = package.resolve(document_path, template.get("BaseLoc"))
                if template.get("ID") and location:
                    self.templates[template.get("ID", "")] = location

    def _read_fonts(self, path: str | None) -> None:
        if path is None:
            return
        res = self.package.xml(path)
        for fonts in _children(res, "Fonts"):
            for font in _children(fonts, "Font"):
                name = " ".join(v for v in (font.get("FontName"), font.get("FamilyName")) if v)
                if font.get("Bold") == "true":
                    name += " Bold"
                self.fonts[font.get("ID", "")] = name

    def page(self, location: str, scale: float) -> tuple[tuple[float, float], _PageContent]:
        root = self.package.xml(location)
        box = _box(_text_of(_child(root, "Area"), "PhysicalBox")) or self.page_box
        content = _PageContent()
        for ref in _children(root, "Template"):
            template = self.templates.get(ref.get("TemplateID", ""))
            if template is not None:
                self._objects(_child(self.package.xml(template), "Content"), box, scale, content)
        self._objects(_child(root, "Content"), box, scale, content)
        return (box[2] * scale, box[3] * scale), content

    def _objects(
        self,
        container: etree._Element | None,
        box: tuple[float, float, float, float],
        scale: float,
        content: _PageContent,
        depth: int = 0,
    ) -> None:
        if container is None or depth > _MAX_DEPTH:
            return
        for el in container:
            name = _local(el.tag)
            if name in ("Layer", "PageBlock"):
                self._objects(el, box, scale, content, depth + 1)
            elif name == "TextObject":
                self._text(el, box, scale, content)
            elif name == "PathObject":
                self._path(el, box, scale, content)

    @staticmethod
    def _placement(el: etree._Element, box: tuple[float, float, float, float]) -> Affine:
        boundary = _box(el.get("Boundary")) or (0.0, 0.0, 0.0, 0.0)
        ctm = _numbers(el.get("CTM"))
        inner = (ctm[0], ctm[1], ctm[2], ctm[3], ctm[4], ctm[5]) if len(ctm) == 6 else _IDENTITY
        return _compose((1.0, 0.0, 0.0, 1.0, boundary[0] - box[0], boundary[1] - box[1]), inner)

    def _text(
        self,
        el: etree._Element,
        box: tuple[float, float, float, float],
        scale: float,
        content: _PageContent,
    ) -> None:
        if el.get("Visible") == "false":
            return
        m = self._placement(el, box)
        stretch = (abs(m[0] * m[3] - m[1] * m[2])) ** 0.5 or 1.0
        size = float(_numbers(el.get("Size"))[0] if _numbers(el.get("Size")) else 3.5) * stretch
        font = self.fonts.get(el.get("Font", ""), "")
        weight = _numbers(el.get("Weight"))
        if (weight and weight[0] >= 600) or el.get("Bold") == "true":
            font += " Bold"
        fill = _child(el, "FillColor")
        rgb = _numbers(fill.get("Value")) if fill is not None else []
        color = tuple(v / 255 for v in rgb[:3]) if len(rgb) >= 3 else (0.0, 0.0, 0.0)
        x = y = 0.0
        for code in _children(el, "TextCode"):
            text = code.text or ""
            x = float(code.get("X", x))
            y = float(code.get("Y", y))
            deltas = _deltas(code.get("DeltaX"))
            for i, ch in enumerate(text):
                advance = deltas[i] if i < len(deltas) else None
                width = advance if advance is not None else (size if ord(ch) > 0x2E7F else size / 2)
                x0, base = _apply(m, x, y)
                x1, _ = _apply(m, x + min(width, size if ord(ch) > 0x2E7F else width), y)
                content.chars.append(
                    {
                        "text": ch,
                        "x0": x0 * scale,
                        "x1": max(x1, x0 + 0.1) * scale,
                        "top": (base - _ASCENT * size) * scale,
                        "bottom": (base + _DESCENT * size) * scale,
                        "size": round(size * scale, 2),
                        "fontname": font,
                        "non_stroking_color": color,
                        "upright": True,
                    }
                )
                x += width
            # DeltaY (vertical text) is not laid out: its glyphs keep their X.

    def _path(
        self,
        el: etree._Element,
        box: tuple[float, float, float, float],
        scale: float,
        content: _PageContent,
    ) -> None:
        if el.get("Visible") == "false" or el.get("Stroke") == "false":
            return
        m = self._placement(el, box)
        data = _text_of(el, "AbbreviatedData") or ""
        tokens = data.split()
        start = current = None
        i = 0
        while i < len(tokens):
            op = tokens[i]
            args = _numbers(" ".join(tokens[i + 1 : i + 3]))
            if op in ("M", "S") and len(args) == 2:
                start = current = _apply(m, *args)
                i += 3
            elif op == "L" and len(args) == 2 and current is not None:
                point = _apply(m, *args)
                self._rule(current, point, scale, content)
                current = point
                i += 3
            elif op in ("C", "Q", "B", "A"):
                count = {"C": 6, "Q": 4, "B": 6, "A": 7}[op]
                tail = _numbers(" ".join(tokens[i + count - 1 : i + count + 1]))
                if len(tail) == 2:
                    current = _apply(m, *tail)
                i += count + 1
            elif op == "Z" and current is not None and start is not None:
                self._rule(current, start, scale, content)
                current = start
                i += 1
            else:
                i += 1

    @staticmethod
    def _rule(
        a: tuple[float, float], b: tuple[float, float], scale: float, content: _PageContent
    ) -> None:
        (x0, y0), (x1, y1) = sorted([a, b])
        top, bottom = sorted((y0 * scale, y1 * scale))
        left, right = x0 * scale, x1 * scale
        if abs(bottom - top) < 0.5:
            top = bottom = (top + bottom) / 2
        elif abs(right - left) < 0.5:
            left = right = (left + right) / 2
        else:
            return  # a slanted stroke draws no table rule
        content.lines.append(
            {
                "object_type": "line",
                "x0": left,
                "x1": right,
                "top": top,
                "bottom": bottom,
                "width": right - left,
                "height": bottom - top,
            }
        )


def _documents(package: _Package) -> Iterator[tuple[str, etree._Element, str | None]]:
    """(Document.xml path, its root, the DocInfo title) of each DocBody of OFD.xml."""
    if "OFD.xml" not in package.names:
        raise CorruptDocument("corrupt OFD: OFD.xml is missing")
    root = package.xml("OFD.xml")
    for body in _children(root, "DocBody"):
        path = package.resolve("OFD.xml", _text_of(body, "DocRoot"))
        if path is not None:
            yield path, package.xml(path), _text_of(_child(body, "DocInfo"), "Title")


def _page_locations(package: _Package, path: str, root: etree._Element) -> list[str]:
    locations = []
    for pages in _children(root, "Pages"):
        for page in _children(pages, "Page"):
            location = package.resolve(path, page.get("BaseLoc"))
            if location is not None:
                locations.append(location)
    return locations


def _read_page(
    number: int, size: tuple[float, float], content: _PageContent, doctop: float
) -> tuple[PageLines, list[RawTable]]:
    width, height = size
    page = RulePage(number, width, height, doctop, {"line": content.lines})
    tables = find_raw_tables(page) if has_ruling(page) else []
    chars = content.chars
    outside = assign_chars(tables, chars, doctop) if tables else chars
    spans = [(table.bbox[1], table.bbox[3]) for table in tables]
    lines = read_lines(outside, tables=spans)
    lines = [line for line in lines if line.text and not is_page_furniture(line, height)]
    page_lines = PageLines(number, width, height, lines, barriers=[t.top for t in tables])
    return page_lines, tables


def extract(
    data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str = "ofd"
) -> Document:
    """Read an OFD file's pages into blocks and tables in reading order."""
    package = _Package(data, limits)
    pages: list[tuple[PageLines, list[RawTable]]] = []
    title = None
    problems: list[str] = []
    doctop = 0.0
    for path, root, doc_title in _documents(package):
        title = title or doc_title
        reader = _Reader(package, path, root)
        locations = _page_locations(package, path, root)
        if len(pages) + len(locations) > limits.max_pages:
            raise UnsafeDocument(
                f"refused: the OFD has {len(pages) + len(locations):,} pages, more than the "
                f"limit {limits.max_pages:,}"
            )
        for location in locations:
            number = len(pages) + 1
            try:
                size, content = reader.page(location, _PT_PER_MM)
            except CorruptDocument as e:
                problems.append(f"page {number} cannot be read: {e}")
                log.warning("%s: page %d cannot be read: %s", source_uri, number, e)
                continue
            pages.append(_read_page(number, size, content, doctop))
            doctop += size[1]
    if not pages:
        raise EmptyDocument("empty OFD: no page can be read")
    blocks, tables = assemble_pages(pages)
    if not blocks and not tables:
        raise EmptyDocument("empty OFD: the pages hold no text")
    return Document(
        doc_id=doc_id,
        source_uri=source_uri,
        media_type=media_type,
        blocks=tuple(blocks),
        tables=tuple(tables),
        n_pages=len(pages),
        title=title,
        problems=tuple(problems),
    )
