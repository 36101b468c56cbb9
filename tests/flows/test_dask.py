"""Past one machine (issue 14): the same ingest on a Dask cluster.

Real `dask scheduler` and `dask worker` programs on 127.0.0.1 (tests/dask_cluster.py),
real `noticeflow` subprocesses, real DuckDB files, Prefect's test server; no mocks.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.ingest import run_ingest
from flows.orchestrate import LocalEngine, StepFuture, streamed
from flows.settings import Settings, load_settings
from flows.sources import InputFile, discover
from tests.dask_cluster import DaskCluster
from tests.flows.test_lifecycle import _curated_checksums, _query

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
FORMS = ROOT / "tests" / "fixtures" / "forms"
SCANS = ROOT / "tests" / "fixtures" / "scans"
NOTICEFLOW = Path(sys.executable).parent / "noticeflow"
EXTRACT = "extract-and-normalize"


def _settings(tmp_path: Path, name: str, **changes: object) -> Settings:
    """Unrecorded runs (NOTICEFLOW_PREFECT=off), one PII key for every run of a test."""
    settings = Settings(
        db=tmp_path / name / "w.duckdb",
        out=tmp_path / name / "curated",
        pii_key_file=tmp_path / "key",
        prefect="off",
    )
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


def _inbox(tmp_path: Path) -> Path:
    """The sample notices, the forms and the scans (OCR: slow pages) in one folder."""
    inbox = tmp_path / "inbox"
    for folder in (RAW, FORMS):
        shutil.copytree(folder, inbox / folder.name, ignore=shutil.ignore_patterns("*.md"))
    (inbox / "scans").mkdir()
    for scan in SCANS.iterdir():
        if scan.suffix != ".py":
            shutil.copy(scan, inbox / "scans" / scan.name)
    return inbox


def _documents(db: Path, schema: str) -> dict[str, str]:
    """doc_id -> status of every document row in `schema`.documents."""
    rows = _query(db, f"SELECT doc_id, status FROM {schema}.documents")
    return {str(doc_id): str(status) for doc_id, status in rows}


# --- fast ------------------------------------------------------------------------------


def test_an_address_says_the_dask_runner_and_must_be_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTICEFLOW_DASK_ADDRESS", "tcp://10.0.0.5:8786")
    monkeypatch.delenv("NOTICEFLOW_TASK_RUNNER", raising=False)
    settings = load_settings()
    assert (settings.task_runner, settings.dask_address) == ("dask", "tcp://10.0.0.5:8786")
    monkeypatch.setenv("NOTICEFLOW_TASK_RUNNER", "threads")
    with pytest.raises(ValueError, match="for the dask task runner"):
        load_settings()
    with pytest.raises(ValueError, match="not a Dask scheduler address"):
        Settings(task_runner="dask", dask_address="http://host/path")
    on = Settings().on_cluster("tcp://127.0.0.1:8786")
    assert (on.task_runner, on.dask_address) == ("dask", "tcp://127.0.0.1:8786")
    assert Settings().on_cluster(None) == Settings()


def _slow(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


def test_results_come_in_submission_order_whichever_finishes_first() -> None:
    with LocalEngine(workers=3) as engine:
        results = streamed(lambda s: engine.submit(_slow, s), (0.6, 0.0, 0.3), window=3)
        assert [item for item, _ in results] == [0.6, 0.0, 0.3]


def test_bytes_in_flight_to_a_cluster_stay_under_their_limit(tmp_path: Path) -> None:
    """Files sent to remote workers: the next is read when the bytes in flight are under
    the limit (one file at least, however large)."""
    files, _ = discover([str(RAW)])
    limit = max(f.n_bytes for f in files)
    in_flight: list[int] = []
    with LocalEngine(workers=2) as engine:

        def submit(item: InputFile) -> StepFuture[int]:
            in_flight.append(item.n_bytes)
            assert sum(in_flight[:-1]) < limit  # there was room when it was read
            return engine.submit(len, item.source_uri)

        for item, _ in streamed(
            submit, files, window=100, weigh=lambda f: f.n_bytes, max_weight=limit
        ):
            in_flight.remove(item.n_bytes)
    assert not in_flight


def test_a_plain_run_does_not_import_dask(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path as P; from flows.ingest import run_ingest; "
        "from flows.settings import Settings; "
        f"s = Settings(db=P('{tmp_path}/w.duckdb'), out=P('{tmp_path}/c'), "
        f"pii_key_file=P('{tmp_path}/k'), prefect='off', file_timeout=0); "
        f"run_ingest(['{RAW / 'hubei_2023_plan.docx'}'], s); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTICEFLOW_")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr


# --- a real cluster --------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_a_dask_cluster_loads_the_same_warehouse_as_threads(tmp_path: Path) -> None:
    """Notices and forms: threads, then the CLI on a scheduler with two workers
    (unrecorded), then a recorded run (Prefect's DaskTaskRunner): equal curated tables;
    the scheduler's task stream shows the extractions, on both workers."""
    sources = [str(RAW), str(FORMS)]
    threads = _settings(tmp_path, "threads")
    run_ingest(sources, threads)
    expected = _curated_checksums(threads.db)
    n_documents = len(_documents(threads.db, "raw"))

    with DaskCluster(tmp_path / "cluster", 2) as cluster:
        client = cluster.client
        client.get_task_stream()  # the scheduler records its task stream from now on
        cli = _settings(tmp_path, "cli")
        env = {k: v for k, v in os.environ.items() if not k.startswith("NOTICEFLOW_")}
        env |= {
            "PYTHONPATH": str(ROOT),
            "NOTICEFLOW_TASK_RUNNER": "dask",
            "NOTICEFLOW_DASK_ADDRESS": cluster.address,
            "NOTICEFLOW_PREFECT": "off",
            "NOTICEFLOW_PII_KEY_FILE": str(cli.pii_key_file),
        }
        command = [str(NOTICEFLOW), "ingest", *sources, "--db", str(cli.db), "--out", str(cli.out)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, done.stdout + done.stderr + cluster.log()
        stream = client.get_task_stream()
        ran = [t for t in stream if str(t["key"]).startswith(EXTRACT)]

        # Recorded: Prefect tasks of the flow run, run by the same cluster's workers.
        recorded = _settings(tmp_path, "recorded", prefect="auto")
        recorded = recorded.on_cluster(cluster.address)
        summary = run_ingest(sources, recorded)
        after = client.get_task_stream()

    assert _curated_checksums(cli.db) == expected
    assert _curated_checksums(recorded.db) == expected
    assert _documents(cli.db, "raw") == _documents(threads.db, "raw")
    # Each document was extracted by a task of the scheduler, and both workers worked.
    assert len(ran) == n_documents, [t["key"] for t in ran]
    assert len({t["worker"] for t in ran}) == 2
    assert summary.recorded_at is not None
    assert len(after) - len(stream) >= n_documents
    assert _prefect_task_runs(EXTRACT) >= n_documents


def _prefect_task_runs(name: str) -> int:
    """Completed task runs of the last `ingest` flow run named `name`-…"""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowRunFilter
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name={"any_": ["ingest"]}),  # type: ignore[arg-type]
            sort=FlowRunSort.START_TIME_DESC,
            limit=1,
        )
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id={"any_": [runs[0].id]})  # type: ignore[arg-type]
        )
    return sum(1 for t in tasks if t.name.startswith(name) and t.state_name == "Completed")


