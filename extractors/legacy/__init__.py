"""Legacy office files (.doc, .wps, .odt, .xls, .et) -> Document, through LibreOffice.

Word processor files (Word 97-2003 `.doc`, Kingsoft WPS Writer `.wps`, OpenDocument
`.odt`) are converted by LibreOffice (`extractors.soffice`) and read by the reader
of the converted format. Routes, in order of preference:

- "docx": convert to DOCX, read with `extractors.docx` (style hints, numbering labels);
- "odt": convert to ODT (an ODT input is read as it is), read `content.xml` with
  `extractors.legacy.odt`: the tables of LibreOffice's own model, with spans;
- "pdf": convert to PDF, read with `extractors.pdf` (tables from ruling lines).

LibreOffice can lose tables on the way (a table flattened into paragraphs), so the
tables a route kept are compared with what the source holds: the table cell marks
in the Word text (`ole.probe_word`) or the cells of the ODT. A route that
kept less than half of them is not trusted and the next one is tried. A fallback
that keeps the tables is not a problem; only when no route keeps them does the
result (the route that kept most) carry a problem saying so.

Spreadsheets (`.xls`, Kingsoft `.et`) are read by calamine (`extractors.xlsx`) as
they are; only a file calamine cannot read is converted to XLSX by LibreOffice.

Whatever the route, the Document keeps the original doc_id, source_uri and
media_type; `meta["conversion"]` says how it was read: "libreoffice:docx",
"libreoffice:odt", "libreoffice:pdf", "libreoffice:xlsx", or "direct:odt" /
"direct:calamine" when no conversion was needed. The converted file's
"application" (LibreOffice itself) is dropped from meta: it is not the source's.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .. import docx, pdf, xlsx
from ..errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    ExtractionError,
    UnsupportedFormat,
)
from ..limits import Limits
from ..model import Document
from . import odt, soffice
from .ole import OleError, probe_word

__all__ = ["SPREADSHEET_ROUTES", "TEXT_ROUTES", "extract", "extract_by_route", "table_loss"]

log = logging.getLogger(__name__)

TEXT_ROUTES = ("docx", "odt", "pdf")
SPREADSHEET_ROUTES = ("calamine", "xlsx")
_WRITER = "libreoffice-writer-nogui"
_CALC = "libreoffice-calc-nogui"


class _Reader(Protocol):
    """`extract_by_route` with everything but the route bound."""

    def __call__(self, *, route: str) -> Document: ...


@dataclass(frozen=True, slots=True)
class _Kind:
    what: str  # how messages name the file
    input_filter: str  # LibreOffice import filter
    suffix: str  # extension of the copy LibreOffice opens
    package: str  # Debian package providing the filter


# Kingsoft's .wps and .et are Word 97 and Excel 97 binaries with extra streams; named
# .wps, LibreOffice would take a file for MS Works, hence the explicit filter and suffix.
_KINDS = {
    "doc": _Kind("legacy Word file", "MS Word 97", "doc", _WRITER),
    "wps": _Kind("WPS Writer file", "MS Word 97", "doc", _WRITER),
    "odt": _Kind("OpenDocument text file", "writer8", "odt", _WRITER),
    "xls": _Kind("legacy Excel file", "MS Excel 97", "xls", _CALC),
    "et": _Kind("WPS Spreadsheets file", "MS Excel 97", "xls", _CALC),
}


def extract(
    data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str
) -> Document:
    """Read a .doc, .wps, .odt, .xls or .et file (media_type says which)."""
    if media_type not in _KINDS:
        raise UnsupportedFormat(f"unsupported format: {media_type} is no legacy office format")
    read: _Reader = functools.partial(
        extract_by_route,
        data,
        doc_id=doc_id,
        source_uri=source_uri,
        limits=limits,
        media_type=media_type,
    )
    if media_type in ("xls", "et"):
        return _spreadsheet(read, source_uri=source_uri)
    return _text_document(read, data, source_uri=source_uri, limits=limits, media_type=media_type)


def extract_by_route(
    data: bytes, *, route: str, doc_id: str, source_uri: str, limits: Limits, media_type: str
) -> Document:
    """Read the file by one route only (TEXT_ROUTES, SPREADSHEET_ROUTES); no table check."""
    kind = _KINDS.get(media_type)
    spreadsheet = media_type in ("xls", "et")
    routes = SPREADSHEET_ROUTES if spreadsheet else TEXT_ROUTES
    if kind is None or route not in routes:
        raise ValueError(f"no route {route!r} for {media_type!r}; routes: {routes}")
    direct = route == "calamine" or (route == "odt" and media_type == "odt")
    converted = data
    if not direct:
        converted = soffice.convert(
            data,
            input_filter=kind.input_filter,
            input_suffix=kind.suffix,
            target=route,
            timeout_s=limits.convert_timeout_s,
            what=kind.what,
            package=kind.package,
        )
    readers: dict[str, Callable[..., Document]] = {
        "docx": _read_docx,
        "odt": odt.extract,
        "pdf": pdf.extract,
        "calamine": xlsx.extract,
        "xlsx": xlsx.extract,
    }
    try:
        doc = readers[route](
            converted,
            doc_id=doc_id,
            source_uri=source_uri,
            limits=limits,
            media_type="xlsx" if route == "xlsx" else media_type,
        )
    except (EmptyDocument, EncryptedDocument):
        raise
    except ExtractionError as e:
        if direct:
            raise
        raise type(e)(f"{kind.what} converted by LibreOffice to {route.upper()}: {e}") from e
    meta = {key: value for key, value in doc.meta.items() if key != "application" or direct}
    meta["conversion"] = f"direct:{route}" if direct else f"libreoffice:{route}"
    return dataclasses.replace(doc, media_type=media_type, meta=meta)


def table_loss(source_cells: int | None, doc: Document) -> str | None:
    """Why `doc` seems to have lost the source's tables, or None if it kept them.

    `source_cells` is what the source holds: Word table cell marks (one per cell and
    one per row end) or ODT grid positions; None when the source could not be
    inspected, in which case only a table-less result with rows of tab-separated
    text counts as a loss.
    """
    kept = sum(table.n_rows * table.n_cols for table in doc.tables)
    if source_cells is None:
        if kept == 0 and _has_tab_grid(doc):
            return "no tables were kept, but the text has rows of tab-separated columns"
        return None
    if source_cells > 0 and kept * 2 < source_cells:
        return f"the source holds about {source_cells} table cells, the conversion kept {kept}"
    return None


# ----------------------------------------------------------------- documents


def _text_document(
    read: _Reader, data: bytes, *, source_uri: str, limits: Limits, media_type: str
) -> Document:
    source_cells = _source_table_cells(data, media_type=media_type, limits=limits)
    if media_type == "odt" and soffice.find_soffice() is None:
        log.info("%s: LibreOffice is not installed, reading the ODT directly", source_uri)
        return read(route="odt")
    results: list[Document] = []
    reasons: list[str] = []
    for route in TEXT_ROUTES:
        try:
            doc = read(route=route)
        except ExtractionError:
            if not results:
                raise  # the first route's failure is the file's: it says why
            log.warning("%s: the %s route failed", source_uri, route, exc_info=True)
            continue
        reason = table_loss(source_cells, doc)
        if reason is None:
            return doc
        log.info("%s: %s route lost tables (%s), trying the next", source_uri, route, reason)
        results.append(doc)
        reasons.append(f"{route.upper()}: {reason}")
    best = max(results, key=lambda d: sum(t.n_rows * t.n_cols for t in d.tables))
    problem = (
        "tables lost in conversion: no LibreOffice route kept the tables of the "
        f"{_KINDS[media_type].what}, so their text is read as paragraphs ({'; '.join(reasons)})"
    )
    return dataclasses.replace(best, problems=(*best.problems, problem))


def _source_table_cells(data: bytes, *, media_type: str, limits: Limits) -> int | None:
    if media_type == "odt":
        return odt.count_table_cells(data, limits=limits)
    try:
        probe = probe_word(data)
    except OleError as e:
        log.info("no table evidence from the Word structures (%s)", e)
        return None
    if probe.encrypted:
        raise EncryptedDocument(f"encrypted {_KINDS[media_type].what}: a password is needed")
    return probe.cell_marks


def _has_tab_grid(doc: Document, *, min_rows: int = 3) -> bool:
    """At least `min_rows` consecutive blocks with the same number (>0) of tabs."""
    run, last = 0, 0
    for block in sorted(doc.blocks, key=lambda b: b.order):
        tabs = block.text.count("\t")
        run = run + 1 if tabs and tabs == last else (1 if tabs else 0)
        last = tabs
        if run >= min_rows:
            return True
    return False


def _read_docx(
    data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str
) -> Document:
    return docx.extract(
        data, doc_id=doc_id, source_uri=source_uri, limits=limits, media_type=media_type
    )


# --------------------------------------------------------------- spreadsheets


def _spreadsheet(read: _Reader, *, source_uri: str) -> Document:
    try:
        return read(route="calamine")
    except CorruptDocument as e:
        unreadable = e
    log.info("%s: calamine cannot read it (%s), trying LibreOffice", source_uri, unreadable)
    try:
        return read(route="xlsx")
    except UnsupportedFormat as e:
        raise UnsupportedFormat(f"{unreadable}; {e}") from e
    except CorruptDocument as e:
        raise CorruptDocument(f"{unreadable}; {e}") from e
