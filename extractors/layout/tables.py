"""Ruled PDF tables -> `Table`: cell geometry, merged-cell spans, stitching across pages.

pdfplumber's `find_tables` returns one bounding box per visible cell; a merged
cell is one big box. The grid is rebuilt from those boxes: every distinct cell
edge is a column (x) or row (y) boundary, and a box that crosses k boundaries
spans k+1 columns or rows. That is exact where pdfplumber's `None` placeholders
are only a hint. A table cut by a page break is stitched back by laying the
parts one under the other in document coordinates (`doctop`), so the same
geometry rule gives the spans of the stitched table.

A vertically merged cell cut by the page break (a host running several classes, a
主管部门 grouping) reaches the next page as an empty cell in the first rows of the
continuation. It is carried over, as a larger rowspan of the anchor on the page before,
when no rule is drawn above it, or when its column holds merged cells and its row
holds text (an empty cell there would otherwise be a blank in a full row).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Cell, Table
from .lines import Char, group_lines, line_text

__all__ = [
    "RawTable",
    "RulePage",
    "assign_chars",
    "can_continue",
    "find_raw_tables",
    "has_ruling",
    "stitch",
    "to_table",
]

_EDGE_TOLERANCE = 2.0  # points: cell edges closer than this are one grid line
_STITCH_TOLERANCE = 3.0  # points: outer edges of two parts of one table
_MIN_CUT_RULE = 5.0  # points: vertical rules shorter than this close no cut cell


@dataclass(slots=True)
class RawCell:
    x0: float
    top: float  # in document coordinates (page doctop + page y)
    x1: float
    bottom: float
    chars: list[Char] = field(default_factory=list)
    text: str = ""
    open_top: bool = False  # no rule drawn along its top edge (a cell cut by a page break)
    continues: RawCell | None = None  # the cell of the page before that this one goes on


@dataclass(slots=True)
class RawTable:
    """A table (or the parts of one, stitched) before it becomes a `Table`."""

    pages: list[int]
    cells: list[RawCell]
    top: float  # on its first page, page coordinates: for reading order
    bbox: tuple[float, float, float, float]  # last part, page coordinates
    col_edges: list[float]  # x boundaries of the last part

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def x1(self) -> float:
        return self.bbox[2]


class RulePage:
    """What `find_raw_tables` and `has_ruling` ask of a pdfplumber page, for rules read by
    another reader (pdfium's paths of a PDF page, an OFD page's path objects): pdfplumber's
    table finder runs on them as on a page pdfminer parsed.

    `objects` holds pdfplumber's `line`, `rect` and `curve` objects (page coordinates)."""

    def __init__(
        self,
        number: int,
        width: float,
        height: float,
        doctop: float,
        objects: dict[str, list[dict[str, Any]]],
    ) -> None:
        from pdfplumber.utils import obj_to_edges

        self.page_number = number
        self.initial_doctop = doctop
        self.rotation = 0
        self.width, self.height = width, height
        self.bbox = (0.0, 0.0, width, height)
        self.objects = {kind: objects.get(kind, []) for kind in ("line", "rect", "curve")}
        for kind in self.objects.values():
            for obj in kind:
                obj.setdefault("doctop", doctop + obj["top"])
        self.edges = [
            edge
            for kind in ("line", "rect", "curve")
            for obj in self.objects[kind]
            for edge in obj_to_edges(obj)
        ]

    def find_tables(self, table_settings: dict[str, Any] | None = None) -> list[Any]:
        from pdfplumber.table import TableFinder, TableSettings

        settings = TableSettings.resolve(table_settings)
        return list(TableFinder(self, settings).tables)  # type: ignore[arg-type]


def has_ruling(page: Any) -> bool:
    """True when the page draws at least two horizontal and two vertical rules.

    The table finder is by far the slowest step; a page of text (perhaps with
    the red rule under a 发文机关标志) cannot hold a ruled table, so it is skipped.
    """
    horizontal = vertical = 0
    for obj in page.objects.get("line", ()):
        if abs(obj["top"] - obj["bottom"]) < 1:
            horizontal += 1
        elif abs(obj["x0"] - obj["x1"]) < 1:
            vertical += 1
    for obj in page.objects.get("rect", ()):
        width, height = obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]
        horizontal += 2 if height > 2 else 1 if width > 2 else 0
        vertical += 2 if width > 2 else 1 if height > 2 else 0
    if page.objects.get("curve"):
        # Curves may draw rules too (some writers stroke table borders as paths).
        return True
    return horizontal >= 2 and vertical >= 2


