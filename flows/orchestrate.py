"""One orchestration, two engines: Prefect task runs, or plain futures.

The flow code (`flows/ingest.py`, `flows/run.py`, `flows/rebuild.py`) is written once
against `Engine`: `submit` a step and collect its futures `as_completed`, `call` a
step (with retries), log a warning, leave an artifact. A step is a plain function with
a name and its retry rules (`@step`), kept as a plain module-level function so that
it pickles by reference into worker processes.

- `PrefectEngine` (`flows/recorded.py`) runs each step as a Prefect task of the current
  flow run: the run, its tasks, logs and the summary artifact are recorded on the
  Prefect server and shown in its UI.
- `LocalEngine` (here) runs the same steps on a `concurrent.futures` pool, with the same
  retries, and imports nothing of Prefect: a run nobody records (no server configured
  or reachable, or NOTICEFLOW_PREFECT=off) costs no Prefect start-up at all.
- `DaskEngine` (`flows/dask_engine.py`) runs them on a Dask cluster when nobody records
  the run (recorded runs use Prefect's `DaskTaskRunner`). Its workers may be other
  machines (`remote`): a step is sent a file's bytes, never a path, and never the
  warehouse, which only the process running the flow writes.

Results are loaded `in_submission_order`: each as soon as it and the ones submitted
before it are done, so the warehouse does not depend on which worker was faster.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

__all__ = [
    "Engine",
    "InProcessCalls",
    "LocalEngine",
    "StepFuture",
    "StepOptions",
    "in_submission_order",
    "options_of",
    "step",
]

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)

log = logging.getLogger("noticeflow")
_ATTRIBUTE = "__noticeflow_step__"


@dataclass(frozen=True)
class StepOptions:
    """How a step runs: a Prefect task of this name when the run is recorded."""

    name: str
    run_name: str | None = None  # e.g. "fetch {url}"
    retries: int = 0
    backoff: float = 0.0  # seconds before the first retry, doubling
    retry_on: tuple[type[BaseException], ...] = ()  # only these are retried


def step(
    name: str,
    *,
    run_name: str | None = None,
    retries: int = 0,
    backoff: float = 0.0,
    retry_on: tuple[type[BaseException], ...] = (),
) -> Callable[[F], F]:
    """Declare a function as a step of a run (the function itself is returned)."""

    def declare(fn: F) -> F:
        setattr(fn, _ATTRIBUTE, StepOptions(name, run_name, retries, backoff, retry_on))
        return fn

    return declare


def options_of(fn: Callable[..., Any]) -> StepOptions:
    found = getattr(fn, _ATTRIBUTE, None)
    return found if isinstance(found, StepOptions) else StepOptions(fn.__name__)


class StepFuture(Protocol[R_co]):
    def result(self) -> R_co: ...


class Engine(Protocol):
    """What the flow code needs from whoever runs its steps."""

    recorded: bool  # True when the run is recorded on a Prefect server
    remote: bool  # True when submitted steps may run on other machines (sent bytes, no paths)

    def submit(self, step: Callable[..., R], *args: Any, **kwargs: Any) -> StepFuture[R]: ...

    def as_completed(self, futures: Iterable[StepFuture[R]]) -> Iterator[StepFuture[R]]: ...

    def call(
        self,
        step: Callable[..., R],
        *args: Any,
        retries: int | None = None,
        backoff: float | None = None,
        **kwargs: Any,
    ) -> R: ...

    def warning(self, message: str, *args: object) -> None: ...

    def artifact(self, key: str, markdown: str, description: str) -> None: ...


def in_submission_order(engine: Engine, futures: Sequence[StepFuture[R]]) -> Iterator[int]:
    """Indexes of `futures` in the order given, each as soon as it and all the ones before
    it are done (a stable order of loading, whatever order the workers finish in)."""
    position = {id(future): i for i, future in enumerate(futures)}
    done: set[int] = set()
    following = 0
    for future in engine.as_completed(futures):
        done.add(position[id(future)])
        while following in done:
            yield following
            following += 1


def run_with_retries(
    fn: Callable[..., R],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    retries: int,
    backoff: float,
    retry_on: tuple[type[BaseException], ...],
) -> R:
    """`fn(*args, **kwargs)`, again after `backoff * 2**n` seconds when it raises one of
    `retry_on`, at most `retries` times (the last error is raised)."""
    attempt = 0
    while True:
        try:
            return fn(*args, **kwargs)
        except retry_on:
            if attempt >= retries:
                raise
            time.sleep(backoff * 2**attempt)
            attempt += 1


class InProcessCalls:
    """`call`, `warning` and `artifact` of an engine that records nothing: a called step
    runs here, in the process running the flow (the one writer of the warehouse)."""

    recorded = False

    def call(
        self,
        step: Callable[..., R],
        *args: Any,
        retries: int | None = None,
        backoff: float | None = None,
        **kwargs: Any,
    ) -> R:
        options = options_of(step)
        return run_with_retries(
            step,
            args,
            kwargs,
            retries=options.retries if retries is None else retries,
            backoff=options.backoff if backoff is None else backoff,
            retry_on=options.retry_on,
        )

    def warning(self, message: str, *args: object) -> None:
        log.warning(message, *args)

    def artifact(self, key: str, markdown: str, description: str) -> None:
        """Nothing records it: the command line prints the summary."""


class LocalEngine(InProcessCalls):
    """Steps on a thread or process pool of this process; nothing is recorded."""

    remote = False

    def __init__(self, *, workers: int, processes: bool = False) -> None:
        if processes:  # spawned, not forked: the parent runs DuckDB's threads
            self._pool: concurrent.futures.Executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn")
            )
        else:
            self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, step: Callable[..., R], *args: Any, **kwargs: Any) -> StepFuture[R]:
        return self._pool.submit(step, *args, **kwargs)

    def as_completed(self, futures: Iterable[StepFuture[R]]) -> Iterator[StepFuture[R]]:
        return concurrent.futures.as_completed(list(futures))  # type: ignore[arg-type]
