"""Fast, unattended runs (issue 11): nothing new costs nothing, runs at once all succeed,
readers are never blocked, a scheduled run with nothing new touches no published file.

Real `noticeflow` subprocesses, real DuckDB files, real Prefect servers; no mocks.
Servers started here listen on 127.0.0.1 and are stopped by the test, by pid.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from flows.recording import LocalServer
from flows.serve import scheduled_ingest

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
NOTICEFLOW = Path(sys.executable).parent / "noticeflow"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This process's environment without PREFECT_*/NOTICEFLOW_* settings: defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NOTICEFLOW_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        NOTICEFLOW_PII_KEY_FILE=str(tmp_path / "pii_key"),
        COLUMNS="200",
    )
    env.update(extra)
    return env


def _files(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file below `out`: (inode, mtime in ns, bytes)."""
    return {
        str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def _inbox(tmp_path: Path, *names: str) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(RAW / name, inbox / name)
    return inbox


# --- nothing new ---------------------------------------------------------------------


def test_nothing_new_is_one_line_without_prefect_and_touches_nothing(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path, "mohrss_2021_plan.html")
    db, out = tmp_path / "w.duckdb", tmp_path / "curated"
    args = [str(NOTICEFLOW), "ingest", str(inbox), "--db", str(db), "--out", str(out)]
    env = _env(tmp_path, NOTICEFLOW_PREFECT="off")
    first = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    assert "not recorded in Prefect (NOTICEFLOW_PREFECT=off)" in first.stdout
    before = _files(out)
    warehouse = db.stat().st_ino, db.stat().st_mtime_ns

    # The same command, asking afterwards which modules it had imported.
    probe = (
        "import sys\nfrom flows.cli import app\n"
        "try:\n    app(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
        "print('prefect imported:', any(m.split('.')[0] == 'prefect' for m in sys.modules))\n"
    )
    again = subprocess.run(
        [sys.executable, "-c", probe, *args[1:]],
        env=_env(tmp_path),  # default settings: nothing new needs no Prefect server
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    lines = again.stdout.strip().splitlines()
    assert lines[0].startswith("nothing new: 1 files unchanged, nothing to derive again")
    assert lines[1:] == ["prefect imported: False"]
    assert _files(out) == before
    assert (db.stat().st_ino, db.stat().st_mtime_ns) == warehouse
    assert not (tmp_path / "prefect-home" / "noticeflow-server.json").exists()


# --- four at once --------------------------------------------------------------------


@pytest.mark.slow
def test_four_ingests_started_at_once_with_default_settings_all_succeed(
    tmp_path: Path,
) -> None:
    inbox = _inbox(tmp_path, "mohrss_2021_plan.html", "hubei_2026_plan.docx")
    env = _env(tmp_path)  # no PREFECT_API_URL, a fresh PREFECT_HOME shared by all four
    server = LocalServer(tmp_path / "prefect-home")
    processes = []
    try:
        for n in range(4):
            folder = tmp_path / f"run{n}"
            command = [str(NOTICEFLOW), "ingest", str(inbox), "--db", str(folder / "w.duckdb")]
            command += ["--out", str(folder / "curated")]
            processes.append(
                subprocess.Popen(
                    command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                )
            )
        results = [(p.wait(timeout=900), *p.communicate()) for p in processes]
        record = server.read()
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
        server.stop()
    for code, stdout, stderr in results:
        assert code == 0, stderr
        assert "2 files processed: 2 ok" in stdout, stdout
        assert "Traceback" not in stdout + stderr
        # Recorded on the local server if it was up, else said so (and it was started).
        assert "recorded in Prefect: http://127.0.0.1:" in stdout or (
            "not recorded in Prefect: " in stdout and "local Prefect server" in stdout
        ), stdout
    for n in range(4):
        con = duckdb.connect(str(tmp_path / f"run{n}" / "w.duckdb"), read_only=True)
        try:
            assert con.execute("SELECT count(*) FROM curated.documents").fetchall() == [(2,)]
        finally:
            con.close()
        assert (tmp_path / f"run{n}" / "curated" / "manifest.json").is_file()
    # One local server was started for the four of them (the file lock), and it is stopped.
    assert record is not None and record.home == str(tmp_path / "prefect-home")
    assert server.state()[0] == "stopped"


# --- readers never blocked -----------------------------------------------------------


@pytest.mark.slow
def test_twenty_queries_during_a_forced_reingest_all_succeed(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path, *sorted(p.name for p in RAW.iterdir() if p.suffix != ".md"))
    db, out = tmp_path / "w.duckdb", tmp_path / "curated"
    env = _env(tmp_path, NOTICEFLOW_PREFECT="off")
    ingest = [str(NOTICEFLOW), "ingest", str(inbox), "--db", str(db), "--out", str(out)]
    first = subprocess.run(ingest, env=env, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stderr

    writer = subprocess.Popen(
        [*ingest, "--force"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )

    def reader(n: int) -> tuple[int, bool, str]:
        command = ["status"] if n % 4 == 3 else ["query", "SELECT count(*) FROM curated.notices"]
        during = writer.poll() is None
        done = subprocess.run(
            [str(NOTICEFLOW), *command, "--db", str(db)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return done.returncode, during, done.stderr

    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".w.duckdb.write-*")) and time.monotonic() < deadline:
            time.sleep(0.2)  # the writer has its copy open: the run is under way
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            outcomes = list(pool.map(reader, range(20)))
        stdout, stderr = writer.communicate(timeout=900)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == 0, stderr
    assert "9 files processed: 9 ok" in stdout
    assert [(code, error) for code, _, error in outcomes] == [(0, "")] * 20
    # Each of them started while the forced re-ingest was writing.
    assert all(during for _, during, _ in outcomes), outcomes


# --- a scheduled run with nothing new ------------------------------------------------


@pytest.mark.usefixtures("prefect_harness")
def test_a_scheduled_run_with_nothing_new_leaves_every_published_file_untouched(
    tmp_path: Path,
) -> None:
    inbox = _inbox(tmp_path, "hubei_2026_plan.docx", "mohrss_2021_plan.html")
    db, out = tmp_path / "w.duckdb", tmp_path / "curated"
    run = functools.partial(scheduled_ingest, sources=[str(inbox)], db=str(db), out=str(out))
    assert run()["processed"] == 2
    before = _files(out)
    warehouse = db.stat().st_ino, db.stat().st_mtime_ns
    time.sleep(0.05)
    assert run() == {"processed": 0, "failed": 0, "skipped": 2, "missing": 0}
    assert _files(out) == before  # mtimes and bytes (and inodes): nothing written
    assert (db.stat().st_ino, db.stat().st_mtime_ns) == warehouse
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "curated",
        "inbox",
        "w.duckdb",
        "w.duckdb.lock",
    ]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "notices" in manifest["tables"]


# --- the Prefect UI lists every scheduled run with its summary ---------------------


def _post(api: str, path: str, body: dict[str, object]) -> list[dict[str, object]]:
    import httpx

    response = httpx.post(f"{api}/{path}", json=body, timeout=10)
    response.raise_for_status()
    result: list[dict[str, object]] = response.json()
    return result


@pytest.mark.slow
def test_every_scheduled_run_is_listed_with_its_summary_artifact(tmp_path: Path) -> None:
    import httpx

    from tests.flows.test_serve import _free_port, _healthy, _runs, _start, _stop, _wait_for

    inbox = _inbox(tmp_path, "hubei_2023_plan.docx")
    db, out = tmp_path / "w.duckdb", tmp_path / "curated"
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    server_log, serve_log = tmp_path / "server.log", tmp_path / "serve.log"
    base = _env(
        tmp_path,
        PREFECT_API_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}",
        PREFECT_UI_ENABLED="false",
        PREFECT_LOGGING_LEVEL="INFO",
    )
    bin_dir = Path(sys.executable).parent
    server = [str(bin_dir / "prefect"), "server", "start", "--host", "127.0.0.1"]
    server += ["--port", str(port)]
    # Every minute, read in Beijing time.
    serve = [str(NOTICEFLOW), "serve", "--cron", "* * * * *", "--timezone", "Asia/Shanghai"]
    serve += ["--source", str(inbox), "--db", str(db), "--out", str(out)]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.append(_start(server, base, tmp_path, server_log))
        _wait_for("the Prefect server", lambda: _healthy(api), [server_log], 180)
        serve_env = {**base, "PREFECT_API_URL": api, "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
        processes.append(_start(serve, serve_env, tmp_path, serve_log))
        logs = [serve_log, server_log]
        # Two runs: the first loads the notice, the second finds nothing new.
        _wait_for("two completed runs", lambda: len(_runs(api, ["COMPLETED"])) >= 2, logs, 300)
        published = _files(out)
        deployment = httpx.get(
            f"{api}/deployments/name/scheduled-ingest/noticeflow-ingest", timeout=10
        ).json()
        runs = _runs(api, ["COMPLETED"])
        failed = _runs(api, ["FAILED", "CRASHED"])
        summaries = {}
        for run in runs:
            tasks = _post(api, "task_runs/filter", {"flow_runs": {"id": {"any_": [run["id"]]}}})
            children = _post(
                api,
                "flow_runs/filter",
                {"flow_runs": {"parent_task_run_id": {"any_": [t["id"] for t in tasks]}}},
            )
            artifacts = _post(
                api,
                "artifacts/filter",
                {
                    "artifacts": {
                        "key": {"any_": ["ingest-summary"]},
                        "flow_run_id": {"any_": [c["id"] for c in children]},
                    }
                },
            )
            summaries[run["id"]] = [a["data"] for a in artifacts]
    finally:
        for process in reversed(processes):
            _stop(process)
    assert failed == []
    schedule = deployment["schedules"][0]["schedule"]
    assert (schedule["cron"], schedule["timezone"]) == ("* * * * *", "Asia/Shanghai")
    # Every scheduled run shows its ingest subflow's summary.
    assert len(summaries) >= 2 and all(len(s) == 1 for s in summaries.values()), summaries
    texts = [s[0] for s in summaries.values()]
    assert any("files processed: 1 (ok 1," in t for t in texts), texts
    assert any("files processed: 0" in t and "files skipped (unchanged): 1" in t for t in texts), (
        texts
    )
    assert "curated files published: none (nothing changed)" in "\n".join(texts)
    assert _files(out) == published  # later runs, nothing new: nothing written
