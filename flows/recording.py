"""Where a run is recorded: a configured Prefect server, noticeflow's local one, or nowhere.

Prefect's default local mode starts a throw-away API server in every process that has
no PREFECT_API_URL, and migrates a fresh database for it: 7-50 s per command, and
under load past Prefect's own 20 s limit, when the command fails. noticeflow never
uses that mode. `choose(settings)` decides, without importing Prefect:

1. inside a Prefect flow run already (a scheduled run of `serve`): its subflow;
2. NOTICEFLOW_PREFECT=off: not recorded;
3. PREFECT_API_URL set (environment or the active Prefect profile): that server, when
   it answers; when it does not, the run goes on unrecorded and says so;
4. otherwise noticeflow's own long-lived local server: `prefect server start` on
   127.0.0.1 and a free port, started once, detached, with the same PREFECT_HOME (its
   runs are kept in PREFECT_HOME's database). `<PREFECT_HOME>/noticeflow-server.json`
   records its URL and pid; a file lock lets one of several commands started at once
   start it while the others use it; a dead server is started again, one that stays
   unhealthy past a grace period is stopped and started again. A run does not wait for
   it (NOTICEFLOW_PREFECT_WAIT seconds, default 0): when it is not running, the run goes
   on unrecorded, says so, and starts it when done (so the two do not compete for the
   processor); while it is still starting, runs go on unrecorded; the runs after are
   recorded.

`noticeflow prefect-server status|start|stop` manages the local server.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = [
    "LocalServer",
    "Recording",
    "ServerRecord",
    "choose",
    "configured_api_url",
    "healthy",
    "prefect_home",
    "start_later",
]

SERVER_FILE = "noticeflow-server.json"
LOCK_FILE = "noticeflow-server.lock"
LOG_FILE = "noticeflow-server.log"
STARTUP_GRACE_S = 300.0  # a server not answering after this long is started again


@dataclass(frozen=True)
class Recording:
    """Where a run is recorded: `url` (a Prefect API), `inside` a flow run, or nowhere
    (`url` None), with `note` saying why, for the user."""

    url: str | None = None
    inside: bool = False
    note: str | None = None
    local: bool = False  # the URL is noticeflow's local server
    start_later: bool = False  # start the local server when the run is done

    @property
    def recorded(self) -> bool:
        return self.inside or self.url is not None


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()


def _profile_api_url() -> str | None:
    """PREFECT_API_URL of the active Prefect profile, read without importing Prefect."""
    path = Path(
        os.environ.get("PREFECT_PROFILES_PATH") or prefect_home() / "profiles.toml"
    ).expanduser()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or data.get("active")
    profile = data.get("profiles", {}).get(active, {}) if isinstance(active, str) else {}
    url = profile.get("PREFECT_API_URL") if isinstance(profile, dict) else None
    return str(url) if url else None


def configured_api_url() -> str | None:
    """The Prefect API URL the user configured, if any."""
    if "prefect.settings" in sys.modules:  # Prefect is loaded: ask it (tests, serve)
        from prefect.settings import get_current_settings

        return get_current_settings().api.url or None
    return os.environ.get("PREFECT_API_URL") or _profile_api_url()


def _inside_flow_run() -> bool:
    if "prefect.context" not in sys.modules:
        return False
    from prefect.context import FlowRunContext

    return FlowRunContext.get() is not None


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    """True when a Prefect API answers its health check."""
    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass(frozen=True)
class ServerRecord:
    url: str  # the API URL (…/api)
    pid: int
    port: int
    started_at: float
    home: str

    @property
    def ui(self) -> str:
        return self.url.removesuffix("/api")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prefect_command() -> list[str]:
    script = Path(sys.executable).parent / "prefect"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "prefect"]


class LocalServer:
    """noticeflow's long-lived local Prefect server for one PREFECT_HOME."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = home or prefect_home()
        self.record_path = self.home / SERVER_FILE
        self.log_path = self.home / LOG_FILE

    def read(self) -> ServerRecord | None:
        try:
            return ServerRecord(**json.loads(self.record_path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def _ours(self, record: ServerRecord) -> bool:
        """The recorded pid is alive and still that server (not a reused pid)."""
        try:
            command = Path(f"/proc/{record.pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            try:
                os.kill(record.pid, 0)
            except ProcessLookupError:
                return False
            except PermissionError:
                return True
            return True
        return b"server" in command and str(record.port).encode() in command

    def state(self) -> tuple[str, ServerRecord | None]:
        """("running" | "starting" | "unhealthy" | "stopped", its record)."""
        record = self.read()
        if record is None or not self._ours(record):
            return "stopped", record
        if healthy(record.url):
            return "running", record
        if time.time() - record.started_at < STARTUP_GRACE_S:
            return "starting", record
        return "unhealthy", record

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.home / LOCK_FILE, "ab") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ensure_started(self) -> ServerRecord:
        """The local server's record, started first when it is not running or starting
        (one starter at a time: the others find its record)."""
        with self._locked():
            state, record = self.state()
            if state in ("running", "starting") and record is not None:
                return record
            if state == "unhealthy" and record is not None:
                self._terminate(record)
            return self._spawn()

    def _spawn(self) -> ServerRecord:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(PREFECT_HOME=str(self.home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
        command = [*_prefect_command(), "server", "start", "--host", "127.0.0.1"]
        command += ["--port", str(port)]
        with open(self.log_path, "ab") as log:
            process = subprocess.Popen(
                command,
                env=env,
                cwd=self.home,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # outlives this command, deaf to its Ctrl-C
                close_fds=True,
            )
        record = ServerRecord(
            url=f"http://127.0.0.1:{port}/api",
            pid=process.pid,
            port=port,
            started_at=time.time(),
            home=str(self.home),
        )
        temporary = self.record_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(record)), encoding="utf-8")
        os.replace(temporary, self.record_path)
        return record

    def wait(self, record: ServerRecord, seconds: float) -> bool:
        """Wait up to `seconds` for the server to answer; True when it does."""
        deadline = time.monotonic() + seconds
        while True:
            if healthy(record.url, timeout=1.0):
                return True
            if time.monotonic() >= deadline or not self._ours(record):
                return False
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))

    def _terminate(self, record: ServerRecord, timeout: float = 20.0) -> None:
        """Stop the server process group started for `record` (by its pid)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(record.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._ours(record):
            time.sleep(0.2)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(record.pid, os.WNOHANG)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(record.pid, signal.SIGKILL)

    def stop(self) -> ServerRecord | None:
        """Stop the local server; its record, or None when none was running."""
        with self._locked():
            record = self.read()
            running = record is not None and self._ours(record)
            if record is not None and running:
                self._terminate(record)
            with contextlib.suppress(OSError):
                self.record_path.unlink()
        return record if running else None


def choose(mode: str, wait: float) -> Recording:
    """Where the run about to start is recorded (see the module's docstring).

    `mode` is NOTICEFLOW_PREFECT (`auto` or `off`), `wait` NOTICEFLOW_PREFECT_WAIT.
    """
    if _inside_flow_run():
        return Recording(inside=True)
    if mode == "off":
        return Recording(note="not recorded in Prefect (NOTICEFLOW_PREFECT=off)")
    url = configured_api_url()
    if url:
        if healthy(url):
            return Recording(url=url)
        return Recording(
            note=f"not recorded in Prefect: the Prefect server at {url} (PREFECT_API_URL) "
            "does not answer"
        )
    server = LocalServer()
    state, record = server.state()
    if state == "running" and record is not None:
        return Recording(url=record.url, local=True)
    if wait <= 0 and state != "starting":
        # Not started yet: it starts when this run is done, not competing with it for the
        # processor (its first start migrates a database: 10-50 s of work).
        return Recording(
            note="not recorded in Prefect: noticeflow's local Prefect server was not running; "
            "it is started now and records the next runs (`noticeflow prefect-server status`)",
            start_later=True,
        )
    try:
        record = server.ensure_started()
    except OSError as e:
        return Recording(note=f"not recorded in Prefect: cannot start a local server ({e})")
    if server.wait(record, wait):
        return Recording(url=record.url, local=True)
    return Recording(
        note=f"not recorded in Prefect: the local Prefect server ({record.ui}) is still "
        "starting; the next runs are recorded there (`noticeflow prefect-server status`)"
    )


def start_later(recording: Recording) -> None:
    """Start the local server a run chose not to wait for (see `choose`)."""
    if recording.start_later:
        with contextlib.suppress(OSError):
            LocalServer().ensure_started()
