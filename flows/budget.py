"""A time budget per file: extraction and normalisation in a child process that can be killed.

Python threads cannot be stopped, so a file that takes too long (a 2,000-page PDF of
short lines, a stuck conversion) would hold the whole batch. `run_in_child` runs one
call in a child process and waits at most `timeout` seconds for its (picklable)
result; past that, the child, its process group and everything it started
(LibreOffice, OCR) are killed and `FileStopped` says why. A child that dies (a parser
crashing the interpreter, the kernel's OOM killer) is reported the same way.

Children come from a fork server (`multiprocessing` "forkserver"): a single-threaded
process, started on first use, that has imported the parsers and warmed up the
normalisers once (`flows.budget_warm`), so each file costs a fork and two pickles, not a new
interpreter (README "Settings", NOTICEFLOW_FILE_TIMEOUT). Forking the flow's own
process instead would be unsafe: it runs Prefect's threads.

A daemonic process (a Dask worker under its nanny) has children all the same: the child
is the fork server's, not its own, and dies by itself shortly after its budget, so the
budget holds on Dask workers too.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import multiprocessing.forkserver as forkserver
import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["FileStopped", "run_in_child", "server_running", "start_early", "stop_early"]

T = TypeVar("T")

# Imported by the fork server before it forks any child.
_PRELOAD = ["flows.budget_warm"]
_GRACE_S = 5.0  # a child outlives its budget by at most this much, even when orphaned
_lock = threading.Lock()
_context: Any = None


class FileStopped(Exception):
    """The file's work was stopped: over its time budget, or its process died."""


def _get_context() -> Any:
    global _context
    with _lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            _context = context
        return _context


def start_early() -> None:
    """Start the fork server now, so that its warm-up (parsers, spaCy) overlaps with the
    run's own start instead of delaying the first file."""
    if multiprocessing.current_process().daemon:
        return
    _get_context()
    with contextlib.suppress(Exception):  # the first file starts it otherwise
        forkserver.ensure_running()


def stop_early() -> None:
    """Stop the fork server that `start_early` started for a run that then had nothing to
    do, at once: left alone it would finish warming up first."""
    server = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if server is None or pid is None:
        return
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        server._stop()  # closes its pipe and reaps it


def server_running() -> bool:
    """Whether this process has started its fork server (warm children are cheap now)."""
    if _context is None:
        return False
    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _child(conn: Connection, fn: Callable[..., Any], kwargs: dict[str, Any], budget: float) -> None:
    os.setsid()  # its own process group: killed as a whole, deaf to the terminal's Ctrl-C
    # Dies by itself shortly after its budget, even if the parent is gone.
    signal.alarm(max(1, math.ceil(budget + _GRACE_S)))
    try:
        outcome: tuple[str, Any] = ("ok", fn(**kwargs))
    except BaseException as e:  # reported to the parent, which words it
        outcome = ("error", f"{type(e).__name__}: {e}")
    with contextlib.suppress(BrokenPipeError, OSError):
        conn.send(outcome)
    conn.close()


def _descendants(pid: int) -> list[int]:
    """Process ids below `pid` (from /proc; empty where there is no /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _kill_tree(pid: int) -> None:
    """SIGKILL the child, its process group and every process it started."""
    for target in [pid, *_descendants(pid)]:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            pgid = os.getpgid(target)
            if pgid != os.getpgid(0):
                os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(target, signal.SIGKILL)


def _start(process: Any) -> None:
    """Start `process`, also from a daemonic process (multiprocessing refuses it there, as
    a daemon's own children would be orphaned; this one is the fork server's and ends by
    itself: `_child`'s alarm)."""
    config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    with _lock:
        daemon = bool(config.get("daemon"))
        if daemon:
            config["daemon"] = False
        try:
            process.start()
        finally:
            if daemon:
                config["daemon"] = True


def run_in_child(fn: Callable[..., T], kwargs: dict[str, Any], *, timeout: float) -> T:
    """`fn(**kwargs)` in a child process, stopped after `timeout` seconds.

    Raises FileStopped when the time is up or the child died without an answer.
    `fn` and its arguments and result must be picklable (module-level functions,
    dataclasses).
    """
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, fn, kwargs, timeout), daemon=True)
    started = time.monotonic()
    _start(process)
    sender.close()
    status: str = "died"
    value: Any = None
    try:
        if receiver.poll(timeout):
            try:
                status, value = receiver.recv()
            except (EOFError, OSError):
                status, value = "died", None
        else:
            status, value = "timeout", None
    finally:
        if process.pid is not None and (status != "ok" or process.is_alive()):
            _kill_tree(process.pid)
        process.join(timeout=5)
        receiver.close()
    if status == "ok":
        return value
    if status == "timeout":
        raise FileStopped(
            f"stopped after {time.monotonic() - started:.0f} s: the file took longer than "
            f"its time budget of {timeout:g} s (NOTICEFLOW_FILE_TIMEOUT); the rest of the "
            "batch went on"
        )
    if status == "error":
        raise FileStopped(f"reading the file failed unexpectedly: {value}")
    code = process.exitcode
    how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    raise FileStopped(f"the process reading the file died ({how}), perhaps out of memory")
