"""Publishing: Parquet (plain and partitioned), CSV with BOM, XLSX, datapackage.json, atomically."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import duckdb
import openpyxl
import pytest

from tests.warehouse.test_load import _unit
from warehouse import PublishError, Warehouse, connect, publish
from warehouse.catalog import catalog


@pytest.fixture()
def loaded(tmp_path: Path) -> Warehouse:
    warehouse = Warehouse(connect(tmp_path / "w.duckdb"))
    warehouse.load(_unit())
    return warehouse


def test_every_curated_table_is_published_in_every_format(loaded: Warehouse, tmp_path: Path):
    out = tmp_path / "curated"
    publish(loaded.con, out)
    tables = [
        r[0]
        for r in loaded.con.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'curated'"
        ).fetchall()
    ]
    assert "plan_projects" in tables and "budget_sheets" in tables
    for table in tables:
        assert (out / "parquet" / f"{table}.parquet").is_file()
        assert (out / "csv" / f"{table}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    workbook = openpyxl.load_workbook(out / "noticeflow.xlsx", read_only=True)
    assert set(workbook.sheetnames) == {t[:31] for t in tables}
    sheet = workbook["plan_projects"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("notice_id", "plan_year", "region")
    assert rows[1][6] == "集成电路高级研修班"


def test_programme_tables_are_partitioned_by_year_and_region(loaded: Warehouse, tmp_path: Path):
    out = tmp_path / "curated"
    publish(loaded.con, out)
    # DuckDB percent-encodes non-ASCII partition values; readers decode them.
    folders = [
        unquote(str(p.relative_to(out)))
        for p in (out / "parquet" / "plan_projects").rglob("*.parquet")
    ]
    assert folders == ["parquet/plan_projects/plan_year=2026/region=湖北省/data_0.parquet"]
    terms = duckdb.sql(
        f"SELECT term, value_max, plan_year, region FROM read_parquet("
        f"'{out}/parquet/policy_terms/*/*/*.parquet', hive_partitioning = true)"
    ).fetchall()
    assert terms == [("funding_cap", 130000.0, 2026, "湖北省")]


def test_datapackage_describes_every_column_in_chinese_and_english(
    loaded: Warehouse, tmp_path: Path
):
    out = tmp_path / "curated"
    publish(loaded.con, out)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in package["resources"]}
    projects = by_name["plan-projects"]
    assert projects["path"] == "csv/plan_projects.csv"
    fields = {f["name"]: f for f in projects["schema"]["fields"]}
    assert fields["host_org"]["description_zh"] == "承办单位"
    assert fields["seq"]["type"] == "integer"
    for resource in package["resources"]:
        for f in resource["schema"]["fields"]:
            assert f["description_zh"] and f["description_en"], (resource["name"], f["name"])


def test_the_same_descriptions_are_comments_in_duckdb(loaded: Warehouse) -> None:
    comment = loaded.con.execute(
        "SELECT comment FROM duckdb_columns() WHERE schema_name = 'curated' "
        "AND table_name = 'plan_projects' AND column_name = 'host_org'"
    ).fetchone()
    assert comment == ("承办单位 — Host organisation (承办单位)",)
    # Every curated view and column is in the catalog.
    columns = loaded.con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'curated'"
    ).fetchall()
    missing = [(t, c) for t, c in columns if c not in catalog().get(t, {}).get("columns", {})]
    assert missing == []


def test_a_failed_publish_leaves_the_previous_folder_untouched(loaded: Warehouse, tmp_path: Path):
    out = tmp_path / "curated"
    publish(loaded.con, out)
    (out / "README.md").write_text("hand-written")
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    loaded.con.execute("CREATE VIEW curated.zz_broken AS SELECT error('disk on fire') AS x")
    with pytest.raises(PublishError, match="disk on fire"):
        publish(loaded.con, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".curated")]
    loaded.con.execute("DROP VIEW curated.zz_broken")
    publish(loaded.con, out)
    assert (out / "README.md").read_text() == "hand-written"
