"""The Prefect flow `ingest`: sources -> discover / fetch -> extract & normalise -> load -> publish.

Loading is sequential in the flow (DuckDB has one writer); extraction runs in
the task runner (threads by default, processes with NOTICEFLOW_TASK_RUNNER). URLs
are fetched in the flow (`fetch.py`; 304 = unchanged, skipped). A notice page's
attachment files are read as the page's attachments and loaded with `parent_doc_id`;
a URL page that is no notice but links notices of this family is a list page whose
links are followed (one level). README "Web pages, their attachments, and URLs".
"""

from __future__ import annotations

import time

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from warehouse import Warehouse, WarehouseError, connect, plain_os_error, run_checks

from . import faults
from . import progress as run_progress
from .discover import InputFile
from .progress import ProgressHook
from .rebuild import rederive_task
from .run import IngestRun
from .settings import Settings, load_settings
from .sources import HostPolicy, plan_sources
from .summary import RunSummary
from .tasks import discover_task, publish_task

__all__ = ["IngestFailed", "ingest_flow", "run_ingest"]


class IngestFailed(WarehouseError):
    """The run stopped (the warehouse or the published folder could not be written).

    Carries the run's summary; what was loaded before the error stays loaded, the
    published folder stays as it was.
    """

    def __init__(self, message: str, summary: RunSummary) -> None:
        super().__init__(message)
        self.summary = summary


@flow(name="ingest")
def ingest_flow(
    sources: list[str],
    settings: Settings | None = None,
    force: bool = False,
) -> RunSummary:
    """Ingest files, folders and URLs into the warehouse and publish the curated tables."""
    progress = run_progress.current()
    settings = settings or load_settings()
    faults.arm(settings.kill_at)
    started = time.perf_counter()
    plan = plan_sources(sources)
    files, missing = discover_task(plan.paths)
    summary = RunSummary(sources=list(sources), missing=[*plan.problems, *missing])
    # Errors of the warehouse or the disk end the run with a message (summary.fatal),
    # not a traceback in the flow's log; run_ingest raises IngestFailed for them.
    try:
        _load_and_publish(files, plan.urls, settings, summary, force=force, progress=progress)
    except (WarehouseError, OSError) as e:
        summary.fatal = plain_os_error(e) if isinstance(e, OSError) else str(e)
    summary.elapsed_seconds = time.perf_counter() - started
    create_markdown_artifact(
        key="ingest-summary", markdown=summary.to_markdown(), description="noticeflow ingest run"
    )
    return summary


def _load_and_publish(
    files: list[InputFile],
    urls: list[str],
    settings: Settings,
    summary: RunSummary,
    *,
    force: bool,
    progress: ProgressHook | None,
) -> None:
    # Rules changed since some documents were derived: derive them again from raw.
    rederived = rederive_task(str(settings.db), settings.pii_key(), stale_only=True)
    summary.rederived = rederived.documents
    con = connect(settings.db)
    policy = HostPolicy.for_run(settings.allowed_hosts, urls)
    # Materialised views are brought up to date once, after every load of the run.
    warehouse = Warehouse(con, auto_refresh=False)
    run = IngestRun(warehouse, settings, summary, policy=policy, force=force, progress=progress)
    try:
        run.files(files)
        run.urls(urls)
        warehouse.refresh()
        summary.table_counts = run.warehouse.table_counts()
        summary.checks = run_checks(con)
    finally:
        run.close()
        con.close()
    publish_started = time.perf_counter()
    summary.files_published = publish_task(settings.db, settings.out)
    summary.stage_seconds["publish"] = time.perf_counter() - publish_started


def run_ingest(
    sources: list[str],
    settings: Settings,
    *,
    force: bool = False,
    progress: ProgressHook | None = None,
) -> RunSummary:
    """Run the flow with the task runner the settings ask for.

    The summary's time is the wall time of this call (Prefect's start-up included).
    Raises IngestFailed, carrying the summary, when the run could not finish.
    """
    started = time.perf_counter()
    if settings.task_runner == "processes":
        runner: object = ProcessPoolTaskRunner(max_workers=settings.workers)
    else:
        runner = ThreadPoolTaskRunner(max_workers=settings.workers)
    configured = ingest_flow.with_options(task_runner=runner)  # type: ignore[arg-type]
    run_progress.set_current(progress)
    try:
        summary = configured(sources, settings=settings, force=force)
    finally:
        run_progress.set_current(None)
    summary.elapsed_seconds = time.perf_counter() - started
    if summary.fatal:
        raise IngestFailed(summary.fatal, summary)
    return summary
