"""Publishing the curated tables as files, atomically.

Layout of the output folder:

    parquet/<table>.parquet        every curated table
    parquet/<table>/plan_year=…/region=…/*.parquet   programme and policy tables, partitioned
    csv/<table>.csv                UTF-8 with BOM (opens in Excel without 乱码)
    noticeflow.xlsx                one workbook, a sheet per table
    datapackage.json               Frictionless Data Package: every column in Chinese and English
    dashboard.html                 the static dashboard (charts over the curated views)
    noticeflow.sqlite, metadata.json   the same tables for Datasette (`publish_sqlite`)
    manifest.json                  content hashes of what was published (see below)

Publishing is incremental. `manifest.json` holds a content hash of every table, of each
partition (year and region) and of the dashboard's data, and the change token of the
warehouse it was published from. A table's files are written again only when its hash
changed, partitions only for the years and regions whose rows changed, the workbook
when any table changed, the dashboard when its data (or its code) changed; every other
file is carried over as it is (a hard link: same bytes, same mtime). When nothing
changed, nothing is written at all, not even the manifest.

Everything is written into a temporary sibling folder first; only when every
file is complete is the old folder swapped out for the new one, so a failed run
never leaves a half-written `data/curated/`. The temporary folders carry the pid
of the process writing them (`.curated.tmp-<pid>-…`, `.curated.old-<pid>`): a run
killed while publishing leaves one behind, and the next publish removes those of
processes that are gone (and puts the old folder back if the kill came between the
two renames).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from .catalog import datapackage
from .errors import PublishError, disk_full, plain_os_error
from .publish_files import (
    sql_literal,
    write_dashboard,
    write_partition,
    write_table,
    write_workbook,
)
from .publish_folder import CARRIED_OVER, carry, check_target, remove_leftovers, swap
from .publish_sqlite import METADATA, SQLITE, write_sqlite
from .search_text import Segmenter

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CARRIED_OVER",
    "MANIFEST",
    "check_target",
    "curated_tables",
    "is_current",
    "publish",
    "remove_leftovers",
    "warm_up",
]

log = logging.getLogger(__name__)


def warm_up() -> None:
    """Import what the end of a run needs (pandas, openpyxl, sqlite-utils, Altair, the data
    checks and their patterns): a run does it on a thread while it waits for its first
    files, so checking and publishing start warm. An import that fails here fails again,
    with its message, when it is needed."""
    with contextlib.suppress(Exception):
        import openpyxl  # noqa: F401
        import pandas  # noqa: F401
        import sqlite_utils  # noqa: F401

        from . import checks, dashboard  # noqa: F401  (Altair; normalizers.pii)


def curated_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the tables and views of schema `curated`, sorted."""
    rows = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE schema_name = 'curated' "
        "AND database_name = current_database() "
        "UNION SELECT table_name FROM duckdb_tables() WHERE schema_name = 'curated' "
        "AND database_name = current_database() ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


# Tables also published partitioned by year and region, and the query giving those columns.
# (Read from the snapshot of each view a publish takes: `_snapshot`.)
_PARTITIONED = {
    "plan_projects": "SELECT * FROM {plan_projects}",
    "policy_terms": (
        "SELECT t.*, n.plan_year, n.region FROM {policy_terms} AS t "
        "JOIN {notices} AS n USING (notice_id)"
    ),
}
WORKBOOK = "noticeflow.xlsx"
DASHBOARD = "dashboard.html"
DATAPACKAGE = "datapackage.json"
MANIFEST = "manifest.json"
# Bump when the published files of unchanged data would come out differently, so that
# every file is written again once.
PUBLISH_FORMAT = 1
# A partition's key: year and region, NULL told apart from any text.
_KEY = "coalesce(CAST(plan_year AS VARCHAR), '∅') || '/' || coalesce(CAST(region AS VARCHAR), '∅')"


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()


