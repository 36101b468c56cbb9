"""pdfium's reading of a PDF page: glyph boxes as pdfplumber gives them, rules, pictures.

pdfminer (under pdfplumber) interprets every content stream in Python; that is most
of the time the PDF extractor spends on a page of running text. pdfium (C++) reads the
same page in a fraction of it. This module turns pdfium's answer into what the layout
code expects from pdfplumber: one dict per glyph with `text`, `x0`, `x1`, `top`,
`bottom`, `size`, `fontname`, `non_stroking_color`, measured as pdfminer measures them
(the em box from the baseline and the font descriptor's /Descent, the advance width
from the font's /Widths), plus the facts that decide how the page is read:

- `ruled`: the page draws what pdfplumber's table finder needs (two rules each way,
  or any curve), counted from pdfium's path objects the way pdfminer classifies
  paths (a single segment is a line, a closed axis-aligned four-sided path a rect,
  anything else a curve);
- `pictures` and `curves`: what a page without text shows (a scan, outlines);
- `exact`: False when pdfium cannot stand in for pdfminer on this page: rotated
  pages, a non-zero MediaBox origin, glyphs not set upright, form XObjects, fonts
  pdfminer would measure otherwise (ambiguous or missing descriptors, Type 3),
  undecodable glyphs, or text objects pdfium dropped that were not blank. Such a
  page is read by pdfplumber as before.

Where pdfium's text differs from the file by design, the difference is undone:
the spaces it generates between runs (between Chinese and digits, at line ends)
are dropped, and a run that is only blanks (which pdfium skips) is read as the one
space pdfminer reads there.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c

from .blanks import blanks_missing, fill_gap, gap_to_next
from .paths import PageRules
from .textlayer import is_broken_glyph

__all__ = ["FontMetrics", "PageGlyphs", "read_page_glyphs"]

Char = dict[str, Any]

_SUBSET = re.compile(r"^[A-Z]{6}\+")
_TEXT, _PATH, _IMAGE, _FORM = (
    pdfium_c.FPDF_PAGEOBJ_TEXT,
    pdfium_c.FPDF_PAGEOBJ_PATH,
    pdfium_c.FPDF_PAGEOBJ_IMAGE,
    pdfium_c.FPDF_PAGEOBJ_FORM,
)
_GENERATED = {0x20, 0x0D, 0x0A, 0x02}  # what pdfium may insert on its own


def font_name(raw: bytes | str) -> str:
    """A font name as pdfminer spells it, without the subset tag ("ABCDEF+")."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raw = str(raw)
    return _SUBSET.sub("", raw)


@dataclass(slots=True)
class FontMetrics:
    """The /Descent pdfminer uses for each font name of the document (per 1 pt of size).

    Filled from pdfminer's font objects, which read the font dictionaries only (no
    content stream is interpreted). A name whose fonts disagree maps to all values."""

    descents: dict[str, set[float]] = field(default_factory=dict)
    unknown: bool = False  # a font pdfminer cannot describe (Type 3, a broken dictionary)


@dataclass(slots=True)
class PageGlyphs:
    chars: list[Char]
    exact: bool
    why: str  # why pdfium cannot stand in for pdfminer here ("" when it can)
    ruled: bool
    rules: dict[str, list[dict[str, Any]]]  # pdfplumber's line, rect and curve objects
    pictures: list[tuple[float, float, float, float, int, int]]  # x0, top, x1, bottom, px w, h
    curves: int
    n_broken: int  # undecodable glyphs (pdfminer reads them as "(cid:N)")
    n_visible: int


def _matrix(obj: Any, m: Any) -> tuple[float, float, float, float, float, float]:
    pdfium_c.FPDFPageObj_GetMatrix(obj, m)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _objects(page: Any) -> Iterator[tuple[Any, int]]:
    count = pdfium_c.FPDFPage_CountObjects(page)
    for index in range(count):
        obj = pdfium_c.FPDFPage_GetObject(page, index)
        yield obj, pdfium_c.FPDFPageObj_GetType(obj)


def _image(
    obj: Any, page_height: float, w: ctypes.c_uint, h: ctypes.c_uint
) -> tuple[float, float, float, float, int, int]:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    if not pdfium_c.FPDFImageObj_GetImagePixelSize(obj, w, h):
        w.value = h.value = 0
    return (
        left.value,
        page_height - top.value,
        right.value,
        page_height - bottom.value,
        int(w.value),
        int(h.value),
    )


def _text_color(obj: Any) -> tuple[float, ...]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a):
        return (0.0,)
    return (r.value / 255, g.value / 255, b.value / 255)


def read_page_glyphs(
    document: pypdfium2.PdfDocument, index: int, height: float, fonts: FontMetrics
) -> PageGlyphs:
    """The glyphs, rules and pictures of page `index` (0-based) of `document`.

    `height` is the page height as pdfplumber measures it (from the MediaBox, in double
    precision), which glyph tops are measured from."""
    page = document[index]
    try:
        return _read(page, height, fonts)
    finally:
        page.close()


