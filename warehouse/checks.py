"""Data checks: each `sql/checks/*.sql` is a SELECT returning the rows that break a rule."""

from __future__ import annotations

import duckdb

from .db import check_queries

__all__ = ["run_checks"]


def run_checks(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Number of offending rows per check (0 = the rule holds)."""
    results: dict[str, int] = {}
    for name, sql in check_queries().items():
        row = con.execute(f"SELECT count(*) FROM ({sql.strip().rstrip(';')})").fetchone()
        results[name] = int(row[0]) if row else 0
    return results
