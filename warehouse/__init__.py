"""warehouse: DuckDB, and nothing else opens a connection.

Layers by schema: `raw` (what was extracted, per document) -> `staging` (typed
domain records) -> `curated` (the data contract, views) and `private` (personal
data kept only as keyed hashes and masked forms).
"""

from .checks import run_checks
from .db import build_schema, check_queries, connect
from .errors import PublishError, WarehouseError
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
    "publish",
    "run_checks",
]
