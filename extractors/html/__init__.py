"""HTML web page -> Document: the article (title, body blocks, tables), its date and attachments.

Only the article region is laid out (see `article`): site menus, breadcrumbs and
footers are left out. `published_date` is a "发布日期：2021-04-20" (发布时间, 日期, ...)
line near the title, as written. `links` are the attachment links of the whole page
(an href to a document file, a link inside an "附件" block or after an "附件：" label),
href as written, text without its leading "·". `meta["doc_number"]` is the 文号 an
information-disclosure box (索引号 / 发布机构 / 文号 …) gives, as written.
"""

from __future__ import annotations

import logging
import re

from lxml import etree, html

from ..errors import CorruptDocument, EmptyDocument
from ..limits import Limits, check_xml_safe
from ..model import Document, Link
from .article import (
    find_content,
    find_title,
    reference_title,
    remove_chrome,
    remove_invisible,
    title_above,
)
from .blocks import BlockWriter, clean_text, element_text
from .decode import decode_html

__all__ = ["extract", "find_published_date"]

log = logging.getLogger(__name__)

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DATE_LINE = re.compile(
    r"(?:发布|发文|成文|更新|公开|印发)?(?:日期|时间)\s*[：:]\s*"
    r"(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)"
)
_DATE_WINDOW = 600  # characters after the title searched for the date line
_DOC_EXTENSION = re.compile(
    r"\.(?:pdf|docx?|xlsx?|wps|et|zip|rar|7z|ofd)(?=$|[?#&])", re.IGNORECASE
)
_ATTACHMENT_BOX = re.compile(r"(?:^|[-_\s])(?:fj|fujian|attach\w*|appendix|download)", re.I)
_ATTACHMENT_LABEL = re.compile(r"附件\s*(?:下载|列表|\d+)?\s*[：:]")
_LABEL_REACH = 200  # characters (other links' text, numbers) between "附件：" and a link
_NOT_A_FILE = ("javascript:", "mailto:", "tel:", "#")
_LINK_BULLETS = "·•●▪◆◇■□ \t\xa0\u3000"
_META_NAMES = 50
_LABEL_TAGS = ("td", "th", "dt", "dd", "li", "span", "label", "b", "strong", "em", "p", "div")
_NUMBER_LABEL = re.compile(r"^(?:文号|发文字号|发文文号|发文编号)[：:]?")
_MAX_LABELLED = 40


def find_published_date(text: str) -> str | None:
    """The date of the first 发布日期/发布时间/日期 line in `text`, as written."""
    match = _DATE_LINE.search(text)
    return re.sub(r"\s+", "", match.group(1)) if match else None


def _text_near(el: html.HtmlElement, axis: str, limit: int) -> str:
    """Up to `limit` characters of text after (axis "following") or before ("preceding") `el`."""
    nodes = list(el.xpath(f"{axis}::text()"))
    if axis == "preceding":
        nodes.reverse()  # nearest first
    pieces: list[str] = []
    size = 0
    for node in nodes:
        pieces.append(str(node))
        size += len(pieces[-1])
        if size >= limit:
            break
    if axis == "preceding":
        pieces.reverse()
    return " ".join(pieces)


