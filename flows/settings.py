"""Settings, read in one place: environment variables, then command-line overrides.

| variable | default | meaning |
|---|---|---|
| NOTICEFLOW_DB | data/warehouse.duckdb | the DuckDB file |
| NOTICEFLOW_OUT | data/curated | where curated files are published |
| NOTICEFLOW_WORKERS | 2 | files extracted at once |
| NOTICEFLOW_TASK_RUNNER | threads | `threads`, `processes` or `dask` (README "Past one machine") |
| NOTICEFLOW_DASK_ADDRESS | (none) | Dask scheduler `tcp://host:8786`; none: a local cluster |
| NOTICEFLOW_PII_KEY_FILE | data/.pii_key | secret key for hashing ID numbers (made on first use) |
| NOTICEFLOW_MAX_FILE_MB | 100 | larger files are refused |
| NOTICEFLOW_MAX_PAGES | 2000 | longer documents are refused |
| NOTICEFLOW_OCR | 1 | read pages without a text layer by OCR |
| NOTICEFLOW_ALLOWED_HOSTS | (none) | more hosts to fetch from: `www.hubei.gov.cn,*.gov.cn` |
| NOTICEFLOW_FETCH_DELAY | 1 | seconds between two requests to the same host |
| NOTICEFLOW_FETCH_TIMEOUT | 30 | seconds before a request times out |
| NOTICEFLOW_FETCH_RETRIES | 3 | retries of a timed-out or 5xx/429 request (exponential backoff) |
| NOTICEFLOW_FETCH_BACKOFF | 2 | seconds before the first retry (doubling each time) |
| NOTICEFLOW_FILE_TIMEOUT | 300 | seconds one file may take (extract + normalise); 0 = no limit |
| NOTICEFLOW_PREFECT | auto | `auto`: runs recorded on PREFECT_API_URL or the local server; `off` |
| NOTICEFLOW_PREFECT_WAIT | 0 | seconds a run waits for the local Prefect server to come up |
| NOTICEFLOW_SNAPSHOT | (none) | fetch from saved responses (snapshot.json) instead of HTTP |
| NOTICEFLOW_TEST_KILL_AT | (none) | tests only: `extract`, `load` or `publish`[:n], see faults.py |
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from extractors import Limits

__all__ = ["Settings", "load_settings", "prepare_prefect_environment", "quiet_parser_logs"]

# "www.mohrss.gov.cn", "127.0.0.1" or "*.gov.cn" (the domain and its subdomains).
_KILL_AT = re.compile(r"^(?:extract|load|publish)(?::[1-9][0-9]*)?$")
_DASK_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ucx|ws|wss)://)?[^\s/:]+:[0-9]{1,5}$")
_TASK_RUNNERS = ("threads", "processes", "dask")
_HOST_PATTERN = re.compile(r"^(?:\*\.)?[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9\-]+)*$")


@dataclass(frozen=True)
class Settings:
    db: Path = Path("data/warehouse.duckdb")
    out: Path = Path("data/curated")
    workers: int = 2
    task_runner: str = "threads"
    dask_address: str | None = None  # the scheduler of an existing Dask cluster
    pii_key_file: Path = Path("data/.pii_key")
    limits: Limits = Limits()  # noqa: RUF009  (frozen: one shared default is safe)
    allowed_hosts: tuple[str, ...] = ()  # besides the hosts of the URLs a run is given
    fetch_delay: float = 1.0  # seconds between requests to one host
    fetch_timeout: float = 30.0
    fetch_retries: int = 3
    fetch_backoff: float = 2.0  # seconds before the first retry
    file_timeout: float = 300.0  # seconds per file (extract + normalise); 0 = no limit
    kill_at: str | None = None  # tests only: "extract", "load" or "publish", optionally ":n"
    prefect: str = "auto"  # auto: a configured server, else noticeflow's local one; off
    prefect_wait: float = 0.0  # seconds to wait for the local Prefect server to come up
    snapshot: Path | None = None  # saved responses to fetch from instead of HTTP

    def __post_init__(self) -> None:
        for pattern in self.allowed_hosts:
            if not _HOST_PATTERN.match(pattern):
                raise ValueError(
                    f"allowed host {pattern!r} is not a host name: write www.example.gov.cn "
                    "or *.gov.cn, without scheme, path or port"
                )
        for name in ("fetch_delay", "fetch_backoff"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)}")
        if self.fetch_timeout <= 0:
            raise ValueError(f"fetch_timeout must be positive, got {self.fetch_timeout}")
        if self.fetch_retries < 0:
            raise ValueError(f"fetch_retries must not be negative, got {self.fetch_retries}")
        if self.file_timeout < 0:
            raise ValueError(f"file_timeout must not be negative, got {self.file_timeout}")
        if self.kill_at is not None and not _KILL_AT.match(self.kill_at):
            raise ValueError(
                f"NOTICEFLOW_TEST_KILL_AT must be extract, load or publish (optionally "
                f":n), got {self.kill_at!r}"
            )
        if self.prefect not in ("auto", "off"):
            raise ValueError(f"NOTICEFLOW_PREFECT must be 'auto' or 'off', got {self.prefect!r}")
        if self.prefect_wait < 0:
            raise ValueError(f"prefect_wait must not be negative, got {self.prefect_wait}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.task_runner not in _TASK_RUNNERS:
            raise ValueError(
                f"task runner must be 'threads', 'processes' or 'dask', got {self.task_runner!r}"
            )
        if self.dask_address is not None:
            if not _DASK_ADDRESS.match(self.dask_address):
                raise ValueError(
                    f"not a Dask scheduler address: {self.dask_address!r} (write tcp://host:8786)"
                )
            if self.task_runner != "dask":
                raise ValueError(
                    "a Dask scheduler address is for the dask task runner, but "
                    f"NOTICEFLOW_TASK_RUNNER is {self.task_runner!r}"
                )

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]

    def on_cluster(self, address: str | None) -> Settings:
        """These settings with the Dask runner on the scheduler at `address` (given by
        --dask-address); unchanged when `address` is None."""
        if address is None:
            return self
        return replace(self, task_runner="dask", dask_address=address)

    def pii_key(self) -> bytes:
        """The secret for keyed hashes of ID numbers; created (mode 600) on first use."""
        path = self.pii_key_file
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        return bytes.fromhex(path.read_text().strip())


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


def _float_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, got {raw!r}") from None


def _hosts_env(name: str) -> tuple[str, ...]:
    raw = os.environ.get(name, "")
    return tuple(part.strip().lower() for part in raw.split(",") if part.strip())


def load_settings() -> Settings:
    env = os.environ
    dask_address = env.get("NOTICEFLOW_DASK_ADDRESS", "").strip() or None
    return Settings(
        db=Path(env.get("NOTICEFLOW_DB", "data/warehouse.duckdb")),
        out=Path(env.get("NOTICEFLOW_OUT", "data/curated")),
        workers=_int_env("NOTICEFLOW_WORKERS", 2),
        # An address alone says the runner.
        task_runner=env.get("NOTICEFLOW_TASK_RUNNER") or ("dask" if dask_address else "threads"),
        dask_address=dask_address,
        pii_key_file=Path(env.get("NOTICEFLOW_PII_KEY_FILE", "data/.pii_key")),
        limits=Limits(
            max_file_bytes=_int_env("NOTICEFLOW_MAX_FILE_MB", 100) * 1024 * 1024,
            max_pages=_int_env("NOTICEFLOW_MAX_PAGES", 2000),
            ocr=env.get("NOTICEFLOW_OCR", "1") not in ("0", "false", "no"),
        ),
        allowed_hosts=_hosts_env("NOTICEFLOW_ALLOWED_HOSTS"),
        fetch_delay=_float_env("NOTICEFLOW_FETCH_DELAY", 1.0),
        fetch_timeout=_float_env("NOTICEFLOW_FETCH_TIMEOUT", 30.0),
        fetch_retries=_int_env("NOTICEFLOW_FETCH_RETRIES", 3),
        fetch_backoff=_float_env("NOTICEFLOW_FETCH_BACKOFF", 2.0),
        file_timeout=_float_env("NOTICEFLOW_FILE_TIMEOUT", 300.0),
        kill_at=env.get("NOTICEFLOW_TEST_KILL_AT") or None,
        prefect=env.get("NOTICEFLOW_PREFECT", "auto").strip().lower() or "auto",
        prefect_wait=_float_env("NOTICEFLOW_PREFECT_WAIT", 0.0),
        snapshot=Path(env["NOTICEFLOW_SNAPSHOT"]) if env.get("NOTICEFLOW_SNAPSHOT") else None,
    )


# Parsers that warn once per font or page about harmless oddities of real files.
_CHATTY_LOGGERS = ("pdfminer", "pdfplumber", "jieba", "PIL", "fontTools", "RapidOCR")


def prepare_prefect_environment() -> None:
    """Defaults Prefect must see before it is imported: no analytics, quiet console, and
    never a throw-away server of its own (flows/recording.py picks the server)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")
    quiet_parser_logs()


def quiet_parser_logs() -> None:
    """Only errors from third-party parsers reach the console and the run logs."""
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
