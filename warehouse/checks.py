"""Data checks: each `sql/checks/*.sql` is a SELECT returning the rows that break a rule.

One more check cannot be a static file: `pii_in_clear` scans every text column of
every table outside `private` (listed at run time from `duckdb_columns()` by
`sql/scans/text_columns.sql`; the views are SQL over those tables) for ID numbers and
mobile numbers, with the very patterns `normalizers.pii.mask_text` masks. Each column
with a hit is an error-level `Finding`, which shows the number masked, never in clear.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass

import duckdb

from normalizers.pii import PII_PATTERNS, mask_text

from .db import check_queries, sql_text

__all__ = ["PII_CHECK", "Finding", "pii_findings", "run_checks"]

log = logging.getLogger(__name__)

PII_CHECK = "pii_in_clear"


@dataclass(frozen=True)
class Finding:
    """Rows of one column that break a rule."""

    check: str
    severity: str  # error | warning
    table: str  # schema.table
    column: str
    kind: str  # id_number | mobile
    rows: int
    example: str  # one offending value, masked

    def __str__(self) -> str:
        return (
            f"{self.severity}: {self.check}: {self.table}.{self.column} holds {self.kind} "
            f"in clear in {self.rows} rows (e.g. {self.example})"
        )


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _text_columns(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[str]]:
    """(schema, table) -> its text columns, for every table outside `private`."""
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in con.execute(sql_text("scans/text_columns.sql")).fetchall():
        columns.setdefault((schema, table), []).append(column)
    return columns


def _tables_per_document(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(schema, table) of the base tables of raw and staging with a `doc_id` column."""
    rows = con.execute(
        "SELECT c.schema_name, c.table_name FROM duckdb_columns() AS c "
        "JOIN duckdb_tables() AS t ON t.database_name = c.database_name "
        "AND t.schema_name = c.schema_name AND t.table_name = c.table_name "
        "WHERE c.database_name = current_database() AND c.column_name = 'doc_id' "
        "AND c.schema_name IN ('raw', 'staging')"
    ).fetchall()
    return {(str(s), str(t)) for s, t in rows}


def _scan(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    columns: list[str],
    documents: list[str] | None = None,
) -> list[tuple[str, str, str, int, str]]:
    """(table, column, kind, rows, one value found) per column and kind with a hit.

    The table or view is read once: its text columns are unpivoted into (column, value)
    pairs (NULLs dropped) and each pattern counted over them. Reading a view once per
    column instead made the scan of an almost empty warehouse take a minute. With
    `documents`, only the rows of those documents are read.
    """
    source = f"{_identifier(schema)}.{_identifier(table)}"
    if documents is not None:
        source = f"(SELECT * FROM {source} WHERE doc_id IN (SELECT unnest($documents)))"
    casts = ", ".join(
        f"CAST({_identifier(c)} AS VARCHAR) AS {_identifier(f'c{i}')}"
        for i, c in enumerate(columns)
    )
    names = ", ".join(_identifier(f"c{i}") for i in range(len(columns)))
    aggregates = []
    for pattern in PII_PATTERNS.values():
        hit = f"regexp_matches(value, {_literal(pattern)})"
        example = f"regexp_extract(value, {_literal(pattern)}, 1)"
        aggregates.append(f"count(*) FILTER (WHERE {hit})")
        aggregates.append(f"min({example}) FILTER (WHERE {hit})")
    query = (
        f"SELECT name, {', '.join(aggregates)} FROM (SELECT {casts} FROM {source}) "
        f"UNPIVOT (value FOR name IN ({names})) GROUP BY name ORDER BY name"
    )
    hits = []
    kinds = list(PII_PATTERNS)
    params = {"documents": documents} if documents is not None else None
    for row in con.execute(query, params).fetchall():
        column = columns[int(str(row[0])[1:])]
        for k, kind in enumerate(kinds):
            count, example = row[1 + 2 * k], row[2 + 2 * k]
            if count:
                hits.append((f"{schema}.{table}", column, kind, int(count), str(example)))
    return hits


def pii_findings(
    con: duckdb.DuckDBPyConnection, documents: Collection[str] | None = None
) -> list[Finding]:
    """One error per (table, column, kind) holding an ID number or a mobile in clear.

    With `documents` (those a run loaded or derived), the tables of raw and staging that
    hold rows per document are scanned for those documents' rows only: the other rows
    were scanned when they were loaded. Views are always scanned whole.
    """
    hits: list[tuple[str, str, str, int, str]] = []
    per_document = _tables_per_document(con) if documents is not None else set()
    only = sorted(documents) if documents is not None else None
    for (schema, table), columns in _text_columns(con).items():
        rows_of = only if (schema, table) in per_document else None
        try:
            hits += _scan(con, schema, table, columns, rows_of)
        except duckdb.Error as e:  # a view that cannot run: the others are scanned
            log.warning("%s.%s: cannot scan for personal data: %s", schema, table, e)
    return [
        Finding(PII_CHECK, "error", table, column, kind, rows, mask_text(example))
        for table, column, kind, rows, example in sorted(hits)
    ]


def run_checks(
    con: duckdb.DuckDBPyConnection, documents: Collection[str] | None = None
) -> dict[str, int]:
    """Number of offending rows per check (0 = the rule holds).

    `pii_in_clear` is always there (its offending rows, all columns together); each
    column with personal data in clear adds "pii_in_clear: schema.table.column". With
    `documents`, its scan of per-document tables reads only those documents' rows.
    """
    results: dict[str, int] = {}
    for name, sql in check_queries().items():
        row = con.execute(f"SELECT count(*) FROM ({sql.strip().rstrip(';')})").fetchone()
        results[name] = int(row[0]) if row else 0
    findings = pii_findings(con, documents)
    results[PII_CHECK] = sum(finding.rows for finding in findings)
    for finding in findings:
        log.error("%s", finding)
        name = f"{PII_CHECK}: {finding.table}.{finding.column}"
        results[name] = results.get(name, 0) + finding.rows
    return results
