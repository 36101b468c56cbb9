"""Publishing the curated tables as files, atomically.

Everything is written into a temporary sibling folder first; only when every
file is complete is the old folder swapped out for the new one, so a failed run
never leaves a half-written `data/curated/`.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

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


def _write_table(con: duckdb.DuckDBPyConnection, name: str, folder: Path) -> list[Path]:
    relation = con.sql(f"SELECT * FROM curated.{name}")
    parquet = folder / "parquet" / f"{name}.parquet"
    parquet.parent.mkdir(parents=True, exist_ok=True)
    relation.write_parquet(str(parquet))
    csv = folder / "csv" / f"{name}.csv"
    csv.parent.mkdir(parents=True, exist_ok=True)
    # UTF-8 with BOM so Excel opens Chinese text without 乱码.
    relation.df().to_csv(csv, index=False, encoding="utf-8-sig")
    return [parquet, csv]


def publish(con: duckdb.DuckDBPyConnection, out_dir: str | Path) -> list[Path]:
    """Write every curated table to `out_dir` (Parquet and CSV); returns the files written."""
    out = Path(out_dir)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as e:
        raise PublishError(f"cannot write into {out.parent}: {e}") from e
    written: list[Path] = []
    try:
        for name in curated_tables(con):
            written += _write_table(con, name, staging)
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
