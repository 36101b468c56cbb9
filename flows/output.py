"""Query results as text: CSV, JSON and Markdown (the console table is the CLI's own).

Values are written as they are: no text of the data is read as markup anywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
from collections.abc import Sequence

__all__ = ["FORMATS", "jsonable", "render"]

FORMATS = ("table", "csv", "json", "markdown")


def jsonable(value: object) -> object:
    """A JSON value for a DuckDB value: dates ISO, decimals and NaN as numbers or null."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def _text(value: object) -> str:
    if value is None:
        return ""
    converted = jsonable(value)
    if isinstance(converted, list | dict):
        return json.dumps(converted, ensure_ascii=False)
    return str(converted)


def render(fmt: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """`rows` as CSV (header line first), JSON (an array of objects) or Markdown (a table)."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_text(v) for v in row] for row in rows)
        return buffer.getvalue()
    if fmt == "json":
        records = [{str(c): jsonable(v) for c, v in zip(columns, row, strict=True)} for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":

        def cell(value: object) -> str:
            text = _text(value).replace("\\", "\\\\").replace("|", "\\|")
            return text.replace("\r\n", "<br>").replace("\n", "<br>")

        lines = [
            "| " + " | ".join(cell(c) for c in columns) + " |",
            "|" + "|".join("---" for _ in columns) + "|",
            *("| " + " | ".join(cell(v) for v in row) + " |" for row in rows),
        ]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
