"""Connections and schema: the only place that opens DuckDB.

SQL lives in `warehouse/sql/{raw,staging,curated,checks}/*.sql`, one object per
file, created in the order of `sql/build_order.txt` (the dashboard's read queries
are in `sql/dashboard/`). Building is idempotent
(`CREATE ... IF NOT EXISTS` for tables, `CREATE OR REPLACE` for views).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from importlib import resources
from pathlib import Path

import duckdb

from .catalog import apply_comments, catalog
from .errors import WarehouseError
from .marts import PENDING, Materialized
from .marts import create as create_mart

__all__ = [
    "READ_ONLY_STATEMENTS",
    "SCHEMAS",
    "build_schema",
    "check_queries",
    "connect",
    "refuse_writes",
    "sql_text",
]

log = logging.getLogger(__name__)

SCHEMAS = ("raw", "staging", "curated", "private", "live", "mart")

# A read-only connection touches nothing but the warehouse file: no files read or
# written (COPY TO, read_csv, ATTACH of files), no extensions installed or loaded, and
# no setting can be changed back afterwards.
_SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
READ_ONLY_STATEMENTS = ("SELECT", "EXPLAIN", "PRAGMA", "CALL")


def sql_text(relative: str) -> str:
    """The text of one SQL file below warehouse/sql/."""
    return resources.files("warehouse").joinpath("sql", relative).read_text(encoding="utf-8")


_FINAL_ORDER = re.compile(r"\bORDER BY ([^;()]+);\s*$")


def _build_entries() -> list[tuple[str, bool]]:
    """(file, materialised?) in build order; `materialize` after a file marks it."""
    entries = []
    for line in sql_text("build_order.txt").splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            entries.append((words[0], "materialize" in words[1:]))
    return entries


def _build_list() -> list[str]:
    return [relative for relative, _ in _build_entries()]


def materialized() -> list[Materialized]:
    """The materialised objects, in build order (warehouse.marts)."""
    return [_object_of(relative) for relative, flag in _build_entries() if flag]


def _object_of(relative: str) -> Materialized:
    schema, file = relative.split("/")
    return Materialized(schema, file.removesuffix(".sql"))


def _live_sql(relative: str) -> str:
    """A materialised object's SQL, defining `live.<name>` instead of `<schema>.<name>`."""
    obj = _object_of(relative)
    text = sql_text(relative)
    head = f"CREATE OR REPLACE VIEW {obj.view} AS"
    if head not in text:
        raise WarehouseError(f"{relative} is marked materialize but does not say {head!r}")
    return text.replace(head, f"CREATE OR REPLACE VIEW {obj.live} AS", 1)


def _schema_fingerprint() -> str:
    digest = hashlib.sha256()
    for relative in _build_list():
        digest.update(sql_text(relative).encode())
    digest.update(json.dumps(catalog(), sort_keys=True).encode())
    return digest.hexdigest()


def build_schema(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> None:
    """Create schemas, tables and views, and their comments (idempotent).

    Skipped when the warehouse was built from the same SQL and catalog already.
    """
    fingerprint = _schema_fingerprint()
    if not force:
        try:
            row = con.execute("SELECT fingerprint FROM raw.schema_version").fetchone()
        except duckdb.CatalogException:
            row = None
        if row and row[0] == fingerprint:
            return
    con.begin()  # one transaction: one commit instead of one per statement
    try:
        for schema in SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute(f"CREATE TABLE IF NOT EXISTS {PENDING} (region VARCHAR, plan_year INTEGER)")
        for relative, materialize in _build_entries():
            try:
                if materialize:
                    text = _live_sql(relative)
                    con.execute(text)
                    order = _FINAL_ORDER.search(text)
                    create_mart(con, _object_of(relative), order.group(1) if order else None)
                else:
                    con.execute(sql_text(relative))
            except duckdb.Error as e:
                raise WarehouseError(f"building {relative} failed: {e}") from e
        con.execute(f"DELETE FROM {PENDING}")  # every materialised table was just filled
        apply_comments(con)
        con.execute(
            "CREATE OR REPLACE TABLE raw.schema_version AS SELECT ? AS fingerprint", [fingerprint]
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _sandboxed(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection that touches nothing outside the warehouse file."""
    try:
        return duckdb.connect(str(path), read_only=True, config=dict(_SANDBOX))
    except duckdb.ConnectionException as e:
        if "different configuration" not in str(e):
            raise
    # This process holds the file open already (with another configuration): the same
    # settings, applied to the shared database instance.
    con = duckdb.connect(str(path), read_only=True)
    locked = con.execute("SELECT current_setting('lock_configuration')").fetchone()
    if not (locked and locked[0]):  # else an earlier connection sandboxed the instance
        for name, value in _SANDBOX.items():
            con.execute(f"SET {name} = {str(value).lower()}")
    return con


def connect(
    path: str | Path, *, read_only: bool = False, sandboxed: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file; a writable connection also builds the schema.

    A read-only connection is sandboxed (no files outside the warehouse) unless
    `sandboxed=False`: publishing reads the warehouse and writes Parquet files.
    Writers go through `warehouse.session.writing`, which never blocks readers.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `noticeflow ingest` first")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise WarehouseError(f"cannot create the folder for {path}: {e}") from e
    try:
        if read_only and sandboxed:
            con = _sandboxed(path)
        else:
            con = duckdb.connect(str(path), read_only=read_only)
    except (duckdb.Error, OSError) as e:
        raise WarehouseError(f"cannot open the warehouse {path}: {e}") from e
    if not read_only:
        build_schema(con)
    return con


def refuse_writes(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise WarehouseError unless every statement of `sql` only reads (SELECT, EXPLAIN…)."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as e:
        raise WarehouseError(f"the query cannot be read: {e}") from e
    for statement in statements:
        kind = statement.type.name
        if kind not in READ_ONLY_STATEMENTS:
            raise WarehouseError(
                f"refused: the warehouse is read-only here, and a {kind} statement would "
                "change it or touch files outside it (only SELECT, EXPLAIN, PRAGMA and "
                "CALL run; no COPY, ATTACH, INSTALL/LOAD, SET or writes)"
            )


def check_queries() -> dict[str, str]:
    """The data checks: name -> SELECT returning offending rows."""
    folder = resources.files("warehouse").joinpath("sql", "checks")
    return {
        entry.name.removesuffix(".sql"): entry.read_text(encoding="utf-8")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".sql")
    }
