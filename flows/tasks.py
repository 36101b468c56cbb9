"""The Prefect tasks of the ingest flow, and loading one result into the warehouse."""

from __future__ import annotations

import time
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from normalizers.records import Notice
from warehouse import LoadUnit, Warehouse, WarehouseError, connect, publish

from .discover import InputFile, discover
from .fetch import Fetched
from .settings import Settings
from .steps import FileResult, process_bytes, process_file
from .summary import RunSummary

__all__ = [
    "discover_task",
    "load_result",
    "process_fetched_task",
    "process_task",
    "publish_task",
]


@task(name="discover", cache_policy=NO_CACHE)
def discover_task(sources: list[str]) -> tuple[list[InputFile], list[str]]:
    return discover(sources)


@task(name="extract-and-normalize", cache_policy=NO_CACHE, retries=0)
def process_task(
    item: InputFile,
    settings: Settings,
    pii_key: bytes,
    parent: Notice | None = None,
    parent_doc_id: str | None = None,
) -> FileResult:
    return process_file(
        item, limits=settings.limits, pii_key=pii_key, parent=parent, parent_doc_id=parent_doc_id
    )


@task(name="extract-and-normalize-fetched", cache_policy=NO_CACHE, retries=0)
def process_fetched_task(
    fetched: Fetched,
    settings: Settings,
    pii_key: bytes,
    parent: Notice | None = None,
    parent_doc_id: str | None = None,
) -> FileResult:
    assert fetched.content is not None and fetched.doc_id is not None
    return process_bytes(
        fetched.content,
        doc_id=fetched.doc_id,
        source_uri=fetched.url,
        limits=settings.limits,
        pii_key=pii_key,
        parent=parent,
        parent_doc_id=parent_doc_id,
    )


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(db: Path, out: Path) -> int:
    con = connect(db)
    try:
        return len(publish(con, out))
    finally:
        con.close()


def load_result(warehouse: Warehouse, result: FileResult, summary: RunSummary) -> None:
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
