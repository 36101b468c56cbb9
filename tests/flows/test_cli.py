"""The `noticeflow` command line: exit codes, messages, and the analyst commands."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import STRICT_EXIT, app

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
runner = CliRunner()


def test_ingest_help_lists_the_contract_options() -> None:
    result = runner.invoke(app, ["ingest", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--out", "--force"):
        assert option in result.output


def test_a_bad_flag_exits_non_zero() -> None:
    result = runner.invoke(app, ["ingest", "--no-such-flag", str(RAW)])
    assert result.exit_code == 2


def test_an_unwritable_db_exits_non_zero_with_a_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["ingest", str(RAW), "--db", str(blocker / "w.duckdb")])
    assert result.exit_code == 1
    assert "cannot create the folder" in result.output


def test_query_on_a_missing_warehouse_says_to_ingest_first(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "SELECT 1", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "run `noticeflow ingest` first" in result.output


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_then_status_and_read_only_query(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    args = ["--db", str(db)]
    result = runner.invoke(
        app, ["ingest", str(RAW / "hubei_2026_plan.pdf"), *args, "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert "1 ok" in result.output

    result = runner.invoke(app, ["status", *args])
    assert result.exit_code == 0
    assert "湖北省" in result.output and "2026" in result.output

    result = runner.invoke(app, ["query", "SELECT count(*) AS n FROM curated.plan_projects", *args])
    assert result.exit_code == 0 and "12" in result.output

    result = runner.invoke(app, ["query", "DELETE FROM raw.documents", *args])
    assert result.exit_code == 1
    assert "read-only" in result.output.lower()


# --- CLI conventions: --version, suggestions, query formats, status --json, --strict -------


def test_version_prints_the_installed_version() -> None:
    from importlib import metadata

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"noticeflow {metadata.version('noticeflow')}\n"
    assert re.fullmatch(r"noticeflow \d+\.\d+\.\d+\S*\n", result.output)


def test_a_mistyped_subcommand_suggests_the_right_one() -> None:
    result = runner.invoke(app, ["ingets", "data/raw"])
    assert result.exit_code == 2
    assert "No such command 'ingets'. Did you mean 'ingest'?" in result.output
    result = runner.invoke(app, ["explor"])
    assert "Did you mean 'explore'?" in result.output


@pytest.fixture(scope="module")
def warehouse_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding one plan (集成电路高级研修班), loaded without a flow run."""
    from tests.warehouse.test_load import _unit
    from warehouse import Warehouse, connect

    db = tmp_path_factory.mktemp("cli") / "w.duckdb"
    warehouse = Warehouse(connect(db))
    warehouse.load(_unit())
    warehouse.con.close()
    return db


QUERY = (
    "SELECT project_name, host_org, plan_year, page AS p, 'a|b [/bold] [red]x' AS odd, "
    "DATE '2026-04-21' AS d, NULL AS nothing FROM curated.plan_projects"
)


def test_query_prints_a_table_csv_json_or_markdown(warehouse_db: Path) -> None:
    args = ["query", QUERY, "--db", str(warehouse_db)]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "集成电路高级研修班" in table.output
    assert "a|b [/bold] [red]x" in table.output  # printed as it is, never read as markup

    csv_out = runner.invoke(app, [*args, "--format", "csv"])
    assert csv_out.exit_code == 0
    assert list(csv.reader(io.StringIO(csv_out.output))) == [
        ["project_name", "host_org", "plan_year", "p", "odd", "d", "nothing"],
        ["集成电路高级研修班", "武汉理工大学", "2026", "2", "a|b [/bold] [red]x", "2026-04-21", ""],
    ]

    json_out = runner.invoke(app, [*args, "--format", "json"])
    assert json_out.exit_code == 0
    assert json.loads(json_out.output) == [
        {
            "project_name": "集成电路高级研修班",
            "host_org": "武汉理工大学",
            "plan_year": 2026,
            "p": 2,
            "odd": "a|b [/bold] [red]x",
            "d": "2026-04-21",
            "nothing": None,
        }
    ]

    markdown = runner.invoke(app, [*args, "--format", "markdown"])
    assert markdown.exit_code == 0
    assert markdown.output.splitlines() == [
        "| project_name | host_org | plan_year | p | odd | d | nothing |",
        "|---|---|---|---|---|---|---|",
        "| 集成电路高级研修班 | 武汉理工大学 | 2026 | 2 | a\\|b [/bold] [red]x | 2026-04-21 |  |",
    ]

    wrong = runner.invoke(app, [*args, "--format", "xml"])
    assert wrong.exit_code == 2
    assert "--format must be one of table, csv, json, markdown" in wrong.output


