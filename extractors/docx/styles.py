"""Word styles (styles.xml) resolved to the few properties the DOCX extractor reports.

Only what becomes a `Block.style` hint or a `kind="heading"` decision is resolved:
bold, font size, colour, font name (to spot symbol fonts such as Wingdings),
alignment, page-break-before, outline level / heading style, and list numbering.
Properties follow Word's precedence: document defaults < paragraph style chain
(`basedOn`) < character style chain < direct formatting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lxml import etree

__all__ = [
    "ParaProps",
    "RunProps",
    "StyleSheet",
    "W",
    "on_off",
    "read_ppr",
    "read_rpr",
    "w",
]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(name: str) -> str:
    """The Clark name of a WordprocessingML element or attribute: w("p") -> "{...}p"."""
    return f"{{{W}}}{name}"


_VAL = w("val")
# English and Chinese (WPS, localised Word) names of heading styles.
_HEADING_NAME = re.compile(r"^(?:heading\s*\d|title|标题\s*\d?|标题)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RunProps:
    """Character formatting; None means "not said here, inherit"."""

    bold: bool | None = None
    size: int | None = None  # half-points (w:sz), as Word stores it
    color: str | None = None  # "RRGGBB" or "auto"
    font: str | None = None  # w:rFonts ascii/hAnsi, to recognise symbol fonts

    def over(self, base: RunProps) -> RunProps:
        """These properties laid over `base`: set values win, None inherits."""
        return RunProps(
            bold=base.bold if self.bold is None else self.bold,
            size=base.size if self.size is None else self.size,
            color=base.color if self.color is None else self.color,
            font=base.font if self.font is None else self.font,
        )


@dataclass(frozen=True, slots=True)
class ParaProps:
    """Paragraph formatting; None means "not said here, inherit"."""

    jc: str | None = None
    page_break_before: bool | None = None
    outline_level: int | None = None
    num_id: str | None = None
    ilvl: int | None = None
    heading_style: bool = False
    run: RunProps = RunProps()

    def over(self, base: ParaProps) -> ParaProps:
        return ParaProps(
            jc=base.jc if self.jc is None else self.jc,
            page_break_before=(
                base.page_break_before if self.page_break_before is None else self.page_break_before
            ),
            outline_level=base.outline_level if self.outline_level is None else self.outline_level,
            num_id=base.num_id if self.num_id is None else self.num_id,
            ilvl=base.ilvl if self.ilvl is None else self.ilvl,
            heading_style=self.heading_style or base.heading_style,
            run=self.run.over(base.run),
        )


def on_off(el: etree._Element | None) -> bool | None:
    """A WordprocessingML on/off property: present without val (or val true/1/on) is on."""
    if el is None:
        return None
    return el.get(_VAL, "true").lower() not in ("false", "0", "off", "none")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def read_rpr(rpr: etree._Element | None) -> RunProps:
    """Direct character formatting of a w:rPr element."""
    if rpr is None:
        return RunProps()
    sz = rpr.find(w("sz"))
    color = rpr.find(w("color"))
    fonts = rpr.find(w("rFonts"))
    font = None
    if fonts is not None:
        font = fonts.get(w("ascii")) or fonts.get(w("hAnsi"))
    return RunProps(
        bold=on_off(rpr.find(w("b"))),
        size=_int(sz.get(_VAL)) if sz is not None else None,
        color=color.get(_VAL) if color is not None else None,
        font=font,
    )


def read_ppr(ppr: etree._Element | None) -> ParaProps:
    """Direct paragraph formatting of a w:pPr element (its w:rPr is the paragraph mark's)."""
    if ppr is None:
        return ParaProps()
    jc = ppr.find(w("jc"))
    outline = ppr.find(w("outlineLvl"))
    num = ppr.find(w("numPr"))
    num_id = ilvl = None
    if num is not None:
        num_id_el, ilvl_el = num.find(w("numId")), num.find(w("ilvl"))
        num_id = num_id_el.get(_VAL) if num_id_el is not None else None
        ilvl = _int(ilvl_el.get(_VAL)) if ilvl_el is not None else None
    level = _int(outline.get(_VAL)) if outline is not None else None
    return ParaProps(
        jc=jc.get(_VAL) if jc is not None else None,
        page_break_before=on_off(ppr.find(w("pageBreakBefore"))),
        # Level 9 means "body text" in Word.
        outline_level=level if level is not None and level < 9 else None,
        num_id=num_id,
        ilvl=ilvl,
    )


@dataclass(slots=True)
class _Style:
    kind: str
    based_on: str | None
    para: ParaProps
    run: RunProps


class StyleSheet:
    """The styles of one document, resolved along their `basedOn` chains on demand."""

    def __init__(self, root: etree._Element | None) -> None:
        self._styles: dict[str, _Style] = {}
        self._default_para: str | None = None
        self._default_char: str | None = None
        self._defaults_run = RunProps()
        self._defaults_para = ParaProps()
        self._para_cache: dict[str | None, ParaProps] = {}
        self._char_cache: dict[str | None, RunProps] = {}
        if root is not None:
            self._load(root)

    def _load(self, root: etree._Element) -> None:
        defaults = root.find(w("docDefaults"))
        if defaults is not None:
            self._defaults_run = read_rpr(defaults.find(f"{w('rPrDefault')}/{w('rPr')}"))
            self._defaults_para = read_ppr(defaults.find(f"{w('pPrDefault')}/{w('pPr')}"))
        for style in root.iter(w("style")):
            style_id = style.get(w("styleId"))
            if not style_id:
                continue
            kind = style.get(w("type"), "paragraph")
            name_el = style.find(w("name"))
            name = (name_el.get(_VAL) or "") if name_el is not None else ""
            based = style.find(w("basedOn"))
            para = read_ppr(style.find(w("pPr")))
            if _HEADING_NAME.match(name.strip()) or _HEADING_NAME.match(style_id):
                para = replace(para, heading_style=True)
            self._styles[style_id] = _Style(
                kind=kind,
                based_on=based.get(_VAL) if based is not None else None,
                para=para,
                run=read_rpr(style.find(w("rPr"))),
            )
            if style.get(w("default")) in ("1", "true", "on"):
                if kind == "paragraph":
                    self._default_para = style_id
                elif kind == "character":
                    self._default_char = style_id
        # LibreOffice writes its default paragraph style "Normal" without w:default="1";
        # Word treats "Normal" as the default then too.
        if self._default_para is None and "Normal" in self._styles:
            self._default_para = "Normal"

    def _chain(self, style_id: str | None) -> list[_Style]:
        chain: list[_Style] = []
        seen: set[str] = set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)  # a basedOn cycle in a broken file must not loop forever
            style = self._styles[style_id]
            chain.append(style)
            style_id = style.based_on
        return chain

    def paragraph(self, style_id: str | None) -> ParaProps:
        """Resolved properties of a paragraph style (None: the default paragraph style)."""
        if style_id not in self._para_cache:
            resolved = replace(self._defaults_para, run=self._defaults_run)
            chain = self._chain(style_id if style_id in self._styles else self._default_para)
            for style in reversed(chain):
                resolved = replace(style.para, run=style.run).over(resolved)
            self._para_cache[style_id] = resolved
        return self._para_cache[style_id]

    def character(self, style_id: str | None) -> RunProps:
        """Resolved run properties of a character style (without document defaults)."""
        if style_id not in self._char_cache:
            resolved = RunProps()
            for style in reversed(self._chain(style_id)):
                resolved = style.run.over(resolved)
            self._char_cache[style_id] = resolved
        return self._char_cache[style_id]

    @property
    def body_size(self) -> int:
        """Font size of ordinary text in half-points (Word's default is 10 pt = 20)."""
        return self.paragraph(None).run.size or 20
