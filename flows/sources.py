"""What a run reads, and where a page's links may lead.

Sources: every PATH_OR_URL argument is a file, a folder, an `http(s)://` URL or a
sources file. A sources file is a file argument whose name ends in `.sources`: UTF-8
text, one path or URL a line, blank lines and `#` comments skipped, relative paths
taken from the file's folder (a `.sources` file found while walking a folder is not
expanded). Other schemes (`file://`, `ftp://`) are refused.

Links: a link of a page resolves to a URL (http/https, on an allowed host) or, for a
page read from disk, to a file inside the page's input folder. `file:` links, `../`
links escaping the input folder, other schemes and hosts not allowed are refused
with a reason and never opened. Allowed hosts are the hosts of the URLs a run was
given plus `NOTICEFLOW_ALLOWED_HOSTS` (exact names, or `*.gov.cn` for a domain and
its subdomains).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from extractors.model import Link

__all__ = [
    "SOURCES_SUFFIX",
    "HostPolicy",
    "LinkTarget",
    "Refused",
    "SourcePlan",
    "host_of",
    "is_url",
    "plan_sources",
    "read_sources_file",
    "resolve_link",
    "resolve_links",
]

SOURCES_SUFFIX = ".sources"
_WEB_SCHEMES = ("http", "https")


def is_url(text: str) -> bool:
    """True for an http(s) URL (the only URLs that are fetched)."""
    return urlsplit(text.strip()).scheme.lower() in _WEB_SCHEMES


def _has_scheme(text: str) -> bool:
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
        if _has_scheme(line) or Path(line).is_absolute():
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
        elif _has_scheme(source):
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


@dataclass(frozen=True)
class HostPolicy:
    """Hosts that may be fetched: exact names, or "*.domain" for a domain and its subdomains."""

    patterns: tuple[str, ...] = ()

    @classmethod
    def for_run(cls, configured: Iterable[str], urls: Iterable[str]) -> HostPolicy:
        """The configured patterns plus the hosts of the URLs the run was given."""
        hosts = [p.strip().lower() for p in configured if p.strip()]
        hosts += [host_of(url) for url in urls if host_of(url)]
        return cls(tuple(dict.fromkeys(hosts)))

    def allows(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        for pattern in self.patterns:
            if pattern.startswith("*."):
                domain = pattern[2:]
                if host == domain or host.endswith("." + domain):
                    return True
            elif host == pattern:
                return True
        return False

    def check(self, url: str) -> str | None:
        """Why `url` may not be fetched, or None when it may."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in _WEB_SCHEMES:
            return f"only http:// and https:// links are fetched, not {scheme or 'no scheme'}:"
        host = host_of(url)
        if not self.allows(host):
            return f"host {host or '(none)'} is not allowed (NOTICEFLOW_ALLOWED_HOSTS)"
        return None


@dataclass(frozen=True)
class LinkTarget:
    """Where an allowed link leads: a URL to fetch or a local file to open."""

    link: Link
    url: str | None = None
    path: Path | None = None

    @property
    def uri(self) -> str:
        return self.url if self.url is not None else str(self.path)


@dataclass(frozen=True)
class Refused:
    """A link that is not followed, and why."""

    link: Link
    reason: str
    # False for a link that is harmless but cannot be followed from here (a site-absolute
    # path on a page saved to disk): like a missing file, it is noted, not a problem.
    unsafe: bool = True

    @property
    def message(self) -> str:
        verb = "refused" if self.unsafe else "not followed"
        return f"attachment link {verb}: {self.link.href} ({self.reason})"


def _local_target(link: Link, href: str, page_path: Path, root: Path) -> LinkTarget | Refused:
    relative = unquote(urlsplit(href).path).replace("\\", "/")
    if "\x00" in relative:
        return Refused(link, "the path holds a NUL character")
    if not relative or PurePosixPath(relative).is_absolute():
        return Refused(
            link, "a site-absolute path cannot be resolved on a page read from disk", unsafe=False
        )
    # Written like the paths discovery gives ("inbox/x.xlsx"), checked as resolved
    # (a symlink out of the folder is outside it too).
    target = Path(os.path.normpath(page_path.parent / relative))
    if not target.resolve().is_relative_to(root.resolve()):
        return Refused(link, f"it leads outside the input folder {root}")
    return LinkTarget(link, path=target)


def resolve_link(
    link: Link,
    *,
    policy: HostPolicy,
    page_url: str | None = None,
    page_path: Path | None = None,
    root: Path | None = None,
) -> LinkTarget | Refused:
    """The URL or file a page's link leads to, or why it is refused.

    Give `page_url` for a fetched page, or `page_path` and its input folder `root` for
    a page read from disk. Nothing is fetched or opened here.
    """
    href = link.href.strip()
    scheme = urlsplit(href).scheme.lower()
    if scheme == "file":
        return Refused(link, "file: links are never opened")
    if scheme and scheme not in _WEB_SCHEMES and len(scheme) > 1:
        return Refused(link, f"only http:// and https:// links are fetched, not {scheme}:")
    if href.startswith("//"):  # scheme-relative: the page's scheme, or https from disk
        href = (urlsplit(page_url).scheme if page_url else "https") + ":" + href
        scheme = urlsplit(href).scheme
    if scheme or page_url is not None:
        url = urldefrag(urljoin(page_url or "", href))[0]
        reason = policy.check(url)
        return Refused(link, reason) if reason else LinkTarget(link, url=url)
    if page_path is None:
        return Refused(link, "a relative link needs the page's URL or folder")
    return _local_target(link, href, page_path, root or page_path.parent)


def resolve_links(
    links: Iterable[Link],
    *,
    policy: HostPolicy,
    page_url: str | None = None,
    page_path: Path | None = None,
    root: Path | None = None,
) -> tuple[list[LinkTarget], list[Refused]]:
    """`resolve_link` for each link: the targets (each once) and the refusals."""
    targets: dict[str, LinkTarget] = {}
    refused: list[Refused] = []
    for link in links:
        target = resolve_link(
            link, policy=policy, page_url=page_url, page_path=page_path, root=root
        )
        if isinstance(target, Refused):
            refused.append(target)
        else:
            targets.setdefault(target.uri, target)
    return list(targets.values()), refused