def _cluster(values: Sequence[float]) -> list[float]:
    """Distinct boundaries: values closer than the tolerance collapse into their mean."""
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][0] <= _EDGE_TOLERANCE:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [sum(group) / len(group) for group in groups]


def _nearest(edges: Sequence[float], value: float) -> int:
    index = bisect.bisect_left(edges, value)
    if index == 0:
        return 0
    if index == len(edges):
        return len(edges) - 1
    return index if edges[index] - value < value - edges[index - 1] else index - 1


def _square_rules(page: Any) -> None:
    """Make rules that are level (or plumb) up to rounding exactly so.

    pdfplumber calls a line horizontal only when its top equals its bottom; a page
    turned by /Rotate leaves them a rounding error apart, and its table has no rules."""
    for obj in page.objects.get("line", ()):
        if obj["top"] != obj["bottom"] and abs(obj["top"] - obj["bottom"]) < 0.01:
            obj["bottom"] = obj["top"]
            obj["height"] = 0
        if obj["x0"] != obj["x1"] and abs(obj["x0"] - obj["x1"]) < 0.01:
            obj["x1"] = obj["x0"]
            obj["width"] = 0


def find_raw_tables(page: Any) -> list[RawTable]:
    """The ruled tables of one page with their cell boxes (text comes later)."""
    if getattr(page, "rotation", 0):
        _square_rules(page)
    offset = float(page.initial_doctop)
    tables: list[RawTable] = []
    cuts = _page_break_cuts(page.edges)
    rules = [e for e in page.edges if e["orientation"] == "h"]
    settings = {"explicit_horizontal_lines": cuts} if cuts else None
    for found in page.find_tables(table_settings=settings):
        boxes = [box for box in found.cells if box is not None]
        if len(boxes) < 2:
            # A single framed box is a text frame, not a table: its text stays a block.
            continue
        cells = [
            RawCell(
                x0, top + offset, x1, bottom + offset, open_top=not _ruled_above(rules, x0, x1, top)
            )
            for x0, top, x1, bottom in boxes
        ]
        col_edges = _cluster([c.x0 for c in cells] + [c.x1 for c in cells])
        if len(col_edges) <= 2:
            # Boxes stacked in one column are frames (a printed web page's bands of
            # background and borders around the article), not a table: text stays text.
            continue
        x0, top, x1, bottom = found.bbox
        tables.append(
            RawTable(
                pages=[int(page.page_number)],
                cells=cells,
                top=float(top),
                bbox=(float(x0), float(top), float(x1), float(bottom)),
                col_edges=col_edges,
            )
        )
    return tables


def _ruled_above(rules: Sequence[dict[str, Any]], x0: float, x1: float, top: float) -> bool:
    """Whether a horizontal rule runs along the top of the box (x0, x1) at `top`."""
    middle = (x0 + x1) / 2
    return any(
        abs(float(e["top"]) - top) <= _EDGE_TOLERANCE
        and float(e["x0"]) - _EDGE_TOLERANCE <= middle <= float(e["x1"]) + _EDGE_TOLERANCE
        for e in rules
    )


