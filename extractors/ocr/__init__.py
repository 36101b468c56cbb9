"""Scanned pages and images -> `Document` by offline OCR: the entry point and page assembly.

Two callers share one path. The registry sends PNG, JPEG and TIFF files (every
frame of a multi-page TIFF is a page) to `extract`; the PDF extractor sends the
pages that have no usable text layer to `read_pdf_pages`, rendered at 200 dpi.
Pages are read side by side, one per core (`engine.WORKERS`), and come back in
order. Each page image is straightened (`engine.deskew`), read once by the OCR
engine, its ruled tables rebuilt from the rules (`tables`), and the boxes
outside the tables made into `TextLine`s (`lines`), so the layout engine's
own rules turn them into paragraphs, headings and stitched tables.

Owned here: decoding images safely (pixel and page limits, EXIF orientation,
resolution), the page's scale in points, what a page read badly reports.
"""

from __future__ import annotations

import io
import logging
import numbers
import statistics
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

import cv2
import numpy as np

from ..errors import CorruptDocument, EmptyDocument, UnsafeDocument, UnsupportedFormat
from ..layout.assemble import assemble_pages
from ..layout.blocks import PageLines, is_page_furniture
from ..layout.tables import RawCell, RawTable
from ..limits import Limits
from ..model import Document
from .engine import WORKERS, OcrBox, deskew, estimate_skew, read_regions, recognize
from .lines import group_lines, is_red, line_text, make_text_line, mend_gaps, snap_sizes
from .tables import Grid, find_grids, place_boxes

__all__ = ["OcrPage", "extract", "mean_score", "read_page", "read_pages", "read_pdf_pages"]

log = logging.getLogger(__name__)

RENDER_DPI = 200  # PDF pages are rendered at this resolution for OCR
_MIN_DPI, _MAX_DPI = 150, 300  # images outside are resampled to RENDER_DPI
_A4_WIDTH_IN, _A4_HEIGHT_IN = 8.27, 11.69
_MAX_PIXELS = 120_000_000  # per frame: an A0 poster at 300 dpi; more is a bomb
_LOW_CONFIDENCE = 0.75  # a page whose mean recognition score is lower is reported


@dataclass(slots=True)
class OcrPage:
    """What OCR read on one page: its lines outside tables, its tables, the scores."""

    lines: PageLines
    tables: list[RawTable]
    scores: list[float] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.lines.lines and not self.tables

    def problem(self) -> str | None:
        """A note for analysts when the page read badly, else None."""
        if not self.scores:
            return f"page {self.lines.page}: OCR found no text in the page image"
        mean = statistics.fmean(self.scores)
        if mean < _LOW_CONFIDENCE:
            return f"page {self.lines.page}: OCR read it with low confidence ({mean:.2f})"
        return None


def _raw_table(
    grid: Grid, lines: list[list[list[OcrBox]]], page: int, scale: float, doctop: float
) -> RawTable:
    cells = []
    for cell, cell_lines in zip(grid.cells, lines, strict=True):
        text = "\n".join(t for t in (line_text(line) for line in cell_lines) if t)
        cells.append(
            RawCell(
                cell.x0 * scale,
                cell.top * scale + doctop,
                cell.x1 * scale,
                cell.bottom * scale + doctop,
                text=text,
            )
        )
    x0, top, x1, bottom = (value * scale for value in grid.bbox)
    return RawTable(
        pages=[page],
        cells=cells,
        top=top,
        bbox=(x0, top, x1, bottom),
        col_edges=[x * scale for x in grid.xs],
    )


def _is_bilevel(gray: np.ndarray) -> bool:
    """True when (almost) every pixel is black or white."""
    sample = gray[::7, ::7]
    return bool(np.count_nonzero((sample > 20) & (sample < 235)) < 0.005 * sample.size)


