"""The published folder as a whole: checked before a run, swapped in atomically, cleaned.

A publish writes a new folder next to the old one (`.<out>.tmp-<pid>-…`), carries the
files that did not change over as hard links (`carry`), and replaces the old folder with
two renames (`swap`). A run killed in between leaves a temporary folder, or the old one
renamed away; `remove_leftovers` clears those of processes that are gone and puts the old
folder back when the kill came between the two renames.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
from pathlib import Path

from .errors import PublishError
from .session import process_alive

__all__ = ["CARRIED_OVER", "carry", "check_target", "remove_leftovers", "swap"]

log = logging.getLogger("warehouse.publish")

# Hand-written files of the output folder that survive a publish.
CARRIED_OVER = ("README.md", ".gitkeep")


def carry(old: Path, new: Path) -> bool:
    """Carry a published file over unchanged (hard link; a copy keeping its mtime)."""
    if not old.is_file():
        return False
    new.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, new)
    except OSError:
        shutil.copy2(old, new)
    return True


def check_target(out_dir: str | Path) -> None:
    """Raise PublishError when `out_dir` exists but is no folder (it is never touched)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise PublishError(
            f"{out} is a file, not a folder: curated files are published into a folder "
            "(give another --out; the file was left as it was)"
        )


def remove_leftovers(out_dir: str | Path) -> list[Path]:
    """Remove temporary folders that killed publishes of `out_dir` left; returns them.

    A folder of a process still running is left alone. When `out_dir` itself is missing
    because a run was killed between the two renames of the swap, the old folder is
    put back first.
    """
    out = Path(out_dir)
    if not out.parent.is_dir():
        return []
    pattern = re.compile(
        rf"^\.{re.escape(out.name)}\.(?:tmp-(?P<tmp>\d+)-.*|old-(?P<old>\d+)|[a-z0-9_]{{8}})$"
    )
    removed: list[Path] = []
    for entry in sorted(out.parent.iterdir()):
        match = pattern.match(entry.name)
        if not match or not entry.is_dir():
            continue
        pid = match.group("tmp") or match.group("old")
        if pid is not None and process_alive(int(pid)):
            continue
        if match.group("old") and not out.exists():
            with contextlib.suppress(OSError):
                os.rename(entry, out)
                log.warning("restored %s from %s (a publish was interrupted)", out, entry)
                continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def swap(new: Path, out: Path) -> None:
    """Replace `out` by `new` with two renames; the old folder is removed afterwards."""
    if not out.exists():
        os.rename(new, out)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.rename(out, old)
    try:
        os.rename(new, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
