"""Incremental publishing: only what changed is written; nothing new writes nothing."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from urllib.parse import unquote

import pytest

from normalizers.records import Notice, PlanProject, PolicyTerm
from tests.warehouse.test_load import _unit
from warehouse import Warehouse, connect, publish
from warehouse.publish import MANIFEST
from warehouse.unit import LoadUnit


def _fujian_2025(doc_id: str = "b" * 64) -> LoadUnit:
    """Another notice: another year and region (so another partition)."""
    unit = _unit(doc_id, "data/raw/fujian.pdf", "数字经济高级研修班")
    records = []
    for record in unit.records:
        if isinstance(record, Notice):
            record = dataclasses.replace(
                record,
                notice_id=doc_id,
                region="福建省",
                plan_year=2025,
                doc_number="闽人社文〔2025〕9号",
                doc_number_prefix="闽人社文",
                doc_number_year=2025,
                doc_number_serial=9,
            )
        elif isinstance(record, PlanProject):
            record = dataclasses.replace(record, plan_year=2025, region="福建省")
        elif isinstance(record, PolicyTerm):
            record = dataclasses.replace(record, value_max=120000.0)
        records.append(record)
    return dataclasses.replace(unit, records=tuple(records))


def _files(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file below `out`: (inode, mtime in ns, bytes)."""
    found = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            stat = path.stat()
            found[unquote(str(path.relative_to(out)))] = (
                stat.st_ino,
                stat.st_mtime_ns,
                path.read_bytes(),
            )
    return found


@pytest.fixture()
def warehouse(tmp_path: Path) -> Warehouse:
    warehouse = Warehouse(connect(tmp_path / "w.duckdb"))
    warehouse.load(_unit())
    return warehouse


def test_nothing_changed_writes_nothing(warehouse: Warehouse, tmp_path: Path) -> None:
    out = tmp_path / "curated"
    first = publish(warehouse.con, out)
    assert out / MANIFEST in first and out / "dashboard.html" in first
    before = _files(out)
    assert publish(warehouse.con, out) == []
    assert _files(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".curated")]


def test_only_changed_tables_and_partitions_are_written(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    out = tmp_path / "curated"
    publish(warehouse.con, out)
    before = _files(out)
    warehouse.load(_fujian_2025())
    written = {unquote(str(p.relative_to(out))) for p in publish(warehouse.con, out)}
    after = _files(out)

    hubei = "parquet/plan_projects/plan_year=2026/region=湖北省/data_0.parquet"
    fujian = "parquet/plan_projects/plan_year=2025/region=福建省/data_0.parquet"
    assert fujian in written and fujian in after
    # The partition of the year and region no row of which changed: the very same file.
    assert hubei not in written and after[hubei] == before[hubei]
    # Tables whose rows changed are written again; the others are carried over as they were.
    assert {"csv/plan_projects.csv", "csv/notices.csv", "noticeflow.xlsx"} <= written
    for unchanged in ("csv/budget_sheets.csv", "parquet/satisfaction_stats.parquet"):
        assert unchanged not in written and after[unchanged] == before[unchanged]
    assert "dashboard.html" in written and after["dashboard.html"] != before["dashboard.html"]
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["partitions"]["plan_projects"]) == {"2025/福建省", "2026/湖北省"}
    # And the next publish has nothing to do.
    assert publish(warehouse.con, out) == []


def test_a_removed_partition_goes_and_a_deleted_file_comes_back(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    out = tmp_path / "curated"
    warehouse.load(_fujian_2025())
    publish(warehouse.con, out)
    os.unlink(out / "csv" / "notices.csv")
    warehouse.load(dataclasses.replace(_unit("c" * 64, "data/raw/fujian.pdf"), records=()))
    written = {unquote(str(p.relative_to(out))) for p in publish(warehouse.con, out)}
    assert "csv/notices.csv" in written and (out / "csv" / "notices.csv").is_file()
    years = sorted(unquote(str(p.relative_to(out))) for p in out.rglob("plan_year=*"))
    assert years == ["parquet/plan_projects/plan_year=2026", "parquet/policy_terms/plan_year=2026"]
