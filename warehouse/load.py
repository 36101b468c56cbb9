"""Idempotent loading, one document per transaction.

A `LoadUnit` is everything one input file produced: its extraction (or the
reason it failed) and its domain records. Loading deletes every row that the
same document, or an earlier version of the same source, left in any layer and
inserts the new rows, all in one transaction: a failure rolls back and leaves
the previous state, never a half-loaded document.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from extractors.model import Document
from normalizers.records import table_of

from .errors import WarehouseError

__all__ = ["LoadUnit", "Warehouse", "record_table"]

log = logging.getLogger(__name__)

# Record types declare their table with `normalizers.records.stored_in`; these are
# every table that holds rows per producing document (column doc_id), in deletion order.
_RAW_TABLES = ("raw.text_blocks", "raw.table_cells", "raw.links", "raw.problems")


def record_table(record: object) -> str:
    """The table a domain record is loaded into, as its type declared it."""
    table = table_of(type(record))
    if table is None:
        name = type(record).__name__
        raise WarehouseError(f"no warehouse table for records of type {name}")
    return table


@dataclass(frozen=True)
class LoadUnit:
    """What one input file produced, ready to load."""

    doc_id: str
    source_uri: str
    status: str  # ok | partial | failed
    media_type: str | None = None
    error: str | None = None
    n_bytes: int | None = None
    parent_doc_id: str | None = None
    role: str | None = None  # notice | form | other
    document: Document | None = None
    records: Sequence[object] = ()
    problems: Sequence[tuple[str, str]] = ()  # (stage, message)
    ingested_at: datetime = field(default_factory=datetime.now)


def _plain(value: Any) -> Any:
    if isinstance(value, dict | list | tuple) and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _record_rows(unit: LoadUnit) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for record in unit.records:
        if not dataclasses.is_dataclass(record) or isinstance(record, type):
            raise WarehouseError(f"cannot load {record!r}: records must be dataclass instances")
        renames: dict[str, str] = getattr(type(record), "__warehouse_renames__", {})
        row = {
            renames.get(f.name, f.name): _plain(getattr(record, f.name))
            for f in dataclasses.fields(record)
        }
        row["doc_id"] = unit.doc_id
        rows.setdefault(record_table(record), []).append(row)
    return rows


def _document_rows(unit: LoadUnit) -> dict[str, list[dict[str, Any]]]:
    doc = unit.document
    rows: dict[str, list[dict[str, Any]]] = {
        "raw.problems": [
            {"doc_id": unit.doc_id, "stage": stage, "message": message}
            for stage, message in unit.problems
        ]
    }
    if doc is None:
        return rows
    rows["raw.text_blocks"] = [
        {
            "doc_id": unit.doc_id,
            "item_no": b.order,
            "page": b.page,
            "kind": b.kind,
            "style": " ".join(b.style) or None,
            "text": b.text,
        }
        for b in doc.blocks
    ]
    rows["raw.table_cells"] = [
        {
            "doc_id": unit.doc_id,
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
    ]
    rows["raw.links"] = [
        {"doc_id": unit.doc_id, "link_no": i, "text": link.text, "href": link.href}
        for i, link in enumerate((k for k in doc.links if k.role == "attachment"), start=1)
    ]
    return rows


class Warehouse:
    """A writable warehouse connection with idempotent per-document loads."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._doc_tables: tuple[str, ...] | None = None

    def doc_tables(self) -> tuple[str, ...]:
        """Every table holding rows per producing document: raw's, then those of staging
        and private that have a `doc_id` column (the tables records declare)."""
        if self._doc_tables is None:
            rows = self.con.execute(
                "SELECT DISTINCT schema_name || '.' || table_name FROM duckdb_columns() "
                "WHERE database_name = current_database() AND column_name = 'doc_id' "
                "AND schema_name IN ('staging', 'private') ORDER BY 1"
            ).fetchall()
            self._doc_tables = (*_RAW_TABLES, *(r[0] for r in rows))
        return self._doc_tables

    def is_loaded(self, doc_id: str) -> bool:
        row = self.con.execute("SELECT 1 FROM raw.documents WHERE doc_id = ?", [doc_id]).fetchone()
        return row is not None

    def _delete(self, doc_ids: Iterable[str]) -> None:
        ids = list(doc_ids)
        if not ids:
            return
        for table in self.doc_tables():
            self.con.execute(f"DELETE FROM {table} WHERE doc_id IN ?", [ids]).fetchall()
        self.con.execute("DELETE FROM raw.documents WHERE doc_id IN ?", [ids])

    def _insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        arrow = pa.Table.from_pylist(rows)
        self.con.register("_incoming", arrow)
        try:
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
        finally:
            self.con.unregister("_incoming")

    def load(self, unit: LoadUnit) -> int:
        """Replace everything `unit`'s document (or an older version of its source) left.

        Returns the number of rows inserted. Raises WarehouseError after rolling back.
        """
        doc = unit.document
        document_row = {
            "doc_id": unit.doc_id,
            "source_uri": unit.source_uri,
            "media_type": unit.media_type,
            "parent_doc_id": unit.parent_doc_id,
            "status": unit.status,
            "error": unit.error,
            "n_pages": doc.n_pages if doc else None,
            "n_tables": len(doc.tables) if doc else None,
            "n_bytes": unit.n_bytes,
            "title": doc.title if doc else None,
            "published_text": doc.published_date if doc else None,
            "ocr_used": doc.ocr_used if doc else None,
            "ocr_confidence": doc.ocr_confidence if doc else None,
            "role": unit.role,
            "ingested_at": unit.ingested_at,
        }
        tables = {"raw.documents": [document_row], **_document_rows(unit), **_record_rows(unit)}
        self.con.begin()
        try:
            # An older version of the same source (the file changed) is replaced too.
            stale = [
                r[0]
                for r in self.con.execute(
                    "SELECT doc_id FROM raw.documents WHERE doc_id = ? OR source_uri = ?",
                    [unit.doc_id, unit.source_uri],
                ).fetchall()
            ]
            self._delete(stale)
            for table, rows in tables.items():
                self._insert(table, rows)
            self.con.commit()
        except Exception as e:
            self.con.rollback()
            raise WarehouseError(
                f"loading {unit.source_uri} failed and was rolled back: {e}"
            ) from e
        return sum(len(rows) for rows in tables.values())

    def table_counts(self) -> dict[str, int]:
        """Row counts of every table and view in the warehouse's own schemas."""
        names = self.con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() "
            "UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() "
            "WHERE database_name = current_database() AND NOT internal ORDER BY 1"
        ).fetchall()
        counts: dict[str, int] = {}
        for (name,) in names:
            row = self.con.execute(f"SELECT count(*) FROM {name}").fetchone()
            counts[name] = int(row[0]) if row else 0
        return counts
