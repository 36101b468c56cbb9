"""Fetching: the one place that talks to web servers, or reads what they once said.

A fetcher (the `Fetcher` protocol) answers GET requests; two are swappable:

- `HttpFetcher`: httpx with timeouts, a User-Agent naming noticeflow, conditional
  requests (`If-None-Match`, `If-Modified-Since`) so an unchanged page answers 304
  without its body, a size limit enforced while streaming, and a polite delay between
  requests to the same host;
- `SnapshotFetcher`: saved responses from a folder (`snapshot.json` naming, per URL, the
  status, headers and body file), for offline tests and reproducible runs.

Both follow redirects by hand, so that every hop is checked against the allowed hosts.
Transient failures (timeouts, connection errors, HTTP 5xx and 429) raise
`TransientFetchError`, which the orchestration retries with exponential backoff;
anything else (404, refused, too large) comes back as a `Fetched` with `error`, since
asking again would not help.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urljoin

from .inputs import host_of
from .links import HostPolicy

__all__ = [
    "USER_AGENT",
    "Fetched",
    "Fetcher",
    "HostPacer",
    "HttpFetcher",
    "SnapshotError",
    "SnapshotFetcher",
    "TransientFetchError",
    "gave_up",
    "open_fetcher",
    "save_response",
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
    """What a run needs from a fetcher: HttpFetcher, or SnapshotFetcher offline."""

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched: ...

    def close(self) -> None: ...


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


class _Fetcher:
    """GET with redirects followed by hand: every hop is checked against the allowed hosts."""

    def __init__(self, policy: HostPolicy, *, max_bytes: int) -> None:
        self.policy = policy
        self.max_bytes = max_bytes

    def __enter__(self) -> _Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

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
            result = self._get_once(url, current, headers)
            if isinstance(result, Fetched):
                return result
            current = result
        return Fetched(url, current, None, error=f"more than {_MAX_REDIRECTS} redirects")

    def _get_once(self, url: str, current: str, headers: dict[str, str]) -> Fetched | str:
        """One request: a Fetched, or the URL a redirect points to."""
        raise NotImplementedError

    def _answer(
        self,
        url: str,
        current: str,
        status: int,
        reason: str,
        headers: Mapping[str, str],
        chunks: Iterable[bytes],
    ) -> Fetched | str:
        """What one response means: a Fetched, or the URL a redirect points to."""
        if status in _REDIRECTS:
            location = headers.get("location")
            if not location:
                return Fetched(url, current, status, error=f"HTTP {status} without Location")
            return urljoin(current, location)
        validators: dict[str, Any] = {
            "etag": headers.get("etag"),
            "last_modified": headers.get("last-modified"),
        }
        if status == 304:
            return Fetched(url, current, status, **validators)
        if status == 429 or status >= 500:
            raise TransientFetchError(f"HTTP {status} {reason} from {current}")
        if status >= 400 or status < 200:
            return Fetched(url, current, status, error=f"HTTP {status} {reason}")
        too_large = f"refused: larger than the limit of {self.max_bytes:,} bytes"
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return Fetched(url, current, status, error=too_large)
        body = bytearray()
        for chunk in chunks:
            body += chunk
            if len(body) > self.max_bytes:  # stop reading: never hold more than the limit
                return Fetched(url, current, status, error=too_large)
        return Fetched(url, current, status, bytes(body), **validators)


class HttpFetcher(_Fetcher):
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
        import httpx

        super().__init__(policy, max_bytes=max_bytes)
        self.pacer = HostPacer(delay)
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,  # each hop is checked against the allowed hosts
            headers={"User-Agent": user_agent},
        )

    def close(self) -> None:
        self.client.close()

    def _get_once(self, url: str, current: str, headers: dict[str, str]) -> Fetched | str:
        import httpx

        self.pacer.wait(host_of(current))
        try:
            with self.client.stream("GET", current, headers=headers) as response:
                return self._answer(
                    url,
                    current,
                    response.status_code,
                    response.reason_phrase,
                    response.headers,
                    response.iter_bytes(_CHUNK),
                )
        except httpx.UnsupportedProtocol as e:
            return Fetched(url, current, None, error=f"cannot fetch {current}: {e}")
        except httpx.TimeoutException as e:
            raise TransientFetchError(f"timed out fetching {current}") from e
        except httpx.TransportError as e:
            raise TransientFetchError(f"connection failed for {current}: {e}") from e
        except (httpx.HTTPError, httpx.InvalidURL) as e:
            return Fetched(url, current, None, error=f"cannot fetch {current}: {e}")


class SnapshotError(Exception):
    """A snapshot folder that cannot be read."""


SNAPSHOT_INDEX = "snapshot.json"
_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
            404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error",
            503: "Service Unavailable"}  # fmt: skip


class SnapshotFetcher(_Fetcher):
    """Answers from saved responses: `<folder>/snapshot.json` maps each URL to its status,
    headers and body file (relative to the folder); URLs it does not hold answer 404.

    Conditional requests are answered as a server would: 304 when `If-None-Match` is the
    saved ETag or `If-Modified-Since` the saved Last-Modified. `save_response` adds one.
    """

    def __init__(self, folder: Path, policy: HostPolicy, *, max_bytes: int) -> None:
        super().__init__(policy, max_bytes=max_bytes)
        self.folder = Path(folder)
        self.requests: list[str] = []  # every URL asked, in order (tests read it)
        try:
            index = json.loads((self.folder / SNAPSHOT_INDEX).read_text(encoding="utf-8"))
            self.responses: dict[str, dict[str, Any]] = dict(index["responses"])
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise SnapshotError(f"no readable {SNAPSHOT_INDEX} in {self.folder}: {e}") from e
        # "附件1%20x.xlsx" and "附件1 x.xlsx" are the same address.
        self._plain = {unquote(url): url for url in self.responses}

    def _get_once(self, url: str, current: str, headers: dict[str, str]) -> Fetched | str:
        self.requests.append(current)
        saved = self.responses.get(current) or self.responses.get(
            self._plain.get(unquote(current), "")
        )
        if saved is None:
            return self._answer(url, current, 404, _REASONS[404], {}, [])
        status = int(saved.get("status", 200))
        stored = {str(k).lower(): str(v) for k, v in saved.get("headers", {}).items()}
        etag, modified = stored.get("etag"), stored.get("last-modified")
        if status == 200 and (
            (etag and headers.get("If-None-Match") == etag)
            or (modified and headers.get("If-Modified-Since") == modified)
        ):
            status = 304
        body: list[bytes] = []
        if status == 200 and saved.get("body"):
            body = [(self.folder / str(saved["body"])).read_bytes()]
        return self._answer(url, current, status, _REASONS.get(status, ""), stored, body)


def save_response(
    folder: Path,
    url: str,
    body: bytes | None = None,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Add (or replace) the saved response for `url` in the snapshot `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    index_path = folder / SNAPSHOT_INDEX
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except OSError:
        index = {"responses": {}}
    entry: dict[str, Any] = {"status": status, "headers": dict(headers or {})}
    if body is not None:
        name = Path("bodies") / hashlib.sha256(url.encode()).hexdigest()[:24]
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(body)
        entry["body"] = name.as_posix()
    index["responses"][url] = entry
    index_path.write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")


def gave_up(url: str, error: TransientFetchError, retries: int) -> Fetched:
    """The answer for a URL whose transient failures outlasted its retries."""
    return Fetched(url, url, None, error=f"{error} (gave up after {retries} retries)")


def open_fetcher(
    policy: HostPolicy,
    *,
    max_bytes: int,
    timeout: float,
    delay: float,
    snapshot: Path | None = None,
) -> Fetcher:
    """The fetcher a run uses: saved responses when `snapshot` is given, else HTTP."""
    if snapshot is not None:
        return SnapshotFetcher(snapshot, policy, max_bytes=max_bytes)
    return HttpFetcher(policy, max_bytes=max_bytes, timeout=timeout, delay=delay)
