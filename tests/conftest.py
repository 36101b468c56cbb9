"""Shared fixtures. Prefect runs against one temporary, session-wide test server."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Before anything imports prefect: a private PREFECT_HOME and no analytics.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="noticeflow-prefect-")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _no_local_prefect_server_left() -> Iterator[None]:
    """A run in this session without a server configured may start noticeflow's local
    Prefect server in the session's PREFECT_HOME: it is stopped (by its pid) at the end."""
    yield
    from flows.recording import LocalServer

    LocalServer(Path(os.environ["PREFECT_HOME"])).stop()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture()
def pii_key() -> bytes:
    return b"test-key-for-keyed-hashes-0123456789"


@pytest.fixture(scope="session")
def sample_warehouse(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """data/raw ingested once per session, as the quick start does: its `Settings` (the
    warehouse `db` and the published folder `out`). Tests only read it."""
    from flows.ingest import run_ingest
    from flows.settings import Settings

    tmp = tmp_path_factory.mktemp("sample")
    settings = Settings(db=tmp / "w.duckdb", out=tmp / "curated", pii_key_file=tmp / "key")
    run_ingest([str(RAW)], settings)
    return settings
