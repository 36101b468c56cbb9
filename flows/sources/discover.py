"""Which inputs a run reads: files given directly, and folders walked recursively.

Skipped while walking: hidden files and folders, Office lock files (`~$x.docx`),
and a folder's own `README*` (documentation of the folder, not an input).
A file named explicitly is always read. Each file keeps its input folder (`root`: the
folder given, or a named file's own folder): the links of a page read from disk may
not lead outside it.

A file's hash is remembered for the life of the process by (path, size, mtime, inode):
the command line looks at the inputs before a run starts and the run looks again, and
the second look reads no file whose metadata did not change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["InputFile", "discover", "fingerprint"]

_SKIP_NAMES = {"thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class InputFile:
    path: Path
    source_uri: str
    doc_id: str  # SHA-256 of the bytes
    n_bytes: int
    root: Path | None = None  # the input folder the file was found in


_seen: dict[tuple[str, int, int, int], str] = {}


def fingerprint(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file's bytes."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    known = _seen.get(key)
    if known is not None:
        return known, stat.st_size
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    if size == stat.st_size:
        _seen[key] = digest.hexdigest()
    return digest.hexdigest(), size


def _walk(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if any(part.startswith(".") for part in relative):
            continue
        name = path.name.lower()
        if (
            not path.is_file()
            or name.startswith("~$")
            or name in _SKIP_NAMES
            or name.startswith("readme")
        ):
            continue
        found.append(path)
    return found


def discover(sources: list[str]) -> tuple[list[InputFile], list[str]]:
    """Input files of the given paths, and plain messages for sources that do not exist."""
    files: dict[str, InputFile] = {}
    missing: list[str] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            candidates, root = _walk(path), path
        elif path.is_file():
            candidates, root = [path], path.parent
        else:
            missing.append(f"{source}: no such file or folder")
            continue
        for candidate in candidates:
            uri = str(candidate)
            if uri in files:
                continue
            try:
                doc_id, size = fingerprint(candidate)
            except OSError as e:
                missing.append(f"{uri}: cannot be read ({e.strerror or e})")
                continue
            files[uri] = InputFile(candidate, uri, doc_id, size, root)
    return list(files.values()), missing
