"""One notice Document -> NoticeRecords: the Notice row and everything read from it.

Owns the Notice record (curated.notices): title, issuer, region and level, own
文号, doc_type, plan_year, dates. It calls the readers of policy terms
(`terms.extract_terms`), programme rows (`projects`), the 附件 list
(`attachments`) and cited documents (`citations`). Also tells an official notice
from a submitted form (`looks_like_notice`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from extractors.model import Document

from .amendments import read_amendment
from .attachments import attachment_titles, extract_attachments
from .citations import extract_citations
from .dates import parse_date
from .docnumbers import DocNumber, find_doc_numbers
from .identity import notice_identity
from .notice_header import (
    NoticeLine,
    TitleSpan,
    find_own_number,
    find_published_date,
    find_signature,
    find_title,
    header_issuer,
    notice_lines,
)
from .notice_parts import read_parts
from .projects import extract_projects
from .records import Notice, NoticeRecords, PlanChange, PlanProject, PolicyTerm
from .regions import (
    NATIONAL,
    locate_issuer,
    place_names,
    province_by_name,
    provinces,
    region_of_doc_prefix,
)
from .terms import extract_terms
from .text import clean_text

__all__ = [
    "classify_doc_type",
    "looks_like_notice",
    "normalize_notice",
    "place_of_issuer",
    "plan_year_of",
]

_DOC_TYPES_FILE = Path(__file__).with_name("data") / "doc_types.json"
_YEAR = r"((?:19|20)[0-9]{2})\s*年度?"
# The programme year as the body names it when the title does not: "2025年高级研修项目".
_LEVEL_WORD = r"(?:国家级|省级|自治区级|市级|全国|全省|全区|全市|本市)"
_BODY_PLAN_YEAR = re.compile(
    _YEAR + rf"{_LEVEL_WORD}?(?:专业技术人[员才]知识更新工程)?{_LEVEL_WORD}?高级研修"
)
_TITLE_YEAR = re.compile(_YEAR)
_ADDRESSEE_WINDOW = 12
# A city-level office whose city the region table does not know: "某某市人力资源和社会保障局".
_CITY_OFFICE = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:市|州|盟|地区)(?!场)")


@dataclass(frozen=True, slots=True)
class _DocTypeRules:
    programme_words: tuple[str, ...]
    excluded_words: tuple[str, ...]
    # (doc_type, word groups that must each have a word in the title, words it must not hold)
    rules: tuple[tuple[str, tuple[tuple[str, ...], ...], tuple[str, ...]], ...]
    default: str


@lru_cache(maxsize=1)
def _doc_type_rules() -> _DocTypeRules:
    raw = json.loads(_DOC_TYPES_FILE.read_text(encoding="utf-8"))
    return _DocTypeRules(
        programme_words=tuple(raw["programme_words"]),
        excluded_words=tuple(raw["excluded_words"]),
        rules=tuple(
            (
                rule["doc_type"],
                tuple(tuple(group) for group in rule["all_of"]),
                tuple(rule.get("none_of", ())),
            )
            for rule in raw["rules"]
        ),
        default=raw["default"],
    )


def classify_doc_type(title: str | None) -> str:
    """plan | plan_amendment | call_for_topics | call_for_applications | other, from the
    notice title."""
    rules = _doc_type_rules()
    if not title:
        return rules.default
    if not any(word in title for word in rules.programme_words):
        return rules.default
    if any(word in title for word in rules.excluded_words):
        return rules.default
    for doc_type, groups, unless in rules.rules:
        if any(word in title for word in unless):
            continue
        if all(any(word in title for word in group) for group in groups):
            return doc_type
    return rules.default


def plan_year_of(title: str | None, body: str, attachments: tuple[str, ...] = ()) -> int | None:
    """The programme year: the year the title names, else the year of an attachment that
    is a programme list ("附件：2025年自治区级高级研修项目计划"), else "20XX年…高级研修"
    in the body."""
    if title:
        match = _TITLE_YEAR.search(title)
        if match is not None:
            return int(match.group(1))
    for attachment in attachments:
        match = _BODY_PLAN_YEAR.search(clean_text(attachment))
        if match is not None:
            return int(match.group(1))
    match = _BODY_PLAN_YEAR.search(clean_text(body))
    return int(match.group(1)) if match else None


def place_of_issuer(
    issuer: str | None, number: DocNumber | None, title: str | None
) -> tuple[str | None, str | None]:
    """(region, issuer_level) from the issuer, else the 文号 prefix, else the office
    a title opens with ("湖北省人力资源和社会保障厅关于…")."""
    if issuer:
        place = locate_issuer(issuer)
        if place is not None:
            return place.region, place.level
        if _CITY_OFFICE.match(issuer) and number is not None:
            # A city the region table does not know: its province from the 文号.
            return region_of_doc_prefix(number.prefix), "municipal"
    if number is not None:
        region = region_of_doc_prefix(number.prefix)
        if region is not None:
            return region, "national" if region == NATIONAL else "provincial"
    if title and "关于" in title:
        place = locate_issuer(title[: title.index("关于")])
        if place is not None:
            return place.region, place.level
    return None, None


# Words that show a province's own department wrote the text: its 省级 programmes, 全省.
_PROVINCIAL_VOICE = re.compile(
    r"省级|自治区级|全省|全区|我厅|省人社厅|省人力资源|自治区人力资源|自治区人社厅|区人社厅"
)
_KIND_WORDS = {"province": "省", "autonomous_region": "自治区", "municipality": "市"}


def infer_place(body: str) -> tuple[str | None, str | None]:
    """(region, issuer_level) of a text that names no issuer and has no 文号 of its own (a
    repost that lost its 版头): the one province whose 文号 it cites ("新人社规〔2023〕3号"
    -> 新疆维吾尔自治区), else the one province it names in full or by two of its places
    while speaking of a 省/自治区. The level is provincial when the text speaks as a
    province's department (省级项目, 全区), else None. (None, None) without evidence."""
    text = clean_text(body)
    cited = {region_of_doc_prefix(hit.number.prefix) for hit in find_doc_numbers(text)} - {
        None,
        NATIONAL,
    }
    region: str | None = None
    if len(cited) == 1:
        region = cited.pop()
    elif not cited:
        region = _named_province(text)
    if region is None:
        return None, None
    return region, "provincial" if _PROVINCIAL_VOICE.search(text) else None