def _relation_hash(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """A hash of a query's rows (as a multiset) and of its columns' names and types."""
    relation = con.sql(sql)
    columns = list(zip(relation.columns, [str(t) for t in relation.types], strict=True))
    rows = con.execute(f"SELECT count(*), sum(hash(q)) FROM ({sql}) AS q").fetchall()
    return _digest(columns, rows[0][0], str(rows[0][1]))


def _partition_hashes(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, str]:
    rows = con.execute(
        f"SELECT {_KEY} AS key, count(*), sum(hash(q)) FROM ({sql}) AS q GROUP BY ALL"
    ).fetchall()
    return {str(key): _digest(n, str(h)) for key, n, h in rows}


@dataclass
class _State:
    """What the warehouse would publish, as content hashes."""

    token: str | None
    tables: dict[str, str]
    partitions: dict[str, dict[str, str]]
    dashboard: str
    files: dict[str, list[str]] = field(default_factory=dict)  # partition -> its files

    def manifest(self) -> dict[str, Any]:
        return {
            "format": PUBLISH_FORMAT,
            "warehouse_token": self.token,
            "tables": self.tables,
            "partitions": {
                table: {
                    key: {"hash": h, "files": self.files.get(f"{table}/{key}", [])}
                    for key, h in sorted(keys.items())
                }
                for table, keys in self.partitions.items()
            },
            "dashboard": self.dashboard,
        }


@functools.cache
def _dashboard_sources() -> tuple[str, tuple[str, ...]]:
    """A digest of the dashboard's code, and the curated views it reads."""
    root = resources.files("warehouse")
    texts = [
        root.joinpath(name).read_text(encoding="utf-8")
        for name in ("dashboard.py", "dashboard_charts.py")
    ]
    texts.append(root.joinpath("templates", "dashboard.html").read_text(encoding="utf-8"))
    folder = root.joinpath("sql", "dashboard")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql"):
            texts.append(entry.read_text(encoding="utf-8"))
    views = sorted({v for text in texts for v in re.findall(r"curated\.(\w+)", text)})
    return _digest(texts), tuple(views)


def _snapshot_name(name: str) -> str:
    return f'"_publish_{name}"'


def _snapshot(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Each curated view evaluated once, into a temporary table of this connection: the
    hashes, the changed files and the workbook all read those (a read-only connection
    may hold temporary tables)."""
    for name in tables:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_snapshot_name(name)} AS SELECT * FROM curated.{name}"
        )


def _drop_snapshot(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    for name in tables:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"DROP TABLE IF EXISTS temp.{_snapshot_name(name)}")


def _partition_sql(name: str) -> str:
    return _PARTITIONED[name].format(
        **{table: _snapshot_name(table) for table in ("plan_projects", "policy_terms", "notices")}
    )


def _state(con: duckdb.DuckDBPyConnection, tables: list[str]) -> _State:
    from .session import change_token

    hashes = {name: _relation_hash(con, f"SELECT * FROM {_snapshot_name(name)}") for name in tables}
    partitions = {
        name: _partition_hashes(con, _partition_sql(name))
        for name in _PARTITIONED
        if name in tables
    }
    code, views = _dashboard_sources()
    dashboard = _digest(code, [hashes.get(v) for v in views])
    return _State(change_token(con), hashes, partitions, dashboard)


def _read_manifest(out: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != PUBLISH_FORMAT:
        return None
    return manifest


def is_current(out_dir: str | Path, token: str | None) -> bool:
    """True when `out_dir` was published from the warehouse state with change `token`."""
    manifest = _read_manifest(Path(out_dir))
    return manifest is not None and token is not None and manifest.get("warehouse_token") == token


def publish(
    con: duckdb.DuckDBPyConnection,
    out_dir: str | Path,
    *,
    before_swap: Callable[[], None] | None = None,
    segment: Segmenter | None = None,
) -> list[Path]:
    """Publish what changed in the curated tables to `out_dir`; returns the files written
    (none when nothing changed: then nothing in `out_dir` is touched).

    `before_swap` is called when every file is written, just before the folder is
    replaced (the flow's fault-injection hook uses it). `segment` cuts the search text
    of the explorer's file (`publish_sqlite.write_sqlite`).
    """
    out = Path(out_dir)
    check_target(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out)
    except OSError as e:
        raise PublishError(f"cannot write into {out.parent}: {plain_os_error(e)}") from e
    from .session import change_token

    old = _read_manifest(out) if out.is_dir() else None
    token = change_token(con)
    if old is not None and token is not None and old.get("warehouse_token") == token:
        return []  # published from this very state of the warehouse
    tables: list[str] = []
    try:
        tables = curated_tables(con)
        _snapshot(con, tables)
    except duckdb.Error as e:
        _drop_snapshot(con, tables)
        raise PublishError(f"publishing to {out} failed, the old files are kept: {e}") from e
    try:
        return _publish(con, out, tables, old, before_swap, segment)
    finally:
        _drop_snapshot(con, tables)


def _publish(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    tables: list[str],
    old: dict[str, Any] | None,
    before_swap: Callable[[], None] | None,
    segment: Segmenter | None,
) -> list[Path]:
    try:
        state = _state(con, tables)
    except duckdb.Error as e:
        raise PublishError(f"publishing to {out} failed, the old files are kept: {e}") from e
    if old is not None and _unchanged(state, old, out):
        if old.get("warehouse_token") == state.token:
            return []
        # Only the warehouse's token moved (documents loaded again, same content).
        return [_rewrite_manifest(out, state, old)]
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    except OSError as e:
        raise PublishError(f"cannot write into {out.parent}: {plain_os_error(e)}") from e
    try:
        written = _write_changes(con, tables, state, old, out, staging, segment)
        for keep in CARRIED_OVER:
            carry(out / keep, staging / keep)
        (staging / MANIFEST).write_text(
            json.dumps(state.manifest(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        written.append(staging / MANIFEST)
        if before_swap is not None:
            before_swap()
        swap(staging, out)
    except Exception as e:
        shutil.rmtree(staging, ignore_errors=True)
        reason = plain_os_error(e) if disk_full(e) else str(e)
        raise PublishError(f"publishing to {out} failed, the old files are kept: {reason}") from e
    return [out / p.relative_to(staging) for p in written]


def _old_partitions(old: dict[str, Any] | None, table: str) -> dict[str, dict[str, Any]]:
    if old is None:
        return {}
    found = old.get("partitions", {}).get(table, {})
    return found if isinstance(found, dict) else {}


def _unchanged(state: _State, old: dict[str, Any], out: Path) -> bool:
    """Every hash as the manifest says, and every file it lists still there."""
    if old.get("tables") != state.tables or old.get("dashboard") != state.dashboard:
        return False
    for table, keys in state.partitions.items():
        before = _old_partitions(old, table)
        if {k: v.get("hash") for k, v in before.items()} != keys:
            return False
        state.files.update({f"{table}/{k}": list(v.get("files", [])) for k, v in before.items()})
    expected = [WORKBOOK, DATAPACKAGE, DASHBOARD]
    for name in state.tables:
        expected += [f"parquet/{name}.parquet", f"csv/{name}.csv"]
    expected += [f for files in state.files.values() for f in files]
    return all((out / name).is_file() for name in expected)


def _rewrite_manifest(out: Path, state: _State, old: dict[str, Any]) -> Path:
    manifest = dict(old, warehouse_token=state.token)
    target = out / MANIFEST
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{MANIFEST}.", dir=out)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(manifest, ensure_ascii=False, indent=1))
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as e:
        raise PublishError(f"publishing to {out} failed: {plain_os_error(e)}") from e
    return target


def _write_files(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    changed: list[str],
    state: _State,
    old: dict[str, Any] | None,
    out: Path,
    staging: Path,
    frames: dict[str, pd.DataFrame],
) -> list[Path]:
    """Each table's Parquet and CSV file and its year/region partitions: written when
    changed, else carried over from `out`."""
    written: list[Path] = []
    scratch = staging / ".scratch"
    for name in tables:
        files = [f"parquet/{name}.parquet", f"csv/{name}.csv"]
        if name in changed or not all(carry(out / f, staging / f) for f in files):
            written += write_table(con, _snapshot_name(name), name, staging, frames.get(name))
        if name not in state.partitions:
            continue
        before = _old_partitions(old, name)
        for key, content in state.partitions[name].items():
            previous = before.get(key, {})
            kept = list(previous.get("files", []))
            if (
                previous.get("hash") == content
                and kept
                and all(carry(out / f, staging / f) for f in kept)
            ):
                state.files[f"{name}/{key}"] = kept
                continue
            query = f"SELECT * FROM ({_partition_sql(name)}) WHERE {_KEY} = {sql_literal(key)}"
            state.files[f"{name}/{key}"] = write_partition(con, query, name, key, staging, scratch)
            written += [staging / f for f in state.files[f"{name}/{key}"]]
    shutil.rmtree(scratch, ignore_errors=True)
    return written


def _write_changes(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    state: _State,
    old: dict[str, Any] | None,
    out: Path,
    staging: Path,
    segment: Segmenter | None = None,
) -> list[Path]:
    """Write into `staging` what changed since `old`; carry the rest over from `out`."""
    old_tables: dict[str, str] = old.get("tables", {}) if old else {}
    changed = [t for t in tables if old_tables.get(t) != state.tables[t]]
    written: list[Path] = []
    frames: dict[str, pd.DataFrame] = {}
    # The workbook (openpyxl) and the dashboard (Altair, through a cursor of its own) are
    # written on threads while this one has DuckDB write the other files (the GIL is
    # free while DuckDB works); leaving the block waits for them, also on an error (the
    # folder is thrown away then: not while a thread writes in it).
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="publish") as pool:
        background: list[tuple[Future[None], list[Path]]] = []
        if changed or not carry(out / WORKBOOK, staging / WORKBOOK):
            frames = {
                name: con.sql(f"SELECT * FROM {_snapshot_name(name)}").df() for name in tables
            }  # the CSV files are written from the same frames
            background.append(
                (pool.submit(write_workbook, frames, staging / WORKBOOK), [staging / WORKBOOK])
            )
        dashboard_same = old is not None and old.get("dashboard") == state.dashboard
        if not (dashboard_same and carry(out / DASHBOARD, staging / DASHBOARD)):
            task = pool.submit(write_dashboard, con.cursor(), staging / DASHBOARD)
            background.append((task, [staging / DASHBOARD]))
        written += _write_files(con, tables, changed, state, old, out, staging, frames)
        if changed or not all(carry(out / f, staging / f) for f in (SQLITE, METADATA)):
            # The explorer's SQLite file and its Datasette metadata.
            written += write_sqlite(con, staging, segment=segment)
        package = datapackage(con, {name: f"csv/{name}.csv" for name in tables})
        text = json.dumps(package, ensure_ascii=False, indent=2)
        try:
            same = (out / DATAPACKAGE).read_text(encoding="utf-8") == text
        except OSError:
            same = False
        if not (same and carry(out / DATAPACKAGE, staging / DATAPACKAGE)):
            (staging / DATAPACKAGE).write_text(text, encoding="utf-8")
            written.append(staging / DATAPACKAGE)
        for future, paths in background:
            future.result()  # raises what the thread raised
            written += paths
    return written
