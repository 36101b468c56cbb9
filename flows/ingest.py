"""The ingest run: sources -> discover / fetch -> extract & normalise -> load -> publish.

`ingest_body` is the run, written once against `flows.orchestrate.Engine`; `run_ingest`
picks where it is recorded (`flows.recording.choose`) and runs it as the Prefect flow
`ingest` (`flows/recorded.py`) or, when nobody records it, on a local pool without
importing Prefect.

What is new is decided first, on a read-only look at the warehouse (`flows.plan`): a
run with nothing new writes nothing. Otherwise loading happens in a write session
(`warehouse.session`): a copy of the warehouse, swapped in when the run ends, so
readers are never blocked; what was loaded stays when the run stops on an error.
Loading is sequential (DuckDB has one writer); extraction runs in the engine's pool
(threads by default, processes or a Dask cluster with NOTICEFLOW_TASK_RUNNER). README
"Web pages, their attachments, and URLs" and "Past one machine: Dask".
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from typing import Any

from warehouse import PublishError, WarehouseError, plain_os_error, writing
from warehouse.publish import warm_up as publish_warm_up
from warehouse.session import WriteSession

from . import faults
from .orchestrate import Engine, LocalEngine
from .plan import look
from .progress import ProgressHook
from .rebuild import rederive_task
from .recording import Recording, choose
from .run import IngestRun
from .settings import Settings
from .sources import HostPolicy, InputFile, plan_sources
from .summary import RunSummary
from .tasks import discover_task, publish_task

__all__ = ["IngestFailed", "ingest_body", "run_ingest"]

log = logging.getLogger(__name__)


class IngestFailed(WarehouseError):
    """The run stopped (the warehouse or the published folder could not be written).

    Carries the run's summary; what was loaded before the error stays loaded, the
    published folder stays as it was.
    """

    def __init__(self, message: str, summary: RunSummary) -> None:
        super().__init__(message)
        self.summary = summary


def ingest_body(
    sources: list[str],
    settings: Settings,
    *,
    force: bool,
    engine: Engine,
    progress: ProgressHook | None,
) -> RunSummary:
    """Ingest files, folders and URLs into the warehouse and publish what changed."""
    faults.arm(settings.kill_at)
    started = time.perf_counter()
    plan = plan_sources(sources)
    files, missing = engine.call(discover_task, plan.paths)
    summary = RunSummary(sources=list(sources), missing=[*plan.problems, *missing])
    # Errors of the warehouse or the disk end the run with a message (summary.fatal),
    # not a traceback in the flow's log; run_ingest raises IngestFailed for them.
    try:
        _load_and_publish(files, plan.urls, settings, summary, engine, force, progress)
    except (WarehouseError, OSError) as e:
        summary.fatal = plain_os_error(e) if isinstance(e, OSError) else str(e)
    summary.elapsed_seconds = time.perf_counter() - started
    engine.artifact("ingest-summary", summary.to_markdown(), "noticeflow ingest run")
    return summary


def _keep(session: WriteSession) -> None:
    session.commit()


def _load_and_publish(
    files: list[InputFile],
    urls: list[str],
    settings: Settings,
    summary: RunSummary,
    engine: Engine,
    force: bool,
    progress: ProgressHook | None,
) -> None:
    policy = HostPolicy.for_run(settings.allowed_hosts, urls)
    work = look(settings.db, settings.out, files, urls, force=force, policy=policy)
    if work.nothing:
        summary.skipped += work.skipped
        summary.nothing_new = True
        return
    if work.files:  # publishing's imports load while the files are read
        threading.Thread(target=publish_warm_up, name="publish-warm-up", daemon=True).start()
    with writing(settings.db) as session:
        warehouse = session.warehouse
        # Materialised views are brought up to date once, after every load of the run.
        warehouse.auto_refresh = False
        run = IngestRun(
            warehouse, settings, summary, engine, policy=policy, force=force, progress=progress
        )
        try:
            # Rules changed since some documents were derived: derive them from raw.
            summary.rederived = engine.call(
                rederive_task, warehouse, settings.pii_key(), True
            ).documents
            run.files(files)
            run.urls(urls)
            warehouse.refresh()
            summary.checks = warehouse.run_checks(warehouse.touched)
        except Exception:
            try:  # what was loaded stays loaded
                _keep(session)
            except WarehouseError as e:
                log.error("%s", e)
            raise
        finally:
            run.close()
        _keep(session)
    publish_started = time.perf_counter()
    outcome = engine.call(publish_task, settings.db, settings.out)
    if isinstance(outcome, PublishError):  # handled: a plain message, no traceback
        raise outcome
    summary.files_published = outcome
    summary.stage_seconds["publish"] = time.perf_counter() - publish_started


def _unrecorded_engine(settings: Settings) -> contextlib.AbstractContextManager[Any]:
    """A local pool, or a Dask cluster (imported only then) for the dask runner."""
    if settings.task_runner == "dask":
        from .dask_engine import DaskEngine

        return DaskEngine(address=settings.dask_address, workers=settings.workers)
    return LocalEngine(workers=settings.workers, processes=settings.task_runner == "processes")


def run_ingest(
    sources: list[str],
    settings: Settings,
    *,
    force: bool = False,
    progress: ProgressHook | None = None,
    recording: Recording | None = None,
) -> RunSummary:
    """Run the ingest, recorded in Prefect where a server is (see flows/recording.py).

    The summary's time is the wall time of this call (Prefect's start-up included).
    Raises IngestFailed, carrying the summary, when the run could not finish.
    """
    started = time.perf_counter()
    recording = recording or choose(settings.prefect, settings.prefect_wait)
    if recording.recorded:
        if recording.url and "prefect" not in sys.modules:
            os.environ["PREFECT_API_URL"] = recording.url  # before Prefect reads it
        from .recorded import run_recorded_ingest

        summary = run_recorded_ingest(
            sources, settings, force=force, progress=progress, api_url=recording.url
        )
    else:
        with _unrecorded_engine(settings) as engine:
            summary = ingest_body(sources, settings, force=force, engine=engine, progress=progress)
    summary.recorded_at = recording.url if recording.recorded else None
    summary.recording_note = recording.note
    summary.elapsed_seconds = time.perf_counter() - started
    if summary.fatal:
        raise IngestFailed(summary.fatal, summary)
    return summary