def _named_province(text: str) -> str | None:
    named: dict[str, set[str]] = {}
    for alias, (province, kind) in place_names().items():
        if kind in ("full", "city") and alias in text:
            named.setdefault(province, set()).add(kind if kind == "full" else alias)
    kinds = {p.name: p.kind for p in provinces()}
    fits = [
        name
        for name, found in named.items()
        if "full" in found
        or (len(found) >= 2 and _KIND_WORDS.get(kinds.get(name, ""), "\0") in text)
    ]
    return fits[0] if len(fits) == 1 else None


def _page_title(doc: Document) -> str | None:
    # A web page's <title> / ArticleTitle is written for the article; an office file's
    # metadata title is often a leftover of the template it was made from.
    return doc.title if doc.media_type == "html" else None


def _published(doc: Document, lines: list[NoticeLine], title: TitleSpan | None) -> date | None:
    if not doc.published_date:
        # A web page saved as text keeps its "发布日期：…" line but no metadata.
        return find_published_date(lines, title)
    try:
        return date.fromisoformat(doc.published_date.strip())
    except ValueError:
        return parse_date(doc.published_date)


def _listed_number(doc: Document) -> DocNumber | None:
    """The 文号 a web page's information-disclosure box lists (索引号, 发布机构, 文号 …),
    for pages whose article does not repeat it."""
    listed = clean_text(doc.meta.get("doc_number", ""))
    hits = find_doc_numbers(listed)
    if len(hits) == 1 and hits[0].start == 0 and hits[0].end == len(listed):
        return hits[0].number
    return None


def _is_addressee(text: str) -> bool:
    # The 主送 line: "各市、州…人力资源和社会保障局，各有关单位：".
    compact = clean_text(text)
    return compact.startswith("各") and compact.endswith(("：", ":"))


def looks_like_notice(doc: Document) -> bool:
    """True for an official notice: a "关于…的通知" title near the top (closed by 通知,
    通告, 决定, 意见 …), or a 文号 header over a 主送 line. Filled-in forms and
    attachment templates give False."""
    lines = notice_lines(doc)
    title = find_title(lines, page_title=_page_title(doc))
    if title is not None:
        return True
    number = find_own_number(lines, title)
    if number is None:
        return False
    return any(_is_addressee(line.text) for line in lines[:_ADDRESSEE_WINDOW])


