"""Publishing the curated tables as files, atomically.

Layout of the output folder:

    parquet/<table>.parquet        every curated table
    parquet/<table>/plan_year=…/region=…/*.parquet   programme and policy tables, partitioned
    csv/<table>.csv                UTF-8 with BOM (opens in Excel without 乱码)
    noticeflow.xlsx                one workbook, a sheet per table
    datapackage.json               Frictionless Data Package: every column in Chinese and English
    dashboard.html                 the static dashboard (charts over the curated views)
    noticeflow.sqlite, metadata.json   the same tables for Datasette (`publish_sqlite`)

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
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from .catalog import datapackage
from .dashboard import build_dashboard
from .errors import PublishError, disk_full, plain_os_error
from .publish_sqlite import write_sqlite

__all__ = [
    "CARRIED_OVER",
    "check_target",
    "curated_tables",
    "publish",
    "remove_leftovers",
]

log = logging.getLogger(__name__)

# Hand-written files of the output folder that survive a publish.
CARRIED_OVER = ("README.md", ".gitkeep")


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
_PARTITIONED = {
    "plan_projects": "SELECT * FROM curated.plan_projects",
    "policy_terms": (
        "SELECT t.*, n.plan_year, n.region FROM curated.policy_terms AS t "
        "JOIN curated.notices AS n USING (notice_id)"
    ),
}
WORKBOOK = "noticeflow.xlsx"
DASHBOARD = "dashboard.html"


def _write_table(
    con: duckdb.DuckDBPyConnection, name: str, folder: Path
) -> tuple[list[Path], pd.DataFrame]:
    relation = con.sql(f"SELECT * FROM curated.{name}")
    parquet = folder / "parquet" / f"{name}.parquet"
    parquet.parent.mkdir(parents=True, exist_ok=True)
    relation.write_parquet(str(parquet))
    frame = relation.df()
    csv = folder / "csv" / f"{name}.csv"
    csv.parent.mkdir(parents=True, exist_ok=True)
    # UTF-8 with BOM so Excel opens Chinese text without 乱码.
    frame.to_csv(csv, index=False, encoding="utf-8-sig")
    written = [parquet, csv]
    if name in _PARTITIONED:
        target = folder / "parquet" / name
        con.execute(
            f"COPY ({_PARTITIONED[name]}) TO '{target}' "
            "(FORMAT parquet, PARTITION_BY (plan_year, region), OVERWRITE_OR_IGNORE)"
        )
        written += sorted(target.rglob("*.parquet"))
    return written, frame


def _write_workbook(frames: dict[str, pd.DataFrame], path: Path) -> None:
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


def check_target(out_dir: str | Path) -> None:
    """Raise PublishError when `out_dir` exists but is no folder (it is never touched)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise PublishError(
            f"{out} is a file, not a folder: curated files are published into a folder "
            "(give another --out; the file was left as it was)"
        )


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(out_dir: str | Path) -> list[Path]:
    """Remove temporary folders that killed publishes of `out_dir` left; returns them.

    A folder of a process still running is left alone. When `out_dir` itself is missing
    because a run was killed between the two renames of the swap, the old folder is
    put back first.
    """
    out = Path(out_dir)
    if not out.parent.is_dir():
        return []
    pattern = re.compile(
        rf"^\.{re.escape(out.name)}\.(?:tmp-(?P<tmp>\d+)-.*|old-(?P<old>\d+)|[a-z0-9_]{{8}})$"
    )
    removed: list[Path] = []
    for entry in sorted(out.parent.iterdir()):
        match = pattern.match(entry.name)
        if not match or not entry.is_dir():
            continue
        pid = match.group("tmp") or match.group("old")
        if pid is not None and _alive(int(pid)):
            continue
        if match.group("old") and not out.exists():
            with contextlib.suppress(OSError):
                os.rename(entry, out)
                log.warning("restored %s from %s (a publish was interrupted)", out, entry)
                continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def publish(
    con: duckdb.DuckDBPyConnection,
    out_dir: str | Path,
    *,
    before_swap: Callable[[], None] | None = None,
) -> list[Path]:
    """Write every curated table to `out_dir`; returns the files written.

    `before_swap` is called when every file is written, just before the folder is
    replaced (the flow's fault-injection hook uses it).
    """
    out = Path(out_dir)
    check_target(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    except OSError as e:
        raise PublishError(f"cannot write into {out.parent}: {plain_os_error(e)}") from e
    written: list[Path] = []
    try:
        frames: dict[str, pd.DataFrame] = {}
        for name in curated_tables(con):
            files, frames[name] = _write_table(con, name, staging)
            written += files
        _write_workbook(frames, staging / WORKBOOK)
        package = datapackage(con, {name: f"csv/{name}.csv" for name in frames})
        (staging / "datapackage.json").write_text(
            json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        written += [staging / WORKBOOK, staging / "datapackage.json"]
        written.append(build_dashboard(con, staging / DASHBOARD))
        written += write_sqlite(con, staging)
        for keep in CARRIED_OVER:
            if (out / keep).is_file():
                shutil.copy2(out / keep, staging / keep)
        if before_swap is not None:
            before_swap()
        _swap(staging, out)
    except Exception as e:
        shutil.rmtree(staging, ignore_errors=True)
        reason = plain_os_error(e) if disk_full(e) else str(e)
        raise PublishError(f"publishing to {out} failed, the old files are kept: {reason}") from e
    return [out / p.relative_to(staging) for p in written]


def _swap(new: Path, out: Path) -> None:
    """Replace `out` by `new` with two renames; the old folder is removed afterwards."""
    if not out.exists():
        os.rename(new, out)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.rename(out, old)
    try:
        os.rename(new, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