def _read(page: pypdfium2.PdfPage, height: float, fonts: FontMetrics) -> PageGlyphs:
    why = ""
    if page.get_rotation():
        why = "rotated page"
    raw_page = page.raw
    rules = PageRules(height)
    pictures: list[tuple[float, float, float, float, int, int]] = []
    text_objects: list[Any] = []
    m = pdfium_c.FS_MATRIX()
    w, h = ctypes.c_uint(), ctypes.c_uint()
    for obj, kind in _objects(raw_page):
        if kind == _TEXT:
            text_objects.append(obj)
        elif kind == _PATH:
            rules.add_path(obj, _matrix(obj, m))
        elif kind == _IMAGE:
            pictures.append(_image(obj, height, w, h))
        elif kind == _FORM:
            why = why or "form XObject"
            rules.curve = True  # its paths are not counted here: let pdfplumber look
    chars, n_broken, visible, text_why = _glyphs(page, height, fonts, text_objects)
    why = why or text_why
    return PageGlyphs(
        chars=chars,
        exact=not why,
        why=why,
        ruled=rules.ruled,
        rules=rules.objects,
        pictures=pictures,
        curves=rules.curves,
        n_broken=n_broken,
        n_visible=visible,
    )


@dataclass(slots=True)
class _Run:
    """What every glyph of one pdfium text object shares."""

    font: Any
    size: float  # Tf
    a: float
    d: float
    scale: float  # size * d: the glyph height pdfminer measures
    descent: float
    name: str
    color: tuple[float, ...]
    widths: dict[int, float]


def _glyphs(
    page: pypdfium2.PdfPage, height: float, fonts: FontMetrics, text_objects: list[Any]
) -> tuple[list[Char], int, int, str]:
    textpage = page.get_textpage()
    try:
        return _read_text(textpage.raw, height, fonts, text_objects)
    finally:
        textpage.close()


def _read_text(
    tp: Any, height: float, fonts: FontMetrics, text_objects: list[Any]
) -> tuple[list[Char], int, int, str]:
    why = ""
    n = pdfium_c.FPDFText_CountChars(tp)
    x, y = ctypes.c_double(), ctypes.c_double()
    m = pdfium_c.FS_MATRIX()
    width = ctypes.c_float()
    buffer = ctypes.create_string_buffer(512)
    runs: dict[int, _Run | None] = {}
    faces: dict[int, Any] = {}
    chars: list[Char] = []
    n_broken = n_visible = 0
    last_key: int | None = None
    last_origin = (0.0, 0.0)
    box = pdfium_c.FS_RECTF()
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_object = pdfium_c.FPDFText_GetTextObject
    get_origin = pdfium_c.FPDFText_GetCharOrigin
    is_generated = pdfium_c.FPDFText_IsGenerated
    address = ctypes.addressof
    for i in range(n):
        code = get_unicode(tp, i)
        if code in _GENERATED and is_generated(tp, i):
            continue
        text = chr(code)
        if not text.isspace():
            n_visible += 1
        if pdfium_c.FPDFText_HasUnicodeMapError(tp, i) or is_broken_glyph(text):
            n_broken += 1
            why = why or "undecodable glyphs"
        elif code == 0x02:
            why = why or "a hyphen pdfium rewrote"
        obj = get_object(tp, i)
        if not obj:
            why = why or "a glyph without its text object"
            continue
        key = address(obj.contents)
        if key not in runs:
            runs[key] = _run(tp, i, obj, fonts, m, buffer, faces)
        run = runs[key]
        if run is None:
            why = why or "a font pdfminer measures otherwise"
            continue
        advance = run.widths.get(code)
        if advance is None:
            pdfium_c.FPDFFont_GetGlyphWidth(run.font, code, run.size, width)
            advance = run.widths[code] = width.value
        if not advance:
            # The font does not map the character back to its code (pdfium normalised
            # it, e.g. a Kangxi radical): pdfium's own box has the glyph's width.
            pdfium_c.FPDFText_GetLooseCharBox(tp, i, box)
            advance = (box.right - box.left) / run.a
        get_origin(tp, i, x, y)
        x0 = x.value
        if key == last_key and x0 == last_origin[0] and y.value == last_origin[1]:
            # One glyph whose ToUnicode gives several characters ("——", a ligature):
            # pdfminer reads one glyph with that text, as wide as the glyph.
            previous = chars[-1]
            previous["text"] += text
            pdfium_c.FPDFText_GetLooseCharBox(tp, i, box)
            previous["x1"] = max(previous["x1"], box.right)
            continue
        last_key, last_origin = key, (x0, y.value)
        y0 = y.value + run.descent * run.scale
        chars.append(
            {
                "text": text,
                "x0": x0,
                "x1": x0 + advance * run.a,
                "top": height - (y0 + run.scale),
                "bottom": height - y0,
                "size": run.scale,
                "fontname": run.name,
                "non_stroking_color": run.color,
                "upright": True,
            }
        )
    dropped = blanks_missing(chars)
    if dropped is None:
        why = why or "blanks pdfium dropped"
    else:
        chars.extend(dropped)
    blanks = _blank_runs(text_objects, set(runs), chars, height, fonts, buffer, faces)
    if blanks is None:
        why = why or "text pdfium dropped"
    else:
        chars.extend(blanks)
    return chars, n_broken, n_visible, why


