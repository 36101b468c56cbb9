"""A time budget per file: extraction and normalisation in a child process that can be killed.

Python threads cannot be stopped, so a file that takes too long (a 2,000-page PDF of
short lines, a stuck conversion) would hold the whole batch. `run_in_child` runs one
call in a child process and waits at most `timeout` seconds for its (picklable)
result; past that, the child, its process group and everything it started
(LibreOffice, OCR) are killed and `FileStopped` says why. A child that dies (a parser
crashing the interpreter, the kernel's OOM killer) is reported the same way.

Children come from a fork server (`multiprocessing` "forkserver"): a single-threaded
process, started on first use, that has imported the parsers and warmed up the
normalisers once (`flows.budget_warm`). A child then serves one call after another,
each under its own budget: a file costs two pickles over a pipe, not a fork, and the
child's caches (fonts, CMaps, rule tables) stay warm. A child that ran over its budget,
died or raised is killed and replaced; one that served `_JOBS_PER_CHILD` calls or grew
by `_GROWTH_MB` retires, so what one file leaves behind never piles up (README
"Settings", NOTICEFLOW_FILE_TIMEOUT). Forking the flow's own process instead would be
unsafe: it runs Prefect's threads.

A daemonic process (a Dask worker under its nanny) has children all the same: the child
is the fork server's, not its own, and dies by itself shortly after its budget, so the
budget holds on Dask workers too.
"""

from __future__ import annotations

import contextlib
import gc
import math
import multiprocessing
import multiprocessing.forkserver as forkserver
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "FileStopped",
    "release_children",
    "run_in_child",
    "server_running",
    "start_early",
    "stop_early",
]

T = TypeVar("T")

# Imported by the fork server before it forks any child.
_PRELOAD = ["flows.budget_warm"]
_GRACE_S = 5.0  # a child outlives its budget by at most this much, even when orphaned
# A child serves calls one after another; it is replaced after this many, or once it has
# grown by this much since its first (what a file leaves behind stays with its child).
_JOBS_PER_CHILD = 64
_GROWTH_MB = 512
_GC_THRESHOLD = (20_000, 20, 50)
# An idle child exits by itself after _IDLE_EXIT_S; the parent hands calls only to
# children idle for less than _IDLE_REUSE_S, so none is told a call as it leaves.
_IDLE_EXIT_S = 60.0
_IDLE_REUSE_S = 30.0
_lock = threading.Lock()
_context: Any = None
_idle: list[_Child] = []


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


def _serve(conn: Connection, max_jobs: int, growth_mb: int) -> None:
    """A child's life: read the calls the parent sends, one at a time, each under its
    budget, until told to stop, retired (after `max_jobs` calls, or grown by `growth_mb`
    since its first), idle too long or orphaned."""
    os.setsid()  # its own process group: killed as a whole, deaf to the terminal's Ctrl-C
    # Parsers make many small objects and few cycles: collecting young objects every
    # 20,000 allocations, not 700, takes a tenth off a file's CPU time; what a file
    # leaves is collected after it (below), and a child that grows retires.
    gc.set_threshold(*_GC_THRESHOLD)
    jobs = 0
    first_rss = 0
    while True:
        signal.alarm(0)
        try:
            if not conn.poll(_IDLE_EXIT_S):
                break
            job = conn.recv()
        except (EOFError, OSError):
            break  # the parent is gone
        if job is None:
            break
        fn, kwargs, budget = job
        # Dies by itself shortly after its budget, even if the parent is gone.
        signal.alarm(max(1, math.ceil(budget + _GRACE_S)))
        try:
            outcome: tuple[str, Any] = ("ok", fn(**kwargs))
        except BaseException as e:  # reported to the parent, which words it
            outcome = ("error", f"{type(e).__name__}: {e}")
        signal.alarm(0)
        # What the call left behind goes now: the young collections above are rare, and
        # with the warm heap frozen a full collection walks this call's objects only.
        gc.collect()
        jobs += 1
        rss = _rss_mb()
        first_rss = first_rss or rss
        retire = outcome[0] != "ok" or jobs >= max_jobs or rss - first_rss > growth_mb
        try:
            conn.send((*outcome, retire))
        except (BrokenPipeError, OSError):
            break
        if retire:
            break
    conn.close()


def _rss_mb() -> int:
    """This process's resident memory in MB (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20
    except (OSError, ValueError, IndexError):
        return 0


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


@dataclass(slots=True)
class _Child:
    process: Any
    conn: Connection
    idle_since: float = 0.0


def _new_child() -> _Child:
    context = _get_context()
    mine, theirs = context.Pipe(duplex=True)
    process = context.Process(
        target=_serve, args=(theirs, _JOBS_PER_CHILD, _GROWTH_MB), daemon=True
    )
    _start(process)
    theirs.close()
    return _Child(process, mine)


def _take_child() -> _Child:
    """An idle child that is safe to reuse, else a new one."""
    while True:
        with _lock:
            child = _idle.pop() if _idle else None
        if child is None:
            return _new_child()
        if time.monotonic() - child.idle_since < _IDLE_REUSE_S and child.process.is_alive():
            return child
        _end(child, kill=True)


def _end(child: _Child, *, kill: bool) -> None:
    """Close `child`: killed with everything it started (`kill`), or reaped once it has
    exited by itself (retired), its process group then killed should anything linger."""
    pid = child.process.pid
    if kill and pid is not None:
        _kill_tree(pid)
    child.process.join(timeout=5)
    if pid is not None:
        if child.process.is_alive():
            _kill_tree(pid)
            child.process.join(timeout=5)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)  # its group (setsid: the child's pid)
    child.conn.close()


def release_children() -> None:
    """Stop the idle children now (they also leave by themselves after _IDLE_EXIT_S)."""
    with _lock:
        idle, _idle[:] = list(_idle), []
    for child in idle:
        with contextlib.suppress(Exception):
            child.conn.send(None)
        _end(child, kill=False)


def run_in_child(fn: Callable[..., T], kwargs: dict[str, Any], *, timeout: float) -> T:
    """`fn(**kwargs)` in a child process, stopped after `timeout` seconds.

    Raises FileStopped when the time is up or the child died without an answer.
    `fn` and its arguments and result must be picklable (module-level functions,
    dataclasses). Children are reused: a child that answered in time takes the next
    call, warm (caches filled, nothing to fork or import); one that ran over its budget,
    died, raised, or served `_JOBS_PER_CHILD` calls or grew by `_GROWTH_MB` is replaced.
    """
    child = _take_child()
    started = time.monotonic()
    try:
        child.conn.send((fn, kwargs, timeout))
    except (BrokenPipeError, ConnectionError, EOFError):
        _end(child, kill=True)  # it died while idle: a new one takes the call
        child = _new_child()
        child.conn.send((fn, kwargs, timeout))
    except BaseException:
        with _lock:  # the call could not be sent (not picklable): the child is still idle
            _idle.append(child)
        raise
    status: str = "died"
    value: Any = None
    retire = True
    try:
        if child.conn.poll(timeout):
            try:
                status, value, retire = child.conn.recv()
            except (EOFError, OSError):
                status, value = "died", None
        else:
            status, value = "timeout", None
    finally:
        if status == "ok" and not retire:
            child.idle_since = time.monotonic()
            with _lock:
                _idle.append(child)
        else:
            _end(child, kill=status in ("timeout", "died"))
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
    code = child.process.exitcode
    how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    raise FileStopped(f"the process reading the file died ({how}), perhaps out of memory")
