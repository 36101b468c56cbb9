"""ODT table XML -> cells on the table grid, with the spans the ODT records.

Every `table:table-cell` and `table:covered-table-cell` takes one grid column (times
`table:number-columns-repeated`) and a row counts `table:number-rows-repeated` times. A
cell's `table:number-columns-spanned` / `table:number-rows-spanned` become
colspan/rowspan; the covered cells produce no Cell. Rows may sit in header rows, rows
and row groups; `text:soft-page-break` may fall between rows or between cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from ..model import Cell
from .odt_xml import CELL, COVERED, ROW, ROW_GROUPS, SOFT, TABLE, int_attr, q

__all__ = ["TableGrid", "grid_positions", "read_table_grid", "table_rows"]


@dataclass(frozen=True, slots=True)
class TableGrid:
    cells: tuple[Cell, ...]
    n_rows: int
    n_cols: int


def table_rows(table: etree._Element) -> list[etree._Element]:
    """The rows of a table in order, row groups flattened."""
    rows: list[etree._Element] = []
    for child in table:
        if child.tag == ROW:
            rows.append(child)
        elif child.tag in ROW_GROUPS:
            rows.extend(table_rows(child))
    return rows


def grid_positions(root: etree._Element) -> int:
    """Grid positions (cells and covered cells) of the top-level tables below `root`."""
    total = 0
    for table in root.iter(TABLE):
        if any(a.tag == TABLE for a in table.iterancestors()):
            continue
        for row in table_rows(table):
            width = sum(
                int_attr(c, "table:number-columns-repeated")
                for c in row
                if c.tag in (CELL, COVERED)
            )
            total += width * int_attr(row, "table:number-rows-repeated")
    return total


def _row_items(el: etree._Element) -> list[etree._Element | None]:
    """Rows in order, with None where a soft page break falls between rows."""
    items: list[etree._Element | None] = []
    for child in el:
        if child.tag == ROW:
            items.append(child)
        elif child.tag == SOFT:
            items.append(None)
        elif child.tag in ROW_GROUPS:
            items.extend(_row_items(child))
    return items


def read_table_grid(
    table: etree._Element,
    *,
    cell_text: Callable[[etree._Element], str],
    page_break: Callable[[], None],
) -> TableGrid:
    """The cells of one `table:table`.

    `cell_text` gives a cell's text (once per cell and repeated row, in reading order);
    `page_break` is called for each soft page break between rows or cells.
    """
    cells: list[Cell] = []
    n_cols = sum(
        int_attr(c, "table:number-columns-repeated")
        for c in table.iter(q("table:table-column"))
        if c.getparent() is table or c.getparent().getparent() is table
    )
    r = 0
    for item in _row_items(table):
        if item is None:
            page_break()
            continue
        for _ in range(int_attr(item, "table:number-rows-repeated")):
            col = 0
            for cell in item:
                repeat = int_attr(cell, "table:number-columns-repeated")
                if cell.tag == CELL:
                    text = cell_text(cell)
                    for k in range(repeat):
                        cells.append(
                            Cell(
                                row=r,
                                col=col + k,
                                text=text,
                                rowspan=int_attr(cell, "table:number-rows-spanned"),
                                colspan=int_attr(cell, "table:number-columns-spanned"),
                            )
                        )
                if cell.tag in (CELL, COVERED):
                    col += repeat
                elif cell.tag == SOFT:
                    page_break()
            n_cols = max(n_cols, col)
            r += 1
    return TableGrid(cells=tuple(cells), n_rows=r, n_cols=n_cols)
