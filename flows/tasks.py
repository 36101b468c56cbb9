"""The steps of a run (Prefect tasks when it is recorded), and loading one result.

Each step is a plain function declared with `@step`: `flows.orchestrate` runs it as a
Prefect task (recorded runs) or on a local pool, with the same name and retries.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path
from typing import Any

from extractors import EXTRACTOR_VERSION, Limits, sniff
from normalizers.records import Notice
from warehouse import LoadUnit, PublishError, Warehouse, WarehouseError, connect, publish
from warehouse.search_text import search_texts

from . import faults
from .budget import FileStopped, run_in_child, server_running
from .orchestrate import step
from .settings import Settings
from .sources import Fetched, Fetcher, InputFile, TransientFetchError, discover
from .steps import FileResult, process_bytes, process_file
from .summary import RunSummary

__all__ = [
    "discover_task",
    "fetch_task",
    "load_result",
    "load_results",
    "lost",
    "process_fetched_task",
    "process_task",
    "publish_task",
    "stopped_fetched",
    "stopped_file",
]

log = logging.getLogger(__name__)
_HEAD_BYTES = 65536  # enough to tell a file's format


@step("discover")
def discover_task(sources: list[str]) -> tuple[list[InputFile], list[str]]:
    return discover(sources)


@step(
    "fetch",
    run_name="fetch {url}",
    retries=3,
    backoff=2.0,
    retry_on=(TransientFetchError,),
)
def fetch_task(
    fetcher: Fetcher, url: str, etag: str | None = None, last_modified: str | None = None
) -> Fetched:
    """One GET; a TransientFetchError (timeout, 5xx, 429) is retried with backoff."""
    return fetcher.get(url, etag=etag, last_modified=last_modified)


def _budget_limits(settings: Settings) -> Limits:
    """The limits a file is read with: no conversion may outlast the file's budget."""
    limits = settings.limits
    if settings.file_timeout and settings.file_timeout < limits.convert_timeout_s:
        limits = dataclasses.replace(limits, convert_timeout_s=settings.file_timeout)
    return limits


def _failed(stopped: LoadUnit, message: str, seconds: dict[str, float]) -> FileResult:
    unit = dataclasses.replace(
        stopped, status="failed", error=message, problems=[("extract", message)]
    )
    return FileResult(unit, seconds)


def _within_budget(
    fn: Any, kwargs: dict[str, Any], settings: Settings, stopped: LoadUnit
) -> FileResult:
    """`fn(**kwargs)` in a child process under NOTICEFLOW_FILE_TIMEOUT (0: in this one)."""
    faults.reached("extract")
    if not settings.file_timeout:
        return fn(**kwargs)
    started = time.perf_counter()
    try:
        result: FileResult = run_in_child(fn, kwargs, timeout=settings.file_timeout)
    except FileStopped as e:
        return _failed(stopped, str(e), {"extract": time.perf_counter() - started})
    return result


def _stopped(
    doc_id: str, source_uri: str, head: bytes | None, n_bytes: int, parent_doc_id: str | None
) -> LoadUnit:
    """The row of a document whose reading was stopped (`head`: its first bytes, if known)."""
    return LoadUnit(
        doc_id=doc_id,
        source_uri=source_uri,
        status="failed",
        media_type=sniff(head[:_HEAD_BYTES]).value if head is not None else None,
        n_bytes=n_bytes,
        parent_doc_id=parent_doc_id,
        extractor_version=EXTRACTOR_VERSION,
    )


def _head(path: Path) -> bytes | None:
    try:
        with path.open("rb") as f:
            return f.read(_HEAD_BYTES)
    except OSError:
        return None


def stopped_file(
    item: InputFile, parent_doc_id: str | None = None, content: bytes | str | None = None
) -> LoadUnit:
    """The row of `item` should its reading be stopped (or its worker be lost)."""
    head = content if isinstance(content, bytes) else None
    if content is None:
        head = _head(item.path)
    return _stopped(item.doc_id, item.source_uri, head, item.n_bytes, parent_doc_id)


def stopped_fetched(fetched: Fetched, parent_doc_id: str | None = None) -> LoadUnit:
    """The row of a fetched document should its reading be stopped."""
    assert fetched.content is not None and fetched.doc_id is not None
    content = fetched.content
    return _stopped(fetched.doc_id, fetched.url, content, len(content), parent_doc_id)


