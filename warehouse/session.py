"""Writing the warehouse without ever blocking its readers: write a copy, swap it in.

DuckDB lets no other process open a file that a writer holds, not even read-only. So
no writer holds the warehouse file itself: `writing(path)` takes the warehouse's writer
lock (`<file>.lock`, an flock: writers of one warehouse take turns), copies the file to
a hidden sibling (`.<file>.write-<pid>`), hands out a writable connection to the copy,
and on `commit()` checkpoints it, closes it and renames it over the warehouse. A reader
(`connect(path, read_only=True)`: query, status, compare, dashboard, explorers) opens the
path and gets the old file or the new one, never a lock error and never half a run.

A run killed before `commit()` leaves its copy behind and the warehouse as it was; the
next writer removes copies of processes that are gone. Each commit that changed
documents stores a new change token (`raw.warehouse_state`), which the published folder's
manifest remembers: "the published files are current" is one comparison.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import duckdb

from .db import build_schema
from .errors import WarehouseError, plain_os_error

__all__ = ["WriteSession", "change_token", "process_alive", "remove_stale_copies", "writing"]

log = logging.getLogger(__name__)

_TOKEN_KEY = "change_token"


def change_token(con: duckdb.DuckDBPyConnection) -> str | None:
    """The token of the warehouse's last commit that changed documents (None: never)."""
    try:
        rows = con.execute(
            "SELECT value FROM raw.warehouse_state WHERE key = ?", [_TOKEN_KEY]
        ).fetchall()
    except duckdb.CatalogException:
        return None
    return str(rows[0][0]) if rows else None


def _copy_pattern(path: Path) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(path.name)}\.write-(?P<pid>\d+)(?:\.wal)?$")


def process_alive(pid: int) -> bool:
    """Whether the process `pid` still runs (this one does)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_copies(path: Path) -> list[Path]:
    """Remove the working copies (and their WAL files) that dead writers left."""
    removed: list[Path] = []
    if not path.parent.is_dir():
        return removed
    pattern = _copy_pattern(path)
    for entry in sorted(path.parent.iterdir()):
        match = pattern.match(entry.name)
        if match and not process_alive(int(match.group("pid"))):
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed


class WriteSession:
    """A working copy of the warehouse, written through `warehouse` (a `Warehouse`);
    `commit()` swaps it in."""

    def __init__(self, path: Path, work: Path, con: duckdb.DuckDBPyConnection) -> None:
        from .load import Warehouse

        self.path, self.work, self.con = path, work, con
        self.warehouse = Warehouse(con)
        self.committed = False

    @property
    def changed(self) -> bool:
        """Documents were loaded or derived again in this session."""
        return self.warehouse.changed

    def commit(self) -> None:
        """Make everything written so far the warehouse (atomically); the session ends."""
        if self.committed:
            return
        try:
            if self.changed:
                self.con.execute(
                    "INSERT OR REPLACE INTO raw.warehouse_state VALUES (?, ?, ?)",
                    [_TOKEN_KEY, uuid.uuid4().hex, time.strftime("%Y-%m-%d %H:%M:%S")],
                )
            self.con.execute("CHECKPOINT")
            self.con.close()
            with open(self.work, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(self.work, self.path)
            _fsync_dir(self.path.parent)
        except (duckdb.Error, OSError) as e:
            raise WarehouseError(
                f"saving the warehouse {self.path} failed, it is kept as it was: "
                f"{plain_os_error(e) if isinstance(e, OSError) else e}"
            ) from e
        self.committed = True

    def discard(self) -> None:
        """Forget the working copy; the warehouse stays as it was."""
        with contextlib.suppress(duckdb.Error):
            self.con.close()
        for leftover in (self.work, self.work.with_name(self.work.name + ".wal")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    try:
        handle: IO[bytes] = open(lock_path, "ab")  # noqa: SIM115  (held for the session)
    except OSError as e:
        raise WarehouseError(f"cannot open the warehouse {path}: {plain_os_error(e)}") from e
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("%s: waiting for another run writing this warehouse", path)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # releases the lock


def _settle(path: Path) -> None:
    """Check that the warehouse can be copied: no other program holds it for writing, and
    a write-ahead log left by a writer of the file itself (an older noticeflow, another
    program) is folded into it first."""
    wal = path.with_name(path.name + ".wal")
    try:
        con = duckdb.connect(str(path), read_only=not wal.exists())
        con.close()
    except (duckdb.Error, OSError) as e:
        raise WarehouseError(f"cannot open the warehouse {path}: {e}") from e


@contextlib.contextmanager
def writing(path: str | Path) -> Iterator[WriteSession]:
    """A write session on the warehouse at `path` (created when missing).

    Leaving the block without `commit()` discards the session's writes.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WarehouseError(f"cannot create the folder for {path}: {e}") from e
    with _writer_lock(path):
        remove_stale_copies(path)
        work = path.with_name(f".{path.name}.write-{os.getpid()}")
        try:
            if path.exists():
                _settle(path)
                shutil.copyfile(path, work)
            con = duckdb.connect(str(work))
        except (duckdb.Error, OSError) as e:
            with contextlib.suppress(OSError):
                work.unlink()
            reason = plain_os_error(e) if isinstance(e, OSError) else str(e)
            raise WarehouseError(f"cannot open the warehouse {path}: {reason}") from e
        session = WriteSession(path, work, con)
        try:
            build_schema(con)
            yield session
        finally:
            if not session.committed:
                session.discard()
