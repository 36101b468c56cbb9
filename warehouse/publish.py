"""Publishing the curated tables as files, atomically.

Layout of the output folder:

    parquet/<table>.parquet        every curated table
    parquet/<table>/plan_year=…/region=…/*.parquet   programme and policy tables, partitioned
    csv/<table>.csv                UTF-8 with BOM (opens in Excel without 乱码)
    noticeflow.xlsx                one workbook, a sheet per table
    datapackage.json               Frictionless Data Package: every column in Chinese and English
    dashboard.html                 the static dashboard (charts over the curated views)

Everything is written into a temporary sibling folder first; only when every
file is complete is the old folder swapped out for the new one, so a failed run
never leaves a half-written `data/curated/`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from .catalog import datapackage
from .dashboard import build_dashboard
from .errors import PublishError

__all__ = ["CARRIED_OVER", "curated_tables", "publish"]

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


def publish(con: duckdb.DuckDBPyConnection, out_dir: str | Path) -> list[Path]:
    """Write every curated table to `out_dir`; returns the files written."""
    out = Path(out_dir)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as e:
        raise PublishError(f"cannot write into {out.parent}: {e}") from e
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
        for keep in CARRIED_OVER:
            if (out / keep).is_file():
                shutil.copy2(out / keep, staging / keep)
        _swap(staging, out)
    except Exception as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise PublishError(f"publishing to {out} failed, the old files are kept: {e}") from e
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
