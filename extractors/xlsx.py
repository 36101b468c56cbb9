"""Spreadsheets (XLSX with openpyxl; legacy XLS and ODS with python-calamine) -> Document.

Each worksheet becomes one Table trimmed to the cells that hold a value, `page` =
the sheet's 1-based index. Merged ranges become rowspan/colspan on the anchor cell.
A title row above the table (a single cell, usually merged across the width) becomes
a "heading" Block right before the table, so a normalizer finds the title where a
Word or PDF form has it. Cell text is what Excel displays: numbers through their
number format ("#,##0.00" -> "47,880.00"), dates as ISO, strings as written.

`Document.meta["sheet_names"]` is a JSON list of the sheet names in workbook order;
`meta["hidden_sheets"]` lists the hidden ones, when there are any.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .errors import CorruptDocument, EmptyDocument, EncryptedDocument, UnsafeDocument
from .limits import Limits, check_xml_safe, open_zip_safely
from .model import Block, Cell, Document, Table

__all__ = ["extract", "format_number"]

log = logging.getLogger(__name__)

_XML_SUFFIXES = (".xml", ".rels", ".vml")


@dataclass
class _Sheet:
    """One sheet as read from the file: 0-based positions, before trimming."""

    name: str
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    styles: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    hidden: bool = False


def extract(
    data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str
) -> Document:
    """Read every worksheet of an XLSX, XLS or ODS file into tables and title blocks."""
    if media_type in ("xls", "et", "ods"):
        if media_type == "ods":
            _check_zip_xml(data, limits=limits, kind="ODS")
        sheets, title = _read_calamine(data, media_type=media_type), None
    else:
        _check_zip_xml(data, limits=limits, kind="XLSX")
        sheets, title = _read_openpyxl(data)
    if len(sheets) > limits.max_pages:
        raise UnsafeDocument(
            f"refused: the workbook has {len(sheets)} sheets, more than the page limit "
            f"{limits.max_pages} (raise Limits.max_pages to read it)"
        )
    log.debug("%s: %d sheets read", source_uri, len(sheets))
    blocks: list[Block] = []
    tables: list[Table] = []
    order = 0
    for page, sheet in enumerate(sheets, start=1):
        for item in _sheet_items(sheet, page=page, first_order=order):
            (blocks if isinstance(item, Block) else tables).append(item)  # type: ignore[arg-type]
            order += 1
    if not blocks and not tables:
        raise EmptyDocument(f"empty spreadsheet: none of its {len(sheets)} sheets holds a value")
    meta = {"sheet_names": json.dumps([s.name for s in sheets], ensure_ascii=False)}
    hidden = [s.name for s in sheets if s.hidden]
    if hidden:
        meta["hidden_sheets"] = json.dumps(hidden, ensure_ascii=False)
    return Document(
        doc_id=doc_id,
        source_uri=source_uri,
        media_type=media_type,
        blocks=tuple(blocks),
        tables=tuple(tables),
        n_pages=len(sheets),
        title=title,
        meta=meta,
    )


def _check_zip_xml(data: bytes, *, limits: Limits, kind: str) -> None:
    # Checked here too (not only in the registry) so a direct call is just as safe.
    archive = open_zip_safely(data, limits=limits, kind=kind)
    with archive:
        for info in archive.infolist():
            if info.filename.lower().endswith(_XML_SUFFIXES):
                try:
                    xml = archive.read(info)
                except (zipfile.BadZipFile, OSError, EOFError) as e:
                    raise CorruptDocument(
                        f"corrupt {kind}: part {info.filename} cannot be unpacked ({e})"
                    ) from e
                check_xml_safe(xml, part=info.filename)


def _read_openpyxl(data: bytes) -> tuple[list[_Sheet], str | None]:
    import openpyxl  # imported lazily: only spreadsheet runs pay for it

    try:
        # Not read_only: merged ranges and styles are only available on full worksheets.
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as e:  # openpyxl raises many unrelated types for broken parts
        raise CorruptDocument(f"corrupt XLSX: openpyxl cannot read it ({e})") from e
    sheets: list[_Sheet] = []
    for ws in workbook.worksheets:
        sheet = _Sheet(name=ws.title, hidden=ws.sheet_state != "visible")
        # Only the stored cells: iter_rows() would create every cell of a dimension that
        # formatting stretched to a million rows.
        for cell in list(ws._cells.values()):
            if cell.value is None:
                continue
            text = _cell_text(cell.value, cell.number_format)
            if text == "":
                continue
            pos = (cell.row - 1, cell.column - 1)
            sheet.texts[pos] = text
            style = _cell_style(cell)
            if style:
                sheet.styles[pos] = style
        for rng in ws.merged_cells.ranges:
            sheet.merges.append(
                (rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1)
            )
        sheets.append(sheet)
    title = workbook.properties.title if workbook.properties else None
    return sheets, (title.strip() or None) if title else None


def _cell_style(cell: Any) -> tuple[str, ...]:
    style: list[str] = []
    if cell.alignment is not None and cell.alignment.horizontal in ("center", "centerContinuous"):
        style.append("center")
    if cell.font is not None and cell.font.b:
        style.append("bold")
    return tuple(style)


def _read_calamine(data: bytes, *, media_type: str) -> list[_Sheet]:
    import python_calamine as pc

    kind = media_type.upper()
    try:
        workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: list[_Sheet] = []
        for meta in workbook.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue  # chart and macro sheets hold no cells
            ws = workbook.get_sheet_by_name(meta.name)
            sheet = _Sheet(name=meta.name, hidden=meta.visible != pc.SheetVisibleEnum.Visible)
            for r, row in enumerate(ws.to_python(skip_empty_area=False)):
                for c, value in enumerate(row):
                    text = _cell_text(value, "General")
                    if text != "":
                        sheet.texts[(r, c)] = text
            # ODS gives no merged ranges (None); XLS and XLSX do.
            for (r1, c1), (r2, c2) in ws.merged_cell_ranges or ():
                sheet.merges.append((r1, c1, r2, c2))
            sheets.append(sheet)
    except pc.PasswordError as e:
        raise EncryptedDocument(f"encrypted {kind}: a password is needed") from e
    except pc.CalamineError as e:
        raise CorruptDocument(f"corrupt {kind}: calamine cannot read it ({e})") from e
    return sheets


def _cell_text(value: object, number_format: str) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return format_number(value, number_format)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- number formats

_NUMBER_CHARS = set("0#?.,")
_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|[_*].')
_DATE_CODES = re.compile(r"[yYmMdDhHsS]")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # serial 0 of the 1900 date system (after its leap bug)


def format_number(value: float, number_format: str = "General") -> str:
    """Render a number as Excel displays it under `number_format` ("#,##0.00", "0.0%", ...).

    Covers the formats forms use: fixed decimals, thousands separators, percent,
    scientific, currency symbols and literal text. Fractions and unknown formats fall
    back to "General" (integers without ".0", otherwise up to 15 significant digits).
    """
    sections = _split_sections(number_format or "General")
    section = sections[0]
    negative = value < 0
    if negative and len(sections) >= 2:
        section, value = sections[1], -value  # the negative section writes its own sign
        negative = False
    elif value == 0 and len(sections) >= 3:
        section = sections[2]
    if section.strip().lower() in ("general", "@", "") or "?/" in section:
        return _general(value)
    if _DATE_CODES.search(_LITERALS.sub("", section)):
        return _serial_date(value)  # a date format openpyxl did not recognise as one
    prefix, pattern, suffix, percent = _parse_section(section)
    if not pattern:
        return prefix + suffix  # a section of only text, e.g. "-" for zero in accounting
    if percent:
        value *= 100
    sign = "-" if negative else ""
    return prefix + sign + _render_digits(abs(value), pattern) + suffix


def _serial_date(value: float) -> str:
    try:
        moment = _EXCEL_EPOCH + dt.timedelta(days=value)
    except OverflowError:
        return _general(value)
    return _cell_text(moment, "General")


def _split_sections(number_format: str) -> list[str]:
    sections: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in number_format:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            sections.append("".join(current))
            current = []
        else:
            current.append(ch)
    sections.append("".join(current))
    return sections


def _parse_section(section: str) -> tuple[str, str, str, bool]:
    """Split a format section into literal prefix, digit pattern, literal suffix."""
    prefix: list[str] = []
    pattern: list[str] = []
    suffix: list[str] = []
    percent = False
    i = 0
    while i < len(section):
        ch = section[i]
        literal = ""
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            literal, i = section[i + 1 : end], end + 1
        elif ch == "\\" and i + 1 < len(section):
            literal, i = section[i + 1], i + 2
        elif ch in "_*":
            i += 2  # padding and fill characters take width, not text
            continue
        elif ch == "[":
            end = section.find("]", i)
            end = len(section) if end < 0 else end
            inner = section[i + 1 : end]
            # [$¥-804] is a currency symbol; [Red] and [>100] are colours and conditions.
            literal = inner[1:].split("-")[0] if inner.startswith("$") else ""
            i = end + 1
        elif ch in _NUMBER_CHARS or (ch in "Ee" and section[i + 1 : i + 2] in ("+", "-")):
            if not suffix:
                take = 2 if ch in "Ee" else 1
                pattern.append(section[i : i + take])
                i += take
                continue
            i += 1
            continue
        else:
            percent = percent or ch == "%"
            literal, i = ch, i + 1
        (suffix if pattern else prefix).append(literal)
    return "".join(prefix), "".join(pattern), "".join(suffix), percent


def _render_digits(value: float, pattern: str) -> str:
    mantissa, _, exponent = pattern.upper().partition("E")
    integer_part, _, fraction_part = mantissa.partition(".")
    decimals = sum(1 for ch in fraction_part if ch in "0#?")
    if exponent:
        return f"{value:.{decimals}E}"
    try:
        quantum = Decimal(1).scaleb(-decimals)
        rounded = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return _general(value)
    separator = "," if "," in integer_part.rstrip(",") else ""
    return f"{rounded:{separator}.{decimals}f}"


def _general(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


# ---------------------------------------------------------------- sheet -> items


def _sheet_items(sheet: _Sheet, *, page: int, first_order: int) -> Iterator[Block | Table]:
    if not sheet.texts:
        return
    rows = sorted({r for r, _ in sheet.texts})
    top, bottom = rows[0], rows[-1]
    order = first_order
    # Title rows: leading rows whose only value is one cell (merged across or alone).
    while top < bottom:
        row_cells = sorted(c for r, c in sheet.texts if r == top)
        left, right = _col_bounds(sheet, top, bottom)
        if len(row_cells) != 1 or right == left:
            break
        col = row_cells[0]
        merge = _merge_at(sheet, top, col)
        spans_width = merge is not None and merge[1] <= left and merge[3] >= right
        if not spans_width and order != first_order:
            break  # after the first title only full-width rows count as titles
        yield Block(
            order=order,
            page=page,
            text=sheet.texts[(top, col)],
            kind="heading",
            style=sheet.styles.get((top, col), ()),
        )
        order += 1
        top = max(top, merge[2] if merge is not None else top) + 1
        while top <= bottom and not any(r == top for r, _ in sheet.texts):
            top += 1
    left, right = _col_bounds(sheet, top, bottom)
    yield _table(sheet, top, bottom, left, right, page=page, order=order)


def _col_bounds(sheet: _Sheet, top: int, bottom: int) -> tuple[int, int]:
    cols = [c for r, c in sheet.texts if top <= r <= bottom]
    return min(cols), max(cols)


def _merge_at(sheet: _Sheet, row: int, col: int) -> tuple[int, int, int, int] | None:
    for merge in sheet.merges:
        if merge[0] <= row <= merge[2] and merge[1] <= col <= merge[3]:
            return merge
    return None


def _table(
    sheet: _Sheet, top: int, bottom: int, left: int, right: int, *, page: int, order: int
) -> Table:
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, c1, r2, c2 in sheet.merges:
        # Clip to the used range; a merge reaching past it keeps only its inside part.
        r1, c1, r2, c2 = max(r1, top), max(c1, left), min(r2, bottom), min(c2, right)
        if r1 > r2 or c1 > c2 or (r1 == r2 and c1 == c2):
            continue
        spans[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
        covered.update(
            (r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) != (r1, c1)
        )
    cells = []
    for r in range(top, bottom + 1):
        for c in range(left, right + 1):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            cells.append(
                Cell(
                    row=r - top,
                    col=c - left,
                    text=sheet.texts.get((r, c), ""),
                    rowspan=rowspan,
                    colspan=colspan,
                )
            )
    return Table(
        order=order,
        page=page,
        cells=tuple(cells),
        n_rows=bottom - top + 1,
        n_cols=right - left + 1,
        pages=(page,),
    )
