"""One ingest run: files and folders, notice pages with their attachments, URLs.

Pages are read first, so the files they link are processed once, as their
attachments (loaded with `parent_doc_id`). A URL page that is no notice but links
notices of this family is a list page whose links are followed (one level).
Acquisition (fetching, the HTTP cache, list pages' links) is `flows.sources`; this
module decides the order and hands the steps to the engine.

Files are streamed (`orchestrate.streamed`): a bounded number in flight, each result
loaded as it comes, in the order the files were submitted (so the warehouse is the same
whatever the runner) and let go; a run's memory does not grow with its number of files.
A step that never comes back (its Dask worker died more often than the scheduler retries
it) makes its document `failed` with the reason; the batch goes on.
"""

from __future__ import annotations

import contextlib
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from extractors import Link
from normalizers.linked import attachment_links, family_links
from normalizers.records import Notice
from warehouse import LoadUnit, Warehouse

from . import plan
from .orchestrate import Engine, StepFuture, streamed
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
    load_results,
    lost,
    process_fetched_task,
    process_task,
    stopped_fetched,
    stopped_file,
)

__all__ = ["LOAD_BATCH", "REMOTE_BYTES_IN_FLIGHT", "IngestRun"]

# Files in flight: two per worker of this machine; on a cluster (whose workers may be
# many) up to REMOTE_WINDOW, as long as the bytes read and sent stay under the limit.
REMOTE_WINDOW = 256
REMOTE_BYTES_IN_FLIGHT = 512 * 1024 * 1024


# Results loaded together (`IngestRun._batched`): at most this many documents, about
# this many rows, or after the first of them has waited this long.
LOAD_BATCH = 32
LOAD_BATCH_ROWS = 20_000
LOAD_BATCH_WAIT_S = 5.0


def _rows_estimate(result: FileResult) -> int:
    """About the rows `result` loads: its blocks, table cells, links and records."""
    unit = result.unit
    document = unit.document
    n = 1 + len(unit.records) + len(unit.problems)
    if document is not None:
        n += len(document.blocks) + len(document.links)
        n += sum(len(table.cells) for table in document.tables)
    return n


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


def _largest_first(items: list[InputFile]) -> list[InputFile]:
    """Files in the order this machine's workers read them: the largest (the slowest, as
    a rule) first, so that no long file is left to run alone at the end while the other
    workers idle; ties by name. A fixed order: the warehouse is the same from run to run.
    (A cluster is sent its whole window at once and spreads it itself: files go in the
    order they were found, and the first results come back soonest.)"""
    return sorted(items, key=lambda item: (-item.n_bytes, item.source_uri))


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
        self._loaded(result)

    def _loaded(self, result: FileResult) -> None:
        self.done += 1
        if self.progress:
            self.progress(result.unit.source_uri, self.done, max(self.total, self.done))

    @contextlib.contextmanager
    def _batched(self) -> Iterator[Callable[[FileResult], None]]:
        """A `load` that loads results several at a time (`tasks.load_results`: one
        transaction and one insert per table for them); what is left is loaded when the
        block ends.

        A batch is loaded once it holds LOAD_BATCH documents or about LOAD_BATCH_ROWS
        rows, or its first result has waited LOAD_BATCH_WAIT_S: DuckDB's cost is per
        insert more than per row (99 documents: 3.6 s loaded four at a time, 1.1 s
        sixteen at a time), and what a batch holds stays bounded."""
        batch: list[FileResult] = []
        rows = 0
        since = 0.0

        def flush() -> None:
            nonlocal rows
            load_results(self.warehouse, batch, self.summary)
            batch.clear()
            rows = 0

        def load(result: FileResult) -> None:
            nonlocal rows, since
            if not batch:
                since = time.monotonic()
            batch.append(result)
            # Progress counts a file once it is read: a batch is loaded 32 at a time,
            # and the bar should not stand still while they are read.
            self._loaded(result)
            rows += _rows_estimate(result)
            if (
                len(batch) >= LOAD_BATCH
                or rows >= LOAD_BATCH_ROWS
                or time.monotonic() - since >= LOAD_BATCH_WAIT_S
            ):
                flush()

        yield load
        flush()

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

    def _window(self) -> int:
        """Files in flight at once, and results loaded together: two per worker."""
        return 2 * self.settings.workers

    def _stream(self, items: list[InputFile]) -> Iterator[tuple[InputFile, FileResult]]:
        """Each item's result as it is done, in the order of `items`, a bounded number in
        flight (and, sent to a cluster, a bounded number of bytes)."""
        window = self._window()
        if not self.engine.remote:
            return streamed(self._submit, items, window=window)
        return streamed(
            self._submit,
            items,
            window=max(window, REMOTE_WINDOW),
            weigh=lambda item: item.n_bytes,
            max_weight=REMOTE_BYTES_IN_FLIGHT,
        )

    # Files and folders.
    def files(self, files: list[InputFile]) -> None:
        """Extract pages first, to know which files they link; then the rest; then the
        pages with the files they link.

        Streamed: a bounded number of files is in flight (`streamed`), each result is
        loaded as it comes and let go; the notice pages wait for their turn in a
        temporary file (`_Spool`), not in memory.
        """
        todo, skipped = plan.todo(
            self.warehouse,
            files,
            force=self.force,
            policy=self.policy,
        )
        self.summary.skipped += skipped
        self.total += len(todo)
        first = [item for item in todo if looks_like_web_page(item.path)]
        # A file that a page links is read as the page's attachment, not on its own.
        linked: set[Path] = set()
        with _spool() as pages:
            with self._batched() as load:
                for item, result in self._stream(first):
                    if is_notice_page(result):
                        links = result.unit.document.links if result.unit.document else ()
                        linked |= plan.linked_files(links, item, self.policy)
                        pages.put(item, result)
                    else:
                        load(result)
                done = {item.source_uri for item in first}
                rest = [
                    i for i in todo if i.source_uri not in done and i.path.resolve() not in linked
                ]
                if not self.engine.remote:
                    rest = _largest_first(rest)
                self.total -= len(todo) - len(first) - len(rest)
                for _, result in self._stream(rest):
                    load(result)
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


class _Spool:
    """Notice pages kept for later on disk (pickled, in a temporary file), read back one
    at a time in the order they were put: a run holds no list of its pages' documents."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self._count = 0

    def put(self, item: InputFile, page: FileResult) -> None:
        pickle.dump((item, page), self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __iter__(self) -> Iterator[tuple[InputFile, FileResult]]:
        self._file.seek(0)
        for _ in range(self._count):
            yield pickle.load(self._file)


@contextlib.contextmanager
def _spool() -> Iterator[_Spool]:
    with tempfile.TemporaryFile(prefix="noticeflow-pages-") as file:
        yield _Spool(file)
