"""The Prefect flow `ingest`: discover -> extract & normalise (per file, concurrently) -> load -> publish.

Loading is sequential in the flow (DuckDB has one writer); extraction runs in
the task runner (threads by default, processes with NOTICEFLOW_TASK_RUNNER).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from warehouse import LoadUnit, Warehouse, WarehouseError, connect, publish

from .discover import InputFile, discover
from .settings import Settings, load_settings
from .steps import FileResult, process_file
from .summary import RunSummary

__all__ = ["ingest_flow", "run_ingest"]

ProgressHook = Callable[[str, int, int], None]  # (source_uri, done, total)


@task(name="discover", cache_policy=NO_CACHE)
def discover_task(sources: list[str]) -> tuple[list[InputFile], list[str]]:
    return discover(sources)


@task(name="extract-and-normalize", cache_policy=NO_CACHE, retries=0)
def process_task(item: InputFile, settings: Settings, pii_key: bytes) -> FileResult:
    return process_file(item, limits=settings.limits, pii_key=pii_key)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(db: Path, out: Path) -> int:
    con = connect(db)
    try:
        return len(publish(con, out))
    finally:
        con.close()


def _load(warehouse: Warehouse, result: FileResult, summary: RunSummary) -> None:
    started = time.perf_counter()
    unit = result.unit
    try:
        rows = warehouse.load(unit)
    except WarehouseError as e:
        # The document's rows were rolled back; record the failure on its own.
        failed = LoadUnit(
            doc_id=unit.doc_id,
            source_uri=unit.source_uri,
            status="failed",
            error=str(e),
            media_type=unit.media_type,
            n_bytes=unit.n_bytes,
            problems=[("load", str(e))],
        )
        rows = warehouse.load(failed)
        result = FileResult(failed, result.seconds)
    result.seconds["load"] = time.perf_counter() - started
    summary.add(result, rows)


@flow(name="ingest")
def ingest_flow(
    sources: list[str],
    settings: Settings | None = None,
    force: bool = False,
    progress: ProgressHook | None = None,
) -> RunSummary:
    """Ingest files and folders into the warehouse and publish the curated tables."""
    settings = settings or load_settings()
    started = time.perf_counter()
    files, missing = discover_task(sources)
    summary = RunSummary(sources=list(sources), missing=missing)
    con = connect(settings.db)
    try:
        warehouse = Warehouse(con)
        todo: list[InputFile] = []
        for item in files:
            if not force and warehouse.is_loaded(item.doc_id):
                summary.skipped.append(item.source_uri)
            else:
                todo.append(item)
        pii_key = settings.pii_key()
        futures = [process_task.submit(item, settings, pii_key) for item in todo]
        for done, future in enumerate(as_completed(futures), start=1):
            result = future.result()
            _load(warehouse, result, summary)
            if progress:
                progress(result.unit.source_uri, done, len(todo))
        summary.table_counts = warehouse.table_counts()
    finally:
        con.close()
    publish_started = time.perf_counter()
    summary.files_published = publish_task(settings.db, settings.out)
    summary.stage_seconds["publish"] = time.perf_counter() - publish_started
    summary.elapsed_seconds = time.perf_counter() - started
    create_markdown_artifact(
        key="ingest-summary", markdown=summary.to_markdown(), description="noticeflow ingest run"
    )
    return summary


def run_ingest(
    sources: list[str],
    settings: Settings,
    *,
    force: bool = False,
    progress: ProgressHook | None = None,
) -> RunSummary:
    """Run the flow with the task runner the settings ask for."""
    if settings.task_runner == "processes":
        runner: object = ProcessPoolTaskRunner(max_workers=settings.workers)
    else:
        runner = ThreadPoolTaskRunner(max_workers=settings.workers)
    configured = ingest_flow.with_options(task_runner=runner)  # type: ignore[arg-type]
    return configured(sources, settings=settings, force=force, progress=progress)
