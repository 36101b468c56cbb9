"""The HTTP cache table `raw.http_cache`: validators (ETag, Last-Modified) per fetched URL.

The flow asks `get_cached` before a request, to send `If-None-Match` /
`If-Modified-Since`, and calls `put_cached` after the document a URL gave was
loaded (so a 304 always points at a loaded document), or `mark_checked` after a 304.
An unchanged page is only as fresh as its attachments: `attachments_of` gives the
documents loaded as a page's attachments (URLs to ask again), `notice_links` the links
of a loaded notice page (to read it again when a file it links is new or changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

__all__ = [
    "CachedResponse",
    "attachments_of",
    "get_cached",
    "mark_checked",
    "notice_links",
    "put_cached",
]


@dataclass(frozen=True)
class CachedResponse:
    url: str
    final_url: str | None
    role: str  # document | listing
    doc_id: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    checked_at: datetime


def get_cached(con: duckdb.DuckDBPyConnection, url: str) -> CachedResponse | None:
    """What the last full download of `url` gave, or None."""
    row = con.execute(
        "SELECT url, final_url, role, doc_id, etag, last_modified, fetched_at, checked_at "
        "FROM raw.http_cache WHERE url = ?",
        [url],
    ).fetchone()
    return CachedResponse(*row) if row else None


def put_cached(
    con: duckdb.DuckDBPyConnection,
    url: str,
    *,
    role: str,
    final_url: str | None = None,
    doc_id: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """Record a full download of `url` (replacing the previous one)."""
    now = datetime.now()
    con.execute(
        "INSERT OR REPLACE INTO raw.http_cache "
        "(url, final_url, role, doc_id, etag, last_modified, fetched_at, checked_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [url, final_url or url, role, doc_id, etag, last_modified, now, now],
    )


def mark_checked(con: duckdb.DuckDBPyConnection, url: str) -> None:
    """Record that `url` was asked again and answered 304 (not modified)."""
    con.execute("UPDATE raw.http_cache SET checked_at = ? WHERE url = ?", [datetime.now(), url])


def attachments_of(con: duckdb.DuckDBPyConnection, doc_id: str) -> list[tuple[str, str]]:
    """(source_uri, doc_id) of the documents loaded as attachments of page `doc_id`."""
    rows = con.execute(
        "SELECT source_uri, doc_id FROM raw.documents WHERE parent_doc_id = ? ORDER BY 1",
        [doc_id],
    ).fetchall()
    return [(str(uri), str(child)) for uri, child in rows]


def notice_links(con: duckdb.DuckDBPyConnection, doc_id: str) -> list[tuple[str, str]]:
    """(text, href) of the links of a loaded notice page, as written; [] for anything else."""
    rows = con.execute(
        "SELECT links.text, links.href FROM raw.links AS links "
        "JOIN raw.documents AS page ON page.doc_id = links.doc_id "
        "WHERE links.doc_id = ? AND page.role = 'notice' ORDER BY links.link_no",
        [doc_id],
    ).fetchall()
    return [(str(text or ""), str(href or "")) for text, href in rows]
