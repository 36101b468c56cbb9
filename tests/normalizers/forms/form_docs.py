"""Build small Documents by hand for the form reader tests (no extractor involved)."""

from __future__ import annotations

from collections.abc import Sequence

from extractors.model import Block, Cell, Document, Table

# A position covered by the merge of the cell to its left / above, in a `rows` grid.
LEFT = "<"
UP = "^"


def table(rows: Sequence[Sequence[str]], *, order: int = 0, page: int | None = 1) -> Table:
    """A table from a grid where LEFT / UP mark positions merged into a neighbour."""
    n_rows, n_cols = len(rows), max(len(row) for row in rows)
    grid = [list(row) + [""] * (n_cols - len(row)) for row in rows]
    cells: list[Cell] = []
    for r in range(n_rows):
        for c in range(n_cols):
            if grid[r][c] in (LEFT, UP):
                continue
            colspan = 1
            while c + colspan < n_cols and grid[r][c + colspan] == LEFT:
                colspan += 1
            rowspan = 1
            while r + rowspan < n_rows and grid[r + rowspan][c] == UP:
                rowspan += 1
            cells.append(Cell(row=r, col=c, text=grid[r][c], rowspan=rowspan, colspan=colspan))
    return Table(order=order, page=page, cells=tuple(cells), n_rows=n_rows, n_cols=n_cols)


def document(
    before: Sequence[str] = (),
    tables: Sequence[Sequence[Sequence[str]]] = (),
    after: Sequence[str] = (),
    *,
    doc_id: str = "form-1",
    title_kind: str = "paragraph",
) -> Document:
    """Lines before the tables, the tables, lines after them, in that reading order."""
    blocks: list[Block] = []
    built: list[Table] = []
    order = 0
    for text in before:
        blocks.append(Block(order=order, page=1, text=text, kind=title_kind))
        order += 1
    for rows in tables:
        built.append(table(rows, order=order))
        order += 1
    for text in after:
        blocks.append(Block(order=order, page=1, text=text))
        order += 1
    return Document(
        doc_id=doc_id,
        source_uri=f"memory://{doc_id}",
        media_type="docx",
        blocks=tuple(blocks),
        tables=tuple(built),
    )
