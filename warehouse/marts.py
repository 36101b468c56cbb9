"""Materialised views: analysts' queries answer from tables, not from a chain of views.

The views that resolve notices (renditions, the rows of each notice's primary
rendition), apply amendments and aggregate across years are expensive on a large
warehouse: computed at query time they took seconds on a million programme rows. Each of
them is marked `materialize` in `sql/build_order.txt`. For such an object its SQL file
still defines it — as `live.<name>` — and the warehouse keeps:

- `mart.<schema>__<name>`: a table holding its rows;
- `<schema>.<name>`: a view reading that table (what analysts query; its comments come
  from the catalog like every curated view).

A view defined later that names `curated.plan_projects` thus reads the materialised rows.

Keeping them current is incremental. Every load (and every derivation from raw) records
the (region, plan_year) of what it replaced and of what it wrote in `mart.pending`, in
the same transaction. `refresh` recomputes, in build order, only the rows of those keys:
objects with `region` and `plan_year` columns by those columns, objects with a
`notice_id` by the notices of those keys, objects with an `org_name` by the
organisations of those keys (as the objects before them held them, before and after
their refresh), the rest in full. The refresh is one
transaction and empties `mart.pending`; a run killed before it leaves the keys pending,
and the next run refreshes them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import duckdb

__all__ = ["PENDING", "Materialized", "create", "pending_keys", "refresh"]

log = logging.getLogger(__name__)

PENDING = "mart.pending"
_KEYS = "_mart_keys"
_NOTICES = "_mart_notices"
_ORGS = "_mart_orgs"
# A row `x` of one of the pending (region, plan_year) keys (NULLs match NULLs).
_OF_PENDING_KEYS = (
    f"EXISTS (SELECT 1 FROM {_KEYS} AS k WHERE k.region IS NOT DISTINCT FROM x.region "
    "AND k.plan_year IS NOT DISTINCT FROM x.plan_year)"
)


@dataclass(frozen=True)
class Materialized:
    schema: str  # staging | curated
    name: str

    @property
    def view(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def live(self) -> str:
        return f"live.{self.name}"

    @property
    def table(self) -> str:
        return f"mart.{self.schema}__{self.name}"


def create(con: duckdb.DuckDBPyConnection, obj: Materialized, order_by: str | None) -> None:
    """Fill a materialised table in full and point its view at it (schema build). The
    view keeps the order its SQL file gives (`order_by`)."""
    con.execute(f"CREATE OR REPLACE TABLE {obj.table} AS SELECT * FROM {obj.live}")
    order = f" ORDER BY {order_by}" if order_by else ""
    con.execute(f"CREATE OR REPLACE VIEW {obj.view} AS SELECT * FROM {obj.table}{order}")


def pending_keys(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(f"SELECT count(*) FROM {PENDING}").fetchone()
    return int(row[0]) if row else 0


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    schema, name = relation.split(".")
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ?",
        [schema, name],
    ).fetchall()
    return {r[0] for r in rows}


def _key_filter(columns: set[str]) -> str | None:
    if {"region", "plan_year"} <= columns:
        return _OF_PENDING_KEYS
    if "notice_id" in columns:
        return f"x.notice_id IN (SELECT notice_id FROM {_NOTICES})"
    if "org_name" in columns:
        return f"x.org_name IN (SELECT org_name FROM {_ORGS})"
    return None


def _collect(con: duckdb.DuckDBPyConnection, obj: Materialized, columns: set[str]) -> None:
    """Add the notices and organisations of the pending keys, as `obj` holds them now."""
    if not {"region", "plan_year"} <= columns:
        return
    if "notice_id" in columns:
        con.execute(
            f"INSERT INTO {_NOTICES} SELECT DISTINCT x.notice_id FROM {obj.table} AS x "
            f"WHERE {_OF_PENDING_KEYS}"
        )
    if "org_name" in columns:
        con.execute(
            f"INSERT INTO {_ORGS} SELECT DISTINCT x.org_name FROM {obj.table} AS x "
            f"WHERE {_OF_PENDING_KEYS}"
        )


def refresh(con: duckdb.DuckDBPyConnection, objects: list[Materialized]) -> int:
    """Recompute the rows of the pending keys in every materialised table; returns the
    number of keys refreshed (0: nothing was pending, nothing was done)."""
    n_keys = pending_keys(con)
    if not n_keys:
        return 0
    started = time.perf_counter()
    con.begin()
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_KEYS} AS "
            f"SELECT DISTINCT region, plan_year FROM {PENDING}"
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_NOTICES} (notice_id VARCHAR)")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_ORGS} (org_name VARCHAR)")
        for obj in objects:
            columns = _columns(con, obj.table)
            _collect(con, obj, columns)  # the notices and organisations before the refresh
            where = _key_filter(columns)
            if where is None:
                con.execute(f"DELETE FROM {obj.table}")
                con.execute(f"INSERT INTO {obj.table} SELECT * FROM {obj.live}")
            else:
                con.execute(f"DELETE FROM {obj.table} AS x WHERE {where}")
                con.execute(f"INSERT INTO {obj.table} SELECT * FROM {obj.live} AS x WHERE {where}")
            _collect(con, obj, columns)  # and after it
        con.execute(f"DELETE FROM {PENDING}")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    log.debug("refreshed %d keys in %.2f s", n_keys, time.perf_counter() - started)
    return n_keys
