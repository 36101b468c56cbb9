"""The work done for one file, as plain functions (the Prefect tasks wrap these).

`process_file` (a file on disk) and `process_bytes` (fetched content) never raise for
bad input: whatever goes wrong becomes a `failed` or `partial` LoadUnit with a plain
message, so one broken file never stops a batch. Given the `parent` notice, a file is
read as an attachment of that notice's page: `parent_doc_id` is set and its programme
list is read as the parent's programmes. `with_linked_files` completes a page with
what its attachment links gave: 附件 rows pointing at their files, problems recorded.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from extractors import (
    EXTRACTOR_VERSION,
    ExtractionError,
    Limits,
    Link,
    MediaType,
    extract,
    sniff,
    too_large,
)
from extractors.model import Document
from extractors.outcome import nothing_extracted
from normalizers.bundle import LinkedFile, bundle_page, status_and_error, with_attachment_files
from normalizers.linked import attachment_links, normalize_attachment
from normalizers.pii import PiiToken, mask_text, redact_document
from normalizers.records import Notice, PlanProject
from normalizers.version import normalizer_version
from warehouse.unit import LoadUnit

from .sources import InputFile

__all__ = [
    "Derived",
    "FileResult",
    "content_to_send",
    "derive",
    "is_notice_page",
    "looks_like_web_page",
    "notice_of",
    "process_bytes",
    "process_file",
    "status_and_error",
    "with_linked_files",
]

log = logging.getLogger(__name__)

_SNIFF_BYTES = 65536  # enough to tell a web page from text


@dataclass(frozen=True)
class FileResult:
    unit: LoadUnit
    seconds: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    @property
    def n_pages(self) -> int:
        doc = self.unit.document
        return (doc.n_pages or 0) if doc else 0


@dataclass(frozen=True)
class Derived:
    """What the normalizers made of one extracted document."""

    role: str | None
    records: tuple[object, ...] = ()
    problems: tuple[tuple[str, str], ...] = ()  # ("normalize", message)


def derive(
    document: Document,
    *,
    pii_key: bytes,
    parent: Notice | None = None,
    linked: Sequence[tuple[Link, str]] = (),
    vault: Sequence[PiiToken] = (),
) -> Derived:
    """Normalise one extracted (and redacted) document: the one way records are made, at
    ingest and at rebuild. As an attachment of `parent`, its programmes are the parent
    notice's; `linked` pairs a page's attachment links with the documents they were read
    as; `vault` holds what the redaction of its personal data kept (keyed hashes, masked
    forms), loaded into `private` with the records."""
    from normalizers.pipeline import normalize  # spaCy: loaded by those who normalise

    try:
        normalized = normalize(document, pii_key=pii_key, vault=vault)
        records = normalized.records
        if parent is not None:
            # An attachment's programmes are its page notice's (and only the page's).
            records = tuple(r for r in records if not isinstance(r, PlanProject))
            records += normalize_attachment(document, parent=parent)
        if linked:
            records = with_attachment_files(records, linked)
    except Exception as e:  # a rule bug must not stop the batch
        log.error("normalising %s failed: %s", document.source_uri, mask_text(repr(e)))
        message = mask_text(f"could not read the content: {e!r}")
        return Derived(None, tuple(vault), (("normalize", message),))
    return Derived(
        normalized.role,
        (*records, *vault),
        tuple(("normalize", mask_text(p)) for p in normalized.problems),
    )


def process_file(
    item: InputFile,
    *,
    limits: Limits,
    pii_key: bytes,
    parent: Notice | None = None,
    parent_doc_id: str | None = None,
    content: bytes | str | None = None,
) -> FileResult:
    """Read, extract and normalise one file (as an attachment of `parent`, if given).

    `content`: what the writer read of the file for a worker that may be another
    machine (`content_to_send`), used instead of `item.path`."""
    if content is None:
        content = _read(item)
    if isinstance(content, str):
        unit = LoadUnit(
            doc_id=item.doc_id,
            source_uri=item.source_uri,
            n_bytes=item.n_bytes,
            parent_doc_id=parent_doc_id,
            status="failed",
            error=content,
            extractor_version=EXTRACTOR_VERSION,
        )
        return FileResult(unit)
    return process_bytes(
        content,
        doc_id=item.doc_id,
        source_uri=item.source_uri,
        limits=limits,
        pii_key=pii_key,
        parent=parent,
        parent_doc_id=parent_doc_id,
    )


def _read(item: InputFile) -> bytes | str:
    """The file's bytes, or why they cannot be read."""
    try:
        return item.path.read_bytes()
    except OSError as e:
        return f"cannot read the file: {e.strerror or e}"


