"""warehouse: DuckDB, and nothing else opens a connection.

Layers by schema: `raw` (what was extracted, per document) -> `staging` (typed
domain records) -> `curated` (the data contract, views) and `private` (personal
data kept only as keyed hashes and masked forms).
"""

from .checks import run_checks
from .db import build_schema, check_queries, connect, refuse_writes
from .errors import PublishError, WarehouseError, plain_os_error
from .load import LoadUnit, Warehouse
from .publish import publish

__all__ = [
    "LoadUnit",
    "PublishError",
    "Warehouse",
    "WarehouseError",
    "build_schema",
    "check_queries",
    "connect",
    "plain_os_error",
    "publish",
    "refuse_writes",
    "run_checks",
]
