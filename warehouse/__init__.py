"""warehouse: DuckDB, and nothing else opens a connection.

Layers by schema: `raw` (what was extracted, per document) -> `staging` (typed
domain records) -> `curated` (the data contract, views) and `private` (personal
data kept only as keyed hashes and masked forms).

Names are imported on first use, so a command that only reads (or a run that finds
nothing new) does not pay for pandas, pyarrow and the dashboard's charts.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# `publish` is a module and a function: the function must win, whatever is imported first.
from .publish import publish

if TYPE_CHECKING:
    from .checks import run_checks
    from .db import build_schema, check_queries, connect, refuse_writes
    from .errors import PublishError, WarehouseError, plain_os_error
    from .load import LoadUnit, Warehouse
    from .session import WriteSession, writing

_WHERE = {
    "run_checks": "checks",
    "build_schema": "db",
    "check_queries": "db",
    "connect": "db",
    "refuse_writes": "db",
    "PublishError": "errors",
    "WarehouseError": "errors",
    "plain_os_error": "errors",
    "LoadUnit": "load",
    "Warehouse": "load",
    "WriteSession": "session",
    "writing": "session",
}

__all__ = [
    "LoadUnit",
    "PublishError",
    "Warehouse",
    "WarehouseError",
    "WriteSession",
    "build_schema",
    "check_queries",
    "connect",
    "plain_os_error",
    "publish",
    "refuse_writes",
    "run_checks",
    "writing",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'warehouse' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