def content_to_send(item: InputFile, limits: Limits) -> bytes | str:
    """What a worker that may be another machine is sent to read `item`: its bytes, or
    why they cannot be read. A file over NOTICEFLOW_MAX_FILE_MB is refused here, unread
    and unsent, with the words extraction refuses it with."""
    return too_large(item.n_bytes, limits) or _read(item)


def process_bytes(
    data: bytes,
    *,
    doc_id: str,
    source_uri: str,
    limits: Limits,
    pii_key: bytes,
    parent: Notice | None = None,
    parent_doc_id: str | None = None,
) -> FileResult:
    """Extract and normalise one file's bytes (as an attachment of `parent`, if given)."""
    seconds: dict[str, float] = {}
    base = partial(
        LoadUnit,
        doc_id=doc_id,
        source_uri=source_uri,
        n_bytes=len(data),
        parent_doc_id=parent_doc_id,
        extractor_version=EXTRACTOR_VERSION,
    )
    started = time.perf_counter()
    try:
        document = extract(data, source_uri=source_uri, limits=limits, doc_id=doc_id)
    except ExtractionError as e:
        return FileResult(base(status="failed", error=mask_text(str(e))), seconds)
    except Exception as e:  # a parser bug must not stop the batch either
        log.error("extracting %s failed: %s", source_uri, mask_text(repr(e)))
        return FileResult(
            base(status="failed", error=mask_text(f"extraction failed unexpectedly: {e!r}")),
            seconds,
        )
    finally:
        seconds["extract"] = time.perf_counter() - started

    started = time.perf_counter()
    # Personal data is masked before anything else sees the document: raw, staging, logs.
    document, vault = redact_document(document, pii_key=pii_key)
    empty = nothing_extracted(document)
    if empty is not None:  # never `ok` without content: failed, with the reason recorded
        problems = [*(("extract", p) for p in document.problems), ("extract", empty)]
        status, error = status_and_error(problems, failed=True)
        unit = base(
            status=status,
            error=error,
            media_type=document.media_type,
            document=document,
            problems=problems,
        )
        return FileResult(unit, seconds)
    derived = derive(document, pii_key=pii_key, parent=parent, vault=vault)
    seconds["normalize"] = time.perf_counter() - started
    problems = [*(("extract", p) for p in document.problems), *derived.problems]
    status, error = status_and_error(problems)
    unit = base(
        status=status,
        error=error,
        media_type=document.media_type,
        role=derived.role,
        document=document,
        records=derived.records,
        problems=problems,
        normalizer_version=normalizer_version(),
    )
    return FileResult(unit, seconds)


def looks_like_web_page(path: Path) -> bool:
    """True when the file's first bytes are a web page's (which may link attachments)."""
    try:
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError:
        return False  # process_file says why
    return sniff(head) is MediaType.HTML


def is_notice_page(result: FileResult) -> bool:
    """A notice read from a page that links attachment files."""
    doc = result.unit.document
    return result.unit.role == "notice" and doc is not None and bool(attachment_links(doc))


def notice_of(result: FileResult) -> Notice | None:
    """The Notice a file was read as, if it is a notice."""
    return next((r for r in result.unit.records if isinstance(r, Notice)), None)


def with_linked_files(
    page: FileResult,
    files: Sequence[tuple[Link, FileResult]],
    problems: Sequence[str],
    notes: Sequence[str] = (),
) -> FileResult:
    """`page` bundled with the files its attachment links gave (`bundle_page`)."""
    unit = page.unit
    bundle = bundle_page(
        records=unit.records,
        problems=unit.problems,
        failed=unit.status == "failed",
        files=[
            LinkedFile(link, child.unit.doc_id, str(child.unit.error))
            if child.unit.status == "failed"
            else LinkedFile(link, child.unit.doc_id)
            for link, child in files
        ],
        link_problems=problems,
        notes=notes,
    )
    records = bundle.records if bundle.targets else unit.records
    changed = dataclasses.replace(
        unit,
        records=records,
        problems=list(bundle.problems),
        status=bundle.status,
        error=bundle.error,
        targets=list(bundle.targets),
    )
    return FileResult(changed, page.seconds)
