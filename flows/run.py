"""One ingest run: files and folders, notice pages with their attachments, URLs.

Pages are read first, so the files they link are processed once, as their
attachments (loaded with `parent_doc_id`). A URL page that is no notice but links
notices of this family is a list page whose links are followed (one level).
Acquisition (fetching, the HTTP cache, list pages' links) is `flows.sources`; this
module decides the order and hands the steps to the engine.

Results are loaded as they complete, in the order they were submitted
(`in_submission_order`), so the warehouse is the same whatever the runner. A step that
never comes back (its Dask worker died more often than the scheduler retries it) makes
its document `failed` with the reason; the batch goes on.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extractors import Link
from normalizers.linked import attachment_links, family_links
from normalizers.records import Notice
from warehouse import LoadUnit, Warehouse

from . import plan
from .orchestrate import Engine, StepFuture, in_submission_order
from .progress import ProgressHook
from .settings import Settings
from .sources import (
    Fetched,
    Fetcher,
    HostPolicy,
    InputFile,
    Refused,
    TransientFetchError,
    WebSources,
    fingerprint,
    gave_up,
    open_fetcher,
    resolve_links,
)
from .steps import (
    FileResult,
    content_to_send,
    is_notice_page,
    looks_like_web_page,
    notice_of,
    with_linked_files,
)
from .summary import RunSummary
from .tasks import (
    fetch_task,
    load_result,
    lost,
    process_fetched_task,
    process_task,
    stopped_fetched,
    stopped_file,
)

__all__ = ["SEND_BATCH_BYTES", "IngestRun"]

SEND_BATCH_BYTES = 256 * 1024 * 1024  # files read and sent to remote workers at a time


def _batches(items: list[InputFile], limit: int) -> list[list[InputFile]]:
    """`items` in order, cut into runs of at most `limit` bytes (at least one file each)."""
    batches: list[list[InputFile]] = []
    size = limit
    for item in items:
        if size + item.n_bytes > limit:
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += item.n_bytes
    return batches


@dataclass(frozen=True)
class _Pending:
    """A submitted step, and the row its document gets should the step not come back."""

    future: StepFuture[FileResult]
    stopped: Callable[[], LoadUnit]

    def result(self) -> FileResult:
        try:
            return self.future.result()
        except Exception as e:  # a lost worker: this document failed, the batch goes on
            return lost(self.stopped(), e)


class IngestRun:
    """One run's state: warehouse, settings, summary, engine, the web (fetcher opened on
    first use)."""

    def __init__(
        self,
        warehouse: Warehouse,
        settings: Settings,
        summary: RunSummary,
        engine: Engine,
        *,
        policy: HostPolicy,
        force: bool,
        progress: ProgressHook | None,
    ) -> None:
        self.warehouse, self.settings, self.summary, self.engine = (
            warehouse, settings, summary, engine,
        )  # fmt: skip
        self.policy, self.force, self.progress = policy, force, progress
        self.pii_key = settings.pii_key()
        self._fetcher: Fetcher | None = None
        self.web = WebSources(warehouse, self._fetch, policy, force=force, is_current=self._current)
        self.done = self.total = 0

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    def load(self, result: FileResult) -> None:
        load_result(self.warehouse, result, self.summary)
        self.done += 1
        if self.progress:
            self.progress(result.unit.source_uri, self.done, max(self.total, self.done))

    def _fetch(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        """One GET as the `fetch` step, retried when transient; given up: an error."""
        if self._fetcher is None:
            self._fetcher = open_fetcher(
                self.policy,
                max_bytes=self.settings.limits.max_file_bytes,
                timeout=self.settings.fetch_timeout,
                delay=self.settings.fetch_delay,
                snapshot=self.settings.snapshot,
            )
        retries = self.settings.fetch_retries
        try:
            return self.engine.call(
                fetch_task,
                self._fetcher,
                url,
                etag,
                last_modified,
                retries=retries,
                backoff=self.settings.fetch_backoff,
            )
        except TransientFetchError as e:
            return gave_up(url, e, retries)

    def _current(self, doc_id: str) -> bool:
        return bool(self.warehouse.current_of([doc_id], plan.EXTRACTOR_VERSION))

    def _submit(
        self, item: InputFile, parent: Notice | None = None, parent_doc_id: str | None = None
    ) -> _Pending:
        """`item` extracted by the engine; a worker that may be another machine is sent
        its bytes (`content_to_send`)."""
        content = content_to_send(item, self.settings.limits) if self.engine.remote else None
        future = self.engine.submit(
            process_task, item, self.settings, self.pii_key, parent, parent_doc_id, content
        )
        return _Pending(future, lambda: stopped_file(item, parent_doc_id))

    def _submit_fetched(
        self, fetched: Fetched, parent: Notice | None = None, parent_doc_id: str | None = None
    ) -> _Pending:
        future = self.engine.submit(
            process_fetched_task, fetched, self.settings, self.pii_key, parent, parent_doc_id
        )
        return _Pending(future, lambda: stopped_fetched(fetched, parent_doc_id))

    def _results(self, items: list[InputFile]) -> Iterator[FileResult]:
        """Each item's result as it completes, in the order given. A remote engine is sent
        the files in batches of at most `SEND_BATCH_BYTES`, two batches at a time: what is
        read and in flight stays bounded however long the list."""
        batches = _batches(items, SEND_BATCH_BYTES) if self.engine.remote else [items]
        submitted: deque[list[_Pending]] = deque()
        for batch in batches:
            submitted.append([self._submit(item) for item in batch])
            if len(submitted) > 1:
                yield from self._in_order(submitted.popleft())
        while submitted:
            yield from self._in_order(submitted.popleft())

    def _in_order(self, pending: list[_Pending]) -> Iterator[FileResult]:
        for i in in_submission_order(self.engine, [p.future for p in pending]):
            yield pending[i].result()

    # Files and folders.
    def files(self, files: list[InputFile]) -> None:
        """Extract pages first, to know which files they link; then the rest, loading
        each as it is done; then the pages with the files they link."""
        todo, skipped = plan.todo(
            self.warehouse,
            files,
            force=self.force,
            policy=self.policy,
        )
        self.summary.skipped += skipped
        self.total += len(todo)
        first = [item for item in todo if looks_like_web_page(item.path)]
        results = list(self._results(first))
        items = {item.source_uri: item for item in first}
        pages = [(items[r.unit.source_uri], r) for r in results if is_notice_page(r)]
        # A file that a page links is read as the page's attachment, not on its own.
        linked: set[Path] = set()
        for item, page in pages:
            links = page.unit.document.links if page.unit.document else ()
            linked |= plan.linked_files(links, item, self.policy)
        for result in results:
            if not is_notice_page(result):
                self.load(result)
        done = {item.source_uri for item in first}
        rest = [i for i in todo if i.source_uri not in done and i.path.resolve() not in linked]
        self.total -= len(todo) - len(first) - len(rest)
        for result in self._results(rest):
            self.load(result)
        for item, page in pages:
            self.page(page, page_path=item.path, root=item.root)

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
        futures: list[tuple[Link, _Pending]] = []
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
                pending = self._submit(item, notice, page.unit.doc_id)
            else:
                assert target.url is not None
                download = self.web.fetch(target.url)  # in full: its parent changed
                if download.error:
                    problems.append(f"attachment {href} not fetched: {download.error}")
                    continue
                downloads.append(download)
                pending = self._submit_fetched(download, notice, page.unit.doc_id)
            futures.append((target.link, pending))
        self.total += len(futures)
        children = [(link, pending.result()) for link, pending in futures]
        for note in notes:
            self.engine.warning("%s: %s", page.unit.source_uri, note)
        self.load(with_linked_files(page, children, problems, notes))
        for _, child in children:
            self.load(child)
        for download in downloads:
            self.web.remember(download, role="document")

    # URLs.
    def urls(self, urls: list[str]) -> None:
        for url in urls:
            self.url(url, follow_lists=True)

    def url(self, url: str, *, follow_lists: bool) -> None:
        """Fetch one URL (conditionally when it gave a loaded document) and ingest it."""
        if not self.web.first_visit(url):
            return
        fetched = self.web.fetch_if_changed(url)
        if fetched is None:
            self.summary.skipped.append(url)
            return
        if fetched.error is not None or fetched.content is None:
            error = fetched.error or f"HTTP {fetched.status} without content"
            self.summary.missing.append(f"{url}: not fetched: {error}")
            return
        result = self._submit_fetched(fetched).result()
        document = result.unit.document
        if follow_lists and result.unit.role != "notice" and document is not None:
            links = family_links(document)
            if links:
                for target in self.web.listing(fetched, links):
                    if isinstance(target, Refused):
                        self.summary.missing.append(
                            f"{fetched.url}: link {target.link.href} not followed: {target.reason}"
                        )
                    elif target.url is not None:
                        self.url(target.url, follow_lists=False)
                return
        if is_notice_page(result):
            self.page(result, page_url=fetched.final_url, fetched=fetched)
        else:
            self.load(result)
            self.web.remember(fetched, role="document")
