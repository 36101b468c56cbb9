"""PDF -> `Document` with pdfplumber: the entry point, error wording and page assembly.

Each page is parsed once: its glyphs (`page.chars`) feed both the table cells
and the running text; the table finder runs only on pages that draw rules.
pypdfium2 opens the file first because it answers in microseconds whether a
password is needed and how many pages there are, so a 10,000-page file is
refused before pdfminer parses anything.

Owned here: failures (`EncryptedDocument`, `CorruptDocument`, `UnsafeDocument`),
reading order across pages, stitching of paragraphs and tables cut by a page
break. Lines and spacing live in `pdf_lines`, paragraphs in `pdf_blocks`,
tables in `pdf_tables`. Pages with no usable text layer (`ocr_textlayer`: scans,
fonts that map to no characters) are read by OCR (`ocr`) when `Limits.ocr`,
and then assembled with the others like any page.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pdfplumber
import pypdfium2
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psexceptions import PSEOF, PSException
from pdfplumber.utils.exceptions import PdfminerException

from .errors import CorruptDocument, EncryptedDocument, UnsafeDocument
from .limits import Limits
from .model import Block, Document, Table
from .ocr_textlayer import Scan, inspect_page
from .pdf_blocks import (
    BlockDraft,
    PageLines,
    build_blocks,
    can_join_pages,
    is_page_furniture,
    measure_layout,
    plain_sans_body,
)
from .pdf_columns import frames_of, read_lines
from .pdf_tables import (
    RawTable,
    assign_chars,
    can_continue,
    find_raw_tables,
    has_ruling,
    stitch,
    to_table,
)

__all__ = ["assemble_pages", "extract"]

log = logging.getLogger(__name__)

# What a broken file makes pdfminer raise besides its own exceptions.
_PARSE_ERRORS = (PdfminerException, PSException, ValueError, KeyError, TypeError, IndexError)


@dataclass(slots=True)
class _Page:
    lines: PageLines
    tables: list[RawTable]
    scan: Scan | None  # why the page needs OCR (a scan, broken fonts), None once read
    doctop: float = 0.0  # the page's top in document coordinates


def extract(
    data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str = "pdf"
) -> Document:
    """Read a PDF into blocks and tables in reading order, or raise an ExtractionError."""
    _check_with_pdfium(data, limits)
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
        read: list[_Page] = []
        for page in pages:
            try:
                read.append(_read_page(page))
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
    blocks, tables = _assemble(read)
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


def _check_with_pdfium(data: bytes, limits: Limits) -> None:
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        if getattr(e, "err_code", None) == pypdfium2.raw.FPDF_ERR_PASSWORD:
            raise EncryptedDocument("encrypted PDF: a password is needed") from e
        # Anything else (a damaged cross-reference table...) pdfminer may still read
        # or will fail with a more precise reason.
        return
    try:
        n_pages = len(document)
    finally:
        document.close()
    if n_pages > limits.max_pages:
        raise _too_many_pages(n_pages, limits)


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
        try:
            read[index] = _read_page(page, frames=frames)
        except _PARSE_ERRORS:
            continue  # read once already: keep that reading
        finally:
            page.close()


def _read_page(page: Any, *, frames: Sequence[tuple[float, float]] = ()) -> _Page:
    chars, scan = inspect_page(page)
    # A page whose glyphs are undecodable keeps none, and no empty tables either.
    tables = find_raw_tables(page) if (chars or scan is None) and has_ruling(page) else []
    outside = assign_chars(tables, chars, float(page.initial_doctop)) if tables else chars
    height = float(page.height)
    spans = [(table.bbox[1], table.bbox[3]) for table in tables]
    lines = read_lines(outside, tables=spans, frames=frames)
    lines = [line for line in lines if line.text and not is_page_furniture(line, height)]
    page_lines = PageLines(
        page=int(page.page_number),
        width=float(page.width),
        height=height,
        lines=lines,
        barriers=[table.top for table in tables],
    )
    return _Page(page_lines, tables, scan=scan, doctop=float(page.initial_doctop))


def _read_by_ocr(
    data: bytes, read: list[_Page], problems: list[str], source_uri: str
) -> tuple[bool, float | None]:
    """OCR the pages that need it, in place; (OCR used, mean recognition score)."""
    parts = [part for part in read if part.scan is not None and part.scan.readable]
    try:
        from . import ocr  # OpenCV and the OCR models load only for pages that need them

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


def assemble_pages(
    pages: Sequence[tuple[PageLines, list[RawTable]]],
) -> tuple[list[Block], list[Table]]:
    """Blocks and tables of pages read elsewhere (OCR of images), assembled as PDF pages are."""
    return _assemble([_Page(lines, tables, scan=None) for lines, tables in pages])


def _assemble(pages: list[_Page]) -> tuple[list[Block], list[Table]]:
    """Blocks and tables of all pages in reading order, stitched across page breaks."""
    plain_sans_body([page.lines for page in pages])
    layout = measure_layout([page.lines for page in pages])
    items: list[BlockDraft | RawTable] = []
    last_page = 0
    for page in pages:
        drafts = build_blocks(page.lines, layout)
        on_page: list[tuple[float, int, BlockDraft | RawTable]] = [
            (draft.sort_top, 1, draft) for draft in drafts
        ]
        on_page += [(table.top, 0, table) for table in page.tables]
        on_page.sort(key=lambda entry: (entry[0], entry[1]))
        for position, (_, _, item) in enumerate(on_page):
            follows = bool(items) and position == 0 and page.lines.page == last_page + 1
            if follows and _join_across_break(items, item):
                continue
            items.append(item)
        last_page = page.lines.page
    return _finish(items)


def _join_across_break(items: list[BlockDraft | RawTable], item: BlockDraft | RawTable) -> bool:
    """Continue the last item of the page before with `item`, the first of this page."""
    previous = items[-1]
    if isinstance(previous, RawTable) and isinstance(item, RawTable):
        if not can_continue(previous, item):
            return False
        items[-1] = stitch(previous, item)
        return True
    if isinstance(previous, BlockDraft) and isinstance(item, BlockDraft):
        if not can_join_pages(previous, item):
            return False
        previous.lines.extend(item.lines)
        return True
    return False


def _finish(items: list[BlockDraft | RawTable]) -> tuple[list[Block], list[Table]]:
    blocks: list[Block] = []
    tables: list[Table] = []
    for order, item in enumerate(items):
        if isinstance(item, RawTable):
            tables.append(to_table(item, order=order))
        else:
            blocks.append(
                Block(
                    order=order,
                    page=item.page,
                    text=item.text(),
                    kind=item.kind(),
                    style=item.style(),
                )
            )
    return blocks, tables
