"""One orchestration, two engines: Prefect task runs, or plain futures.

The flow code (`flows/ingest.py`, `flows/run.py`, `flows/rebuild.py`) is written once
against `Engine`: `submit` a step and collect its futures `as_completed`, `call` a
step (with retries), log a warning, leave an artifact. `streamed` runs one step over
many items with a bounded number in flight, for any engine: a run's memory does not
grow with its number of documents. A step is a plain function with
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

Results are loaded as they come, in the order the items were submitted (`streamed`),
so the warehouse does not depend on which worker was faster.
"""

from __future__ import annotations

import collections
import concurrent.futures
import logging
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

__all__ = [
    "Engine",
    "InProcessCalls",
    "LocalEngine",
    "StepFuture",
    "StepOptions",
    "options_of",
    "step",
    "streamed",
]

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")
T = TypeVar("T")
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


def streamed(
    submit: Callable[[T], StepFuture[R]],
    items: Iterable[T],
    *,
    window: int,
    weigh: Callable[[T], int] | None = None,
    max_weight: int = 0,
) -> Iterator[tuple[T, R]]:
    """`(item, result)` of `submit(item)` for each of `items`, in the order of `items`.

    At most `window` items are submitted and not yet handed out; with `weigh`, the next
    is submitted only while those in flight weigh less than `max_weight` together (say
    bytes sent to remote workers; one item is always let through). The next is submitted
    when the caller comes back for one more, after it dealt with the last (loaded it).
    So no more than `window` results are ever held here, however many `items` there
    are, and results are handed out in a stable order whatever order the workers finish
    in (the warehouse is the same for every runner). Each future is dropped as its
    result is handed out.
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    source = iter(items)
    in_flight: collections.deque[tuple[StepFuture[R], T, int]] = collections.deque()
    weight = 0
    while True:
        while len(in_flight) < window and (weigh is None or not in_flight or weight < max_weight):
            try:
                item = next(source)
            except StopIteration:
                break
            cost = weigh(item) if weigh is not None else 0
            in_flight.append((submit(item), item, cost))
            weight += cost
        if not in_flight:
            return
        future, item, cost = in_flight.popleft()
        weight -= cost
        result = future.result()
        del future  # its result goes with it once the caller is done with `result`
        yield item, result
        del result


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
