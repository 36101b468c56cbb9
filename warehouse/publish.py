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
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from .catalog import datapackage
from .errors import PublishError, disk_full, plain_os_error
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


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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


def _write_table(
    con: duckdb.DuckDBPyConnection, name: str, folder: Path, frame: pd.DataFrame | None = None
) -> list[Path]:
    """`name` as Parquet and CSV; `frame`: its rows as a DataFrame, when already read."""
    relation = con.sql(f"SELECT * FROM {_snapshot_name(name)}")
    parquet = folder / "parquet" / f"{name}.parquet"
    parquet.parent.mkdir(parents=True, exist_ok=True)
    relation.write_parquet(str(parquet))
    if frame is None:
        frame = relation.df()
    csv = folder / "csv" / f"{name}.csv"
    csv.parent.mkdir(parents=True, exist_ok=True)
    # UTF-8 with BOM so Excel opens Chinese text without 乱码.
    frame.to_csv(csv, index=False, encoding="utf-8-sig")
    return [parquet, csv]


def _write_partition(
    con: duckdb.DuckDBPyConnection, name: str, key: str, folder: Path, scratch: Path
) -> list[str]:
    """Write one year/region partition of `name` below `folder`; its files, relative."""
    target = scratch / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    scratch.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY (SELECT * FROM ({_partition_sql(name)}) WHERE {_KEY} = {_sql_literal(key)}) "
        f"TO {_sql_literal(str(target))} "
        "(FORMAT parquet, PARTITION_BY (plan_year, region), OVERWRITE_OR_IGNORE)"
    )
    files = []
    for path in sorted(target.rglob("*.parquet")):
        relative = Path("parquet", name, path.relative_to(target))
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, folder / relative)
        files.append(relative.as_posix())
    return files


def _write_workbook(frames: dict[str, pd.DataFrame], path: Path) -> None:
    import pandas as pd

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in frames.items():
            out = frame.copy()
            for column in out.columns:
                # Excel has no time zones; show timestamps as written.
                if isinstance(out[column].dtype, pd.DatetimeTZDtype):
                    out[column] = out[column].dt.tz_localize(None)
            out.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            sheet.freeze_panes = "A2"
            for cells in sheet.columns:
                width = max((len(str(c.value)) for c in cells if c.value is not None), default=8)
                sheet.column_dimensions[cells[0].column_letter].width = min(60, width + 4)


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
    workbook: _Background | None = None
    frames: dict[str, pd.DataFrame] = {}
    if changed or not carry(out / WORKBOOK, staging / WORKBOOK):
        # Written on a thread (openpyxl, Python) while this one has DuckDB write the
        # other files (the GIL is free while DuckDB works); the CSV files are written
        # from the same frames.
        frames = {name: con.sql(f"SELECT * FROM {_snapshot_name(name)}").df() for name in tables}
        workbook = _Background(_write_workbook, frames, staging / WORKBOOK)
    dashboard: _Background | None = None
    dashboard_same = old is not None and old.get("dashboard") == state.dashboard
    if not (dashboard_same and carry(out / DASHBOARD, staging / DASHBOARD)):
        # Its charts (Altair, Python) are built on a thread too, reading through a
        # cursor of its own.
        dashboard = _Background(_write_dashboard, con.cursor(), staging / DASHBOARD)
    background = [task for task in (workbook, dashboard) if task is not None]
    try:
        scratch = staging / ".scratch"
        for name in tables:
            files = [f"parquet/{name}.parquet", f"csv/{name}.csv"]
            if name in changed or not all(carry(out / f, staging / f) for f in files):
                written += _write_table(con, name, staging, frames.get(name))
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
                state.files[f"{name}/{key}"] = _write_partition(con, name, key, staging, scratch)
                written += [staging / f for f in state.files[f"{name}/{key}"]]
        shutil.rmtree(scratch, ignore_errors=True)
        # The explorer's SQLite file and its Datasette metadata, when any table changed.
        if changed or not all(carry(out / f, staging / f) for f in (SQLITE, METADATA)):
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
    except BaseException:
        for task in background:
            task.wait()  # the folder is thrown away: not while a thread writes in it
        raise
    for task in background:
        task.result()
    if workbook is not None:
        written.append(staging / WORKBOOK)
    if dashboard is not None:
        written.append(staging / DASHBOARD)
    return written


def _write_dashboard(cursor: duckdb.DuckDBPyConnection, path: Path) -> None:
    from .dashboard import build_dashboard

    try:
        build_dashboard(cursor, path)
    finally:
        cursor.close()


class _Background:
    """`fn(*args)` on a thread, started now; `result()` waits and raises what it raised."""

    def __init__(self, fn: Callable[..., None], *args: Any) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, *args), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., None], *args: Any) -> None:
        try:
            fn(*args)
        except BaseException as e:  # raised again by `result`, in the caller's thread
            self._error = e

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error
