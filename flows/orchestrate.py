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
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

__all__ = [
    "Engine",
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
    engine: Engine,
    submit: Callable[[T], StepFuture[R]],
    items: Iterable[T],
    *,
    window: int,
) -> Iterator[tuple[T, R]]:
    """`(item, result)` of `submit(item)` for each of `items`, in the order they complete.

    At most `window` items are submitted and not yet handed out: the next is submitted
    when the caller comes back for one more, after it dealt with the last (loaded it),
    so no more than `window` results are ever held here, however many `items` there
    are. Each future is dropped as its result is handed out. Works over any `Engine`
    (its `as_completed` asked for the first of those in flight).
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    source = iter(items)
    in_flight: list[tuple[StepFuture[R], T]] = []
    while True:
        for item in itertools.islice(source, window - len(in_flight)):
            in_flight.append((submit(item), item))
        if not in_flight:
            return
        first = next(iter(engine.as_completed([future for future, _ in in_flight])))
        index = next(i for i, (future, _) in enumerate(in_flight) if future is first)
        future, item = in_flight.pop(index)
        del first
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


class LocalEngine:
    """Steps on a thread or process pool of this process; nothing is recorded."""

    recorded = False

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