def _run(
    tp: Any, index: int, obj: Any, fonts: FontMetrics, m: Any, buffer: Any, faces: dict[int, Any]
) -> _Run | None:
    pdfium_c.FPDFText_GetMatrix(tp, index, m)
    if m.b != 0 or m.c != 0 or m.a <= 0 or m.d <= 0:
        return None  # not upright: pdfminer's boxes are not made this way
    return _font_run(obj, m.a, m.d, fonts, buffer, faces)


def _font_run(
    obj: Any, a: float, d: float, fonts: FontMetrics, buffer: Any, faces: dict[int, Any]
) -> _Run | None:
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    if not font:
        return None
    size = ctypes.c_float()
    if not pdfium_c.FPDFTextObj_GetFontSize(obj, size):
        return None
    key = ctypes.addressof(font.contents)
    if key not in faces:  # the fonts of one page: the objects of a page share a few
        faces[key] = _face(font, fonts, buffer)
    face = faces[key]
    if face is None:
        return None
    name, descent, widths = face
    return _Run(
        font=font,
        size=size.value,
        a=a,
        d=d,
        scale=size.value * d,
        descent=descent,
        name=name,
        color=_text_color(obj),
        widths=widths.setdefault(size.value, {}),
    )


def _face(font: Any, fonts: FontMetrics, buffer: Any) -> tuple[str, float, dict] | None:
    """(name, pdfminer's /Descent, advance widths by size) of a pdfium font, None when
    pdfminer would measure its glyphs otherwise than known here."""
    length = pdfium_c.FPDFFont_GetBaseFontName(font, buffer, len(buffer))
    name = font_name(buffer.raw[: max(length - 1, 0)])
    descents = fonts.descents.get(name, set())
    if len(descents) != 1:
        if not descents:
            return None
        # Fonts of one name disagree (subsets with their own descriptors): take the one
        # pdfium reads for this font when it is among them.
        value = ctypes.c_float()
        pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1.0), value)
        match = [v for v in descents if abs(v - value.value) < 1e-4]
        if len(match) != 1:
            return None
        descents = set(match)
    return name, next(iter(descents)), {}


def _blank_runs(
    text_objects: list[Any],
    seen: set[int],
    chars: list[Char],
    height: float,
    fonts: FontMetrics,
    buffer: Any,
    faces: dict[int, Any],
) -> list[Char] | None:
    """The blanks of the text objects pdfium skipped because they are blank (zero width);
    None when a skipped object is not blank, or its blanks cannot be told.

    pdfium does not say which blanks a skipped object holds: they are told from the
    advance to the next glyph on its baseline (n spaces, ideographic spaces or
    no-break spaces, whichever fills it); at the end of a line, where the blanks are
    stripped anyway, one space stands for them."""
    out: list[Char] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    m = pdfium_c.FS_MATRIX()
    width = ctypes.c_float()
    for obj in text_objects:
        if ctypes.addressof(obj.contents) in seen:
            continue
        pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        if abs(right.value - left.value) >= 0.01:
            return None
        a, b, c, d, _, _ = _matrix(obj, m)
        if b != 0 or c != 0 or a <= 0 or d <= 0:
            return None
        run = _font_run(obj, a, d, fonts, buffer, faces)
        if run is None:
            return None
        x0 = left.value
        y0 = bottom.value + run.descent * run.scale
        top_ = height - (y0 + run.scale)
        bottom_ = height - y0
        advances = {}
        for blank in (" ", "\u3000", "\xa0"):
            pdfium_c.FPDFFont_GetGlyphWidth(run.font, ord(blank), run.size, width)
            if width.value > 0:
                advances[blank] = width.value * a
        gap = gap_to_next(chars, x0, top_, bottom_)
        blanks = fill_gap(gap, advances)
        if blanks is None:
            return None
        x = x0
        for blank in blanks:
            advance = advances.get(blank, 0.0)
            out.append(
                {
                    "text": blank,
                    "x0": x,
                    "x1": x + advance,
                    "top": top_,
                    "bottom": bottom_,
                    "size": run.scale,
                    "fontname": run.name,
                    "non_stroking_color": run.color,
                    "upright": True,
                }
            )
            x += advance
    return out
