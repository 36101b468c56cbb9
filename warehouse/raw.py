"""`raw`: a document's extraction as rows, and the `Document` back from those rows.

`raw` holds everything an extractor produced (text blocks, tables and their cells,
links, the document's own notes and problems), so that staging can be derived again
from `raw` alone — `noticeflow rebuild` and an ingest after a rule change read no file.
`document_rows` and `read_document` are inverses: `read_document(document_rows(d)) == d`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import duckdb

from extractors.model import Block, Cell, Document, Link, Table

__all__ = ["document_rows", "read_document"]


def document_rows(
    doc: Document, *, doc_id: str, targets: Sequence[tuple[Link, str]] = ()
) -> dict[str, list[dict[str, Any]]]:
    """The raw rows of one extracted document (raw.documents excepted).

    `targets` pairs attachment links with the document each was read as.
    """
    target_of = {(link.text, link.href): target for link, target in targets}
    return {
        "raw.text_blocks": [
            {
                "doc_id": doc_id,
                "item_no": b.order,
                "page": b.page,
                "kind": b.kind,
                "style": json.dumps(list(b.style), ensure_ascii=False) if b.style else None,
                "text": b.text,
            }
            for b in doc.blocks
        ],
        "raw.tables": [
            {
                "doc_id": doc_id,
                "table_no": table_no,
                "item_no": t.order,
                "page": t.page,
                "n_rows": t.n_rows,
                "n_cols": t.n_cols,
                "pages": list(t.pages),
            }
            for table_no, t in enumerate(doc.tables, start=1)
        ],
        "raw.table_cells": [
            {
                "doc_id": doc_id,
                "table_no": table_no,
                "item_no": t.order,
                "page": t.page,
                "row": c.row,
                "col": c.col,
                "rowspan": c.rowspan,
                "colspan": c.colspan,
                "text": c.text,
            }
            for table_no, t in enumerate(doc.tables, start=1)
            for c in t.cells
        ],
        "raw.links": [
            {
                "doc_id": doc_id,
                "link_no": i,
                "text": link.text,
                "href": link.href,
                "role": link.role,
                "target_doc_id": target_of.get((link.text, link.href))
                if link.role == "attachment"
                else None,
            }
            for i, link in enumerate(doc.links, start=1)
        ],
    }


def _style(text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(text)) if text else ()


def read_document(con: duckdb.DuckDBPyConnection, doc_id: str) -> Document | None:
    """The `Document` raw holds for `doc_id`; None when it has none (a failed file)."""
    head = con.execute(
        "SELECT source_uri, media_type, n_pages, title, published_text, ocr_used, "
        "ocr_confidence, meta FROM raw.documents WHERE doc_id = ? AND media_type IS NOT NULL "
        "AND status <> 'failed'",
        [doc_id],
    ).fetchone()
    if head is None:
        return None
    source_uri, media_type, n_pages, title, published, ocr_used, ocr_confidence, meta = head
    blocks = tuple(
        Block(order=order, page=page, text=text or "", kind=kind or "paragraph", style=_style(st))
        for order, page, kind, st, text in con.execute(
            "SELECT item_no, page, kind, style, text FROM raw.text_blocks WHERE doc_id = ? "
            "ORDER BY item_no",
            [doc_id],
        ).fetchall()
    )
    cells: dict[int, list[Cell]] = {}
    for table_no, row, col, rowspan, colspan, text in con.execute(
        'SELECT table_no, "row", col, rowspan, colspan, text FROM raw.table_cells '
        "WHERE doc_id = ? ORDER BY table_no, rowid",
        [doc_id],
    ).fetchall():
        cells.setdefault(table_no, []).append(
            Cell(row=row, col=col, text=text or "", rowspan=rowspan, colspan=colspan)
        )
    tables = tuple(
        Table(
            order=order,
            page=page,
            cells=tuple(cells.get(table_no, ())),
            n_rows=n_rows,
            n_cols=n_cols,
            pages=tuple(pages or ()),
        )
        for table_no, order, page, n_rows, n_cols, pages in con.execute(
            "SELECT table_no, item_no, page, n_rows, n_cols, pages FROM raw.tables "
            "WHERE doc_id = ? ORDER BY table_no",
            [doc_id],
        ).fetchall()
    )
    links = tuple(
        Link(text=text or "", href=href or "", role=role)
        for text, href, role in con.execute(
            "SELECT text, href, role FROM raw.links WHERE doc_id = ? ORDER BY link_no", [doc_id]
        ).fetchall()
    )
    problems = tuple(
        message
        for (message,) in con.execute(
            "SELECT message FROM raw.problems WHERE doc_id = ? AND stage = 'extract' "
            "ORDER BY rowid",
            [doc_id],
        ).fetchall()
    )
    return Document(
        doc_id=doc_id,
        source_uri=source_uri,
        media_type=media_type,
        blocks=blocks,
        tables=tables,
        n_pages=n_pages,
        title=title,
        published_date=published,
        links=links,
        problems=problems,
        ocr_used=bool(ocr_used),
        ocr_confidence=ocr_confidence,
        meta=json.loads(meta) if meta else {},
    )