def test_query_writes_its_output_to_a_file(warehouse_db: Path, tmp_path: Path) -> None:
    args = ["query", QUERY, "--db", str(warehouse_db)]
    target = tmp_path / "out.csv"
    result = runner.invoke(app, [*args, "--format", "csv", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "1 rows written to" in result.output
    assert "集成电路高级研修班" not in result.output  # the rows went to the file
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfproject_name,")  # BOM: Excel reads it as UTF-8
    assert "集成电路高级研修班" in data.decode("utf-8-sig")

    for fmt, expected in (("json", '"host_org": "武汉理工大学"'), ("markdown", "| 2026 |")):
        target = tmp_path / f"out.{fmt}"
        result = runner.invoke(app, [*args, "--format", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.output
        assert expected in target.read_text(encoding="utf-8")
    target = tmp_path / "out.txt"
    assert runner.invoke(app, [*args, "--output", str(target)]).exit_code == 0
    assert "集成电路高级研修班" in target.read_text(encoding="utf-8")

    missing = runner.invoke(app, [*args, "-o", str(tmp_path / "no" / "such" / "x.csv")])
    assert missing.exit_code == 2
    assert "no folder" in missing.output


def test_status_json_is_one_object(warehouse_db: Path) -> None:
    result = runner.invoke(app, ["status", "--json", "--db", str(warehouse_db)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["warehouse"] == str(warehouse_db)
    assert report["documents"] == [{"status": "ok", "media_type": "pdf", "files": 1}]
    assert report["notices"] == [
        {"region": "湖北省", "plan_year": 2026, "doc_type": "plan", "notices": 1}
    ]
    assert report["failures"] == []
    assert set(report["checks"]) >= {"pii_in_clear", "renditions_disagree"}
    assert all(isinstance(n, int) for n in report["checks"].values())


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_strict_exits_non_zero_when_a_file_failed(tmp_path: Path) -> None:
    from tests import badfiles

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "plan.pdf").write_bytes((RAW / "hubei_2026_plan.pdf").read_bytes())
    args = ["--db", str(tmp_path / "w.duckdb"), "--out", str(tmp_path / "o")]
    clean = runner.invoke(app, ["ingest", str(inbox), *args, "--strict"])
    assert clean.exit_code == 0, clean.output

    (inbox / "locked.pdf").write_bytes(badfiles.encrypted_pdf())
    lenient = runner.invoke(app, ["ingest", str(inbox), *args])
    assert lenient.exit_code == 0, lenient.output  # without --strict a failed file is data

    strict = runner.invoke(app, ["ingest", str(inbox), *args, "--strict", "--force"])
    assert strict.exit_code == STRICT_EXIT, strict.output
    assert "--strict: 1 file failed" in strict.output
    assert "[failed]" in strict.output and "encrypted PDF" in strict.output


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_strict_exits_non_zero_when_a_data_check_found_rows(tmp_path: Path) -> None:
    # A 经费决算表 whose 合计 is not the sum of its lines: the check budget_total_mismatch.
    wrong_total = FIXTURES / "form_variants" / "budget_2023_hubei_wanyuan.docx"
    args = ["--db", str(tmp_path / "w.duckdb"), "--out", str(tmp_path / "o"), "--strict"]
    result = runner.invoke(app, ["ingest", str(wrong_total), *args])
    assert result.exit_code == STRICT_EXIT, result.output
    assert "--strict: data check budget_totals_mismatch found 1 rows" in result.output
