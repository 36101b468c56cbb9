"""The files one publish writes: a table's Parquet and CSV file, a year/region
partition, the workbook and the dashboard page (`warehouse.publish` decides which, and
where the rows come from)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["sql_literal", "write_dashboard", "write_partition", "write_table", "write_workbook"]


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_table(
    con: duckdb.DuckDBPyConnection,
    source: str,
    name: str,
    folder: Path,
    frame: pd.DataFrame | None = None,
) -> list[Path]:
    """Table `source` as parquet/`name`.parquet and csv/`name`.csv below `folder`;
    `frame`: its rows as a DataFrame, when already read."""
    relation = con.sql(f"SELECT * FROM {source}")
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


def write_partition(
    con: duckdb.DuckDBPyConnection, query: str, name: str, key: str, folder: Path, scratch: Path
) -> list[str]:
    """The rows of `query` (one year/region partition `key` of table `name`) below
    `folder`, in Hive folders by year and region; its files, relative to `folder`."""
    target = scratch / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    scratch.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY ({query}) TO {sql_literal(str(target))} "
        "(FORMAT parquet, PARTITION_BY (plan_year, region), OVERWRITE_OR_IGNORE)"
    )
    files = []
    for path in sorted(target.rglob("*.parquet")):
        relative = Path("parquet", name, path.relative_to(target))
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, folder / relative)
        files.append(relative.as_posix())
    return files


def write_workbook(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """One sheet per table, header row frozen, columns as wide as their text."""
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


def write_dashboard(cursor: duckdb.DuckDBPyConnection, path: Path) -> None:
    """The dashboard page at `path`, read through `cursor` (closed after)."""
    from .dashboard import build_dashboard

    try:
        build_dashboard(cursor, path)
    finally:
        cursor.close()
