"""What a run has to do, decided before anything is written — and before Prefect starts.

`look(...)` answers on a read-only connection to the warehouse (readers never wait for
writers, see warehouse/session.py): which files are new or changed (by SHA-256 and
extractor version), which loaded pages link a new or changed file (they are read again
with it), how many documents were derived by other rules (normalizer version), whether
URLs are to be asked, and whether the published folder was published from the
warehouse as it is. When the answer is "nothing", `noticeflow ingest` prints one line and
exits, without starting an engine; the run itself asks the same questions again inside
its write session (`todo`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from extractors import EXTRACTOR_VERSION, Link
from normalizers.linked import is_attachment_file
from warehouse import Warehouse, connect

from .sources import HostPolicy, InputFile, resolve_links

__all__ = ["Work", "linked_files", "look", "todo"]


def linked_files(links: Iterable[Link], page: InputFile, policy: HostPolicy) -> set[Path]:
    """The files in its input folder that a page read from disk links as attachments."""
    targets, _ = resolve_links(
        [link for link in links if is_attachment_file(link)],
        policy=policy,
        page_path=page.path,
        root=page.root,
    )
    return {t.path.resolve() for t in targets if t.path is not None}


def _last_part(link: Link) -> str:
    """The file name a link's path ends with, as `flows.sources` resolves it."""
    path = unquote(urlsplit(link.href.strip()).path).replace("\\", "/")
    return path.rsplit("/", 1)[-1]


def todo(
    warehouse: Warehouse,
    files: list[InputFile],
    *,
    force: bool,
    policy: HostPolicy,
) -> tuple[list[InputFile], list[str]]:
    """The files to read (new or changed, or pages linking such a file) and the source
    URIs of those left as they are."""
    if force:
        return list(files), []
    current = warehouse.current_of((f.doc_id for f in files), EXTRACTOR_VERSION)
    new = {f.source_uri for f in files if f.doc_id not in current}
    # A loaded page that links a new or changed file is read again, with the file as
    # its attachment (an attachment downloaded next to a saved page, say).
    new_files = [f for f in files if f.source_uri in new]
    new_paths = {f.path.resolve() for f in new_files}
    if new_paths:
        # Only links whose last part names a new file can lead to one (resolving every
        # link of a thousand pages costs half a second).
        names = {f.path.name for f in new_files} | {path.name for path in new_paths}
        unchanged = [f for f in files if f.source_uri not in new]
        pages = warehouse.links_of_pages(f.doc_id for f in unchanged)
        for item in unchanged:
            links = [link for link in pages.get(item.doc_id, ()) if _last_part(link) in names]
            if links and linked_files(links, item, policy) & new_paths:
                new.add(item.source_uri)
    skipped = [f.source_uri for f in files if f.source_uri not in new]
    return [f for f in files if f.source_uri in new], skipped


@dataclass
class Work:
    """What a run has to do."""

    files: list[InputFile] = field(default_factory=list)  # to read
    skipped: list[str] = field(default_factory=list)  # unchanged files
    stale: int = 0  # documents derived by other rules, to derive again from raw
    urls: list[str] = field(default_factory=list)  # always asked (conditionally)
    published: bool = False  # the published folder is the warehouse's current state

    @property
    def nothing(self) -> bool:
        return not (self.files or self.stale or self.urls) and self.published


def look(
    db: Path,
    out: Path,
    files: list[InputFile],
    urls: list[str],
    *,
    force: bool,
    policy: HostPolicy,
) -> Work:
    """What a run over `files` and `urls` has to do, seen on a read-only connection.

    Raises WarehouseError when the warehouse exists but cannot be opened (another
    program holds it for writing, it is no DuckDB file).
    """
    if not db.exists():
        return Work(files=list(files), urls=list(urls))
    from normalizers.version import normalizer_version
    from warehouse.publish import is_current
    from warehouse.session import change_token

    con = connect(db, read_only=True)
    try:
        warehouse = Warehouse(con)
        files_todo, skipped = todo(warehouse, files, force=force, policy=policy)
        stale = len(warehouse.derivable(stale_for=normalizer_version()))
        stale += warehouse.pending_refresh()  # materialised views not yet brought up to date
        published = is_current(out, change_token(con))
    finally:
        con.close()
    return Work(files_todo, skipped, stale, list(urls), published)
