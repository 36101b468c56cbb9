"""Each record type declares its table once; record, staging table, curated view and
catalog entry must agree. A field added to a record and not to its table (or a curated
column nobody describes) fails here, not at load time."""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from warehouse import connect
from warehouse.catalog import catalog
from warehouse.unit import record_table

# Every module that defines records the warehouse loads.
RECORD_MODULES = (
    "normalizers.records",
    "normalizers.forms.records",
    "normalizers.enrich_records",
)
# Curated columns a view computes that no record carries (documented in the contract).
CURATED_ONLY = {
    "notices": {"primary_doc_id", "n_renditions"},
    "attachments": {"doc_id"},  # the attachment's file, checked against raw.documents
    "plan_changes": {"amended_notice_id"},
    "budget_sheets": {"cap_yuan", "over_cap"},
}
# Record fields kept in staging but not published (ordering and matching helpers).
STAGING_ONLY = {
    "attachments": {"attachment_doc_id"},
    "plan_changes": {"amended_doc_number", "amended_plan_year"},
    "budget_lines": {"line_no"},
    "satisfaction_stats": {"line_no"},
}


def _record_types() -> Iterator[type]:
    for name in RECORD_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == name
                and getattr(value, "__warehouse_table__", None)
            ):
                yield value


RECORDS = sorted(_record_types(), key=lambda t: t.__name__)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    db: Path = tmp_path_factory.mktemp("schema") / "w.duckdb"
    connection = connect(db)
    yield connection
    connection.close()


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [schema, table],
    ).fetchall()
    return [r[0] for r in rows]


def _fields(record_type: type) -> set[str]:
    renames: dict[str, str] = record_type.__warehouse_renames__  # type: ignore[attr-defined]
    return {renames.get(f.name, f.name) for f in dataclasses.fields(record_type)}


def test_every_record_module_is_covered() -> None:
    names = {t.__name__ for t in RECORDS}
    assert {"Notice", "PlanProject", "PlanChange", "BudgetSheet", "AttendancePerson"} <= names


@pytest.mark.parametrize("record_type", RECORDS, ids=lambda t: t.__name__)
def test_record_fields_equal_their_table_columns(
    con: duckdb.DuckDBPyConnection, record_type: type
) -> None:
    schema, table = record_type.__warehouse_table__.split(".")  # type: ignore[attr-defined]
    columns = _columns(con, schema, table)
    assert columns, f"{schema}.{table} does not exist"
    assert set(columns) == _fields(record_type) | {"doc_id"}


@pytest.mark.parametrize("record_type", RECORDS, ids=lambda t: t.__name__)
def test_curated_view_and_catalog_agree_with_the_record(
    con: duckdb.DuckDBPyConnection, record_type: type
) -> None:
    schema, table = record_type.__warehouse_table__.split(".")  # type: ignore[attr-defined]
    curated = _columns(con, "curated", table)
    if schema != "staging" or not curated:
        assert table not in catalog(), f"{table} is described but has no curated view"
        return
    fields = _fields(record_type)
    assert set(curated) - fields == CURATED_ONLY.get(table, set())
    assert fields - set(curated) == STAGING_ONLY.get(table, set())
    assert set(catalog()[table]["columns"]) == set(curated)


def test_every_curated_view_is_in_the_catalog(con: duckdb.DuckDBPyConnection) -> None:
    views = {
        r[0]
        for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'curated'"
        ).fetchall()
    }
    assert views == set(catalog())
    for view in views:
        assert set(_columns(con, "curated", view)) == set(catalog()[view]["columns"]), view


def test_the_loader_takes_the_table_from_the_record_type() -> None:
    from normalizers.records import Attachment

    record = Attachment(notice_id="n", attachment_no=1, title="t", kind="other", doc_id="d")
    assert record_table(record) == "staging.attachments"

    @dataclasses.dataclass(frozen=True)
    class Undeclared:
        x: int

    with pytest.raises(Exception, match="no warehouse table"):
        record_table(Undeclared(1))
