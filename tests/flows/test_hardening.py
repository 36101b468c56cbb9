"""Hardening (issue 10): nothing crashes, nothing passes silently, nothing outside is touched.

Real flow runs, a real DuckDB file, real `noticeflow` subprocesses; no mocks.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.ingest import IngestFailed, run_ingest
from flows.settings import Settings
from tests.extractors.test_outcome import shuffled_pdf_objects
from tests.extractors.test_text_repair import damaged_text

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
SCANS = ROOT / "tests" / "fixtures" / "scans"
NOTICEFLOW = Path(sys.executable).parent / "noticeflow"
runner = CliRunner()


def _settings(tmp_path: Path, **changes: object) -> Settings:
    base = Settings(
        db=tmp_path / "w.duckdb", out=tmp_path / "curated", pii_key_file=tmp_path / "key"
    )
    return base.with_overrides(**changes)


def _documents(db: Path) -> dict[str, tuple[str, str | None]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT source_uri, status, error FROM raw.documents").fetchall()
    finally:
        con.close()
    return {Path(uri).name: (status, error) for uri, status, error in rows}


# --- silent loss, markup, control characters: one CLI run ---------------------------


@pytest.mark.usefixtures("prefect_harness")
def test_hostile_files_through_the_cli_fail_or_warn_plainly_and_print_their_tags(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    pdf = (RAW / "hubei_2023_plan.pdf").read_bytes()
    odd = inbox / "odd["  # the path reads ".../odd[/reordered].pdf": a closing tag for rich
    odd.mkdir()
    (odd / "reordered].pdf").write_bytes(shuffled_pdf_objects(pdf))
    (inbox / "damaged.txt").write_bytes(damaged_text())
    (odd / "noise[red].docx").write_bytes(os.urandom(2048))
    shutil.copy(RAW / "hubei_2026_plan.docx", inbox / "good.docx")
    db = tmp_path / "w.duckdb"
    result = runner.invoke(
        app, ["ingest", str(inbox), "--db", str(db), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    # The summary's tags and the file names with "[/…" are printed as they are.
    assert "[failed]" in result.output and "[partial]" in result.output
    assert "odd[/reordered].pdf" in result.output and "noise[red].docx" in result.output

    docs = _documents(db)
    status, error = docs["reordered].pdf"]
    assert status == "failed" and error and "no readable pages" in error
    status, error = docs["damaged.txt"]
    assert status == "partial" and error and "control character" in error
    assert docs["good.docx"][0] == "ok"
    con = duckdb.connect(str(db), read_only=True)
    try:
        problems = con.execute(
            "SELECT count(*) FROM raw.problems p JOIN raw.documents d USING (doc_id) "
            "WHERE d.source_uri LIKE '%reordered%'"
        ).fetchone()
        texts = con.execute(
            "SELECT count(*) FROM raw.text_blocks b JOIN raw.documents d USING (doc_id) "
            "WHERE d.source_uri LIKE '%damaged.txt' AND b.text LIKE '%湖北省%'"
        ).fetchone()
    finally:
        con.close()
    assert problems and problems[0] >= 1
    assert texts and texts[0] >= 1


def test_help_shows_default_values() -> None:
    result = runner.invoke(app, ["ingest", "--help"])
    assert result.exit_code == 0
    assert "[default: data/warehouse.duckdb]" in result.output
    assert "[default: data/curated]" in result.output


# --- one file does not hold the batch ----------------------------------------------


@pytest.mark.usefixtures("prefect_harness")
def test_a_file_over_its_time_budget_is_stopped_failed_and_the_batch_goes_on(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SCANS / "hubei_2026_plan_table.png", inbox / "scan.png")  # OCR: seconds
    shutil.copy(RAW / "mohrss_2021_plan.html", inbox / "page.html")
    started = time.monotonic()
    summary = run_ingest([str(inbox)], _settings(tmp_path, file_timeout=1.0))
    took = time.monotonic() - started
    outcomes = {Path(o.source_uri).name: o for o in summary.outcomes}
    assert outcomes["scan.png"].status == "failed"
    assert "time budget of 1 s" in (outcomes["scan.png"].error or "")
    assert outcomes["page.html"].status == "ok"
    assert took < 60
    docs = _documents(tmp_path / "w.duckdb")
    assert docs["scan.png"][0] == "failed" and docs["page.html"][0] == "ok"


# --- query and the read paths touch nothing outside the warehouse ------------------


@pytest.fixture()
def built_db(tmp_path: Path) -> Path:
    from warehouse import connect

    db = tmp_path / "w.duckdb"
    connect(db).close()
    return db


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT 1 AS a) TO '{out}'",
        "SELECT 1; COPY raw.documents TO '{out}'",
        "ATTACH '{out}' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "CREATE TABLE raw.x AS SELECT 1",
        "DELETE FROM raw.documents",
        "EXPORT DATABASE '{out}'",
    ],
)
def test_query_refuses_writes_and_files_outside_the_warehouse(
    built_db: Path, tmp_path: Path, sql: str
) -> None:
    out = tmp_path / "leak.csv"
    result = runner.invoke(app, ["query", sql.format(out=out), "--db", str(built_db)])
    assert result.exit_code == 1, result.output
    assert "read-only" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_query_cannot_read_files_outside_the_warehouse(built_db: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n42\n")
    result = runner.invoke(
        app, ["query", f"SELECT * FROM read_csv('{secret}')", "--db", str(built_db)]
    )
    assert result.exit_code == 1 and "42" not in result.output
    assert "read-only" in result.output


def test_read_commands_work_on_the_sandboxed_connection(built_db: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["query", "SELECT 40 + 2 AS n", "--db", str(built_db)]).exit_code == 0
    assert runner.invoke(app, ["status", "--db", str(built_db)]).exit_code == 0
    assert runner.invoke(app, ["compare", "--db", str(built_db)]).exit_code == 0
    page = tmp_path / "d.html"
    result = runner.invoke(app, ["dashboard", "--db", str(built_db), "--output", str(page)])
    assert result.exit_code == 0, result.output
    assert page.is_file()


def test_a_query_result_with_markup_like_text_is_printed_as_is(built_db: Path) -> None:
    result = runner.invoke(app, ["query", "SELECT '[/bold] [red]x' AS t", "--db", str(built_db)])
    assert result.exit_code == 0, result.output
    assert "[/bold] [red]x" in result.output


# --- paths --------------------------------------------------------------------------


def test_ingest_of_a_missing_path_exits_non_zero_and_creates_nothing(tmp_path: Path) -> None:
    db, out = tmp_path / "w" / "w.duckdb", tmp_path / "o"
    result = runner.invoke(
        app, ["ingest", str(tmp_path / "nope"), "--db", str(db), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
    assert not db.exists() and not db.parent.exists() and not out.exists()


def test_out_pointing_at_a_regular_file_is_refused_and_the_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("my own file")
    db = tmp_path / "w.duckdb"
    result = runner.invoke(
        app, ["ingest", str(RAW / "mohrss_2021_plan.html"), "--db", str(db), "--out", str(target)]
    )
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.output
    assert target.read_text() == "my own file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


# --- lock errors ---------------------------------------------------------------------


def test_a_locked_warehouse_gives_a_message_not_a_traceback(built_db: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(60)",
            str(built_db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        for args in (
            ["ingest", str(RAW / "mohrss_2021_plan.html"), "--db", str(built_db)],
            ["status", "--db", str(built_db)],
            ["query", "SELECT 1", "--db", str(built_db)],
        ):
            result = runner.invoke(app, args)
            assert result.exit_code == 1, (args, result.output)
            assert "Could not set lock" in result.output
            assert "Traceback" not in result.output
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()


# --- disk full -----------------------------------------------------------------------


@contextlib.contextmanager
def _small_tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): " + done.stderr.decode())
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.usefixtures("prefect_harness")
def test_disk_full_while_publishing_says_so_and_keeps_the_published_folder(
    tmp_path: Path,
) -> None:
    with _small_tmpfs(tmp_path / "small", "8m") as small:
        out, db = small / "curated", tmp_path / "w.duckdb"
        args = ["--db", str(db), "--out", str(out)]
        first = runner.invoke(app, ["ingest", str(RAW / "mohrss_2021_plan.html"), *args])
        assert first.exit_code == 0, first.output
        before = _tree(out)
        # Leave less room than one more copy of the folder needs.
        free = shutil.disk_usage(small).free
        (small / "ballast").write_bytes(b"\0" * max(0, free - 200_000))
        result = runner.invoke(app, ["ingest", str(RAW / "hubei_2026_plan.docx"), *args])
        assert result.exit_code == 1, result.output
        assert "No space left on device" in result.output
        assert "Traceback" not in result.output
        assert _tree(out) == before
        assert sorted(p.name for p in small.iterdir()) == ["ballast", "curated"]


# --- kill -9 at each stage: the next run completes and equals a clean run ------------


def _kill_strays(token: str) -> None:
    """SIGKILL processes (by pid) still running with this test's token in their environment."""
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"NOTICEFLOW_TEST_TOKEN={token}".encode() in environ:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry.name), signal.SIGKILL)


