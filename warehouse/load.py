"""Idempotent loading, one document per transaction.

A `LoadUnit` is everything one input file produced: its extraction (or the
reason it failed) and its domain records. Loading deletes every row that the
same document, or an earlier version of the same source, left in any layer and
inserts the new rows, all in one transaction: a failure rolls back and leaves
the previous state, never a half-loaded document.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import duckdb

from extractors.model import Document, Link

from . import http_cache
from .db import materialized
from .errors import WarehouseError
from .http_cache import CachedResponse
from .marts import PENDING, pending_keys
from .marts import refresh as refresh_marts
from .raw import read_document
from .unit import LoadUnit, problem_rows, record_rows, record_table_of, unit_rows

__all__ = ["LoadUnit", "Warehouse"]

log = logging.getLogger(__name__)

R = TypeVar("R")

# Record types declare their table with `normalizers.records.stored_in`; these are
# every table that holds rows per producing document (column doc_id), in deletion order.
_RAW_TABLES = ("raw.text_blocks", "raw.tables", "raw.table_cells", "raw.links", "raw.problems")


class Warehouse:
    """A warehouse connection with idempotent per-document loads (writable), and the
    questions a run asks before it writes anything (a read-only one does for those).

    `changed` becomes True once a document is loaded or derived again: a write session
    (warehouse/session.py) then stores a new change token when it commits.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, *, auto_refresh: bool = True) -> None:
        """`auto_refresh`: bring the materialised views up to date after every load (for a
        few loads at a time); a run of many loads passes False and calls `refresh` once."""
        self.con = con
        self.auto_refresh = auto_refresh
        self.changed = False
        self.touched: set[str] = set()  # documents loaded or derived again
        self._doc_tables: tuple[str, ...] | None = None

    def doc_tables(self) -> tuple[str, ...]:
        """Every table holding rows per producing document: raw's, then those of staging
        and private that have a `doc_id` column (the tables records declare)."""
        if self._doc_tables is None:
            rows = self.con.execute(
                "SELECT DISTINCT c.schema_name || '.' || c.table_name FROM duckdb_columns() c "
                "JOIN duckdb_tables() t ON t.database_name = c.database_name "
                "AND t.schema_name = c.schema_name AND t.table_name = c.table_name "
                "WHERE c.database_name = current_database() AND c.column_name = 'doc_id' "
                "AND c.schema_name IN ('staging', 'private') ORDER BY 1"
            ).fetchall()
            self._doc_tables = (*_RAW_TABLES, *(r[0] for r in rows))
        return self._doc_tables

    # Materialised views (warehouse.marts).
    def _mark_pending(self, doc_ids: Sequence[str]) -> None:
        """Record the (region, plan_year) of what these documents hold: their notices,
        their programmes, and the notice of the page they are attached to."""
        if not doc_ids:
            return
        self.con.execute(
            f"INSERT INTO {PENDING} "
            "SELECT region, plan_year FROM staging.notices WHERE doc_id IN $ids "
            "UNION SELECT region, plan_year FROM staging.plan_projects WHERE doc_id IN $ids "
            "UNION SELECT n.region, n.plan_year FROM staging.notices AS n "
            "JOIN raw.documents AS d ON d.parent_doc_id = n.doc_id WHERE d.doc_id IN $ids",
            {"ids": list(doc_ids)},
        )

    def pending_refresh(self) -> int:
        """How many (region, plan_year) keys the materialised views still have to catch up."""
        return pending_keys(self.con)

    def refresh(self) -> int:
        """Bring the materialised views up to date; the number of keys refreshed."""
        return refresh_marts(self.con, materialized())

    def is_loaded(self, doc_id: str) -> bool:
        row = self.con.execute("SELECT 1 FROM raw.documents WHERE doc_id = ?", [doc_id]).fetchone()
        return row is not None

    def is_current(self, doc_id: str, extractor_version: str) -> bool:
        """Loaded, and extracted by this extractor version (else it is read again)."""
        row = self.con.execute(
            "SELECT 1 FROM raw.documents WHERE doc_id = ? AND extractor_version = ?",
            [doc_id, extractor_version],
        ).fetchone()
        return row is not None

    def current_of(self, doc_ids: Iterable[str], extractor_version: str) -> set[str]:
        """Those of `doc_ids` that are loaded and were extracted by `extractor_version`."""
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return set()
        rows = self.con.execute(
            "SELECT doc_id FROM raw.documents WHERE doc_id IN (SELECT unnest(?)) "
            "AND extractor_version = ?",
            [ids, extractor_version],
        ).fetchall()
        return {str(r[0]) for r in rows}

    def links_of_pages(self, doc_ids: Iterable[str]) -> dict[str, list[Link]]:
        """doc_id -> the links (as written) of each of `doc_ids` that is a loaded notice page."""
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return {}
        rows = self.con.execute(
            "SELECT links.doc_id, links.text, links.href FROM raw.links AS links "
            "JOIN raw.documents AS page ON page.doc_id = links.doc_id "
            "WHERE links.doc_id IN (SELECT unnest(?)) AND page.role = 'notice' "
            "ORDER BY links.doc_id, links.link_no",
            [ids],
        ).fetchall()
        pages: dict[str, list[Link]] = {}
        for doc_id, text, href in rows:
            pages.setdefault(str(doc_id), []).append(Link(str(text or ""), str(href or "")))
        return pages

    # The HTTP cache (raw.http_cache): validators per fetched URL.
    def cached_response(self, url: str) -> CachedResponse | None:
        """What the last full download of `url` gave, or None."""
        return http_cache.get_cached(self.con, url)

    def remember_response(
        self,
        url: str,
        *,
        role: str,
        final_url: str | None = None,
        doc_id: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Record a full download of `url` (replacing the previous one)."""
        http_cache.put_cached(
            self.con,
            url,
            role=role,
            final_url=final_url,
            doc_id=doc_id,
            etag=etag,
            last_modified=last_modified,
        )

    def mark_checked(self, url: str) -> None:
        """Record that `url` was asked again and answered 304 (not modified)."""
        http_cache.mark_checked(self.con, url)

    def attachments_of(self, doc_id: str) -> list[tuple[str, str]]:
        """(source_uri, doc_id) of the documents loaded as attachments of page `doc_id`."""
        return http_cache.attachments_of(self.con, doc_id)

    # Deriving staging again from raw.
    def derivable(self, *, stale_for: str | None = None) -> list[tuple[str, str | None]]:
        """(doc_id, parent_doc_id) of every document raw holds an extraction of, parents
        first; only those derived by another normalizer version than `stale_for`, if given."""
        sql = (
            "SELECT doc_id, parent_doc_id FROM raw.documents WHERE status <> 'failed' "
            "AND media_type IS NOT NULL AND extractor_version IS NOT NULL"
        )
        params: list[object] = []
        if stale_for is not None:
            sql += " AND normalizer_version IS DISTINCT FROM ?"
            params.append(stale_for)
        sql += " ORDER BY parent_doc_id IS NOT NULL, source_uri, doc_id"
        return [(r[0], r[1]) for r in self.con.execute(sql, params).fetchall()]

    def read_document(self, doc_id: str) -> Document | None:
        """The extraction raw holds for `doc_id` (None for a failed file)."""
        return read_document(self.con, doc_id)

    def kept_problems(self, doc_id: str) -> list[tuple[str, str]]:
        """A document's problems of every stage but `normalize`, as recorded."""
        rows = self.con.execute(
            "SELECT stage, message FROM raw.problems WHERE doc_id = ? AND stage <> 'normalize' "
            "ORDER BY rowid",
            [doc_id],
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def link_targets(self, doc_id: str) -> list[tuple[Link, str]]:
        """A page's attachment links with the documents they were read as."""
        rows = self.con.execute(
            "SELECT text, href, role, target_doc_id FROM raw.links WHERE doc_id = ? "
            "AND target_doc_id IS NOT NULL ORDER BY link_no",
            [doc_id],
        ).fetchall()
        return [(Link(text=r[0] or "", href=r[1] or "", role=r[2]), r[3]) for r in rows]

    def records_of(self, record_type: type[R], doc_id: str) -> list[R]:
        """The records of `record_type` that `doc_id` produced, read back from the table the
        type declares (in load order)."""
        table = record_table_of(record_type)
        if table not in self.doc_tables():
            raise WarehouseError(f"{table} holds no rows per document")
        renames: dict[str, str] = getattr(record_type, "__warehouse_renames__", {})
        columns = {renames.get(f.name, f.name): f.name for f in dataclasses.fields(record_type)}  # type: ignore[arg-type]
        cursor = self.con.execute(
            f"SELECT * FROM {table} WHERE doc_id = ? ORDER BY rowid", [doc_id]
        )
        names = [d[0] for d in cursor.description or ()]
        return [
            record_type(**{columns[n]: v for n, v in zip(names, row, strict=True) if n in columns})
            for row in cursor.fetchall()
        ]

    def rederive(
        self,
        doc_id: str,
        *,
        role: str | None,
        records: Sequence[object],
        problems: Sequence[tuple[str, str]],
        status: str,
        error: str | None,
        normalizer_version: str,
    ) -> int:
        """Replace what a document's raw extraction was derived into, raw left as it is.

        `problems` are the document's problems of every stage (normalize included); its
        staging and private rows are replaced by `records`. One transaction.
        """
        unit = LoadUnit(doc_id=doc_id, source_uri="", status=status, records=records)
        tables = record_rows(unit)
        self.con.begin()
        try:
            self._mark_pending([doc_id])
            for table in self.doc_tables():
                if not table.startswith("raw."):
                    self.con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])
            self.con.execute("DELETE FROM raw.problems WHERE doc_id = ?", [doc_id])
            self._insert("raw.problems", problem_rows(doc_id, problems))
            for table, rows in tables.items():
                self._insert(table, rows)
            self.con.execute(
                "UPDATE raw.documents SET role = ?, status = ?, error = ?, normalizer_version = ? "
                "WHERE doc_id = ?",
                [role, status, error, normalizer_version, doc_id],
            )
            self._mark_pending([doc_id])
            self.con.commit()
            self.changed = True
            self.touched.add(doc_id)
        except Exception as e:
            self.con.rollback()
            raise WarehouseError(f"deriving {doc_id} again failed and was rolled back: {e}") from e
        if self.auto_refresh:
            self.refresh()
        return sum(len(rows) for rows in tables.values())

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
        import pyarrow as pa  # only writers need it; planning a run does not

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
        tables = unit_rows(unit)
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
            self._mark_pending(stale)
            self._delete(stale)
            for table, rows in tables.items():
                self._insert(table, rows)
            self._mark_pending([unit.doc_id])
            self.con.commit()
            self.changed = True
            self.touched.add(unit.doc_id)
        except Exception as e:
            self.con.rollback()
            raise WarehouseError(
                f"loading {unit.source_uri} failed and was rolled back: {e}"
            ) from e
        if self.auto_refresh:
            self.refresh()
        return sum(len(rows) for rows in tables.values())

    def load_many(self, units: Sequence[LoadUnit]) -> list[int] | None:
        """Load `units` as `load` would one after the other, in one transaction and one
        insert per table: many small documents load several times faster.

        Returns the rows inserted per unit; None, with nothing loaded, when they cannot
        go together (two of them the same document or source, or any statement failed):
        then load them one by one, which tells which one fails.
        """
        ids = [unit.doc_id for unit in units]
        uris = [unit.source_uri for unit in units]
        if len(set(ids)) < len(ids) or len(set(uris)) < len(uris):
            return None
        per_unit = [unit_rows(unit) for unit in units]
        tables: dict[str, list[dict[str, Any]]] = {}
        for rows in per_unit:
            for table, table_rows in rows.items():
                tables.setdefault(table, []).extend(table_rows)
        self.con.begin()
        try:
            stale = [
                r[0]
                for r in self.con.execute(
                    "SELECT doc_id FROM raw.documents WHERE doc_id IN (SELECT unnest($ids)) "
                    "OR source_uri IN (SELECT unnest($uris))",
                    {"ids": ids, "uris": uris},
                ).fetchall()
            ]
            self._mark_pending(stale)
            self._delete(stale)
            for table, together in tables.items():
                self._insert(table, together)
            self._mark_pending(ids)
            self.con.commit()
        except Exception as e:
            self.con.rollback()
            log.debug("loading %d documents together failed, one by one instead: %s", len(ids), e)
            return None
        self.changed = True
        self.touched.update(ids)
        if self.auto_refresh:
            self.refresh()
        return [sum(len(table_rows) for table_rows in rows.values()) for rows in per_unit]

    def run_checks(self, documents: Iterable[str] | None = None) -> dict[str, int]:
        """The data checks (`warehouse.checks.run_checks`); with `documents`, the scan for
        personal data reads only their rows of the per-document tables."""
        from .checks import run_checks

        return run_checks(self.con, None if documents is None else set(documents))

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
