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
from warehouse.publish_sqlite import search_texts

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
    "process_fetched_task",
    "process_task",
    "publish_task",
]

log = logging.getLogger(__name__)


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
        unit = dataclasses.replace(
            stopped, status="failed", error=str(e), problems=[("extract", str(e))]
        )
        return FileResult(unit, {"extract": time.perf_counter() - started})
    return result


@step("extract-and-normalize")
def process_task(
    item: InputFile,
    settings: Settings,
    pii_key: bytes,
    parent: Notice | None = None,
    parent_doc_id: str | None = None,
) -> FileResult:
    kwargs = {"item": item, "limits": _budget_limits(settings), "pii_key": pii_key}
    try:
        with item.path.open("rb") as f:
            media_type: str | None = sniff(f.read(65536)).value
    except OSError:
        media_type = None
    stopped = LoadUnit(
        doc_id=item.doc_id,
        source_uri=item.source_uri,
        status="failed",
        media_type=media_type,
        n_bytes=item.n_bytes,
        parent_doc_id=parent_doc_id,
        extractor_version=EXTRACTOR_VERSION,
    )
    kwargs |= {"parent": parent, "parent_doc_id": parent_doc_id}
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
    stopped = LoadUnit(
        doc_id=fetched.doc_id,
        source_uri=fetched.url,
        status="failed",
        media_type=sniff(fetched.content[:65536]).value,
        n_bytes=len(fetched.content),
        parent_doc_id=parent_doc_id,
        extractor_version=EXTRACTOR_VERSION,
    )
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


def load_result(warehouse: Warehouse, result: FileResult, summary: RunSummary) -> None:
    faults.reached("load")
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
