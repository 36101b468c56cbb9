"""Web sources: conditional fetching against the HTTP cache, and list pages' links.

`WebSources` is what a run knows about the web: the fetcher (behind a retrying
`fetch` function the orchestration provides), the allowed hosts, the URLs visited in
this run, and the HTTP cache (`raw.http_cache`, reached through the warehouse's
methods: the `HttpCache` protocol). It decides whether a URL changed since it was
loaded — a 304, or the same bytes, and none of a page's attachments changed — and
what a list page's links lead to. Reading what was fetched is the orchestration's job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from extractors.model import Link

from .fetch import Fetched
from .inputs import is_url
from .links import HostPolicy, LinkTarget, Refused, resolve_link

__all__ = ["CachedAnswer", "FetchFunction", "HttpCache", "WebSources"]


class CachedAnswer(Protocol):
    """What the cache remembers of a URL's last full download."""

    @property
    def role(self) -> str: ...
    @property
    def doc_id(self) -> str | None: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...


class HttpCache(Protocol):
    """The HTTP cache, as the warehouse keeps it (`warehouse.Warehouse` is one)."""

    def cached_response(self, url: str) -> CachedAnswer | None: ...

    def remember_response(
        self,
        url: str,
        *,
        role: str,
        final_url: str | None = ...,
        doc_id: str | None = ...,
        etag: str | None = ...,
        last_modified: str | None = ...,
    ) -> None: ...

    def mark_checked(self, url: str) -> None: ...

    def attachments_of(self, doc_id: str) -> list[tuple[str, str]]: ...


# (url, etag, last_modified) -> the answer, retried by the orchestration when transient.
FetchFunction = Callable[[str, str | None, str | None], Fetched]


class WebSources:
    """The web as one run sees it: what changed, and where list pages lead."""

    def __init__(
        self,
        cache: HttpCache,
        fetch: FetchFunction,
        policy: HostPolicy,
        *,
        force: bool,
        is_current: Callable[[str], bool],
    ) -> None:
        self.cache, self._fetch, self.policy = cache, fetch, policy
        self.force, self.is_current = force, is_current
        self._visited: set[str] = set()

    def first_visit(self, url: str) -> bool:
        """True the first time a run meets `url` (a URL is read once per run)."""
        if url in self._visited:
            return False
        self._visited.add(url)
        return True

    def fetch(self, url: str, cached: CachedAnswer | None = None) -> Fetched:
        """GET `url`, conditionally when `cached` holds validators."""
        return self._fetch(
            url, cached.etag if cached else None, cached.last_modified if cached else None
        )

    def fetch_if_changed(self, url: str) -> Fetched | None:
        """`url`'s content, or None when it gave a loaded document that did not change
        (then the cache records the check). A page with a changed attachment comes back
        in full, to be read again."""
        cached = self.cache.cached_response(url)
        if self.force or cached is None or cached.role != "document":
            cached = None  # list pages are always read again: their links are the news
        elif cached.doc_id is None or not self.is_current(cached.doc_id):
            cached = None
        fetched = self.fetch(url, cached)
        if fetched.error is None and self._unchanged(fetched, cached):
            if fetched.unchanged:
                self.cache.mark_checked(url)
            else:
                self.remember(fetched, role="document")
            return None
        if fetched.unchanged:  # an attachment changed: read the page again, in full
            fetched = self.fetch(url)
        return fetched

    def _unchanged(self, fetched: Fetched, cached: CachedAnswer | None) -> bool:
        """The URL gave a loaded document and none of the page's attachments changed."""
        if fetched.unchanged and cached is not None:
            doc_id: str | None = cached.doc_id
        elif not self.force and fetched.doc_id and self.is_current(fetched.doc_id):
            doc_id = fetched.doc_id
        else:
            return False
        if doc_id is None:
            return False
        for uri, child_id in self.cache.attachments_of(doc_id):
            if not is_url(uri):
                continue  # files are checked by discovery
            child = self.fetch(uri, self.cache.cached_response(uri))
            if child.unchanged:
                self.cache.mark_checked(uri)
            elif child.doc_id != child_id:
                return False
        return True

    def remember(self, fetched: Fetched, *, role: str) -> None:
        """Record a full download (after the document it gave was loaded)."""
        self.cache.remember_response(
            fetched.url,
            role=role,
            final_url=fetched.final_url,
            doc_id=fetched.doc_id if role == "document" else None,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
        )

    def listing(self, fetched: Fetched, links: tuple[Link, ...]) -> list[LinkTarget | Refused]:
        """A list page: remembered as such; where each of its notice links leads."""
        self.remember(fetched, role="listing")
        return [
            resolve_link(link, policy=self.policy, page_url=fetched.final_url) for link in links
        ]