def read_page(image: np.ndarray, *, page: int, dpi: float, doctop: float = 0.0) -> OcrPage:
    """OCR one page image (BGR, `dpi` pixels per inch) into lines and tables in points.

    `doctop` is the page's top in document coordinates (the heights of the pages
    before it), which table stitching across pages works in. Sizes are not yet
    snapped across pages: `snap_sizes` runs once per document.
    """
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if _is_bilevel(gray):
        # Fax and CCITT scans are pure black and white; the OCR models were trained on
        # grey images and cut boxes short and misread strokes without the grey edges.
        image = cv2.GaussianBlur(image, (3, 3), 0)
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    angle = estimate_skew(gray)
    if angle:
        log.debug("page %d: deskewing by %.2f degrees", page, angle)
        image, gray = deskew(image, angle), deskew(gray, angle)
    boxes = recognize(image, dpi)
    scale = 72.0 / dpi
    height, width = gray.shape[:2]
    char_height = statistics.median(b.height for b in boxes) if boxes else height / 50
    grids = find_grids(gray, char_height)
    outside = place_boxes(grids, boxes)
    # Every container (each cell, then the running text) is grouped into lines, and
    # the gaps of all of them are mended in one batch of re-readings.
    containers = [group_lines(cell.boxes) for grid in grids for cell in grid.cells]
    containers.append(group_lines(outside))
    flat = [line for container in containers for line in container]
    mended = iter(mend_gaps(flat, lambda regions: read_regions(image, regions)))
    containers = [[next(mended) for _ in container] for container in containers]
    scores = [box.score for container in containers for line in container for box in line]

    tables = []
    start = 0
    for grid in grids:
        cell_lines = containers[start : start + len(grid.cells)]
        start += len(grid.cells)
        tables.append(_raw_table(grid, cell_lines, page, scale, doctop))
    page_height = height * scale
    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    text_lines = []
    for line in containers[-1]:
        red = any(is_red(image, box) for box in line)
        text_line = make_text_line(line, scale=scale, ink=ink, red=red)
        if text_line.text and not is_page_furniture(text_line, page_height):
            text_lines.append(text_line)
    lines = PageLines(
        page=page,
        width=width * scale,
        height=page_height,
        lines=text_lines,
        barriers=[table.top for table in tables],
    )
    return OcrPage(lines=lines, tables=tables, scores=scores)


PageImage = tuple[np.ndarray, int, float, float]  # BGR image, 1-based number, dpi, doctop


def read_pages(images: Iterable[PageImage]) -> Iterator[OcrPage]:
    """`read_page` of each (image, number, dpi, doctop), `engine.WORKERS` pages at once.

    The pages come back in the order given. `images` is consumed on the caller's
    thread (pdfium renders on one thread only), at most one page ahead of the
    pages being read, so a long document is never all in memory.
    """
    if WORKERS == 1:
        for image, number, dpi, doctop in images:
            yield read_page(image, page=number, dpi=dpi, doctop=doctop)
        return
    pending: deque[Future[OcrPage]] = deque()
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="ocr-page") as pool:
        try:
            for image, number, dpi, doctop in images:
                pending.append(pool.submit(read_page, image, page=number, dpi=dpi, doctop=doctop))
                if len(pending) > WORKERS:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _snap(pages: Sequence[OcrPage]) -> None:
    snap_sizes(line for page in pages for line in page.lines.lines)


def read_pdf_pages(data: bytes, pages: Sequence[tuple[int, float]]) -> list[OcrPage]:
    """Render the PDF's pages given as (1-based number, doctop) and OCR them.

    A page pdfium cannot render is left out (and logged): the caller still has it
    as a page that needs OCR.
    """
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        log.warning("OCR: pdfium cannot open the PDF: %s", e)
        return []

    def rendered() -> Iterator[PageImage]:
        for number, doctop in pages:
            try:
                bitmap = document[number - 1].render(scale=RENDER_DPI / 72)
            except pypdfium2.PdfiumError as e:
                log.warning("OCR: page %d cannot be rendered: %s", number, e)
                continue
            image = np.ascontiguousarray(bitmap.to_numpy()[:, :, :3])  # BGR(x) -> BGR
            yield image, number, RENDER_DPI, doctop

    try:
        read = list(read_pages(rendered()))
    finally:
        document.close()
    _snap(read)
    return read


def mean_score(pages: Sequence[OcrPage]) -> float | None:
    """The mean recognition score over all text OCR read, None when it read none."""
    scores = [score for page in pages for score in page.scores]
    return round(statistics.fmean(scores), 4) if scores else None


