"""Scheduled ingestion: sources files, clear errors, and a real Prefect server serving runs.

The slow test starts `prefect server start` on 127.0.0.1 with its own PREFECT_HOME and
SQLite database, then `noticeflow serve --interval 5` against it, drops a new notice into
the inbox and waits for a scheduled run to load it. Both processes get an explicit
environment (none of the session's PREFECT_* settings) and are stopped, with their
process groups, in `finally`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.serve import ServeError, check_server, scheduled_ingest, serve
from flows.settings import Settings

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
BIN = Path(sys.executable).parent
WAIT_SECONDS = 180


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This process's environment without any PREFECT_*/NOTICEFLOW_* setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NOTICEFLOW_"))}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        NOTICEFLOW_PII_KEY_FILE=str(tmp_path / "pii_key"),
    )
    env.update(extra)
    return env


def _start(
    command: list[str], env: dict[str, str], cwd: Path, log: Path
) -> subprocess.Popen[bytes]:
    """Start `command` in its own session (stopped as a group by `_stop`), output to `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Terminate a process started in its own session, then anything left in its group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _wait_for(what: str, check: Callable[[], Any], logs: list[Path], seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(1)
    tails = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in logs)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}\n{tails}")


# --- fast tests ------------------------------------------------------------------------


@pytest.mark.usefixtures("prefect_harness")
def test_each_scheduled_run_reads_the_sources_file_again(tmp_path: Path) -> None:
    notices = tmp_path / "notices"
    notices.mkdir()
    shutil.copy(RAW / "hubei_2023_plan.docx", notices)
    shutil.copy(RAW / "hubei_2026_plan.docx", notices)
    listing = tmp_path / "lists" / "watch.txt"
    listing.parent.mkdir()
    listing.write_text("# notices to watch\n\n../notices/hubei_2023_plan.docx\n", "utf-8")
    db, out = tmp_path / "w.duckdb", tmp_path / "curated"
    run = functools.partial(
        scheduled_ingest, sources=[], db=str(db), out=str(out), sources_file=str(listing)
    )

    assert run() == {"processed": 1, "failed": 0, "skipped": 0, "missing": 0}
    assert "湖北省" in (out / "dashboard.html").read_text(encoding="utf-8")
    with listing.open("a", encoding="utf-8") as f:  # a line added while serving
        f.write(f"  {notices / 'hubei_2026_plan.docx'}  \n# {notices / 'nowhere.pdf'}\n")
    assert run() == {"processed": 1, "failed": 0, "skipped": 1, "missing": 0}

    con = duckdb.connect(str(db), read_only=True)
    try:
        years = con.execute("SELECT plan_year FROM curated.notices ORDER BY 1").fetchall()
    finally:
        con.close()
    assert years == [(2023,), (2026,)]

    listing.unlink()
    with pytest.raises(ServeError, match="cannot read the sources file"):
        run()


def test_serve_refuses_a_bad_schedule_before_contacting_a_server(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "w.duckdb", out=tmp_path / "out")
    with pytest.raises(ServeError, match="exactly one schedule"):
        serve([str(tmp_path)], settings, cron="0 6 * * *", interval=60)
    with pytest.raises(ServeError, match="exactly one schedule"):
        serve([str(tmp_path)], settings, cron=None, interval=None)
    with pytest.raises(ServeError, match="not a valid cron expression"):
        serve([str(tmp_path)], settings, cron="every morning", interval=None)
    with pytest.raises(ServeError, match="positive number of seconds"):
        serve([str(tmp_path)], settings, cron=None, interval=0)
    with pytest.raises(ServeError, match="no sources file"):
        serve(tmp_path / "sources.txt", settings, cron="0 6 * * *", interval=None)


def test_no_server_at_the_api_url_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{_free_port()}/api"
    with (
        temporary_settings({PREFECT_API_URL: url}),
        pytest.raises(ServeError, match="prefect server start") as info,
    ):
        check_server()
    assert f"no Prefect server answers at {url}" in str(info.value)
    assert "export PREFECT_API_URL=http://127.0.0.1:4200/api" in str(info.value)
    with (
        temporary_settings(restore_defaults={PREFECT_API_URL}),
        pytest.raises(ServeError, match=r"PREFECT_API_URL is not set.*prefect server start"),
    ):
        check_server()


def test_the_serve_command_exits_1_with_the_message_when_no_server_answers(
    tmp_path: Path,
) -> None:
    url = f"http://127.0.0.1:{_free_port()}/api"
    result = subprocess.run(
        [str(BIN / "noticeflow"), "serve", "--cron", "0 6 * * *", "--source", str(tmp_path)],
        env=_env(tmp_path, COLUMNS="200", PREFECT_API_URL=url),
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
    )
    assert result.returncode == 1, result.stderr
    assert f"no Prefect server answers at {url}" in result.stderr
    assert "prefect server start" in result.stderr


# --- a real server ---------------------------------------------------------------------


def _runs(api: str, states: list[str]) -> list[dict[str, Any]]:
    response = httpx.post(
        f"{api}/flow_runs/filter",
        json={
            "flows": {"name": {"any_": ["scheduled-ingest"]}},
            "flow_runs": {"state": {"type": {"any_": states}}},
            "sort": "START_TIME_DESC",
        },
        timeout=10,
    )
    response.raise_for_status()
    return response.json()


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.slow
def test_serve_ingests_a_notice_dropped_into_the_inbox(tmp_path: Path) -> None:
    inbox, db, out = tmp_path / "inbox", tmp_path / "w.duckdb", tmp_path / "curated"
    inbox.mkdir()
    shutil.copy(RAW / "hubei_2023_plan.docx", inbox)
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    server_log, serve_log = tmp_path / "server.log", tmp_path / "serve.log"
    base = _env(
        tmp_path,
        PREFECT_API_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}",
        PREFECT_UI_ENABLED="false",
        PREFECT_LOGGING_LEVEL="INFO",
    )
    server_command = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1"]
    server_command += ["--port", str(port)]
    serve_command = [str(BIN / "noticeflow"), "serve", "--interval", "5", "--source", str(inbox)]
    serve_command += ["--db", str(db), "--out", str(out)]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.append(_start(server_command, base, tmp_path, server_log))
        _wait_for("the Prefect server", lambda: _healthy(api), [server_log], WAIT_SECONDS)

        serve_env = {**base, "PREFECT_API_URL": api, "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
        processes.append(_start(serve_command, serve_env, tmp_path, serve_log))
        logs = [serve_log, server_log]
        _wait_for("a first completed run", lambda: _runs(api, ["COMPLETED"]), logs, 120)

        dropped = dt.datetime.now(dt.UTC)
        shutil.copy(RAW / "hubei_2026_plan.pdf", inbox / "hubei_2026_plan.pdf")

        def completed_after_drop() -> bool:
            return any(
                dt.datetime.fromisoformat(run["start_time"]) > dropped
                for run in _runs(api, ["COMPLETED"])
                if run["start_time"]
            )

        _wait_for("a run after the new notice arrived", completed_after_drop, logs, 120)
        failed = _runs(api, ["FAILED", "CRASHED"])
        assert failed == [], [r["state"] for r in failed]
        artifacts = httpx.post(
            f"{api}/artifacts/filter",
            json={"artifacts": {"key": {"any_": ["ingest-summary"]}}},
            timeout=10,
        ).json()
        # The run that found the new PDF read only it and skipped the DOCX loaded before.
        assert any(
            "files processed: 1 (ok 1," in a["data"]
            and "files skipped (unchanged): 1" in a["data"]
            and "| pdf | 1 |" in a["data"]
            for a in artifacts
        ), [a["data"][:200] for a in artifacts]
    finally:
        for process in reversed(processes):  # the runner first, then the server
            _stop(process)

    con = duckdb.connect(str(db), read_only=True)
    try:
        documents = con.execute(
            "SELECT source_uri, status FROM curated.documents ORDER BY source_uri"
        ).fetchall()
        notices = con.execute(
            "SELECT region, plan_year, doc_number FROM curated.notices ORDER BY plan_year"
        ).fetchall()
    finally:
        con.close()
    # Each file loaded once, however many runs went by.
    assert [(uri, status) for uri, status in documents] == [
        (str(inbox / "hubei_2023_plan.docx"), "ok"),
        (str(inbox / "hubei_2026_plan.pdf"), "ok"),
    ]
    assert [n[:2] for n in notices] == [("湖北省", 2023), ("湖北省", 2026)]
    assert notices[1][2] == "鄂人社函〔2026〕51号"
    assert (out / "csv" / "notices.csv").is_file()
    assert "湖北省" in (out / "dashboard.html").read_text(encoding="utf-8")
