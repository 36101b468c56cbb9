"""The progress hook of the run in progress (the CLI's progress bar).

It reaches the flow beside its parameters and context: Prefect sends both, and the
flow function with its module globals, to worker processes, and a hook holding a
terminal's progress bar cannot travel. Modules travel by reference, so the hook
lives here. One ingest runs per process at a time (the CLI).
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["ProgressHook", "current", "set_current"]

ProgressHook = Callable[[str, int, int], None]  # (source_uri, done, total)

_hook: list[ProgressHook | None] = [None]


def current() -> ProgressHook | None:
    return _hook[0]


def set_current(hook: ProgressHook | None) -> None:
    _hook[0] = hook
