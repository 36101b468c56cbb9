"""Steps on a Dask cluster (NOTICEFLOW_TASK_RUNNER=dask) when nobody records the run.

A recorded run uses Prefect's own `DaskTaskRunner` (`flows/recorded.py`); this engine
gives the same runner without a Prefect server: each submitted step is a Dask task on
the cluster at NOTICEFLOW_DASK_ADDRESS (`tcp://host:8786`), or on a temporary local
cluster of NOTICEFLOW_WORKERS single-threaded worker processes when no address is set.

What a worker receives: the step and its arguments, and for a file its bytes (read by
this process, `flows.steps.content_to_send`, at most NOTICEFLOW_MAX_FILE_MB each), never
a path and never the warehouse. Steps that `call` (discovery, fetching, loading,
publishing) run here, in the one process that writes the warehouse.

A worker that dies while reading a file: the scheduler runs the task again on another
worker (reading a file writes nothing, so that is safe), up to its
`distributed.scheduler.allowed-failures` (3 by default); past that the future raises
`KilledWorker` and the document is `failed` with the reason (`flows.run`).

Imported only when the dask runner is chosen: a plain run does not import `distributed`.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from warehouse import WarehouseError

from .orchestrate import InProcessCalls, StepFuture, options_of, run_with_retries

__all__ = ["CONNECT_TIMEOUT_S", "ClusterUnavailable", "DaskEngine", "local_cluster_options"]

R = TypeVar("R")

CONNECT_TIMEOUT_S = 30  # to reach the scheduler at NOTICEFLOW_DASK_ADDRESS


class ClusterUnavailable(WarehouseError):
    """No Dask scheduler answers at the address given; nothing was read or loaded."""


def local_cluster_options(workers: int) -> dict[str, Any]:
    """A temporary cluster on this machine: `workers` processes of one thread each (a
    file's extraction is mostly single-threaded Python; OCR runs its own threads)."""
    return {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,
        "silence_logs": logging.ERROR,
    }


class DaskEngine(InProcessCalls):
    """Submitted steps as Dask tasks; called steps here. Nothing is recorded."""

    remote = True  # workers may be other machines: they are sent bytes, not paths

    def __init__(self, *, address: str | None, workers: int) -> None:
        from distributed import Client, LocalCluster

        self._cluster: Any = None
        try:
            if address:
                self._client = Client(
                    address, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False
                )
            else:
                self._cluster = LocalCluster(**local_cluster_options(workers))
                self._client = Client(self._cluster, set_as_default=False)
        except (OSError, TimeoutError) as e:
            if self._cluster is not None:
                self._cluster.close()
            raise ClusterUnavailable(
                f"no Dask scheduler answers at {address} within {CONNECT_TIMEOUT_S} s "
                f"(NOTICEFLOW_DASK_ADDRESS / --dask-address): {e}"
            ) from e

    @property
    def address(self) -> str:
        """The scheduler's address (the temporary cluster's, when none was given)."""
        return str(self._client.scheduler_info()["address"])

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, step: Callable[..., R], *args: Any, **kwargs: Any) -> StepFuture[R]:
        """`step` as a Dask task named after it (`extract-and-normalize-<id>` in the
        scheduler's task stream), with the step's own retries."""
        options = options_of(step)
        call = functools.partial(
            run_with_retries,
            step,
            args,
            kwargs,
            retries=options.retries,
            backoff=options.backoff,
            retry_on=options.retry_on,
        )
        future: StepFuture[R] = self._client.submit(
            call, key=f"{options.name}-{uuid.uuid4().hex}", pure=False
        )
        return future

    def as_completed(self, futures: Iterable[StepFuture[R]]) -> Iterator[StepFuture[R]]:
        from distributed import as_completed

        return iter(as_completed(list(futures), loop=self._client.loop))
