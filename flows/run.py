"""One ingest run: files and folders, notice pages with their attachments, URLs.

Pages are read first, so the files they link are processed once, as their
attachments (loaded with `parent_doc_id`). A URL page that is no notice but links
notices of this family is a list page whose links are followed (one level).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from prefect import get_run_logger
from prefect.futures import PrefectFuture, as_completed

from extractors import EXTRACTOR_VERSION, Link
from normalizers.linked import attachment_links, family_links, is_attachment_file
from warehouse import Warehouse
from warehouse.http_cache import (
    CachedResponse,
    attachments_of,
    get_cached,
    mark_checked,
    notice_links,
    put_cached,
)

from .discover import InputFile, fingerprint
from .fetch import Fetched, HttpFetcher, fetch_with_retries
from .progress import ProgressHook
from .settings import Settings
from .sources import HostPolicy, Refused, is_url, resolve_link, resolve_links
from .steps import FileResult, is_notice_page, looks_like_web_page, notice_of, with_linked_files
from .summary import RunSummary
from .tasks import load_result, process_fetched_task, process_task

__all__ = ["IngestRun"]


class IngestRun:
    """One run's state: warehouse, settings, summary, the fetcher (opened on first use)."""

    def __init__(
        self,
        warehouse: Warehouse,
        settings: Settings,
        summary: RunSummary,
        *,
        policy: HostPolicy,
        force: bool,
        progress: ProgressHook | None,
    ) -> None:
        self.warehouse, self.con, self.settings, self.summary = (
            warehouse, warehouse.con, settings, summary,
        )  # fmt: skip
        self.policy, self.force, self.progress = policy, force, progress
        self.pii_key = settings.pii_key()
        self._fetcher: HttpFetcher | None = None
        self._visited: set[str] = set()
        self.done = self.total = 0

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    def load(self, result: FileResult) -> None:
        load_result(self.warehouse, result, self.summary)
        self.done += 1
        if self.progress:
            self.progress(result.unit.source_uri, self.done, max(self.total, self.done))

    def fetch(self, url: str, cached: CachedResponse | None = None) -> Fetched:
        if self._fetcher is None:
            self._fetcher = HttpFetcher(
                self.policy,
                max_bytes=self.settings.limits.max_file_bytes,
                timeout=self.settings.fetch_timeout,
                delay=self.settings.fetch_delay,
            )
        return fetch_with_retries(
            self._fetcher,
            url,
            etag=cached.etag if cached else None,
            last_modified=cached.last_modified if cached else None,
            retries=self.settings.fetch_retries,
            backoff_seconds=self.settings.fetch_backoff,
        )

    # Files and folders.
    def files(self, files: list[InputFile]) -> None:
        """Extract pages first, to know which files they link; then the rest, loading
        each as it is done; then the pages with the files they link."""
        todo = self._todo(files)
        self.total += len(todo)
        first = [item for item in todo if looks_like_web_page(item.path)]
        results = [
            future.result()
            for future in as_completed(
                [process_task.submit(item, self.settings, self.pii_key) for item in first]
            )
        ]
        items = {item.source_uri: item for item in first}
        pages = [(items[r.unit.source_uri], r) for r in results if is_notice_page(r)]
        # A file that a page links is read as the page's attachment, not on its own.
        linked: set[Path] = set()
        for item, page in pages:
            linked |= self._linked_files(
                page.unit.document.links if page.unit.document else (), item
            )
        for result in results:
            if not is_notice_page(result):
                self.load(result)
        done = {item.source_uri for item in first}
        rest = [i for i in todo if i.source_uri not in done and i.path.resolve() not in linked]
        self.total -= len(todo) - len(first) - len(rest)
        futures = [process_task.submit(item, self.settings, self.pii_key) for item in rest]
        for future in as_completed(futures):
            self.load(future.result())
        for item, page in pages:
            self.page(page, page_path=item.path, root=item.root)

    def _todo(self, files: list[InputFile]) -> list[InputFile]:
        new = {f.source_uri for f in files if self.force or not self._current(f.doc_id)}
        # A loaded page that links a new or changed file is read again, with the file as
        # its attachment (an attachment downloaded next to a saved page, say).
        new_paths = {f.path.resolve() for f in files if f.source_uri in new}
        for item in files:
            if item.source_uri not in new:
                links = [Link(t, h) for t, h in notice_links(self.con, item.doc_id)]
                if links and self._linked_files(links, item) & new_paths:
                    new.add(item.source_uri)
        self.summary.skipped += [f.source_uri for f in files if f.source_uri not in new]
        return [f for f in files if f.source_uri in new]

    def _current(self, doc_id: str) -> bool:
        return self.warehouse.is_current(doc_id, EXTRACTOR_VERSION)

    def _linked_files(self, links: Iterable[Link], page: InputFile) -> set[Path]:
        """The files in its input folder that a page read from disk links as attachments."""
        targets, _ = resolve_links(
            [link for link in links if is_attachment_file(link)],
            policy=self.policy,
            page_path=page.path,
            root=page.root,
        )
        return {t.path.resolve() for t in targets if t.path is not None}

    # Notice pages and their attachment links.
    def page(
        self,
        page: FileResult,
        *,
        page_url: str | None = None,
        page_path: Path | None = None,
        root: Path | None = None,
        fetched: Fetched | None = None,
    ) -> None:
        """Read a notice page's attachments, then load the page and them."""
        assert page.unit.document is not None
        notice = notice_of(page)
        targets, refused = resolve_links(
            attachment_links(page.unit.document),
            policy=self.policy,
            page_url=page_url,
            page_path=page_path,
            root=root,
        )
        problems = [r.message for r in refused if r.unsafe]
        notes: list[str] = [r.message for r in refused if not r.unsafe]
        futures: list[tuple[Link, PrefectFuture[FileResult]]] = []
        downloads = [fetched] if fetched else []
        for target in targets:
            href = target.link.href
            if target.path is not None:
                if not target.path.is_file():
                    # A page saved from a site seldom comes with its attachments: noted
                    # (raw.problems, a warning in the run log); the page stays complete.
                    notes.append(f"attachment file not found: {href} (no file {target.path})")
                    continue
                try:
                    doc_id, size = fingerprint(target.path)
                except OSError as e:
                    problems.append(f"attachment {href} cannot be read: {e.strerror or e}")
                    continue
                item = InputFile(target.path, str(target.path), doc_id, size, root)
                future = process_task.submit(
                    item, self.settings, self.pii_key, notice, page.unit.doc_id
                )
            else:
                assert target.url is not None
                download = self.fetch(target.url)  # in full: its parent changed
                if download.error:
                    problems.append(f"attachment {href} not fetched: {download.error}")
                    continue
                downloads.append(download)
                future = process_fetched_task.submit(
                    download, self.settings, self.pii_key, notice, page.unit.doc_id
                )
            futures.append((target.link, future))
        self.total += len(futures)
        children = [(link, future.result()) for link, future in futures]
        for note in notes:
            get_run_logger().warning("%s: %s", page.unit.source_uri, note)
        self.load(with_linked_files(page, children, problems, notes))
        for _, child in children:
            self.load(child)
        for download in downloads:
            self._remember(download, role="document")

    def _remember(self, fetched: Fetched, *, role: str) -> None:
        put_cached(
            self.con,
            fetched.url,
            role=role,
            final_url=fetched.final_url,
            doc_id=fetched.doc_id if role == "document" else None,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
        )

    # URLs.
    def urls(self, urls: list[str]) -> None:
        for url in urls:
            self.url(url, follow_lists=True)

    def url(self, url: str, *, follow_lists: bool) -> None:
        """Fetch one URL (conditionally when it gave a loaded document) and ingest it."""
        if url in self._visited:
            return
        self._visited.add(url)
        cached = get_cached(self.con, url)
        if self.force or cached is None or cached.role != "document":
            cached = None  # list pages are always read again: their links are the news
        elif cached.doc_id is None or not self._current(cached.doc_id):
            cached = None
        fetched = self.fetch(url, cached)
        if fetched.error is None and self._unchanged(fetched, cached):
            if fetched.unchanged:
                mark_checked(self.con, url)
            else:
                self._remember(fetched, role="document")
            self.summary.skipped.append(url)
            return
        if fetched.unchanged:  # an attachment changed: read the page again, in full
            fetched = self.fetch(url)
        if fetched.error is not None or fetched.content is None:
            error = fetched.error or f"HTTP {fetched.status} without content"
            self.summary.missing.append(f"{url}: not fetched: {error}")
            return
        result = process_fetched_task.submit(fetched, self.settings, self.pii_key).result()
        document = result.unit.document
        if follow_lists and result.unit.role != "notice" and document is not None:
            links = family_links(document)
            if links:
                self._listing(fetched, links)
                return
        if is_notice_page(result):
            self.page(result, page_url=fetched.final_url, fetched=fetched)
        else:
            self.load(result)
            self._remember(fetched, role="document")

    def _unchanged(self, fetched: Fetched, cached: CachedResponse | None) -> bool:
        """The URL gave a loaded document and none of the page's attachments changed."""
        if fetched.unchanged and cached is not None:
            doc_id: str | None = cached.doc_id
        elif not self.force and fetched.doc_id and self._current(fetched.doc_id):
            doc_id = fetched.doc_id
        else:
            return False
        if doc_id is None:
            return False
        for uri, child_id in attachments_of(self.con, doc_id):
            if not is_url(uri):
                continue  # files are checked by discovery
            child = self.fetch(uri, get_cached(self.con, uri))
            if child.unchanged:
                mark_checked(self.con, uri)
            elif child.doc_id != child_id:
                return False
        return True

    def _listing(self, fetched: Fetched, links: tuple[Link, ...]) -> None:
        self._remember(fetched, role="listing")
        for link in links:
            target = resolve_link(link, policy=self.policy, page_url=fetched.final_url)
            if isinstance(target, Refused):
                self.summary.missing.append(
                    f"{fetched.url}: link {link.href} not followed: {target.reason}"
                )
            elif target.url is not None:
                self.url(target.url, follow_lists=False)
