"""Where a page's links may lead.

A link of a page resolves to a URL (http/https, on an allowed host) or, for a page read
from disk, to a file inside the page's input folder. `file:` links, `../` links
escaping the input folder, other schemes and hosts not allowed are refused with a
reason and never opened. Allowed hosts are the hosts of the URLs a run was given plus
`NOTICEFLOW_ALLOWED_HOSTS` (exact names, or `*.gov.cn` for a domain and its subdomains).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from extractors.model import Link

from .inputs import WEB_SCHEMES, host_of

__all__ = ["HostPolicy", "LinkTarget", "Refused", "resolve_link", "resolve_links"]

_WEB_SCHEMES = WEB_SCHEMES


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
