"""flows.sources: acquisition — what a run reads, and getting it.

Sources files and arguments (`inputs`), folder discovery and file hashes (`discover`),
where a page's links may lead (`links`), fetching over HTTP or from saved responses
(`fetch`), and the web as a run sees it: conditional requests against the HTTP cache,
list pages (`web`). Nothing here imports the orchestration modules of `flows` or
Prefect; the orchestration decides when each of these runs, with what retries.
"""

from __future__ import annotations

from .discover import InputFile, discover, fingerprint
from .fetch import (
    USER_AGENT,
    Fetched,
    Fetcher,
    HostPacer,
    HttpFetcher,
    SnapshotError,
    SnapshotFetcher,
    TransientFetchError,
    gave_up,
    open_fetcher,
    save_response,
)
from .inputs import SOURCES_SUFFIX, SourcePlan, host_of, is_url, plan_sources, read_sources_file
from .links import HostPolicy, LinkTarget, Refused, resolve_link, resolve_links
from .web import HttpCache, WebSources

__all__ = [
    "SOURCES_SUFFIX",
    "USER_AGENT",
    "Fetched",
    "Fetcher",
    "HostPacer",
    "HostPolicy",
    "HttpCache",
    "HttpFetcher",
    "InputFile",
    "LinkTarget",
    "Refused",
    "SnapshotError",
    "SnapshotFetcher",
    "SourcePlan",
    "TransientFetchError",
    "WebSources",
    "discover",
    "fingerprint",
    "gave_up",
    "host_of",
    "is_url",
    "open_fetcher",
    "plan_sources",
    "read_sources_file",
    "resolve_link",
    "resolve_links",
    "save_response",
]