def _cli(args: list[str], token: str, **env: str) -> subprocess.CompletedProcess[str]:
    from prefect.settings import PREFECT_API_URL

    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "NOTICEFLOW_TEST_TOKEN": token,
        **env,
    }
    try:
        return subprocess.run(
            [str(NOTICEFLOW), *args],
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        _kill_strays(token)


def _snapshot(db: Path, out: Path) -> tuple[dict[str, int], dict[str, list[tuple[str, ...]]]]:
    """Table counts, and every published CSV's rows (load times left out), sorted."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE schema_name <> 'main' UNION ALL "
            "SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
        counts = {n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for (n,) in names}
    finally:
        con.close()
    files: dict[str, list[tuple[str, ...]]] = {}
    for path in sorted((out / "csv").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        keep = [i for i, name in enumerate(rows[0]) if not name.endswith("_at")]
        files[path.name] = sorted(tuple(row[i] for i in keep) for row in rows)
    return counts, files


def _temporary_folders(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".curated."))


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_kill_9_during_extract_load_or_publish_then_the_next_run_equals_a_clean_run(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("hubei_2026_plan.docx", "hubei_2023_plan.docx", "mohrss_2021_plan.html"):
        shutil.copy(RAW / name, inbox / name)
    (inbox / "damaged.txt").write_bytes(damaged_text())
    token = uuid.uuid4().hex

    def paths(name: str) -> tuple[Path, Path, list[str]]:
        folder = tmp_path / name
        folder.mkdir()
        db, out = folder / "w.duckdb", folder / "curated"
        key = ["--db", str(db), "--out", str(out)]
        return db, out, key

    db, out, args = paths("clean")
    env = {"NOTICEFLOW_PII_KEY_FILE": str(tmp_path / "key")}
    started = time.monotonic()
    clean = _cli(["ingest", str(inbox), *args], token, **env)
    wall = time.monotonic() - started
    assert clean.returncode == 0, clean.stderr
    assert "Traceback" not in clean.stdout + clean.stderr
    expected = _snapshot(db, out)
    # The summary's time is the run's wall time (Prefect's start-up included), not the
    # flow's alone: only the interpreter's start before the command runs is missing.
    printed = float(clean.stdout.split(" rows loaded in ")[1].split(" s")[0])
    assert wall - 6 <= printed <= wall, (printed, wall)

    for stage in ("extract:2", "load:3", "publish"):
        db, out, args = paths(stage.replace(":", "_"))
        killed = _cli(["ingest", str(inbox), *args], token, NOTICEFLOW_TEST_KILL_AT=stage, **env)
        assert killed.returncode == -signal.SIGKILL, (stage, killed.returncode, killed.stderr)
        if stage == "publish":
            assert _temporary_folders(out.parent), "the kill left no temporary folder to clean"
        again = _cli(["ingest", str(inbox), *args], token, **env)
        assert again.returncode == 0, (stage, again.stderr)
        assert "Traceback" not in again.stdout + again.stderr
        assert _snapshot(db, out) == expected, stage
        assert _temporary_folders(out.parent) == [], stage


def test_settings_refuse_an_unknown_kill_stage() -> None:
    with pytest.raises(ValueError, match="NOTICEFLOW_TEST_KILL_AT"):
        Settings(kill_at="somewhere")


def test_ingest_failed_carries_the_summary() -> None:
    from flows.summary import RunSummary

    summary = RunSummary(sources=[], fatal="the disk is full (No space left on device)")
    error = IngestFailed(summary.fatal or "", summary)
    assert error.summary is summary and "No space left" in str(error)
