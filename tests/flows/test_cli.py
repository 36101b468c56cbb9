"""The `noticeflow` command line: exit codes, messages, and the analyst commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
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
