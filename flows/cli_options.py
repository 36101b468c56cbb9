"""Options several commands share, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["DaskAddressOption", "DbOption", "OutOption"]

DbOption = Annotated[
    Path | None, typer.Option("--db", help="DuckDB file [default: data/warehouse.duckdb]")
]
DaskAddressOption = Annotated[
    str | None,
    typer.Option(
        "--dask-address",
        help="Extract on the Dask cluster whose scheduler is here, e.g. tcp://10.0.0.5:8786 "
        "(the dask task runner; NOTICEFLOW_DASK_ADDRESS).",
    ),
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="Folder for curated files [default: data/curated]")
]
