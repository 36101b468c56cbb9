"""A notice page and its attachment files as one bundle, and a document's status.

Pure functions, shared by ingest and rebuild: `status_and_error` tells a document's
status and plain error from its problems; `with_attachment_files` points a notice's
附件 records at the documents its links were read as; `bundle_page` completes a page
with what its attachment links gave (files read, links refused or not fetched, notes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractors.model import Link

from .linked import link_attachment_files
from .records import Attachment

__all__ = [
    "LinkedFile",
    "PageBundle",
    "bundle_page",
    "in_stage_order",
    "status_and_error",
    "with_attachment_files",
]

_STAGES = ("extract", "normalize", "fetch", "load")  # the order problems are told in


def _stage_rank(problem: tuple[str, str]) -> int:
    return _STAGES.index(problem[0]) if problem[0] in _STAGES else len(_STAGES)


def in_stage_order(problems: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """`problems` ordered by stage (extract, normalize, fetch, load, then notes), each
    stage's in the order given: how ingest records them, so rebuild records the same."""
    return sorted(problems, key=_stage_rank)


def status_and_error(
    problems: Sequence[tuple[str, str]], *, failed: bool = False
) -> tuple[str, str | None]:
    """A document's status and plain error from its (stage, message) problems.

    `note` problems are kept with the document but change neither. One function for
    ingest and rebuild, so both tell the same story.
    """
    counted = in_stage_order([p for p in problems if p[0] != "note"])
    error = "; ".join(message for _, message in counted) or None
    if failed:
        return "failed", error
    return ("partial" if counted else "ok"), error


def with_attachment_files(
    records: Sequence[object], linked: Sequence[tuple[Link, str]]
) -> tuple[object, ...]:
    """`records` with each 附件 pointing at the document its link was read as."""
    attachments = [r for r in records if isinstance(r, Attachment)]
    files = iter(link_attachment_files(attachments, list(linked)))
    return tuple(next(files) if isinstance(r, Attachment) else r for r in records)


@dataclass(frozen=True)
class LinkedFile:
    """What one attachment link of a page gave: the document it was read as."""

    link: Link
    doc_id: str
    error: str | None = None  # why the file could not be read (it is `failed`)


@dataclass(frozen=True)
class PageBundle:
    """A page completed with its attachments: what it is loaded with."""

    records: tuple[object, ...]
    problems: tuple[tuple[str, str], ...]
    status: str
    error: str | None
    targets: tuple[tuple[Link, str], ...]  # attachment link -> document read


def bundle_page(
    *,
    records: Sequence[object],
    problems: Sequence[tuple[str, str]],
    failed: bool,
    files: Sequence[LinkedFile],
    link_problems: Sequence[str],
    notes: Sequence[str] = (),
) -> PageBundle:
    """A page and the files its links gave, as one bundle.

    `link_problems` are the page's links that were refused or could not be fetched; a
    linked file that could not be read is one more. Any of them makes the page
    `partial`. `notes` are kept with the page's problems (stage `note`) but leave its
    status and error alone.
    """
    messages = list(link_problems) + [
        f"attachment {f.link.href} could not be read: {f.error}" for f in files if f.error
    ]
    targets = tuple((f.link, f.doc_id) for f in files)
    bundled = with_attachment_files(records, targets) if targets else tuple(records)
    all_problems = (
        *problems,
        *(("fetch", m) for m in messages),
        *(("note", n) for n in notes),
    )
    status, error = status_and_error(all_problems, failed=failed)
    return PageBundle(bundled, all_problems, status, error, targets)
