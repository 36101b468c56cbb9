"""ODT styles (styles.xml and content.xml) resolved to the look the ODT reader reports.

Only what becomes a `Block.style` hint, a heading decision or a page break is kept:
`fo:text-align`, bold, font size (the Asian size and weight first: the notices are
Chinese), colour, and page breaks before or after (`fo:break-before`/`fo:break-after`,
or a `style:master-page-name`, which always starts a new page). A style inherits from
its `style:parent-style-name` chain and then the family's `style:default-style`.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, replace

from lxml import etree

from .odt_xml import q

__all__ = ["Look", "Styles"]


@dataclass(frozen=True, slots=True)
class Look:
    align: str | None = None
    bold: bool | None = None
    size: float | None = None  # points
    color: str | None = None
    break_before: bool | None = None  # a page break (or a new page style) starts it
    break_after: bool | None = None

    def over(self, base: Look) -> Look:
        """These properties, with `base` filling in those this look leaves unset."""
        return Look(
            *(
                mine if mine is not None else theirs
                for mine, theirs in zip(astuple(self), astuple(base), strict=True)
            )
        )


def _points(value: str | None) -> float | None:
    if not value or not value.endswith("pt"):
        return None  # percentages are relative to the parent: keep the inherited size
    try:
        return float(value[:-2])
    except ValueError:
        return None


def _look(style: etree._Element) -> Look:
    para = style.find(q("style:paragraph-properties"))
    if para is None:
        para = style.find(q("style:table-properties"))
    text = style.find(q("style:text-properties"))
    align = before = after = None
    if para is not None:
        align = para.get(q("fo:text-align"))
        before = para.get(q("fo:break-before")) == "page" or None
        after = para.get(q("fo:break-after")) == "page" or None
    if style.get(q("style:master-page-name")):
        before = True  # a new page style always starts a new page
    look = Look(align=align, break_before=before, break_after=after)
    if text is None:
        return look
    weight = text.get(q("style:font-weight-asian")) or text.get(q("fo:font-weight"))
    bold = None if weight is None else weight == "bold" or (weight.isdigit() and int(weight) >= 600)
    size = _points(text.get(q("style:font-size-asian"))) or _points(text.get(q("fo:font-size")))
    return replace(look, bold=bold, size=size, color=text.get(q("fo:color")))


class Styles:
    """Paragraph and text styles of styles.xml and content.xml, resolved along parents."""

    def __init__(self, *roots: etree._Element | None) -> None:
        self._styles: dict[tuple[str, str], tuple[str | None, Look]] = {}
        self._defaults: dict[str, Look] = {}
        self._cache: dict[tuple[str, str | None], Look] = {}
        for root in roots:
            if root is None:
                continue
            for el in root.iter(q("style:default-style")):
                self._defaults[el.get(q("style:family"), "")] = _look(el)
            for el in root.iter(q("style:style")):
                key = (el.get(q("style:family"), ""), el.get(q("style:name"), ""))
                self._styles[key] = (el.get(q("style:parent-style-name")), _look(el))

    def resolve(self, family: str, name: str | None) -> Look:
        """A style's look with its parents' (and the family default) filled in."""
        key = (family, name)
        if key not in self._cache:
            chain: list[Look] = []
            seen: set[str] = set()
            while name and (family, name) in self._styles and name not in seen:
                seen.add(name)  # a parent cycle in a broken file must not loop forever
                parent, look = self._styles[(family, name)]
                chain.append(look)
                name = parent
            resolved = self._defaults.get(family, Look())
            for look in reversed(chain):
                resolved = look.over(resolved)
            self._cache[key] = resolved
        return self._cache[key]

    @property
    def body_size(self) -> float:
        return self.resolve("paragraph", "Standard").size or 12.0
