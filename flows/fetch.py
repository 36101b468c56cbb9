"""Fetching over HTTP: the one place that talks to web servers.

`HttpFetcher` is the resource (swappable behind the `Fetcher` protocol): httpx with
timeouts, a User-Agent naming noticeflow, conditional requests (`If-None-Match`,
`If-Modified-Since`) so an unchanged page answers 304 without its body, a size limit
enforced while streaming, redirects followed by hand so that every hop is checked
against the allowed hosts, and a polite delay between requests to the same host.

`fetch_task` wraps it as a Prefect task. Transient failures (timeouts, connection
errors, HTTP 5xx and 429) raise `TransientFetchError` and are retried with
exponential backoff; anything else (404, refused, too large) comes back as a
`Fetched` with `error`, since asking again would not help.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from typing import Any, Protocol
from urllib.parse import urljoin

import httpx
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import Task, exponential_backoff

from .sources import HostPolicy, host_of

__all__ = [
    "USER_AGENT",
    "Fetched",
    "Fetcher",
    "HostPacer",
    "HttpFetcher",
    "TransientFetchError",
    "fetch_task",
    "fetch_with_retries",
    "is_transient",
]


def _version() -> str:
    try:
        return metadata.version("noticeflow")
    except metadata.PackageNotFoundError:
        return "dev"


USER_AGENT = f"noticeflow/{_version()} (public notice collector; python-httpx)"
_MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)


class TransientFetchError(Exception):
    """A failure worth retrying: a timeout, a dropped connection, HTTP 5xx or 429."""


@dataclass(frozen=True)
class Fetched:
    """The answer to one GET: content (200), unchanged (304), or an error in plain words."""

    url: str  # as asked
    final_url: str  # after redirects; relative links of the page resolve against it
    status: int | None  # HTTP status of the last response, None when there was none
    content: bytes | None = field(default=None, repr=False)
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None

    @property
    def unchanged(self) -> bool:
        return self.status == 304 and self.error is None

    @cached_property
    def doc_id(self) -> str | None:
        return hashlib.sha256(self.content).hexdigest() if self.content is not None else None


class Fetcher(Protocol):
    """What the flow needs from a fetcher (the real one is HttpFetcher)."""

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched: ...


class HostPacer:
    """Waits so that requests to one host start at least `delay` seconds apart."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, 0.0))
            self._next[host] = start + self.delay
        if start > now:
            time.sleep(start - now)


class HttpFetcher:
    """GET over HTTP(S) within the allowed hosts, the size limit and the politeness delay."""

    def __init__(
        self,
        policy: HostPolicy,
        *,
        max_bytes: int,
        timeout: float = 30.0,
        delay: float = 1.0,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.policy = policy
        self.max_bytes = max_bytes
        self.pacer = HostPacer(delay)
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,  # each hop is checked against the allowed hosts
            headers={"User-Agent": user_agent},
        )

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """Fetch `url`; raises TransientFetchError for failures worth retrying."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(_MAX_REDIRECTS + 1):
            reason = self.policy.check(current)
            if reason is not None:
                where = "" if current == url else f" (redirected to {current})"
                return Fetched(url, current, None, error=f"refused{where}: {reason}")
            self.pacer.wait(host_of(current))
            try:
                result = self._get_once(url, current, headers)
            except httpx.UnsupportedProtocol as e:
                return Fetched(url, current, None, error=f"cannot fetch {current}: {e}")
            except httpx.TimeoutException as e:
                raise TransientFetchError(f"timed out fetching {current}") from e
            except httpx.TransportError as e:
                raise TransientFetchError(f"connection failed for {current}: {e}") from e
            except (httpx.HTTPError, httpx.InvalidURL) as e:
                return Fetched(url, current, None, error=f"cannot fetch {current}: {e}")
            if isinstance(result, Fetched):
                return result
            current = result
        return Fetched(url, current, None, error=f"more than {_MAX_REDIRECTS} redirects")

    def _get_once(self, url: str, current: str, headers: dict[str, str]) -> Fetched | str:
        """One request: a Fetched, or the URL a redirect points to."""
        with self.client.stream("GET", current, headers=headers) as response:
            status = response.status_code
            if status in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    return Fetched(url, current, status, error=f"HTTP {status} without Location")
                return urljoin(current, location)
            validators: dict[str, Any] = {
                "etag": response.headers.get("etag"),
                "last_modified": response.headers.get("last-modified"),
            }
            if status == 304:
                return Fetched(url, current, status, **validators)
            if status == 429 or status >= 500:
                raise TransientFetchError(f"HTTP {status} {response.reason_phrase} from {current}")
            if status >= 400 or status < 200:
                return Fetched(
                    url, current, status, error=f"HTTP {status} {response.reason_phrase}"
                )
            too_large = f"refused: larger than the limit of {self.max_bytes:,} bytes"
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                return Fetched(url, current, status, error=too_large)
            body = bytearray()
            for chunk in response.iter_bytes(_CHUNK):
                body += chunk
                if len(body) > self.max_bytes:  # stop reading: never hold more than the limit
                    return Fetched(url, current, status, error=too_large)
            return Fetched(url, current, status, bytes(body), **validators)


def is_transient(task: Task[..., Any], task_run: object, state: Any) -> bool:
    """Prefect retry condition: retry only TransientFetchError."""
    error = getattr(state, "data", None)
    if not isinstance(error, BaseException):
        try:
            error = state.result(raise_on_failure=False)
        except Exception:
            return False
    return isinstance(error, TransientFetchError)


@task(
    name="fetch",
    task_run_name="fetch {url}",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=exponential_backoff(backoff_factor=2.0),
    retry_condition_fn=is_transient,
)
def fetch_task(
    fetcher: Fetcher, url: str, etag: str | None = None, last_modified: str | None = None
) -> Fetched:
    return fetcher.get(url, etag=etag, last_modified=last_modified)


def fetch_with_retries(
    fetcher: Fetcher,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    retries: int = 3,
    backoff_seconds: float = 2.0,
) -> Fetched:
    """Run `fetch_task` with these retries; a failure that outlasts them becomes `error`."""
    configured = fetch_task.with_options(
        retries=retries, retry_delay_seconds=exponential_backoff(backoff_factor=backoff_seconds)
    )
    try:
        return configured(fetcher, url, etag, last_modified)
    except TransientFetchError as e:
        return Fetched(url, url, None, error=f"{e} (gave up after {retries} retries)")