def _page_break_cuts(edges: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules that close the cells a page break cut open.

    A browser prints a table row that does not fit as two parts, drawing no rule
    where the page cuts them: the vertical rules then stop at the lowest ruled
    point of the page (or start at the highest one on the next page) with no
    horizontal rule there, and the cut cells are no boxes. A rule is added along
    the cut, between the outermost of those vertical rules."""
    vertical = [e for e in edges if e["orientation"] == "v" and e["height"] >= _MIN_CUT_RULE]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    if len(vertical) < 2:
        return []
    lowest = max(e["bottom"] for e in edges)
    highest = min(e["top"] for e in edges)
    cuts = []
    for y, side in ((lowest, "bottom"), (highest, "top")):
        ending = [e for e in vertical if abs(e[side] - y) <= _EDGE_TOLERANCE]
        if len(ending) < 2:
            continue
        x0 = min(e["x0"] for e in ending)
        x1 = max(e["x1"] for e in ending)
        closed = any(
            abs(e["top"] - y) <= _EDGE_TOLERANCE
            and e["x0"] <= x0 + _EDGE_TOLERANCE
            and e["x1"] >= x1 - _EDGE_TOLERANCE
            for e in horizontal
        )
        if not closed:
            cuts.append(
                {"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y}
                | {"width": x1 - x0, "height": 0.0}
            )
    return cuts


def assign_chars(tables: Sequence[RawTable], chars: Sequence[Char], offset: float) -> list[Char]:
    """Put each glyph into the cell under its centre; return the glyphs outside all tables."""
    grids = []
    for table in tables:
        xs = _cluster([c.x0 for c in table.cells] + [c.x1 for c in table.cells])
        ys = _cluster([c.top for c in table.cells] + [c.bottom for c in table.cells])
        where: dict[tuple[int, int], RawCell] = {}
        for cell in table.cells:
            for r in range(_nearest(ys, cell.top), _nearest(ys, cell.bottom)):
                for c in range(_nearest(xs, cell.x0), _nearest(xs, cell.x1)):
                    where[r, c] = cell
        grids.append((xs, ys, where))
    outside: list[Char] = []
    for char in chars:
        cx = (char["x0"] + char["x1"]) / 2
        cy = (char["top"] + char["bottom"]) / 2 + offset
        for xs, ys, where in grids:
            if xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]:
                column = bisect.bisect_right(xs, cx) - 1
                row = bisect.bisect_right(ys, cy) - 1
                target = where.get((row, column))
                if target is not None:
                    target.chars.append(char)
                    break
        else:
            # Outside every table, or inside a frame where pdfplumber found no cell:
            # such text stays in the running text rather than being lost.
            outside.append(char)
    for table in tables:
        for cell in table.cells:
            lines = (line_text(line) for line in group_lines(cell.chars))
            cell.text = "\n".join(line for line in lines if line)
            cell.chars = []
    return outside


def _first_row(table: RawTable) -> list[RawCell]:
    top = min(cell.top for cell in table.cells)
    return sorted(
        (cell for cell in table.cells if cell.top - top <= _EDGE_TOLERANCE), key=lambda c: c.x0
    )


def can_continue(previous: RawTable, following: RawTable) -> bool:
    """True when `following`, first on its page, continues `previous`, last on the page before.

    The outer edges must line up and most column boundaries must recur; a part
    may split a column further (a sub-table of a form), so the boundaries of the
    part with fewer columns need only be found among the other's.
    """
    if following.pages[0] != previous.pages[-1] + 1:
        return False
    if abs(previous.x0 - following.x0) > _STITCH_TOLERANCE:
        return False
    if abs(previous.x1 - following.x1) > _STITCH_TOLERANCE:
        return False
    inner_prev = previous.col_edges[1:-1]
    inner_next = following.col_edges[1:-1]
    fewer, more = sorted((inner_prev, inner_next), key=len)
    if not fewer:
        return True
    shared = sum(1 for x in fewer if any(abs(x - y) <= _STITCH_TOLERANCE for y in more))
    return shared * 2 >= len(fewer)


def stitch(previous: RawTable, following: RawTable) -> RawTable:
    """One table from two parts; a header row repeated on the new page is dropped."""
    cells = following.cells
    head_prev, head_next = _first_row(previous), _first_row(following)
    texts_prev = [cell.text for cell in head_prev]
    texts_next = [cell.text for cell in head_next]
    if texts_next == texts_prev and any(texts_next):
        repeated = {id(cell) for cell in head_next}
        cells = [cell for cell in cells if id(cell) not in repeated]
    # Snap the new part's column edges onto the previous part's where they agree,
    # so a 0.5 pt drift between pages does not make a sliver column.
    known = _cluster([c.x0 for c in previous.cells] + [c.x1 for c in previous.cells])
    for cell in cells:
        for name in ("x0", "x1"):
            value = getattr(cell, name)
            index = _nearest(known, value)
            if abs(known[index] - value) <= _STITCH_TOLERANCE:
                setattr(cell, name, known[index])
    _carry_merged(previous, cells)
    return RawTable(
        pages=previous.pages + following.pages,
        cells=previous.cells + cells,
        top=previous.top,
        bbox=following.bbox,
        col_edges=following.col_edges,
    )


def _spans_rows(cell: RawCell, ys: Sequence[float]) -> bool:
    return any(cell.top + _EDGE_TOLERANCE < y < cell.bottom - _EDGE_TOLERANCE for y in ys)


def _carry_merged(previous: RawTable, cells: Sequence[RawCell]) -> None:
    """Mark the empty cells that open the continuation as the rest of a merged cell above."""
    if not cells or not previous.cells:
        return
    top = min(cell.top for cell in cells)
    first_row = [cell for cell in cells if cell.top - top <= _EDGE_TOLERANCE]
    bottom = max(cell.bottom for cell in previous.cells)
    last_row = [cell for cell in previous.cells if bottom - cell.bottom <= _EDGE_TOLERANCE]
    ys = _cluster([c.top for c in previous.cells] + [c.bottom for c in previous.cells])
    row_has_text = any(cell.text.strip() for cell in first_row)
    for cell in first_row:
        if cell.text.strip():
            continue
        above = next(
            (
                c
                for c in last_row
                if abs(c.x0 - cell.x0) <= _STITCH_TOLERANCE
                and abs(c.x1 - cell.x1) <= _STITCH_TOLERANCE
            ),
            None,
        )
        if above is None:
            continue
        root = above
        while root.continues is not None:
            root = root.continues
        if not root.text.strip():
            continue
        column = [
            c
            for c in previous.cells
            if abs(c.x0 - cell.x0) <= _STITCH_TOLERANCE and abs(c.x1 - cell.x1) <= _STITCH_TOLERANCE
        ]
        merged_column = any(_spans_rows(c, ys) for c in column) and all(
            c.text.strip() or c.continues is not None for c in column
        )
        if cell.open_top or (row_has_text and merged_column):
            cell.continues = above


def to_table(raw: RawTable, *, order: int) -> Table:
    """The `Table` of a raw table: anchors with spans from the cell geometry."""
    xs = _cluster([c.x0 for c in raw.cells] + [c.x1 for c in raw.cells])
    ys = _cluster([c.top for c in raw.cells] + [c.bottom for c in raw.cells])
    cells: dict[tuple[int, int], Cell] = {}
    keys: dict[int, tuple[int, int]] = {}
    for raw_cell in raw.cells:
        row, col = _nearest(ys, raw_cell.top), _nearest(xs, raw_cell.x0)
        rowspan = max(1, _nearest(ys, raw_cell.bottom) - row)
        colspan = max(1, _nearest(xs, raw_cell.x1) - col)
        if (row, col) not in cells:
            cells[row, col] = Cell(row, col, raw_cell.text, rowspan, colspan)
            keys[id(raw_cell)] = (row, col)
    # Rows with no anchor left (a dropped repeated header) would be empty lines.
    used_rows = sorted(
        {r for cell in cells.values() for r in range(cell.row, cell.row + cell.rowspan)}
    )
    renumber = {old: new for new, old in enumerate(used_rows)}
    # A merged cell carried over a page break: its anchor reaches the continuation's end.
    ends: dict[tuple[int, int], int] = {}
    for raw_cell in raw.cells:
        root = raw_cell.continues
        while root is not None and root.continues is not None:
            root = root.continues
        key = keys.get(id(raw_cell))
        anchor = keys.get(id(root)) if root is not None else None
        if key is None or anchor is None or key == anchor or key not in cells:
            continue
        piece = cells.pop(key)
        ends[anchor] = max(ends.get(anchor, 0), piece.row + piece.rowspan - 1)
    final = []
    for cell in sorted(cells.values(), key=lambda c: (c.row, c.col)):
        last = renumber[max(cell.row + cell.rowspan - 1, ends.get((cell.row, cell.col), 0))]
        row = renumber[cell.row]
        final.append(Cell(row, cell.col, cell.text, last - row + 1, cell.colspan))
    return Table(
        order=order,
        page=raw.pages[0],
        cells=tuple(final),
        n_rows=len(used_rows),
        n_cols=max(1, len(xs) - 1),
        pages=tuple(raw.pages),
    )