def _frames(data: bytes, limits: Limits, kind: str) -> Iterator[tuple[np.ndarray, float]]:
    """The image's frames as BGR arrays at 150-300 dpi, with their resolution."""
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        n_frames = int(getattr(image, "n_frames", 1))
    except UnidentifiedImageError as e:
        raise CorruptDocument(
            f"corrupt {kind} image: its header cannot be read (a damaged or cut-short file)"
        ) from e
    except (OSError, ValueError, SyntaxError) as e:
        raise CorruptDocument(f"corrupt {kind} image: {e}") from e
    except Image.DecompressionBombError as e:
        raise UnsafeDocument(f"refused: {kind} image is too large ({e})") from e
    if n_frames > limits.max_pages:
        raise UnsafeDocument(
            f"refused: the {kind} image has {n_frames:,} pages, more than the limit "
            f"{limits.max_pages:,} (raise Limits.max_pages to read it)"
        )
    for frame in ImageSequence.Iterator(image):
        width, height = frame.size
        if width * height > _MAX_PIXELS:
            raise UnsafeDocument(
                f"refused: a {kind} page of {width}x{height} pixels is over the limit "
                f"of {_MAX_PIXELS:,} pixels"
            )
        try:
            upright = ImageOps.exif_transpose(frame)
            if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
                paper = Image.new("RGBA", upright.size, "white")
                upright = Image.alpha_composite(paper, upright.convert("RGBA"))
            rgb = np.asarray(upright.convert("RGB"))
        except (OSError, ValueError, SyntaxError) as e:
            raise CorruptDocument(f"corrupt {kind} image: {e}") from e
        bgr = np.ascontiguousarray(rgb[:, :, ::-1])
        dpi = _resolution(frame.info.get("dpi"), bgr.shape[1], bgr.shape[0])
        if not _MIN_DPI <= dpi <= _MAX_DPI:
            factor = RENDER_DPI / dpi
            interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
            bgr = cv2.resize(bgr, None, fx=factor, fy=factor, interpolation=interpolation)
            dpi = RENDER_DPI
        yield bgr, dpi


def _resolution(declared: object, width: int, height: int) -> float:
    """Pixels per inch: as the file declares it when that gives a page-sized image,
    else as if the image were an A4 page (photographs and screenshots say 72 dpi)."""
    if isinstance(declared, tuple) and declared and isinstance(declared[0], numbers.Real):
        dpi = float(declared[0])  # TIFF gives an IFDRational
        if dpi > 0 and 3.0 <= width / dpi <= 17.0:
            return dpi
    long_side, short_side = max(width, height), min(width, height)
    return max(long_side / _A4_HEIGHT_IN, short_side / _A4_WIDTH_IN)


def _engine_version() -> str:
    try:
        return f"rapidocr {version('rapidocr')} (PP-OCRv6 det/rec small)"
    except PackageNotFoundError:
        return "rapidocr"


def extract(
    data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str = "png"
) -> Document:
    """Read an image file (PNG, JPEG, TIFF; each TIFF frame a page) by OCR."""

    kind = media_type.upper()
    if not limits.ocr:
        raise UnsupportedFormat(f"{kind} image not read: OCR is turned off (Limits.ocr)")

    def frames() -> Iterator[PageImage]:
        doctop = 0.0
        for number, (image, dpi) in enumerate(_frames(data, limits, kind), start=1):
            yield image, number, dpi, doctop
            doctop += image.shape[0] * (72.0 / dpi)  # its height in points, as read_page has it

    try:
        pages = list(read_pages(frames()))
    except ImportError as e:
        raise UnsupportedFormat(
            f"{kind} image not read: the OCR engine is not installed ({e}); "
            "install rapidocr and onnxruntime"
        ) from e
    _snap(pages)
    if all(page.empty for page in pages):
        raise EmptyDocument(f"no text: OCR found no text in the {kind} image")
    blocks, tables = assemble_pages([(page.lines, page.tables) for page in pages])
    return Document(
        doc_id=doc_id,
        source_uri=source_uri,
        media_type=media_type,
        blocks=tuple(blocks),
        tables=tuple(tables),
        n_pages=len(pages),
        problems=tuple(p for p in (page.problem() for page in pages) if p),
        ocr_used=True,
        ocr_confidence=mean_score(pages),
        meta={"ocr_engine": _engine_version()},
    )