def lost(stopped: LoadUnit, error: BaseException) -> FileResult:
    """A document whose step never came back (the Dask worker reading it died more often
    than the scheduler retries, or the engine lost it): failed, with the reason."""
    message = (
        f"the worker reading the file was lost ({type(error).__name__}: {error}); "
        "the rest of the batch went on"
    )
    return _failed(stopped, message, {})


@step("extract-and-normalize")
def process_task(
    item: InputFile,
    settings: Settings,
    pii_key: bytes,
    parent: Notice | None = None,
    parent_doc_id: str | None = None,
    content: bytes | str | None = None,
) -> FileResult:
    """Read one file; `content` is what the writer sent of it (`steps.content_to_send`)
    when the step may run on another machine, else it is read from `item.path`."""
    kwargs = {
        "item": item,
        "limits": _budget_limits(settings),
        "pii_key": pii_key,
        "parent": parent,
        "parent_doc_id": parent_doc_id,
        "content": content,
    }
    stopped = stopped_file(item, parent_doc_id, content)
    return _within_budget(process_file, kwargs, settings, stopped)


@step("extract-and-normalize-fetched")
def process_fetched_task(
    fetched: Fetched,
    settings: Settings,
    pii_key: bytes,
    parent: Notice | None = None,
    parent_doc_id: str | None = None,
) -> FileResult:
    assert fetched.content is not None and fetched.doc_id is not None
    kwargs = {
        "data": fetched.content,
        "doc_id": fetched.doc_id,
        "source_uri": fetched.url,
        "limits": _budget_limits(settings),
        "pii_key": pii_key,
        "parent": parent,
        "parent_doc_id": parent_doc_id,
    }
    stopped = stopped_fetched(fetched, parent_doc_id)
    return _within_budget(_process_fetched, kwargs, settings, stopped)


def _process_fetched(*, data: bytes, **kwargs: Any) -> FileResult:
    return process_bytes(data, **kwargs)


def _segment_warm(texts: list[str]) -> list[str]:
    """The explorer's search text, cut in a child of the run's fork server: its jieba
    dictionary is loaded already, where loading it here costs about a second."""
    try:
        return run_in_child(search_texts, {"texts": texts}, timeout=_SEGMENT_TIMEOUT_S)
    except FileStopped as e:
        log.warning("search text cut in this process instead: %s", e)
        return search_texts(texts)


_SEGMENT_TIMEOUT_S = 3600.0


@step("publish")
def _publish_step(db: Path, out: Path) -> int | PublishError:
    """Publish what changed in the warehouse at `db` (as committed) to `out`.

    A publish that fails (a full disk) is returned, not raised: it is a handled outcome
    with a plain message, and raised inside the task Prefect would log it with a traceback.
    """
    con = connect(db, read_only=True, sandboxed=False)
    segment = _segment_warm if server_running() else None
    try:
        return len(
            publish(con, out, before_swap=lambda: faults.reached("publish"), segment=segment)
        )
    except PublishError as e:
        return e
    finally:
        con.close()


publish_task = _publish_step


def load_results(warehouse: Warehouse, results: list[FileResult], summary: RunSummary) -> None:
    """Load `results` together (`Warehouse.load_many`: one transaction, one insert per
    table), or one by one when they cannot go together, so a failing one is told apart."""
    for _ in results:
        faults.reached("load")
    if len(results) > 1:
        started = time.perf_counter()
        rows = warehouse.load_many([result.unit for result in results])
        if rows is not None:
            share = (time.perf_counter() - started) / len(results)
            for result, n in zip(results, rows, strict=True):
                result.seconds["load"] = share
                summary.add(result, n)
            return
    for result in results:
        _load_one(warehouse, result, summary)


def load_result(warehouse: Warehouse, result: FileResult, summary: RunSummary) -> None:
    faults.reached("load")
    _load_one(warehouse, result, summary)


def _load_one(warehouse: Warehouse, result: FileResult, summary: RunSummary) -> None:
    started = time.perf_counter()
    unit = result.unit
    try:
        rows = warehouse.load(unit)
    except WarehouseError as e:
        # The document's rows were rolled back; record the failure on its own.
        failed = LoadUnit(
            doc_id=unit.doc_id,
            source_uri=unit.source_uri,
            status="failed",
            error=str(e),
            media_type=unit.media_type,
            n_bytes=unit.n_bytes,
            parent_doc_id=unit.parent_doc_id,
            problems=[("load", str(e))],
            extractor_version=unit.extractor_version,
        )
        rows = warehouse.load(failed)
        result = FileResult(failed, result.seconds)
    result.seconds["load"] = time.perf_counter() - started
    summary.add(result, rows)
