"""Acceptance: one real flow run over the sample notices and the filled forms, checked
against the gold annotations through the curated tables (what analysts see)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import openpyxl
import pytest

from flows.ingest import run_ingest
from flows.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
FORMS = ROOT / "tests" / "fixtures" / "forms"
GOLD = ROOT / "tests" / "fixtures" / "gold"
NOTICE_FILES = sorted(p for p in RAW.iterdir() if not p.name.lower().startswith("readme"))


@pytest.fixture(scope="module")
def warehouse(
    prefect_harness: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Settings]]:
    tmp = tmp_path_factory.mktemp("acceptance")
    settings = Settings(db=tmp / "w.duckdb", out=tmp / "curated", pii_key_file=tmp / "key")
    summary = run_ingest([str(RAW), str(FORMS)], settings)
    assert summary.status_counts["failed"] == 0
    con = duckdb.connect(str(settings.db), read_only=True)
    yield con, settings
    con.close()


def _notice_id(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """The notice a file carries (every rendition of a notice gives the same one)."""
    row = con.execute(
        "SELECT notice_id FROM curated.notice_documents WHERE source_uri = ?", [str(path)]
    ).fetchone()
    assert row, path
    return str(row[0])


def _gold(path: Path) -> dict:
    return json.loads((GOLD / "notices" / f"{path.stem}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", NOTICE_FILES, ids=lambda p: p.name)
def test_curated_notice_row_equals_gold(warehouse, path: Path) -> None:
    con, _ = warehouse
    gold = _gold(path)["notice"]
    relation = con.execute(
        "SELECT * FROM curated.notices WHERE notice_id = ?", [_notice_id(con, path)]
    )
    columns = [d[0] for d in relation.description]
    row = dict(zip(columns, relation.fetchone(), strict=True))
    for key, value in gold.items():
        got = row[key]
        got = got.isoformat() if hasattr(got, "isoformat") else got
        assert got == value, (key, got, value)


@pytest.mark.parametrize("path", NOTICE_FILES, ids=lambda p: p.name)
def test_curated_projects_terms_attachments_citations_equal_gold(warehouse, path: Path) -> None:
    con, _ = warehouse
    gold = _gold(path)
    notice_id = _notice_id(con, path)
    projects = con.execute(
        "SELECT funding_type, seq, project_name, host_org, applicant_org "
        "FROM curated.plan_projects WHERE notice_id = ? ORDER BY funding_type DESC, seq",
        [notice_id],
    ).fetchall()
    expected = [
        (p["funding_type"], p["seq"], p["project_name"], p["host_org"], p.get("applicant_org"))
        for p in gold["projects"]
    ]
    assert sorted(projects, key=str) == sorted(expected, key=str)

    terms = con.execute(
        "SELECT program_level, term, value_min, value_max, approx, unit, value_date "
        "FROM curated.policy_terms WHERE notice_id = ?",
        [notice_id],
    ).fetchall()
    got_terms = {
        (
            lvl,
            term,
            vmin,
            vmax,
            bool(approx),
            unit if vdate is None else None,
            vdate.isoformat() if vdate else None,
        )
        for lvl, term, vmin, vmax, approx, unit, vdate in terms
    }
    want_terms = {
        (
            t["program_level"],
            t["term"],
            t.get("value_min"),
            t.get("value_max"),
            bool(t.get("approx", False)),
            t.get("unit"),
            t.get("value_date"),
        )
        for t in gold["terms"]
    }
    assert got_terms == want_terms

    attachments = con.execute(
        "SELECT attachment_no, title FROM curated.attachments WHERE notice_id = ? "
        "ORDER BY attachment_no",
        [notice_id],
    ).fetchall()
    assert attachments == [(a["attachment_no"], a["title"]) for a in gold["attachments"]]

    cited = con.execute(
        "SELECT cited_doc_number FROM curated.cited_documents WHERE notice_id = ?", [notice_id]
    ).fetchall()
    assert sorted(c for (c,) in cited) == sorted(gold["cited_doc_numbers"])


def test_every_sample_file_is_ok(warehouse) -> None:
    con, _ = warehouse
    statuses = dict(
        con.execute(
            "SELECT source_uri, status FROM curated.documents WHERE parent_doc_id IS NULL"
        ).fetchall()
    )
    for path in [*NOTICE_FILES, *sorted(FORMS.iterdir())]:
        assert statuses[str(path)] == "ok", path


def test_budget_sheets_get_the_cap_of_the_plan_that_lists_them(warehouse) -> None:
    con, _ = warehouse
    rows = con.execute(
        "SELECT source_uri, cap_yuan, over_cap, total_matches FROM curated.budget_sheets"
    ).fetchall()
    assert len(rows) == 3
    for source_uri, cap, over_cap, total_matches in rows:
        gold = json.loads(
            (GOLD / "forms" / f"{Path(source_uri).stem}.json").read_text(encoding="utf-8")
        )["fields"]
        assert cap == gold["subsidy_cap_yuan"], source_uri
        assert over_cap is (gold["subsidy_yuan"] > gold["subsidy_cap_yuan"])
        assert total_matches is (gold["total_yuan"] == gold["computed_total_yuan"])


def _personal_values() -> list[str]:
    gold = json.loads(
        (GOLD / "forms" / "attendance_2026_integrated_circuits.json").read_text(encoding="utf-8")
    )["fields"]
    return [*gold["id_numbers"], *gold["phones"], *gold["names"]]


def test_no_personal_data_in_curated_tables(warehouse) -> None:
    con, _ = warehouse
    secrets = _personal_values()
    tables = [
        r[0]
        for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'curated'"
        ).fetchall()
    ]
    for table in tables:
        text = "\n".join(
            str(v) for row in con.execute(f"SELECT * FROM curated.{table}").fetchall() for v in row
        )
        leaked = [s for s in secrets if s in text]
        assert leaked == [], table
    private = "\n".join(
        str(v)
        for row in con.execute("SELECT * FROM private.attendance_people").fetchall()
        for v in row
    )
    assert [s for s in secrets[:24] if s in private] == []  # IDs and phones: hashes only
    masked = con.execute(
        "SELECT id_masked FROM private.attendance_people ORDER BY row_no"
    ).fetchall()
    assert masked[0] == ("420103********5673",)


def test_no_personal_data_in_published_files(warehouse) -> None:
    _, settings = warehouse
    secrets = _personal_values()
    files = [p for p in settings.out.rglob("*") if p.is_file()]
    assert files
    for path in files:
        if path.suffix == ".parquet":
            rows = duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()
            text = "\n".join(str(v) for row in rows for v in row)
        elif path.suffix == ".xlsx":
            workbook = openpyxl.load_workbook(path, read_only=True)
            text = "\n".join(
                str(v)
                for sheet in workbook.worksheets
                for row in sheet.iter_rows(values_only=True)
                for v in row
            )
        else:
            text = path.read_bytes().decode("utf-8", errors="replace")
        assert [s for s in secrets if s in text] == [], path


def test_the_samples_break_no_data_check(warehouse) -> None:
    from warehouse import run_checks

    con, _ = warehouse
    assert {name: rows for name, rows in run_checks(con).items() if rows} == {}


def test_compare_shows_the_sample_policies_side_by_side(warehouse) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    _, settings = warehouse
    result = CliRunner().invoke(app, ["compare", "--db", str(settings.db)])
    assert result.exit_code == 0, result.output
    rows = {
        tuple(cell.strip() for cell in line.split("│")[1:4]): [
            cell.strip() for cell in line.split("│")[5:11]
        ]
        for line in result.output.splitlines()
        if line.startswith("│")
    }
    assert rows[("湖北省", "2023", "provincial")][:4] == [
        "125,000",
        "约4天",
        "约40人",
        "2023-10-10",
    ]
    assert rows[("湖北省", "2026", "provincial")][:4] == ["130,000", "≥4天", "≥40人", "2026-10-10"]
    assert rows[("全国", "2021", "national")][:3] == ["165,000", "约5天", "≤100人"]
    assert rows[("福建省", "2026", "national")][1:3] == ["5–7天", "≥50人"]
    assert rows[("福建省", "2026", "provincial")][1:3] == ["约4天", "≥30人"]
    only_2026 = CliRunner().invoke(app, ["compare", "--year", "2026", "--db", str(settings.db)])
    assert "2023" not in only_2026.output and "湖北省" in only_2026.output
