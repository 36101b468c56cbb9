"""Errors of the warehouse room."""

from __future__ import annotations

__all__ = ["PublishError", "WarehouseError"]


class WarehouseError(Exception):
    """The warehouse cannot be opened, built or written."""


class PublishError(WarehouseError):
    """The curated files could not be written; the previous folder is left as it was."""
