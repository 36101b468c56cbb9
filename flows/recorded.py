"""Recorded runs: the Prefect flows `ingest` and `rebuild`, and the engine running each
step as a Prefect task. Imported only when a run is recorded (flows/recording.py).

Each step of `flows.tasks` becomes a Prefect task with the step's name, retries and
backoff (the `fetch` step retries only transient failures), so the UI shows the run's
tasks as before; the run's summary is the markdown artifact `ingest-summary`.

NOTICEFLOW_TASK_RUNNER picks Prefect's task runner: threads, processes, or Dask
(`prefect_dask.DaskTaskRunner`, imported only then) on the scheduler at
NOTICEFLOW_DASK_ADDRESS or on a temporary local cluster; the tasks are shown alike.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from prefect import Task, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture, as_completed
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    get_current_settings,
    temporary_settings,
)
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from . import progress as run_progress
from .ingest import ingest_body
from .orchestrate import StepFuture, options_of
from .progress import ProgressHook
from .rebuild import RederiveResult, rebuild_body
from .settings import Settings, load_settings
from .summary import RunSummary

__all__ = ["PrefectEngine", "ingest_flow", "run_recorded_ingest", "run_recorded_rebuild"]

R = TypeVar("R")


def _retry_condition(kinds: tuple[type[BaseException], ...]) -> Any:
    def retry_on(task: Task[..., Any], task_run: object, state: Any) -> bool:
        error = getattr(state, "data", None)
        if not isinstance(error, BaseException):
            try:
                error = state.result(raise_on_failure=False)
            except Exception:
                return False
        return isinstance(error, kinds)

    return retry_on


class PrefectEngine:
    """Steps as Prefect tasks of the current flow run (`remote`: on Dask workers that may
    be other machines)."""

    recorded = True

    def __init__(self, *, remote: bool = False) -> None:
        self.remote = remote
        self._tasks: dict[str, Task[..., Any]] = {}
        # Futures submitted here, and those done: weak, neither keeps a result.
        self._submitted: weakref.WeakSet[Any] = weakref.WeakSet()
        self._done: weakref.WeakSet[Any] = weakref.WeakSet()
        self._done_changed = threading.Condition()

    def _task(self, step: Callable[..., R]) -> Task[..., R]:
        spec = options_of(step)
        made = self._tasks.get(spec.name)
        if made is None:
            # Results are never cached nor persisted (whatever PREFECT_RESULTS_PERSIST_BY_DEFAULT
            # says): a file's result lives in memory until it is loaded, then goes.
            options: dict[str, Any] = {
                "name": spec.name,
                "cache_policy": NO_CACHE,
                "persist_result": False,
            }
            if spec.run_name:
                options["task_run_name"] = spec.run_name
            if spec.retries:
                options["retries"] = spec.retries
                options["retry_delay_seconds"] = exponential_backoff(backoff_factor=spec.backoff)
            if spec.retry_on:
                options["retry_condition_fn"] = _retry_condition(spec.retry_on)
            made = task(step, **options)
            self._tasks[spec.name] = made
        return made

    def submit(self, step: Callable[..., R], *args: Any, **kwargs: Any) -> StepFuture[R]:
        future = self._task(step).submit(*args, **kwargs)
        self._submitted.add(future)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: PrefectFuture[Any]) -> None:
        with self._done_changed:
            self._done.add(future)
            self._done_changed.notify_all()

    def as_completed(self, futures: Iterable[StepFuture[R]]) -> Iterator[StepFuture[R]]:
        """Each of `futures` as it is done.

        Not `prefect.futures.as_completed` for futures submitted here: a caller that stops
        after the first (`orchestrate.streamed`) would leave a callback on every future
        still running, each keeping the futures (and results) done after it: while one
        file ran long, every result streaming past would stay referenced.
        """
        pending = list(futures)
        if not all(f in self._submitted for f in pending):
            return as_completed(pending)  # type: ignore[arg-type]
        return self._as_completed(pending)

    def _as_completed(self, pending: list[StepFuture[R]]) -> Iterator[StepFuture[R]]:
        while pending:
            with self._done_changed:
                while not (done := [f for f in pending if f in self._done]):
                    self._done_changed.wait()
            for future in done:
                pending.remove(future)
                yield future

    def call(
        self,
        step: Callable[..., R],
        *args: Any,
        retries: int | None = None,
        backoff: float | None = None,
        **kwargs: Any,
    ) -> R:
        made = self._task(step)
        if retries is not None or backoff is not None:
            spec = options_of(step)
            made = made.with_options(
                retries=spec.retries if retries is None else retries,
                retry_delay_seconds=exponential_backoff(
                    backoff_factor=spec.backoff if backoff is None else backoff
                ),
            )
        return made(*args, **kwargs)

    def warning(self, message: str, *args: object) -> None:
        get_run_logger().warning(message, *args)

    def artifact(self, key: str, markdown: str, description: str) -> None:
        create_markdown_artifact(key=key, markdown=markdown, description=description)


@flow(name="ingest")
def ingest_flow(
    sources: list[str],
    settings: Settings | None = None,
    force: bool = False,
) -> RunSummary:
    """Ingest files, folders and URLs into the warehouse and publish what changed."""
    settings = settings or load_settings()
    return ingest_body(
        sources,
        settings,
        force=force,
        engine=PrefectEngine(remote=settings.task_runner == "dask"),
        progress=run_progress.current(),
    )


@flow(name="rebuild")
def rebuild_prefect_flow(settings: Settings | None = None) -> tuple[RederiveResult, int, int]:
    """Derive staging and curated again from raw alone, then publish."""
    return rebuild_body(settings or load_settings(), PrefectEngine())


def _api(url: str | None) -> contextlib.AbstractContextManager[Any]:
    """Prefect's settings for a run of this command: the server at `url`, and no flow
    run heartbeats unless the run is a subflow of a scheduled run (`serve`). Prefect's
    heartbeat thread sleeps in whole seconds and the end of every run waited for it (half
    a second on average); a command's run lasts seconds, and nothing marks a run crashed
    from missed heartbeats unless an automation was set up for it."""
    changes: dict[Any, Any] = {}
    if url and get_current_settings().api.url != url:
        changes[PREFECT_API_URL] = url
    if FlowRunContext.get() is None:
        changes[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
    return temporary_settings(changes) if changes else contextlib.nullcontext()


def _task_runner(settings: Settings) -> object:
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        from .dask_engine import local_cluster_options

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(cluster_kwargs=local_cluster_options(settings.workers))
    if settings.task_runner == "processes":
        return ProcessPoolTaskRunner(max_workers=settings.workers)
    return ThreadPoolTaskRunner(max_workers=settings.workers)


def run_recorded_ingest(
    sources: list[str],
    settings: Settings,
    *,
    force: bool,
    progress: ProgressHook | None,
    api_url: str | None,
) -> RunSummary:
    """The ingest as a Prefect flow run (a subflow inside a running flow) on `api_url`."""
    runner = _task_runner(settings)
    configured = ingest_flow.with_options(task_runner=runner)  # type: ignore[arg-type]
    run_progress.set_current(progress)
    try:
        with _api(api_url):
            return configured(sources, settings=settings, force=force)
    finally:
        run_progress.set_current(None)


def run_recorded_rebuild(
    settings: Settings, *, api_url: str | None
) -> tuple[RederiveResult, int, int]:
    with _api(api_url):
        return rebuild_prefect_flow(settings)
