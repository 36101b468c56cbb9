"""The data dictionary of the curated tables, in Chinese and English.

One source (`catalog/columns.json`) feeds both the `COMMENT ON` statements in
DuckDB and the `datapackage.json` (Frictionless Data Package) published with
the files, so the two never disagree.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import duckdb

__all__ = ["apply_comments", "catalog", "curated_columns", "datapackage", "describe_column"]

_FRICTIONLESS_TYPES = {
    "VARCHAR": "string",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "SMALLINT": "integer",
    "HUGEINT": "integer",
    "DOUBLE": "number",
    "FLOAT": "number",
    "DECIMAL": "number",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "datetime",
    "JSON": "object",
}


@cache
def catalog() -> dict[str, Any]:
    text = resources.files("warehouse").joinpath("catalog", "columns.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def describe_column(table: str, column: str) -> dict[str, str] | None:
    entry = catalog().get(table, {}).get("columns", {}).get(column)
    return dict(entry) if entry else None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def curated_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE schema_name = 'curated' AND database_name = current_database() "
        "ORDER BY table_name, column_index"
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def apply_comments(con: duckdb.DuckDBPyConnection) -> None:
    """COMMENT ON every curated view and column the catalog describes ("中文 — English")."""
    views = {
        r[0]
        for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'curated' "
            "AND database_name = current_database()"
        ).fetchall()
    }
    for table, columns in curated_columns(con).items():
        entry = catalog().get(table)
        if not entry:
            continue
        kind = "VIEW" if table in views else "TABLE"
        text = f"{entry['description']['zh']} — {entry['description']['en']}"
        con.execute(f"COMMENT ON {kind} curated.{table} IS {_quote(text)}")
        for column, _ in columns:
            described = describe_column(table, column)
            if described:
                text = f"{described['zh']} — {described['en']}"
                con.execute(f"COMMENT ON COLUMN curated.{table}.{column} IS {_quote(text)}")


def datapackage(
    con: duckdb.DuckDBPyConnection, paths: dict[str, str], *, name: str = "noticeflow-curated"
) -> dict[str, Any]:
    """A Frictionless Data Package describing the published CSV files (`paths`: table -> path)."""
    resources_: list[dict[str, Any]] = []
    for table, columns in curated_columns(con).items():
        if table not in paths:
            continue
        entry = catalog().get(table, {})
        fields = []
        for column, data_type in columns:
            described = describe_column(table, column) or {}
            base_type = data_type.split("(")[0].upper()
            fields.append(
                {
                    "name": column,
                    "type": _FRICTIONLESS_TYPES.get(base_type, "string"),
                    "title": described.get("zh", column),
                    "description": described.get("en", ""),
                    "description_zh": described.get("zh", ""),
                    "description_en": described.get("en", ""),
                }
            )
        description = entry.get("description", {})
        resources_.append(
            {
                "name": table.replace("_", "-"),
                "path": paths[table],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "title": description.get("zh", table),
                "description": description.get("en", ""),
                "schema": {"fields": fields},
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": "noticeflow 专业技术人才知识更新工程高级研修项目数据",
        "description": "Curated tables of noticeflow: notices, policy terms, programmes, "
        "attachments, citations and submitted forms.",
        "resources": resources_,
    }
