"""The normalizer version stored with every document's derived rows.

It names the rules that turned a document's raw extraction into domain records: the
declared `RULES_VERSION` plus a digest of the normalizer modules and their data files
(`normalizers/**/*.py`, `normalizers/data/*`). When it changes (a rule fixed in code or
in a data file), the next ingest re-derives every document from `raw` — no file is read
again. Bump `RULES_VERSION` to force that without changing a file.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

__all__ = ["RULES_VERSION", "normalizer_version"]

RULES_VERSION = "0.2.0"


@cache
def _sources_digest() -> str:
    digest = hashlib.sha256()
    root = resources.files("normalizers")
    stack = [root]
    files = []
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.name == "__pycache__":
                continue
            if entry.is_dir():
                stack.append(entry)
            elif entry.name.endswith((".py", ".json", ".tsv", ".jsonl")):
                files.append(entry)
    for entry in sorted(files, key=lambda e: str(e)):
        digest.update(str(entry).removeprefix(str(root)).encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]


def normalizer_version() -> str:
    """`RULES_VERSION` + a digest of the rules' code and data ("0.2.0+1a2b3c4d5e6f")."""
    return f"{RULES_VERSION}+{_sources_digest()}"
