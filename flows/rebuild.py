"""Deriving staging (and so curated) again from `raw`, with no source file read.

`rederive` runs the normalizers over the extractions `raw` holds — pages before the
files they attach, so an attachment is read as its page notice's, as at ingest — and
replaces each document's staging rows, one transaction per document. `ingest` calls it
for the documents a different normalizer version derived (a rule fixed since); the
`rebuild` command for every document. No extractor, LibreOffice or OCR runs.

`rebuild_flow` runs the rebuild where `run_ingest` would run an ingest: recorded as
the Prefect flow `rebuild` where a server is, else on a local engine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from normalizers.bundle import in_stage_order, status_and_error
from normalizers.pii import PiiToken
from normalizers.records import Notice
from normalizers.version import normalizer_version
from warehouse import PublishError, Warehouse, WarehouseError, writing

from .orchestrate import Engine, LocalEngine, step
from .recording import Recording
from .settings import Settings, load_settings
from .steps import derive

__all__ = ["RederiveResult", "rebuild_body", "rebuild_flow", "rederive", "rederive_task"]

log = logging.getLogger(__name__)


@dataclass
class RederiveResult:
    documents: int = 0
    rows: int = 0
    failures: list[str] = field(default_factory=list)  # "doc_id: message"
    version: str = ""


def _notice(warehouse: Warehouse, doc_id: str) -> Notice | None:
    notices = warehouse.records_of(Notice, doc_id)
    return notices[0] if notices else None


def rederive(
    warehouse: Warehouse,
    *,
    pii_key: bytes,
    stale_only: bool,
    progress: Callable[[str, int, int], None] | None = None,
) -> RederiveResult:
    """Derive staging again from raw: every document, or those of another rule version."""
    version = normalizer_version()
    todo = warehouse.derivable(stale_for=version if stale_only else None)
    result = RederiveResult(version=version)
    notices: dict[str, Notice | None] = {}
    auto_refresh, warehouse.auto_refresh = warehouse.auto_refresh, False
    for n, (doc_id, parent_doc_id) in enumerate(todo, start=1):
        document = warehouse.read_document(doc_id)
        if document is None:
            continue
        parent = None
        if parent_doc_id is not None:
            if parent_doc_id not in notices:
                notices[parent_doc_id] = _notice(warehouse, parent_doc_id)
            parent = notices[parent_doc_id]
        vault = warehouse.records_of(PiiToken, doc_id)
        derived = derive(
            document,
            pii_key=pii_key,
            parent=parent,
            linked=warehouse.link_targets(doc_id),
            vault=vault,
        )
        notices[doc_id] = next((r for r in derived.records if isinstance(r, Notice)), None)
        problems = in_stage_order([*warehouse.kept_problems(doc_id), *derived.problems])
        status, error = status_and_error(problems)
        try:
            result.rows += warehouse.rederive(
                doc_id,
                role=derived.role,
                records=derived.records,
                problems=problems,
                status=status,
                error=error,
                normalizer_version=version,
            )
        except WarehouseError as e:
            log.error("%s", e)
            result.failures.append(f"{document.source_uri}: {e}")
            continue
        result.documents += 1
        if progress is not None:
            progress(document.source_uri, n, len(todo))
    warehouse.auto_refresh = auto_refresh
    if auto_refresh:
        warehouse.refresh()  # once, for every document derived again
    return result


@step("rederive")
def rederive_task(warehouse: Warehouse, pii_key: bytes, stale_only: bool) -> RederiveResult:
    return rederive(warehouse, pii_key=pii_key, stale_only=stale_only)


def rebuild_body(settings: Settings, engine: Engine) -> tuple[RederiveResult, int, int]:
    """Derive staging and curated again from raw alone (one write session), then publish.

    Returns the rederive result, the number of data-check findings and files published.
    Reads no source file and needs no Prefect server: `noticeflow rebuild` calls it
    directly; `rebuild_flow` records it as a flow run where a server is configured.
    """
    from .tasks import publish_task

    with writing(settings.db) as session:
        warehouse = session.warehouse
        result = engine.call(rederive_task, warehouse, settings.pii_key(), False)
        findings = sum(warehouse.run_checks().values())
        session.commit()
    outcome = engine.call(publish_task, settings.db, settings.out)
    if isinstance(outcome, PublishError):  # handled: a plain message, no traceback
        raise outcome
    published = outcome
    return result, findings, published


def rebuild_flow(
    settings: Settings | None = None, *, recording: Recording | None = None
) -> tuple[RederiveResult, int, int]:
    """The rebuild, recorded in Prefect where a server is (as `run_ingest` decides)."""
    import os
    import sys

    from .recording import choose

    settings = settings or load_settings()
    recording = recording or choose(settings.prefect, settings.prefect_wait)
    if recording.recorded:
        if recording.url and "prefect" not in sys.modules:
            os.environ["PREFECT_API_URL"] = recording.url
        from .recorded import run_recorded_rebuild

        return run_recorded_rebuild(settings, api_url=recording.url)
    with LocalEngine(workers=1) as engine:
        return rebuild_body(settings, engine)
