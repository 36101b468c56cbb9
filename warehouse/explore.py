"""`noticeflow explore`: the curated tables in Datasette, read-only, on 127.0.0.1.

The explorer serves a folder holding `noticeflow.sqlite` and its `metadata.json`
(`warehouse.publish_sqlite`): the published folder when its SQLite file was built from the
warehouse as it is now (same fingerprint), else a copy built from the warehouse into a
cache folder (`explorer_folder`). Datasette opens the file immutable; no write plugin is
loaded. The folder is also mounted under `/files/`, so the dashboard
(`/files/dashboard.html`) and the published Parquet, CSV and XLSX files are a link away.

This module is also the Datasette plugin the explorer registers: it segments the
Chinese words of a full-text search (`?_search=人工智能研修班` is searched as
`人工智能 研修班`, both words) with the jieba segmenter the index was built with.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import hashlib
import json
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from .errors import WarehouseError
from .publish_sqlite import METADATA, SQLITE, fingerprint, read_fingerprint
from .search_text import segment_query

__all__ = [
    "Explorer",
    "ExplorerError",
    "explorer_folder",
    "port_is_free",
    "segment_search_args",
    "serve",
]

DASHBOARD = "dashboard.html"
FILES_MOUNT = "files"
SETTINGS = {
    "default_page_size": 50,
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    "max_csv_mb": 100,
}


class ExplorerError(WarehouseError):
    """The explorer cannot start: no data to show, or the port is taken."""


@dataclass(frozen=True)
class Explorer:
    folder: Path  # holds noticeflow.sqlite and metadata.json (and dashboard.html)
    origin: str  # what it is, in words, for the console


def _cache_root(db: Path) -> Path:
    key = hashlib.sha256(str(db.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"noticeflow-explore-{getpass.getuser()}" / key


def explorer_folder(db: Path, out: Path) -> Explorer:
    """The folder to serve for warehouse `db` and published folder `out`.

    `out/noticeflow.sqlite` when it was built from the warehouse as it is now; else a copy
    built from the warehouse into a cache folder (reused while the warehouse is unchanged);
    without a warehouse, the published file as it is.
    """
    from . import connect

    published = out / SQLITE
    if not db.exists():
        if published.is_file() and (out / METADATA).is_file():
            return Explorer(out, f"{published} (no warehouse at {db} to compare it with)")
        raise ExplorerError(
            f"no warehouse at {db} and no published {SQLITE} in {out}: "
            "run `noticeflow ingest` first"
        )
    con = connect(db, read_only=True)
    try:
        current = fingerprint(con)
        if read_fingerprint(published) == current and (out / METADATA).is_file():
            return Explorer(out, f"{published} (published, current)")
        cache = _cache_root(db) / current[:16]
        if read_fingerprint(cache / SQLITE) != current or not (cache / METADATA).is_file():
            _build(con, cache)
    finally:
        con.close()
    return Explorer(cache, f"{cache / SQLITE} (built from {db})")


def _build(con: Any, cache: Path) -> None:
    """Build the SQLite file, metadata and dashboard into `cache`, replacing older caches."""
    from .dashboard import build_dashboard
    from .publish_sqlite import write_sqlite

    root = cache.parent
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{cache.name}.tmp-", dir=root))
    except OSError as e:
        raise ExplorerError(f"cannot write the explorer's copy into {root}: {e}") from e
    try:
        write_sqlite(con, staging)
        build_dashboard(con, staging / DASHBOARD)
        for old in root.iterdir():  # older builds of this warehouse
            if old != staging:
                shutil.rmtree(old, ignore_errors=True)
        os.rename(staging, cache)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def datasette_app(folder: Path) -> Any:
    """The Datasette instance for `folder`: immutable, this module as its only plugin.

    Plugins installed in the environment (setuptools entry points, which Datasette loads
    by itself) are unregistered: none of them, a writing one least, runs in the explorer.
    """
    from datasette.app import Datasette
    from datasette.plugins import pm

    for plugin, _ in list(pm.list_plugin_distinfo()):
        pm.unregister(plugin)
    if not pm.is_registered(sys.modules[__name__]):
        pm.register(sys.modules[__name__], name="noticeflow-explore")
    metadata = json.loads((folder / METADATA).read_text(encoding="utf-8"))
    return Datasette(
        [],
        immutables=[str(folder / SQLITE)],
        metadata=metadata,
        static_mounts=[(FILES_MOUNT, str(folder))],
        settings=SETTINGS,
        cors=False,
    )


def serve(folder: Path, host: str, port: int) -> None:
    """Serve `folder` until interrupted."""
    import uvicorn

    ds = datasette_app(folder)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)


# --- the Datasette plugin -------------------------------------------------------------------


def segment_search_args(query_string: bytes) -> bytes:
    """`query_string` with every `_search`/`_search_<column>` value cut into words.

    An empty search is dropped (Datasette would hand FTS5 an empty query: an error).
    """
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    if not any(_is_search(k) for k, _ in pairs):
        return query_string
    raw = ("_searchmode", "raw") in pairs
    segmented = [
        (k, v if raw or not _is_search(k) else segment_query(v))
        for k, v in pairs
        if not (_is_search(k) and not v.strip())
    ]
    return urlencode(segmented).encode()


def _is_search(key: str) -> bool:
    return key == "_search" or (key.startswith("_search_") and key != "_searchmode")


Scope = MutableMapping[str, Any]
App = Callable[[Scope, Any, Any], Awaitable[None]]


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[App], App]:
    def wrap(app: App) -> App:
        async def segmented(scope: Scope, receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("query_string"):
                with contextlib.suppress(UnicodeError):
                    query = segment_search_args(scope["query_string"])
                    if query != scope["query_string"]:
                        scope = dict(scope, query_string=query)
            await app(scope, receive, send)

        return segmented

    return wrap


@hookimpl
def startup(datasette: Any) -> None:
    segment_query("预热")  # load jieba now, not on the first search
