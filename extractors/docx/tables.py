"""Word table XML -> cells on the table grid, with the merges Word records.

Column positions are grid columns (`w:tblGrid`): a row may skip grid columns before
its first cell (`w:gridBefore`) or after its last (`w:gridAfter`), and a cell covers
`w:gridSpan` columns. A vertical merge is a `w:vMerge w:val="restart"` cell followed
by `w:vMerge` (continue) cells in the same grid column of the rows below; those
continuation cells are covered positions and produce no Cell.

When python-docx parsed the part (`extractors.docx`), rows and cells are its `CT_Row` /
`CT_Tc` elements and their `grid_before`, `grid_after`, `grid_span` and `vMerge` are
read through python-docx; `w:hMerge` (legacy) and content controls around cells, which
python-docx does not model, are read from the XML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from docx.oxml.table import CT_Row, CT_Tc
from lxml import etree

from ..model import Cell
from .styles import w

__all__ = ["TableGrid", "read_table_grid", "row_cells", "table_rows"]

_VAL = w("val")


@dataclass(slots=True)
class _Anchor:
    row: int
    col: int
    text: str
    rowspan: int
    colspan: int


@dataclass(frozen=True, slots=True)
class TableGrid:
    cells: tuple[Cell, ...]
    n_rows: int
    n_cols: int


def _children(el: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children named `tag`, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == w("customXml"):
            yield from _children(child, tag)


def table_rows(tbl: etree._Element) -> list[etree._Element]:
    return list(_children(tbl, w("tr")))


def row_cells(tr: etree._Element) -> list[etree._Element]:
    return list(_children(tr, w("tc")))


def _int_prop(parent: etree._Element | None, name: str, default: int) -> int:
    if parent is None:
        return default
    el = parent.find(w(name))
    if el is None:
        return default
    try:
        return max(int(el.get(_VAL, str(default))), 0)
    except ValueError:
        return default


def _model(read: Callable[[], object]) -> object:
    """A value read through python-docx's model; None when python-docx cannot read it."""
    try:
        return read()
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # an unreadable value: the XML reader decides


def _grid_span(tc: etree._Element, tcpr: etree._Element | None) -> int:
    span = _model(lambda: tc.grid_span) if isinstance(tc, CT_Tc) else None
    if not isinstance(span, int):
        span = _int_prop(tcpr, "gridSpan", 1)
    return max(span, 1)


def _row_grid(tr: etree._Element, trpr: etree._Element | None, name: str) -> int:
    attr = {"gridBefore": "grid_before", "gridAfter": "grid_after"}[name]
    value = _model(lambda: getattr(tr, attr)) if isinstance(tr, CT_Row) else None
    return value if isinstance(value, int) and value >= 0 else _int_prop(trpr, name, 0)


def _vmerge(tc: etree._Element, tcpr: etree._Element | None) -> str | None:
    if isinstance(tc, CT_Tc) and tcpr is not None and tcpr.find(w("vMerge")) is not None:
        value = _model(lambda: tc.vMerge)
        if isinstance(value, str):
            return "restart" if value == "restart" else "continue"
    return _merge_state(tcpr, "vMerge")


def _merge_state(tcpr: etree._Element | None, name: str) -> str | None:
    """The state of a w:vMerge / w:hMerge: "restart", "continue" (no val), or None."""
    if tcpr is None:
        return None
    el = tcpr.find(w(name))
    if el is None:
        return None
    return "restart" if el.get(_VAL) == "restart" else "continue"


def read_table_grid(tbl: etree._Element, cell_text: Callable[[etree._Element], str]) -> TableGrid:
    """The anchored cells of `tbl`; `cell_text` turns a w:tc into its text."""
    grid_cols = len(tbl.findall(f"{w('tblGrid')}/{w('gridCol')}"))
    rows = table_rows(tbl)
    anchors: list[_Anchor] = []
    open_merges: dict[int, _Anchor] = {}  # grid column -> cell a vMerge continues
    n_cols = grid_cols
    for r, tr in enumerate(rows):
        trpr = tr.find(w("trPr"))
        col = _row_grid(tr, trpr, "gridBefore")
        touched: set[int] = set()
        last: _Anchor | None = None
        for tc in row_cells(tr):
            tcpr = tc.find(w("tcPr"))
            span = _grid_span(tc, tcpr)
            if _merge_state(tcpr, "hMerge") == "continue" and last is not None:
                last.colspan += span  # legacy horizontal merge: widen the cell on the left
                col += span
                continue
            vmerge = _vmerge(tc, tcpr)
            above = open_merges.get(col)
            if vmerge == "continue" and above is not None:
                above.rowspan = r - above.row + 1
                last = above
            else:
                last = _Anchor(r, col, cell_text(tc), 1, span)
                anchors.append(last)
                if vmerge == "restart":
                    open_merges[col] = last
                else:
                    open_merges.pop(col, None)
            touched.add(col)
            col += span
        # A merge ends where a row has no continuation cell in its column.
        for stale in [c for c in open_merges if c not in touched]:
            del open_merges[stale]
        n_cols = max(n_cols, col + _row_grid(tr, trpr, "gridAfter"))
    cells = tuple(
        Cell(row=a.row, col=a.col, text=a.text, rowspan=a.rowspan, colspan=a.colspan)
        for a in anchors
    )
    return TableGrid(cells=cells, n_rows=len(rows), n_cols=n_cols)