@pytest.mark.slow
@pytest.mark.parametrize("allowed_failures", [3, 0])
def test_a_worker_killed_mid_run_leaves_every_document_a_row(
    tmp_path: Path, allowed_failures: int
) -> None:
    """Two workers; one is killed (SIGKILL, nanny and all) once the first result is read
    while it has tasks in hand. The scheduler runs them again on the other worker (3
    allowed failures, the default): every document is read; with none allowed, they are
    `failed` with the reason. The batch completes either way."""
    inbox = _inbox(tmp_path)
    files, _ = discover([str(inbox)])
    env = {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": str(allowed_failures)}
    killed: list[tuple[str, int, int]] = []
    with DaskCluster(tmp_path / "cluster", 2, scheduler_env=env) as cluster:
        settings = _settings(tmp_path, "dask", task_runner="dask", dask_address=cluster.address)

        def progress(source_uri: str, done: int, total: int) -> None:
            if killed or done >= total:
                return
            busy = cluster.busy_worker()
            if busy is not None:
                cluster.kill_worker(busy)
                killed.append((busy, done, total))

        summary = run_ingest([str(inbox)], settings, progress=progress)
        left = len(cluster.client.scheduler_info()["workers"])

    assert killed, "no worker had tasks in hand after the first result"
    assert left == 1
    raw = _documents(settings.db, "raw")
    curated = _documents(settings.db, "curated")
    assert set(raw) == set(curated) == {f.doc_id for f in files}
    assert len(summary.outcomes) == len(files)
    errors = _query(settings.db, "SELECT error FROM raw.documents WHERE status = 'failed'")
    if allowed_failures:
        assert set(raw.values()) <= {"ok", "partial"}, errors
    else:
        assert errors, raw
        assert all("the worker reading the file was lost (KilledWorker" in e for (e,) in errors)


@pytest.mark.slow
def test_the_file_time_budget_holds_on_dask_workers(tmp_path: Path) -> None:
    """A worker runs a file's extraction in a child it can kill (the worker is daemonic):
    a scan read by OCR under a budget of a fraction of a second is stopped, `failed`."""
    scan = SCANS / "hubei_2026_plan_scan.pdf"
    with DaskCluster(tmp_path / "cluster", 1) as cluster:
        settings = _settings(
            tmp_path, "dask", task_runner="dask", dask_address=cluster.address, file_timeout=0.2
        )
        run_ingest([str(scan)], settings)
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        status, error = con.execute("SELECT status, error FROM raw.documents").fetchone() or (
            "",
            "",
        )
    finally:
        con.close()
    assert status == "failed"
    assert "NOTICEFLOW_FILE_TIMEOUT" in error
