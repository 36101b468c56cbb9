"""A real Dask cluster on 127.0.0.1 for the tests and the benchmark: one `dask scheduler`
and `dask worker` programs (each in a session of its own, stopped by its pid), no mocks.

Workers import this source tree (PYTHONPATH), as workers on other machines import the
same noticeflow installed there.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DASK = Path(sys.executable).parent / "dask"
START_TIMEOUT_S = 300  # a loaded machine may take minutes to start Python processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Signal the process's whole session (nanny, worker, fork server), then make sure."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


class DaskCluster:
    """`dask scheduler` on a free port of 127.0.0.1 and `workers` single-threaded workers
    named w0, w1, ...; logs in `folder`. `scheduler_env`: extra environment of the
    scheduler (e.g. DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES)."""

    def __init__(
        self, folder: Path, workers: int, *, scheduler_env: dict[str, str] | None = None
    ) -> None:
        self.folder, self.n_workers = folder, workers
        self.scheduler_env = scheduler_env or {}
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.scheduler: subprocess.Popen[bytes] | None = None
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self._client: Any = None

    def _start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        self.folder.mkdir(parents=True, exist_ok=True)
        environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        with (self.folder / f"{name}.log").open("wb") as log:
            return subprocess.Popen(
                command,
                env=environment,
                cwd=self.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start(self) -> DaskCluster:
        port = self.address.rsplit(":", 1)[1]
        self.scheduler = self._start(
            "scheduler",
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
            self.scheduler_env,
        )
        for i in range(self.n_workers):
            self.add_worker(f"w{i}")
        self.client.wait_for_workers(self.n_workers, timeout=START_TIMEOUT_S)
        return self

    def add_worker(self, name: str) -> None:
        command = [str(DASK), "worker", self.address, "--nthreads", "1", "--no-dashboard"]
        self.workers[name] = self._start(name, [*command, "--name", name], {})

    @property
    def client(self) -> Any:
        """A client of the cluster (made on first use)."""
        if self._client is None:
            from distributed import Client

            self._client = Client(self.address, timeout=f"{START_TIMEOUT_S}s", set_as_default=False)
        return self._client

    def busy_worker(self) -> str | None:
        """The name of a worker with tasks in hand, if any."""
        names = {a: w["name"] for a, w in self.client.scheduler_info()["workers"].items()}
        for address, keys in self.client.processing().items():
            if keys and address in names:
                return str(names[address])
        return None

    def kill_worker(self, name: str) -> None:
        """SIGKILL a worker and everything of its session, as a machine going away."""
        _stop(self.workers.pop(name), signal.SIGKILL)

    def stop(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()
        for process in self.workers.values():
            _stop(process)
        if self.scheduler is not None:
            _stop(self.scheduler)

    def log(self) -> str:
        """The tails of every log, for an assertion's message."""
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}"
            for p in sorted(self.folder.glob("*.log"))
        )

    def __enter__(self) -> DaskCluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
