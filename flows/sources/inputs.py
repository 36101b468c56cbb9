"""What a run reads: the PATH_OR_URL arguments, sources files, URLs.

Every argument is a file, a folder, an `http(s)://` URL or a sources file. A sources
file is a file argument whose name ends in `.sources`: UTF-8 text, one path or URL a
line, blank lines and `#` comments skipped, relative paths taken from the file's folder
(a `.sources` file found while walking a folder is not expanded). Other schemes
(`file://`, `ftp://`) are refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

__all__ = [
    "SOURCES_SUFFIX",
    "SourcePlan",
    "host_of",
    "is_url",
    "plan_sources",
    "read_sources_file",
]

SOURCES_SUFFIX = ".sources"
WEB_SCHEMES = ("http", "https")


def is_url(text: str) -> bool:
    """True for an http(s) URL (the only URLs that are fetched)."""
    return urlsplit(text.strip()).scheme.lower() in WEB_SCHEMES


def has_scheme(text: str) -> bool:
    # "C:\\x" has a one-letter "scheme": a Windows drive, not a URL.
    return len(urlsplit(text.strip()).scheme) > 1


def host_of(url: str) -> str:
    """The lower-case host name of a URL, without port ("" when it has none)."""
    return (urlsplit(url).hostname or "").lower()


@dataclass(frozen=True)
class SourcePlan:
    """Sources split by kind: local paths (files, folders) and URLs, plus refusals."""

    paths: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_sources_file(path: Path) -> list[str]:
    """The paths and URLs a sources file lists; raises OSError / UnicodeDecodeError."""
    sources = []
    for raw in path.read_text(encoding="utf-8-sig").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if has_scheme(line) or Path(line).is_absolute():
            sources.append(line)
        else:
            sources.append(str(path.parent / line))
    return sources


def plan_sources(sources: Iterable[str]) -> SourcePlan:
    """Split arguments into paths and URLs, expanding `*.sources` files (no duplicates)."""
    plan = SourcePlan()
    seen: set[str] = set()
    expanded: set[Path] = set()

    def add(source: str, origin: str | None) -> None:
        where = f" (listed in {origin})" if origin else ""
        if source in seen:
            return
        seen.add(source)
        if is_url(source):
            plan.urls.append(urldefrag(source.strip())[0])
        elif has_scheme(source):
            scheme = urlsplit(source).scheme
            plan.problems.append(
                f"{source}: refused{where}: only http:// and https:// URLs are fetched, "
                f"not {scheme}:"
            )
        elif source.endswith(SOURCES_SUFFIX) and Path(source).is_file():
            path = Path(source).resolve()
            if path in expanded:
                return
            expanded.add(path)
            try:
                listed = read_sources_file(path)
            except (OSError, UnicodeDecodeError) as e:
                plan.problems.append(f"{source}: cannot read the sources file{where}: {e}")
                return
            for item in listed:
                add(item, source)
        else:
            plan.paths.append(source)

    for source in sources:
        add(source, None)
    return plan
