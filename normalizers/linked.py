"""Documents linked from a web page: attachment files of a notice page, notices of a list page.

Owns the rules (no I/O) that decide
- which links of a notice page are attachment files (`attachment_links`: the href's
  path or the link text ends in one of `ATTACHMENT_EXTENSIONS`),
- which 附件 of the notice a linked file is (`attachment_numbers`: "附件1 …计划表.xlsx"
  -> (1,), "附件2&3 …测评表" -> (2, 3); `link_attachment_files` fills `Attachment.doc_id`),
- what an attachment file adds to its page's notice (`normalize_attachment`: its
  programme list, read as the page notice's programmes),
- which links of a department's notice list lead to notices of this family
  (`looks_like_family_title`, words in `FAMILY_WORDS`; `family_links`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from extractors import registry
from extractors.model import Document, Link

from .numbers import parse_chinese_int
from .projects import extract_projects
from .records import Attachment, Notice, PlanProject
from .text import clean_text

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "FAMILY_WORDS",
    "attachment_links",
    "attachment_numbers",
    "family_links",
    "is_attachment_file",
    "link_attachment_files",
    "looks_like_family_title",
    "normalize_attachment",
]

# Files a notice page links as attachments that are fetched and read: the document
# formats of the extractors' registry (PDF, OFD, Word, WPS, Excel, OpenDocument).
ATTACHMENT_EXTENSIONS = registry.ATTACHMENT_EXTENSIONS
# A link text naming one of these is a notice of the 知识更新工程 高级研修项目 family.
FAMILY_WORDS = ("知识更新工程", "高级研修", "高研班")

# A 附件 number, not the start of a longer number ("附件1-2021年…" is 附件1 only).
_NUMBER = r"[0-9０-９一二三四五六七八九十]{1,3}(?![0-9０-９])"
_SEPARATOR = r"[&＆、,，和及\-－~～至]"
# "附件1", "附件 2&3", "附件2、3", "附件2-4"; the first number and what follows it.
_ATTACHMENT_NO = re.compile(
    rf"附\s*件\s*(?P<first>{_NUMBER})(?P<more>(?:\s*{_SEPARATOR}\s*{_NUMBER})*)"
)
_MORE = re.compile(rf"(?P<sep>{_SEPARATOR})\s*(?P<no>{_NUMBER})")
_RANGE_SEPARATORS = "-－~～至"
_MAX_RANGE = 20
# "20210416-" and similar date prefixes that sites put before a file name.
_DATE_PREFIX = re.compile(r"^\d{6,8}[-_－\s]*")
_MIN_TITLE_MATCH = 4


def looks_like_family_title(text: str) -> bool:
    """True when a link text or title names the 知识更新工程 / 高级研修 family."""
    compact = clean_text(text)
    return any(word in compact for word in FAMILY_WORDS)


def is_attachment_file(link: Link) -> bool:
    """True when the link's path (or, for download scripts, its text) ends in a file type read."""
    path = unquote(urlsplit(link.href.strip()).path).lower()
    text = clean_text(link.text).lower()
    return path.endswith(ATTACHMENT_EXTENSIONS) or text.endswith(ATTACHMENT_EXTENSIONS)


def attachment_links(doc: Document) -> tuple[Link, ...]:
    """The links of a page that point to attachment files, in page order."""
    return tuple(
        link for link in doc.links if link.role == "attachment" and is_attachment_file(link)
    )


def _to_int(text: str) -> int | None:
    return parse_chinese_int(text)


def attachment_numbers(text: str) -> tuple[int, ...]:
    """The 附件 numbers a link text or file name names: "附件2&3 测评表" -> (2, 3)."""
    match = _ATTACHMENT_NO.search(text)
    if match is None:
        return ()
    first = _to_int(match.group("first"))
    if first is None:
        return ()
    numbers = [first]
    for more in _MORE.finditer(match.group("more")):
        number = _to_int(more.group("no"))
        if number is None:
            continue
        if more.group("sep") in _RANGE_SEPARATORS and 0 < number - numbers[-1] <= _MAX_RANGE:
            numbers.extend(range(numbers[-1] + 1, number + 1))
        else:
            numbers.append(number)
    return tuple(dict.fromkeys(numbers))


def _link_names(link: Link) -> list[str]:
    """What a link calls its file: its text and its href's file name."""
    name = unquote(urlsplit(link.href).path.rsplit("/", 1)[-1])
    return [text for text in (clean_text(link.text), clean_text(name)) if text]


def _stem(text: str) -> str:
    text = re.sub(r"\.[A-Za-z0-9]{2,5}$", "", text)
    text = _ATTACHMENT_NO.sub("", _DATE_PREFIX.sub("", text))
    return clean_text(text).strip(" -_：:、.")


def _titles_match(title: str, link: Link) -> bool:
    wanted = clean_text(title)
    for name in _link_names(link):
        stem = _stem(name)
        if len(stem) >= _MIN_TITLE_MATCH and (stem in wanted or wanted in stem):
            return True
    return False


def link_attachment_files(
    attachments: Sequence[Attachment], files: Sequence[tuple[Link, str]]
) -> tuple[Attachment, ...]:
    """`attachments` with `doc_id` set to the file (link, doc_id) each one was linked as.

    A file is matched by the 附件 number in its link text or file name, else by its title;
    a notice listing one attachment and linking one file is matched without either.
    """
    doc_ids: dict[int, str] = {}
    unmatched: list[tuple[Link, str]] = []
    for link, doc_id in files:
        numbers = next((n for n in map(attachment_numbers, _link_names(link)) if n), ())
        for number in numbers:
            doc_ids.setdefault(number, doc_id)
        if not numbers:
            unmatched.append((link, doc_id))
    for link, doc_id in unmatched:
        for attachment in attachments:
            number = attachment.attachment_no
            if number not in doc_ids and _titles_match(attachment.title, link):
                doc_ids[number] = doc_id
                break
    if len(attachments) == 1 and len(files) == 1 and not doc_ids:
        doc_ids[attachments[0].attachment_no] = files[0][1]
    return tuple(
        dataclasses.replace(a, doc_id=doc_ids[a.attachment_no])
        if a.doc_id is None and a.attachment_no in doc_ids
        else a
        for a in attachments
    )


def normalize_attachment(doc: Document, *, parent: Notice) -> tuple[PlanProject, ...]:
    """The programme rows of an attachment file, as programmes of the notice that links it.

    `notice_id`, `plan_year`, `region` and `program_level` are the parent notice's (its
    issuer level: national for the ministry); `source_doc_id` is the attachment's doc_id.
    """
    return extract_projects(
        doc,
        notice_id=parent.notice_id,
        plan_year=parent.plan_year,
        region=parent.region,
        program_level=parent.issuer_level,
    )


def family_links(doc: Document) -> tuple[Link, ...]:
    """The links of a list page whose text names a notice of this family (pages and files)."""
    found: dict[str, Link] = {}
    for link in doc.links:
        if looks_like_family_title(link.text) and link.href not in found:
            found[link.href] = link
    return tuple(found.values())
