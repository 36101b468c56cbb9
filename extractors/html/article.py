"""Where the article is on a government web page: chrome removal, title, main content.

Government sites wrap the notice in a content div among menus, breadcrumbs and
footers whose class names differ from site to site, so the article is found by
where the Chinese text is: starting at <body>, step into the child holding most
of the non-link Chinese characters while it holds at least `DOMINANT_SHARE` of
them. Menus are mostly link text and count for nothing.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from lxml import html

from .blocks import clean_text, element_text

__all__ = [
    "DOMINANT_SHARE",
    "find_content",
    "find_title",
    "reference_title",
    "remove_chrome",
    "remove_invisible",
    "title_above",
]

DOMINANT_SHARE = 0.6
_TITLE_MATCH = 0.6  # similarity a heading needs to the <title> to be taken as the title
_SHORTENED_MIN = 8  # characters of a heading that shortens the <title>
_INVISIBLE = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "object",
    "embed",
    "select",
    "button",
    "textarea",
    "head",
}
_CHROME_TAGS = {"nav", "header", "footer", "aside", "menu"}
# class/id words of site chrome; "position"/"location"/"dqwz" (当前位置) are breadcrumbs.
_CHROME_WORDS = re.compile(
    r"(?:^|[-_\s])(?:nav\w*|menu\w*|header|top-?bar|footer|foot|bottom|breadcrumbs?|crumbs?|"
    r"position|location|dqwz|sidebar|side|share|copyright|toolbar|banner|logo)(?:$|[-_\s])",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# "标题_站点名", "标题 - 站点名", "标题-站点名" (a hyphen between two Chinese characters).
_TITLE_SEPARATORS = re.compile(
    r"\s*(?:_|\||｜|—+|--|\s-\s|(?<=[\u4e00-\u9fff])-(?=[\u4e00-\u9fff]))\s*"
)
# Elements too small to hold an article: the search never steps into them.
_LEAF_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "a", "pre", "caption"}


def _tag(el: html.HtmlElement) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _drop(el: html.HtmlElement) -> None:
    """Remove `el` but keep its tail text in place."""
    parent = el.getparent()
    if parent is not None:
        el.drop_tree()


def remove_invisible(root: html.HtmlElement) -> None:
    """Scripts, styles, form controls and hidden elements: nothing a reader sees."""
    doomed = [
        el
        for el in root.iter()
        if _tag(el) in _INVISIBLE
        or el.get("hidden") is not None
        or _HIDDEN_STYLE.search(el.get("style") or "")
        or not isinstance(el.tag, str)  # comments, processing instructions
    ]
    for el in doomed:
        _drop(el)


def _is_chrome(el: html.HtmlElement) -> bool:
    if not isinstance(el.tag, str) or _tag(el) in ("html", "body"):
        return False
    words = f"{el.get('class') or ''} {el.get('id') or ''}"
    return _tag(el) in _CHROME_TAGS or bool(_CHROME_WORDS.search(words))


def remove_chrome(root: html.HtmlElement, keep: html.HtmlElement | None) -> None:
    """Menus, headers, breadcrumbs and footers, except one that holds the title `keep`."""
    protected = {keep, *keep.iterancestors()} if keep is not None else set()
    doomed = [el for el in root.iter() if _is_chrome(el) and el not in protected]
    doomed_set = set(doomed)
    for el in doomed:
        if not any(a in doomed_set for a in el.iterancestors()):
            _drop(el)


def reference_title(root: html.HtmlElement) -> str:
    """The article title the page metadata gives: ArticleTitle meta, else <title> cut at '_'."""
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() in ("articletitle", "og:title", "title"):
            content = clean_text(meta.get("content") or "")
            if content:
                return content
    title = root.find(".//title")
    text = clean_text(title.text_content()) if title is not None else ""
    parts = [p for p in _TITLE_SEPARATORS.split(text) if p]
    return max(parts, key=len) if parts else ""


def find_title(
    root: html.HtmlElement, reference: str
) -> tuple[html.HtmlElement | None, str | None]:
    """The element showing the article title `reference` (a heading or a "title" element).

    When no heading resembles the reference (no <title>, or a <title> that is only
    "通知" or the site name), the first <h1>/<h2> outside menus and headers is taken.
    """
    candidates = [
        el
        for el in root.iter()
        if isinstance(el.tag, str)
        and (
            _tag(el) in ("h1", "h2", "h3", "h4", "h5", "h6")
            or "title" in f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        )
        and _tag(el) != "title"
    ]
    best: tuple[float, html.HtmlElement | None] = (0.0, None)
    for el in candidates:
        text = element_text(el)
        if not 4 <= len(text) <= 300:
            continue
        score = SequenceMatcher(None, text, reference).ratio() if reference else 0.0
        if score > best[0]:
            best = (score, el)
    if best[1] is not None and best[0] >= _TITLE_MATCH:
        return best[1], _whole_title(element_text(best[1]), reference)
    # A <title> that is only the site name or "通知": the first heading outside the chrome.
    for el in root.iter("h1", "h2"):
        text = element_text(el)
        if len(text) >= 4 and not any(_is_chrome(a) for a in (el, *el.iterancestors())):
            return el, _whole_title(text, reference)
    return None, reference or None


def _whole_title(shown: str, reference: str) -> str:
    """The title a heading shows, or the <title>'s wording when the heading shortens it
    ("关于做好…申报工作的通知" under "某某厅关于做好…工程…申报工作的通知_某某厅")."""
    return reference if _shortens(shown, reference) else shown


def _shortens(text: str, reference: str) -> bool:
    """True when `text` is `reference` with words left out: all its characters, in order."""
    if len(text) < _SHORTENED_MIN or len(text) >= len(reference):
        return False
    blocks = SequenceMatcher(None, text, reference, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) == len(text)


def title_above(body: html.HtmlElement, content: html.HtmlElement) -> html.HtmlElement | None:
    """The heading or "title"-classed element nearest above the article `content` (the
    title cell of a layout table), else the first one at the top of `content`, for pages
    whose <title> names only the site."""
    found: html.HtmlElement | None = None
    for el in body.iter():
        if el is content:
            break
        if isinstance(el.tag, str) and _is_title_like(el) and 4 <= len(element_text(el)) <= 300:
            found = el
    if found is not None:
        return found
    for el in content.iterdescendants():
        if isinstance(el.tag, str) and _is_title_like(el) and 4 <= len(element_text(el)) <= 300:
            return el
    return None


def _is_title_like(el: html.HtmlElement) -> bool:
    words = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return _tag(el) in ("h1", "h2", "h3") or (_tag(el) != "title" and "title" in words)


def _weights(root: html.HtmlElement) -> dict[html.HtmlElement, int]:
    """Non-link Chinese characters inside each element."""
    weights: dict[html.HtmlElement, int] = {}

    def visit(el: html.HtmlElement) -> int:
        if _tag(el) == "a":
            total = 0
            for child in el:
                visit(child)
        else:
            total = len(_CJK_CHAR.findall(el.text or ""))
            for child in el:
                total += visit(child) + len(_CJK_CHAR.findall(child.tail or ""))
        weights[el] = total
        return total

    visit(root)
    return weights


def find_content(body: html.HtmlElement) -> html.HtmlElement:
    """The element holding the article text (see the module docstring)."""
    weights = _weights(body)
    current = body
    while True:
        children = [c for c in current if isinstance(c.tag, str) and _tag(c) not in _LEAF_TAGS]
        if not children or weights[current] == 0:
            return current
        best = max(children, key=lambda c: weights[c])
        if weights[best] < DOMINANT_SHARE * weights[current]:
            return current
        current = best