def _notice(
    doc: Document, lines: list[NoticeLine], problems: list[str]
) -> tuple[Notice, DocNumber | None]:
    title_span: TitleSpan | None = find_title(lines, page_title=_page_title(doc))
    title = title_span.text if title_span else None
    if title is None:
        problems.append("no notice title found: no '关于…的通知' line near the top")
    number = find_own_number(lines, title_span) or _listed_number(doc)
    signature = find_signature(lines, start=title_span.end if title_span else 0)
    issuer = (signature.issuer if signature else None) or header_issuer(lines, title_span)
    if issuer is None:
        problems.append("no issuer found: no office name above the date or in the header")
    if signature is None or signature.issued_date is None:
        problems.append("no issue date found: no date line under the signature")
    region, level = place_of_issuer(issuer, number, title)
    if region is None:
        # A repost that lost its 版头 and signature: the region its evidence points to.
        region, level = infer_place(doc.text)
    issued = signature.issued_date if signature else None
    parts = read_parts(lines, title_span, signature)
    notice = Notice(
        notice_id=notice_identity(
            doc_number=number, issuer=issuer, title=title, issued_date=issued, doc_id=doc.doc_id
        ),
        source_uri=doc.source_uri,
        title=title,
        issuer=issuer,
        issuer_level=level,
        region=region,
        doc_number=number.text if number else None,
        doc_number_prefix=number.prefix if number else None,
        doc_number_year=number.year if number else None,
        doc_number_serial=number.serial if number else None,
        doc_type=classify_doc_type(title),
        plan_year=plan_year_of(title, doc.text, attachment_titles(doc)),
        issued_date=issued,
        published_date=_published(doc, lines, title_span),
        secrecy=parts.secrecy,
        urgency=parts.urgency,
        signer=parts.signer,
        main_recipients=parts.main_recipients,
        cc_recipients=parts.cc_recipients,
        printing_office=parts.printing_office,
        printed_date=parts.printed_date,
        note=parts.note,
        contact=parts.contact,
    )
    return notice, number


def _is_city_province(notice: Notice) -> bool:
    """A 直辖市's own notice: its 市级 programmes are province-level."""
    province = province_by_name(notice.region) if notice.region else None
    return (
        notice.issuer_level == "provincial"
        and province is not None
        and province.kind == "municipality"
    )


def normalize_notice(doc: Document) -> NoticeRecords:
    """Everything read from one notice: metadata, terms, programmes, attachments, citations."""
    problems: list[str] = []
    lines = notice_lines(doc)
    notice, number = _notice(doc, lines, problems)
    terms: tuple[PolicyTerm, ...] = ()
    projects: tuple[PlanProject, ...] = ()
    if notice.doc_type != "other":
        terms = tuple(
            extract_terms(
                doc,
                notice_id=notice.notice_id,
                plan_year=notice.plan_year,
                issuer_level=notice.issuer_level,
                region=notice.region,
                issued=notice.issued_date,
            )
        )
        projects = extract_projects(
            doc,
            notice_id=notice.notice_id,
            plan_year=notice.plan_year,
            region=notice.region,
            program_level=notice.issuer_level,
            municipal_is_provincial=_is_city_province(notice),
        )
    changes: tuple[PlanChange, ...] = ()
    if notice.doc_type == "plan_amendment":
        # An amendment's tables are changes, not a plan: its programmes are those it
        # names, with their values after the change.
        amendment = read_amendment(
            doc,
            notice_id=notice.notice_id,
            plan_year=notice.plan_year,
            region=notice.region,
            program_level=notice.issuer_level,
            own_number=number.text if number else None,
        )
        changes, projects = amendment.changes, amendment.projects
    return NoticeRecords(
        notice=notice,
        terms=terms,
        projects=projects,
        attachments=extract_attachments(doc, notice_id=notice.notice_id),
        cited=extract_citations(
            doc, notice_id=notice.notice_id, own_number=number.text if number else None
        ),
        changes=changes,
        problems=tuple(problems),
    )
