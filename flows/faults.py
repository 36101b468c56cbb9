"""Fault injection for tests: the process SIGKILLs itself at a named stage.

`NOTICEFLOW_TEST_KILL_AT=stage[:n]` (read in `settings.py`, armed by the flow) makes
the n-th arrival (default the first) at `extract` (a file's extraction is starting),
`load` (a result is about to be loaded) or `publish` (every curated file is written,
the folder not yet swapped) kill the whole process with SIGKILL, as `kill -9` would.
Only the tests set it, to check that the next run recovers.
"""

from __future__ import annotations

import os
import signal
import threading

__all__ = ["arm", "reached"]

_lock = threading.Lock()
_armed: tuple[str, int] | None = None
_arrivals: dict[str, int] = {}


def arm(kill_at: str | None) -> None:
    """Set (or clear, with None) the stage at which this process kills itself."""
    global _armed
    with _lock:
        _arrivals.clear()
        if not kill_at:
            _armed = None
            return
        stage, _, nth = kill_at.partition(":")
        _armed = (stage, int(nth or 1))


def reached(stage: str) -> None:
    """Called by the flow at each stage; kills the process when armed for this arrival."""
    if _armed is None or _armed[0] != stage:
        return
    with _lock:
        _arrivals[stage] = _arrivals.get(stage, 0) + 1
        if _arrivals[stage] == _armed[1]:
            os.kill(os.getpid(), signal.SIGKILL)
