"""The rest of a 公文 (GB/T 9704-2012) around its title and signature.

Owns reading, from a notice's lines in reading order, the elements the standard lays out
besides the title, 文号 and signature (`notice_header`):

* 版头: 密级和保密期限 ("机密★1年"), 紧急程度 ("特急", "加急"), 签发人 (on the line of
  the 文号: "鄂人社文〔2025〕3号  签发人：张某某");
* 主体: 主送机关 (the line, or lines, under the title ending with "：") and 附注 (the
  bracketed lines under the date: "（此件公开发布）");
* 版记: 抄送 ("抄送：…。", possibly wrapped) and 印发机关 with 印发日期 ("…办公室
  2024年3月6日印发");
* the issuing office's contact lines (联系人 / 联系电话 …) in the body or the 附注, up to the
  first attachment page.

Everything is kept as written (clean_text), without the label ("抄送：") and the closing
colon or full stop; an element the notice does not have is None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dates import find_dates
from .notice_header import NoticeLine, Signature, TitleSpan, is_org_name
from .text import clean_text

__all__ = ["NoticeParts", "read_parts"]

_SECRECY = re.compile(r"^(?:密级[：:])?(?P<v>(?:绝密|机密|秘密)(?:[★☆*＊][^\s，。]{0,8})?)$")
_URGENCY = re.compile(r"^(?:紧急程度[：:])?(?P<v>特急|加急|特提|平急|急件)$")
_SIGNER = re.compile(r"签发人[：:]\s*(?P<v>.+)$")
_CC = re.compile(r"^抄\s*送\s*[：:]\s*(?P<v>.*)$")
# "江苏省人力资源和社会保障厅办公室  2024年3月6日印发".
_PRINTED = re.compile(
    r"^(?P<office>.*?)\s*(?P<date>[0-9〇○零一二三四五六七八九十]{4}\s*年.*日)\s*印\s*发$"
)
_NOTE = re.compile(r"^[（(](?P<v>[^（()）]{2,80})[）)]$")
# A contact line: "联系人：王某，电话：027-87654321", "专技处联系电话：…", "联系方式：…".
_CONTACT = re.compile(
    r"^[（(]?(?:[一二三四五六七八九十]+、|[0-9]+[.．、])?[^，。：:；;]{0,14}?"
    r"(?:联\s*系\s*人|联系电话|咨询电话|联系方式|办公电话|电\s*话|传\s*真)(?:及电话|及联系方式)?[：:]"
)
_ATTACHMENT_PAGE = re.compile(r"^附\s*件\s*[0-9０-９]{0,2}\s*$")
_GAP = re.compile(r"\s{2,}|\u3000+")
_ADDRESSEE_LINES = 3
_RECIPIENT_WORDS = r"厅|局|委|部|办|单位|院校|学校|大学|公司|政府|中心|机构|兵团"
_TOP_LINES = 12  # where 密级, 紧急程度 and 签发人 stand: the 版头
_MAX_NOTE_LINES = 3


@dataclass(frozen=True, slots=True)
class NoticeParts:
    secrecy: str | None = None
    urgency: str | None = None
    signer: str | None = None
    main_recipients: str | None = None
    cc_recipients: str | None = None
    printing_office: str | None = None
    printed_date: date | None = None
    note: str | None = None
    contact: str | None = None


def _compact(text: str) -> str:
    return clean_text(text)


def _header_marks(lines: list[NoticeLine], top: int) -> tuple[str | None, str | None]:
    """(密级, 紧急程度) from the lines above the title (a line may hold both)."""
    secrecy = urgency = None
    for line in lines[:top]:
        for part in re.split(r"\s{2,}|\u3000+", line.text.strip()):
            compact = _compact(part)
            match = _SECRECY.match(compact)
            if match and secrecy is None:
                secrecy = match.group("v")
                continue
            match = _URGENCY.match(compact)
            if match and urgency is None:
                urgency = match.group("v")
    return secrecy, urgency


def _signer(lines: list[NoticeLine], top: int) -> str | None:
    for line in lines[:top]:
        match = _SIGNER.search(line.text)
        if match is not None:
            names = [_compact(n) for n in re.split(r"[\s、，,]+", match.group("v")) if n.strip()]
            return "、".join(names) or None
    return None


def _main_recipients(lines: list[NoticeLine], title: TitleSpan | None) -> str | None:
    """The 主送 line(s) right under the title: "各市、州人力资源和社会保障局，…：" """
    if title is None or title.end == 0:
        return None
    start = title.end
    parts: list[str] = []
    for line in lines[start : start + _ADDRESSEE_LINES + 3]:
        compact = _compact(line.text).replace(":", "：")
        if not parts and _is_between_title_and_body(compact):
            continue
        if "：" in compact:
            head, _, rest = compact.partition("：")
            text = "".join(parts) + head
            if not rest:
                return text if _names_recipients(text) else None
            # A PDF may set the 主送 line and the first paragraph in one block:
            # "各市…人社局，省直各有关单位：根据…".
            return text if text.startswith("各") and _names_recipients(text) else None
        if "。" in compact:
            return None
        parts.append(compact)
        if len(parts) >= _ADDRESSEE_LINES:
            return None
    return None


def _names_recipients(text: str) -> bool:
    """A 主送 names offices ("各市州人社局，省直有关单位"), not "现将有关事项通知如下"."""
    if not text or "如下" in text or len(text) > 200:
        return False
    return text.startswith("各") or bool(re.search(_RECIPIENT_WORDS, text))


def _is_between_title_and_body(compact: str) -> bool:
    """A line a page may put between title and 主送: the 文号, a 发布日期 or 来源 line."""
    from .docnumbers import find_doc_numbers

    hits = find_doc_numbers(compact)
    if hits and hits[0].start == 0:
        return True
    return bool(re.match(r"^(?:发布日期|发布时间|来源|发文日期|信息来源|字号|索引号)", compact))


def _imprint(lines: list[NoticeLine], start: int) -> tuple[str | None, str | None, date | None]:
    """(抄送, 印发机关, 印发日期) of the 版记 at the end."""
    cc: str | None = None
    office: str | None = None
    printed: date | None = None
    index = start
    while index < len(lines):
        compact = _compact(lines[index].text)
        match = _CC.match(compact)
        if match is not None and cc is None:
            parts = [match.group("v")]
            # A long 抄送 list wraps: take the lines that follow until it closes with 。
            while not parts[-1].endswith("。") and index + 1 < len(lines):
                following = _compact(lines[index + 1].text)
                if _PRINTED.match(following) or _CC.match(following) or not following:
                    break
                if len(following) > 60 or _ATTACHMENT_PAGE.match(following):
                    break
                parts.append(following)
                index += 1
            cc = "".join(parts).rstrip("。.；; ") or None
        printed_match = _PRINTED.match(lines[index].text.strip()) or _PRINTED.match(compact)
        if printed_match is not None and office is None:
            name = _compact(printed_match.group("office"))
            dates = [d for d in find_dates(printed_match.group("date")) if d.has_year]
            if dates:
                printed = dates[0].value
                office = name if name and is_org_name(name) else None
        index += 1
    return cc, office, printed


def _body_end(lines: list[NoticeLine], signature: Signature | None) -> int:
    """The first line past the notice itself: the first attachment page or the 版记."""
    start = signature.line + 1 if signature is not None else 0
    for index in range(start, len(lines)):
        compact = _compact(lines[index].text)
        if _ATTACHMENT_PAGE.match(compact) or _CC.match(compact) or _PRINTED.match(compact):
            return index
    return len(lines)


def _after_signature(
    lines: list[NoticeLine], signature: Signature | None, end: int
) -> tuple[list[str], list[str]]:
    """(附注, contact lines) standing right under the date: bracketed lines ("（此件公开
    发布）", "（联系人：…）") and unbracketed contact lines, until anything else."""
    if signature is None:
        return [], []
    notes: list[str] = []
    contacts: list[str] = []
    for line in lines[signature.line + 1 : min(end, signature.line + 1 + _MAX_NOTE_LINES)]:
        compact = _compact(line.text)
        match = _NOTE.match(compact)
        if match is not None and not _CONTACT.match(match.group("v")):
            notes.append(match.group("v"))
        elif _CONTACT.match(compact):
            contacts.extend(_contacts([line], 0, 1))
        else:
            break
    return notes, contacts


def _contacts(lines: list[NoticeLine], start: int, end: int) -> list[str]:
    found: list[str] = []
    for line in lines[start:end]:
        compact = _compact(line.text)
        if not _CONTACT.match(compact) or len(compact) > 120:
            continue
        # Parts set apart by a gap ("联系人：王某  电话：…") keep a separator.
        parts = [_compact(part) for part in _GAP.split(line.text.strip()) if part.strip()]
        value = "，".join(parts)
        if value.startswith(("（", "(")) and value.endswith(("）", ")")):
            value = value[1:-1]
        value = value.rstrip("。.；; ")
        if value and value not in found:
            found.append(value)
    return found


def read_parts(
    lines: list[NoticeLine], title: TitleSpan | None, signature: Signature | None
) -> NoticeParts:
    """The 公文 elements of a notice besides title, 文号 and signature (None when absent)."""
    has_title = title is not None and title.end > 0
    top = title.start if title is not None and has_title else min(len(lines), _TOP_LINES)
    secrecy, urgency = _header_marks(lines, top)
    # 签发人 stands on the 文号 line, above the title or (a page) right under it.
    signer = _signer(lines, title.end + 2 if title is not None and has_title else top)
    end = _body_end(lines, signature)
    notes, signed_contacts = _after_signature(lines, signature, end)
    body_start = title.end if title is not None else 0
    body_end = signature.line if signature is not None else end
    contacts = _contacts(lines, body_start, body_end)
    contacts += [c for c in signed_contacts if c not in contacts]
    cc, office, printed = _imprint(lines, signature.line + 1 if signature is not None else 0)
    return NoticeParts(
        secrecy=secrecy,
        urgency=urgency,
        signer=signer,
        main_recipients=_main_recipients(lines, title),
        cc_recipients=cc,
        printing_office=office,
        printed_date=printed,
        note="；".join(notes) or None,
        contact="；".join(contacts) or None,
    )
