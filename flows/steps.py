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

from extractors import ExtractionError, Limits, Link, MediaType, extract, sniff
from extractors.outcome import nothing_extracted
from normalizers.linked import attachment_links, link_attachment_files, normalize_attachment
from normalizers.pipeline import normalize
from normalizers.records import Attachment, Notice, PlanProject
from warehouse import LoadUnit

from .discover import InputFile

__all__ = [
    "FileResult",
    "is_notice_page",
    "looks_like_web_page",
    "notice_of",
    "process_bytes",
    "process_file",
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


def process_file(
    item: InputFile, *, limits: Limits, pii_key: bytes, parent: Notice | None = None
) -> FileResult:
    """Read, extract and normalise one file (as an attachment of `parent`, if given)."""
    try:
        data = item.path.read_bytes()
    except OSError as e:
        unit = LoadUnit(
            doc_id=item.doc_id,
            source_uri=item.source_uri,
            n_bytes=item.n_bytes,
            parent_doc_id=parent.notice_id if parent else None,
            status="failed",
            error=f"cannot read the file: {e.strerror or e}",
        )
        return FileResult(unit)
    return process_bytes(
        data,
        doc_id=item.doc_id,
        source_uri=item.source_uri,
        limits=limits,
        pii_key=pii_key,
        parent=parent,
    )


def process_bytes(
    data: bytes,
    *,
    doc_id: str,
    source_uri: str,
    limits: Limits,
    pii_key: bytes,
    parent: Notice | None = None,
) -> FileResult:
    """Extract and normalise one file's bytes (as an attachment of `parent`, if given)."""
    seconds: dict[str, float] = {}
    base = partial(
        LoadUnit,
        doc_id=doc_id,
        source_uri=source_uri,
        n_bytes=len(data),
        parent_doc_id=parent.notice_id if parent else None,
    )
    started = time.perf_counter()
    try:
        document = extract(data, source_uri=source_uri, limits=limits, doc_id=doc_id)
    except ExtractionError as e:
        return FileResult(base(status="failed", error=str(e)), seconds)
    except Exception as e:  # a parser bug must not stop the batch either
        log.exception("extracting %s failed", source_uri)
        return FileResult(
            base(status="failed", error=f"extraction failed unexpectedly: {e!r}"),
            seconds,
        )
    finally:
        seconds["extract"] = time.perf_counter() - started

    problems = [("extract", p) for p in document.problems]
    empty = nothing_extracted(document)
    if empty is not None:  # never `ok` without content: failed, with the reason recorded
        problems.append(("extract", empty))
        unit = base(
            status="failed",
            error=empty,
            media_type=document.media_type,
            document=document,
            problems=problems,
        )
        return FileResult(unit, seconds)
    started = time.perf_counter()
    try:
        normalized = normalize(document, pii_key=pii_key)
        records = normalized.records
        if parent is not None:
            # An attachment's programmes are its page notice's (and only the page's).
            records = tuple(r for r in records if not isinstance(r, PlanProject))
            records += normalize_attachment(document, parent=parent)
    except Exception as e:
        log.exception("normalising %s failed", source_uri)
        problems.append(("normalize", f"could not read the content: {e!r}"))
        unit = base(
            status="partial",
            error=f"text extracted, but reading its content failed: {e!r}",
            media_type=document.media_type,
            document=document,
            problems=problems,
        )
        return FileResult(unit, seconds)
    finally:
        seconds["normalize"] = time.perf_counter() - started
    problems += [("normalize", p) for p in normalized.problems]
    unit = base(
        status="partial" if problems else "ok",
        error="; ".join(message for _, message in problems) or None,
        media_type=document.media_type,
        role=normalized.role,
        document=document,
        records=records,
        problems=problems,
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
    """`page` with its 附件 rows pointing at the files its links gave, and problems added.

    `problems` are the page's links that were refused or could not be fetched; a linked
    file that could not be read is one more. Any of them makes the page `partial`.
    `notes` are recorded with the page's problems but leave its status and error alone.
    """
    unit = page.unit
    messages = list(problems) + [
        f"attachment {link.href} could not be read: {child.unit.error}"
        for link, child in files
        if child.unit.status == "failed"
    ]
    attachments = [r for r in unit.records if isinstance(r, Attachment)]
    linked = iter(
        link_attachment_files(attachments, [(link, child.unit.doc_id) for link, child in files])
    )
    records = tuple(next(linked) if isinstance(r, Attachment) else r for r in unit.records)
    if not messages and not notes and records == tuple(unit.records):
        return page
    status, error = unit.status, unit.error
    problems_now = [*unit.problems, *(("fetch", m) for m in messages)]
    if messages:
        status = "partial" if status == "ok" else status
        error = "; ".join(m for _, m in problems_now)
    changed = dataclasses.replace(
        unit,
        records=records,
        problems=[*problems_now, *(("fetch", n) for n in notes)],
        status=status,
        error=error,
    )
    return FileResult(changed, page.seconds)
