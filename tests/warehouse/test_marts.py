"""Materialised views kept incrementally equal the views computed in full.

Documents are loaded one at a time (each load refreshes only the region-years it
touched), replaced, and derived again; after each step every materialised table must
hold exactly what its live view computes from scratch."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from extractors import Limits
from flows.sources import InputFile
from flows.steps import process_file
from warehouse import Warehouse, connect
from warehouse.db import materialized

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    ROOT / "data" / "raw" / "hubei_2023_plan.docx",
    ROOT / "data" / "raw" / "hubei_2026_plan.pdf",
    ROOT / "data" / "raw" / "hubei_2026_plan.docx",
    ROOT / "data" / "raw" / "fujian_2026_call_for_applications.docx",
    ROOT / "tests" / "fixtures" / "amendments" / "hunan_2025_change_table.docx",
    ROOT / "tests" / "fixtures" / "amendments" / "sichuan_2026_addition.docx",
]


@pytest.fixture()
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    con = connect(tmp_path / "w.duckdb")
    yield Warehouse(con)
    con.close()


def _load(warehouse: Warehouse, path: Path, doc_id: str | None = None) -> None:
    data = path.read_bytes()
    item = InputFile(path, str(path), doc_id or hashlib.sha256(data).hexdigest(), len(data), None)
    warehouse.load(process_file(item, limits=Limits(), pii_key=b"k" * 32).unit)


def _differences(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    out = {}
    for obj in materialized():
        n = con.execute(
            f"SELECT count(*) FROM ((SELECT * FROM {obj.live} EXCEPT ALL SELECT * FROM {obj.table})"
            f" UNION ALL (SELECT * FROM {obj.table} EXCEPT ALL SELECT * FROM {obj.live}))"
        ).fetchone()
        if n and n[0]:
            out[obj.view] = int(n[0])
    return out


def test_incremental_refreshes_equal_a_full_computation(warehouse: Warehouse) -> None:
    for path in FILES:
        _load(warehouse, path)
        assert _differences(warehouse.con) == {}, path.name
    assert warehouse.con.execute("SELECT count(*) FROM curated.notices").fetchone() == (5,)
    # The same source with other bytes replaces its older version (and its region-year).
    _load(warehouse, FILES[0], doc_id="a-new-version-of-the-2023-plan")
    assert _differences(warehouse.con) == {}
    assert warehouse.pending_refresh() == 0


def test_a_run_that_refreshes_once_at_the_end_ends_equal(warehouse: Warehouse) -> None:
    warehouse.auto_refresh = False
    for path in FILES:
        _load(warehouse, path)
    assert warehouse.pending_refresh() > 0
    assert warehouse.refresh() > 0
    assert _differences(warehouse.con) == {}
