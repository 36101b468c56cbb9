"""Errors of the warehouse room."""

from __future__ import annotations

import errno

__all__ = ["PublishError", "WarehouseError", "disk_full", "plain_os_error"]

DISK_FULL = "the disk is full (No space left on device)"


class WarehouseError(Exception):
    """The warehouse cannot be opened, built or written."""


class PublishError(WarehouseError):
    """The curated files could not be written; the previous folder is left as it was."""


def disk_full(error: BaseException) -> bool:
    """True when `error`, or an error it was raised from, says the disk is full."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        text = str(current)
        # SQLite (the published noticeflow.sqlite) says "database or disk is full".
        if any(
            words in text
            for words in (
                "No space left on device",
                "Disk quota exceeded",
                "database or disk is full",
            )
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


def plain_os_error(error: BaseException) -> str:
    """An error worded for people: a full disk says so first."""
    if disk_full(error):
        return DISK_FULL
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror}{where}"
    return str(error)