def _published_date(title_el: html.HtmlElement | None, body: html.HtmlElement) -> str | None:
    if title_el is None:
        return find_published_date(" ".join(body.itertext())[: _DATE_WINDOW * 3])
    # Most sites put the date line under the title; some put it just above.
    after = find_published_date(_text_near(title_el, "following", _DATE_WINDOW))
    return after or find_published_date(_text_near(title_el, "preceding", _DATE_WINDOW // 3))


def _text_before(a: html.HtmlElement) -> str:
    """The text of `a`'s parent that comes before `a`."""
    parent = a.getparent()
    if parent is None:
        return ""
    pieces = [parent.text or ""]
    for sibling in parent:
        if sibling is a:
            break
        pieces.append(sibling.text_content() + (sibling.tail or ""))
    return "".join(pieces)


def _in_attachment_box(a: html.HtmlElement) -> bool:
    """A link in an "附件" block: a box classed as such, a block that starts with 附件,
    or a link that follows an "附件：" label in its parent."""
    before = _text_before(a)
    labels = list(_ATTACHMENT_LABEL.finditer(before))
    if labels and len(clean_text(before[labels[-1].end() :])) <= _LABEL_REACH:
        return True
    for depth, ancestor in enumerate(a.iterancestors()):
        if depth >= 3 or ancestor.tag in ("body", "html"):
            return False
        words = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if _ATTACHMENT_BOX.search(words) or clean_text(ancestor.text_content()).startswith("附件"):
            return True
    return False


def _links(body: html.HtmlElement) -> tuple[Link, ...]:
    """The page's links in page order, each once: attachments (附件) and other pages."""
    links: list[Link] = []
    for a in body.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(_NOT_A_FILE):
            continue
        text = element_text(a).lstrip(_LINK_BULLETS) or clean_text(a.get("title") or "")
        if _DOC_EXTENSION.search(href) or text.startswith("附件") or _in_attachment_box(a):
            link = Link(text=text, href=href)
        else:
            # Lists cut long titles ("关于印发…知识更新工程2021年…"); the title attribute is whole.
            title = clean_text(a.get("title") or "")
            link = Link(text=title if len(title) > len(text) else text, href=href, role="page")
        if all((k.href, k.text, k.role) != (link.href, link.text, link.role) for k in links):
            links.append(link)
    return tuple(links)


def _disclosure_number(body: html.HtmlElement) -> str | None:
    """The 文号 of an information-disclosure (信息公开) box: a "文号" label cell and the
    value cell after it, or "文号：…" in one element (索引号, 发布机构 and 文号 above the
    article, often the only place the page shows the number)."""
    for el in body.iter(*_LABEL_TAGS):
        text = clean_text(el.text_content())
        if len(text) > _MAX_LABELLED:
            continue
        compact = re.sub(r"\s+", "", text)
        match = _NUMBER_LABEL.match(compact)
        if match is None:
            continue
        value = compact[match.end() :]
        if not value:
            following = el.getnext()
            if following is None or following.tag not in _LABEL_TAGS:
                continue
            value = re.sub(r"\s+", "", clean_text(following.text_content()))
        if value and len(value) <= _MAX_LABELLED:
            return value
    return None


def _meta(root: html.HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        name = el.get("name") or el.get("property")
        content = clean_text(el.get("content") or "")
        if name and content and len(meta) < _META_NAMES:
            meta.setdefault(name, content[:500])
    return meta


def _parse(text: str) -> html.HtmlElement:
    parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        return html.document_fromstring(_XML_DECLARATION.sub("", text, count=1), parser=parser)
    except etree.ParserError as e:
        raise EmptyDocument(f"empty HTML page: nothing to parse ({e})") from e
    except (ValueError, etree.LxmlError) as e:
        raise CorruptDocument(f"corrupt HTML: the page cannot be parsed ({e})") from e


def extract(
    data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str = "html"
) -> Document:
    """Read a web page's article into blocks and tables, with its title, date and attachments."""
    check_xml_safe(data[:65536], part="HTML page")  # an XHTML page could declare entities
    text, encoding, problems = decode_html(data)
    root = _parse(text)
    meta = _meta(root)
    meta["encoding"] = encoding
    reference = reference_title(root)  # read <title> and metas before <head> is dropped
    remove_invisible(root)
    body = root.find("body")
    if body is None:
        body = root
    title_el, title = find_title(root, reference)
    # Date and attachments first: sites also put them in boxes classed like chrome.
    published = _published_date(title_el, body)
    links = _links(body)
    number = _disclosure_number(body)
    if number is not None:
        meta["doc_number"] = number
    remove_chrome(body, title_el)
    content = find_content(body)
    if title_el is None:
        # A <title> naming only the site ("通知公告_某某厅"): the title cell above the article.
        above = title_above(body, content)
        if above is not None and len(element_text(above)) > len(title or ""):
            title_el, title = above, element_text(above)

    writer = BlockWriter()
    inside = title_el is not None and (
        title_el is content or any(a is content for a in title_el.iterancestors())
    )
    if title_el is not None and not inside:
        writer.write(title_el, heading=True)  # the title stands above the content element
    writer.write(content)
    if not writer.blocks and not writer.tables and not links:
        raise EmptyDocument("empty HTML page: no article text found")
    log.debug("HTML %s: article in <%s>, %d blocks", source_uri, content.tag, len(writer.blocks))
    return Document(
        doc_id=doc_id,
        source_uri=source_uri,
        media_type=media_type,
        blocks=tuple(writer.blocks),
        tables=tuple(writer.tables),
        title=title,
        published_date=published,
        links=links,
        problems=tuple(problems),
        meta=meta,
    )
