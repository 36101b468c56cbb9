"""PDF -> `Document`: the entry point, error wording and the route each page takes.

pypdfium2 opens the file first: it answers in microseconds whether a password is
needed and how many pages there are, so a 10,000-page file is refused before pdfminer
parses anything. Then every page is read by pdfium (`glyphs`): its glyph boxes, the
rules it draws and its pictures. A page of running text is laid out from pdfium's
glyphs; a page that draws rules (a table may be there), or one pdfium cannot read as
pdfminer would (`PageGlyphs.exact`), is read by pdfplumber as before: its glyphs
(`page.chars`) feed both the table cells and the running text, and its table finder
runs. Whether a page needs OCR (`textlayer`: scans, fonts that map to no characters)
is decided from pdfium's reading too; such pages are read by OCR when `Limits.ocr`.

Owned here: failures (`EncryptedDocument`, `CorruptDocument`, `UnsafeDocument`),
the page routes, reading again in the columns found on other pages. Lines, blocks,
tables and assembly live in the layout engine (`extractors.layout`).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pdfplumber
import pypdfium2
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdffont import FontMetricsDB
from pdfminer.pdftypes import dict_value, num_value, resolve1
from pdfminer.psexceptions import PSEOF, PSException
from pdfminer.psparser import PSLiteral, literal_name
from pdfplumber.utils.exceptions import PdfminerException

from ..errors import CorruptDocument, EncryptedDocument, UnsafeDocument
from ..layout.assemble import LaidOutPage, assemble
from ..layout.blocks import PageLines, is_page_furniture
from ..layout.columns import frames_of, read_lines
from ..layout.lines import Char
from ..layout.tables import RulePage, assign_chars, find_raw_tables, has_ruling
from ..limits import Limits
from ..model import Document
from .glyphs import FontMetrics, font_name, read_page_glyphs
from .textlayer import Scan, inspect_page, scan_of

__all__ = ["Engine", "extract", "read_page"]

log = logging.getLogger(__name__)

# What a broken file makes pdfminer raise besides its own exceptions.
_PARSE_ERRORS = (PdfminerException, PSException, ValueError, KeyError, TypeError, IndexError)

# "auto": pdfium for pages of running text, pdfplumber where tables may be;
# "pdfplumber": every page by pdfplumber (the reference the fast route is tested against).
Engine = Literal["auto", "pdfplumber"]


@dataclass(slots=True)
class _Page(LaidOutPage):
    scan: Scan | None = None  # why the page needs OCR (a scan, broken fonts), None once read
    doctop: float = 0.0  # the page's top in document coordinates
    route: str = "pdfplumber"  # or "pdfium": glyphs and rules read by pdfium
    # Read by pdfium: the glyphs outside the tables and the tables' (top, bottom), kept
    # to read the page again in the columns found on other pages.
    chars: list[Char] | None = field(default=None, repr=False)
    spans: list[tuple[float, float]] = field(default_factory=list, repr=False)


def extract(
    data: bytes,
    *,
    doc_id: str,
    source_uri: str,
    limits: Limits,
    media_type: str = "pdf",
    engine: Engine = "auto",
) -> Document:
    """Read a PDF into blocks and tables in reading order, or raise an ExtractionError."""
    document = _open_with_pdfium(data, limits)
    try:
        return _extract(
            data,
            document if engine == "auto" else None,
            doc_id=doc_id,
            source_uri=source_uri,
            limits=limits,
            media_type=media_type,
        )
    finally:
        if document is not None:
            document.close()


def _extract(
    data: bytes,
    document: pypdfium2.PdfDocument | None,
    *,
    doc_id: str,
    source_uri: str,
    limits: Limits,
    media_type: str,
) -> Document:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as e:
        raise _translate(e) from e
    problems: list[str] = []
    with pdf:
        try:
            pages = pdf.pages
        except _PARSE_ERRORS as e:
            raise _translate(e) from e
        if len(pages) > limits.max_pages:
            raise _too_many_pages(len(pages), limits)
        if document is not None and len(document) != len(pages):
            document = None  # the two readers disagree about the file: pdfminer's reading
        fonts = _Fonts()
        read: list[_Page] = []
        for page in pages:
            try:
                read.append(_route_page(page, document, fonts))
            except _PARSE_ERRORS as e:
                problems.append(f"page {page.page_number} cannot be read: {_reason(e)}")
                log.warning("%s: page %d cannot be read: %s", source_uri, page.page_number, e)
            finally:
                page.close()
        _read_again_in_columns(pages, read)
        if pages and not read:
            raise CorruptDocument(f"corrupt PDF: no page can be read ({problems[0]})")
        metadata = dict(pdf.metadata)
    ocr_used, ocr_confidence = False, None
    if limits.ocr and any(part.scan is not None and part.scan.readable for part in read):
        ocr_used, ocr_confidence = _read_by_ocr(data, read, problems, source_uri)
    for part in read:
        if part.scan is not None:
            problems.append(f"page {part.lines.page} {part.scan.reason} (OCR needed)")
    blocks, tables = assemble(read)
    title = metadata.get("Title")
    return Document(
        doc_id=doc_id,
        source_uri=source_uri,
        media_type=media_type,
        blocks=tuple(blocks),
        tables=tuple(tables),
        n_pages=len(pages),
        title=(title.strip() or None) if isinstance(title, str) else None,
        problems=tuple(problems),
        ocr_used=ocr_used,
        ocr_confidence=ocr_confidence,
        meta={
            f"pdf_{key.lower()}": value.strip()
            for key, value in metadata.items()
            if key in ("Producer", "Creator", "Author") and isinstance(value, str) and value.strip()
        },
    )


def _open_with_pdfium(data: bytes, limits: Limits) -> pypdfium2.PdfDocument | None:
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        if getattr(e, "err_code", None) == pypdfium2.raw.FPDF_ERR_PASSWORD:
            raise EncryptedDocument("encrypted PDF: a password is needed") from e
        # Anything else (a damaged cross-reference table...) pdfminer may still read
        # or will fail with a more precise reason.
        return None
    n_pages = len(document)
    if n_pages > limits.max_pages:
        document.close()
        raise _too_many_pages(n_pages, limits)
    return document


def _too_many_pages(n_pages: int, limits: Limits) -> UnsafeDocument:
    return UnsafeDocument(
        f"refused: the PDF has {n_pages:,} pages, more than the limit {limits.max_pages:,} "
        "(raise Limits.max_pages to read it)"
    )


def _reason(error: BaseException) -> str:
    # pdfplumber wraps pdfminer's error; the wrapped one says what is wrong.
    inner = error.args[0] if isinstance(error, PdfminerException) and error.args else error
    return str(inner) or type(inner).__name__


def _translate(error: BaseException) -> Exception:
    inner = error.args[0] if isinstance(error, PdfminerException) and error.args else error
    if isinstance(inner, PDFPasswordIncorrect):
        return EncryptedDocument("encrypted PDF: a password is needed")
    if isinstance(inner, PDFEncryptionError):
        return EncryptedDocument(f"encrypted PDF: its encryption cannot be read ({inner})")
    if isinstance(inner, PSEOF):
        return CorruptDocument(
            f"corrupt PDF: the file is cut short ({inner}); it was probably truncated, "
            "download it again"
        )
    return CorruptDocument(f"corrupt PDF: {_reason(error)}")


class _Fonts:
    """pdfminer's font metrics (the /Descent of each font) for the pages read so far,
    read from the page resources only: no content stream is interpreted."""

    def __init__(self) -> None:
        self.metrics = FontMetrics()
        self._seen: set[int] = set()

    def add_page(self, page: Any) -> None:
        resources = resolve1(page.page_obj.resources) or {}
        fonts = resolve1(resources.get("Font")) if isinstance(resources, dict) else None
        if not isinstance(fonts, dict):
            return
        for ref in fonts.values():
            objid = getattr(ref, "objid", None)
            if objid is not None:
                if objid in self._seen:
                    continue
                self._seen.add(objid)
            try:
                measured = _descent(dict_value(ref))
            except Exception:  # a broken font dictionary: pages using it go to pdfplumber
                continue
            if measured is None:
                continue
            descent, names = measured
            for name in names:
                if name:
                    self.metrics.descents.setdefault(font_name(name), set()).add(descent)


def _literal(value: Any) -> str:
    value = resolve1(value)
    if isinstance(value, PSLiteral):
        return str(literal_name(value))
    return "" if value is None else str(value)


def _descent(spec: dict[str, Any]) -> tuple[float, set[str]] | None:
    """The /Descent pdfminer measures a font's glyphs with (per 1 pt), and its names.

    As pdfminer's font classes read it, without building them (a Type 1 font would
    parse its embedded program for an encoding that is not needed here): the standard
    14 fonts take their AFM metrics, other fonts their FontDescriptor (a Type 0 font
    the one of its descendant), a positive value is negated. Type 3 fonts: None."""
    subtype = _literal(spec.get("Subtype")) or "Type1"
    names = {_literal(spec.get("BaseFont"))}
    if subtype == "Type3":
        return None
    if subtype == "Type0":
        descendants = resolve1(spec.get("DescendantFonts"))
        if not isinstance(descendants, list) or not descendants:
            return None
        spec = dict_value(descendants[0])
        names.add(_literal(spec.get("BaseFont")))
        subtype = _literal(spec.get("Subtype"))
    descriptor: Any = None
    if subtype in ("Type1", "MMType1", "TrueType"):
        try:
            descriptor, _ = FontMetricsDB.get_metrics(_literal(spec.get("BaseFont")))
        except KeyError:
            descriptor = None
    if descriptor is None:
        descriptor = dict_value(spec.get("FontDescriptor", {}))
    names.add(_literal(descriptor.get("FontName")))
    descent = float(num_value(descriptor.get("Descent", 0)))
    if descent > 0:
        descent = -descent
    return descent * 0.001, names


def _route_page(page: Any, document: pypdfium2.PdfDocument | None, fonts: _Fonts) -> _Page:
    """Read one page by the cheapest route that gives what pdfplumber would give."""
    if document is None or not _plain_geometry(page):
        return read_page(page)
    fonts.add_page(page)
    glyphs = read_page_glyphs(document, page.page_number - 1, float(page.height), fonts.metrics)
    layer = scan_of(glyphs, float(page.width), float(page.height))
    scan = layer.scan if layer is not None else None
    # No usable text layer: decided from pdfium, no pdfminer parse at all. A page whose
    # blank glyphs sit in ruled tables still has its (empty) tables read below.
    blank_in_tables = glyphs.ruled and glyphs.chars and glyphs.n_visible == 0
    if layer is not None and not layer.readable_text and scan is not None and not blank_in_tables:
        return _lay_out(page, [], None, scan, route="pdfium")
    if not glyphs.exact:
        log.debug("page %d by pdfplumber: %s", page.page_number, glyphs.why)
        return read_page(page)
    rules = None
    if glyphs.ruled:
        rules = RulePage(
            int(page.page_number),
            float(page.width),
            float(page.height),
            float(page.initial_doctop),
            glyphs.rules,
        )
    return _lay_out(page, glyphs.chars, rules, scan, route="pdfium")


def _plain_geometry(page: Any) -> bool:
    """pdfium and pdfminer place glyphs alike: no /Rotate, MediaBox at the origin."""
    box = resolve1(page.page_obj.attrs.get("MediaBox"))
    try:
        origin = (float(resolve1(box[0])), float(resolve1(box[1])))
    except (TypeError, ValueError, IndexError):
        return False
    return not page.rotation and origin == (0.0, 0.0)


def read_page(page: Any, *, frames: Sequence[tuple[float, float]] = ()) -> _Page:
    """One page read by pdfplumber: its glyphs, its ruled tables, whether it needs OCR."""
    chars, scan = inspect_page(page)
    return _lay_out(page, chars, page if has_ruling(page) else None, scan, frames=frames)


def _lay_out(
    page: Any,
    chars: list[Char],
    rules: Any | None,
    scan: Scan | None,
    *,
    frames: Sequence[tuple[float, float]] = (),
    route: str = "pdfplumber",
) -> _Page:
    """A page's tables (pdfplumber's table finder over `rules`, a page or a `RulePage`)
    and its lines outside them, from its glyphs."""
    # A page whose glyphs are undecodable keeps none, and no empty tables either.
    tables = find_raw_tables(rules) if rules is not None and (chars or scan is None) else []
    doctop = float(page.initial_doctop)
    outside = assign_chars(tables, chars, doctop) if tables else chars
    spans = [(table.bbox[1], table.bbox[3]) for table in tables]
    part = _Page(
        _lines(page, outside, spans, frames, [table.top for table in tables]),
        tables,
        scan=scan,
        doctop=doctop,
        route=route,
    )
    if route == "pdfium":
        part.chars, part.spans = outside, spans
    return part


def _lines(
    page: Any,
    chars: list[Char],
    spans: list[tuple[float, float]],
    frames: Sequence[tuple[float, float]],
    barriers: list[float],
) -> PageLines:
    height = float(page.height)
    lines = read_lines(chars, tables=spans, frames=frames)
    lines = [line for line in lines if line.text and not is_page_furniture(line, height)]
    return PageLines(
        page=int(page.page_number),
        width=float(page.width),
        height=height,
        lines=lines,
        barriers=barriers,
    )


def _read_again_in_columns(pages: Sequence[Any], read: list[_Page]) -> None:
    """Read again, with the columns of the document's largest column region on pages of
    their size, the pages of that size (a short column end stays no column region)."""
    known: dict[int, tuple[int, list[tuple[float, float]]]] = {}
    for part in read:
        count, frames = frames_of(part.lines.lines)
        width = round(part.lines.width)
        if count and count > known.get(width, (0, []))[0]:
            known[width] = (count, frames)
    if not known:
        return
    for index, part in enumerate(read):
        frames = known.get(round(part.lines.width), (0, []))[1]
        if not frames or part.scan is not None:
            continue
        page = pages[part.lines.page - 1]
        if part.chars is not None:
            # Read by pdfium: its glyphs outside the tables are at hand.
            part.lines = _lines(page, part.chars, part.spans, frames, part.lines.barriers)
            continue
        try:
            read[index] = read_page(page, frames=frames)
        except _PARSE_ERRORS:
            continue  # read once already: keep that reading
        finally:
            page.close()


def _read_by_ocr(
    data: bytes, read: list[_Page], problems: list[str], source_uri: str
) -> tuple[bool, float | None]:
    """OCR the pages that need it, in place; (OCR used, mean recognition score)."""
    parts = [part for part in read if part.scan is not None and part.scan.readable]
    try:
        from .. import ocr  # OpenCV and the OCR models load only for pages that need them

        pages = ocr.read_pdf_pages(data, [(part.lines.page, part.doctop) for part in parts])
    except ImportError as e:
        problems.append(f"OCR is not available ({e}): install rapidocr and onnxruntime")
        log.warning("%s: OCR is not available: %s", source_uri, e)
        return False, None
    by_number = {part.lines.page: part for part in parts}
    for page in pages:
        part = by_number[page.lines.page]
        part.lines, part.tables, part.scan = page.lines, page.tables, None
        problem = page.problem()
        if problem is not None:
            problems.append(problem)
    return bool(pages), ocr.mean_score(pages)
