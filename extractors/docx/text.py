"""The text of one Word paragraph: runs, breaks, tabs, symbols and check boxes.

Check boxes reach a DOCX in three ways and all become visible characters:

* a `w14:checkbox` content control: its run already shows the glyph Word displays
  (☐ U+2610, ☒ U+2612, or whatever the author picked); that glyph is kept;
* a `w:sym` symbol field, or a run set in a Wingdings font: the character is a code in
  the symbol font and is mapped with `SYMBOL_FONT_CHARS` (below);
* a legacy FORMCHECKBOX field (`w:ffData/w:checkBox`): ☑ when checked, else □.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from .styles import RunProps, StyleSheet, on_off, read_rpr, w

__all__ = ["PAGE_BREAK", "SYMBOL_FONT_CHARS", "ParagraphContent", "read_paragraph", "symbol_char"]

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"

PAGE_BREAK = None  # marks a `w:br w:type="page"` among the text parts

# Symbol-font code points (low byte; Word writes them as F0xx) -> the Unicode
# character the glyph shows. Only glyphs that mean "ticked" or "empty" on a form:
#   Wingdings   A8 ◻ / 6F □ / 71 ❑ -> □; FE 🗹 -> ☑; FD 🗷 -> ☒; FC ✓; FB ✗; 6E ■
#   Wingdings 2 A3 □ / 30 □ -> □; 52 🗹 -> ☑; 51, 53, 54 🗷 -> ☒; 50 ✓; 4F ✗
SYMBOL_FONT_CHARS: dict[str, dict[int, str]] = {
    "wingdings": {
        0xA8: "□",
        0x6F: "□",
        0x71: "□",
        0xFE: "☑",
        0xFD: "☒",
        0xFC: "✓",
        0xFB: "✗",
        0x6E: "■",
    },
    "wingdings 2": {
        0xA3: "□",
        0x30: "□",
        0x52: "☑",
        0x51: "☒",
        0x53: "☒",
        0x54: "☒",
        0x50: "✓",
        0x4F: "✗",
    },
}

# Containers whose children are read as if they stood in the paragraph itself.
_TRANSPARENT = {
    w("hyperlink"),
    w("ins"),
    w("smartTag"),
    w("customXml"),
    w("fldSimple"),
    w("bdo"),
    w("dir"),
    w("moveTo"),
}


def symbol_char(font: str | None, code: int) -> str | None:
    """The Unicode character of symbol-font `code` (0x52 or 0xF052), None if unknown."""
    table = SYMBOL_FONT_CHARS.get((font or "").strip().lower())
    if table is None:
        return None
    if 0xF000 <= code <= 0xF0FF:
        code -= 0xF000
    return table.get(code)


@dataclass(slots=True)
class ParagraphContent:
    """What a paragraph shows: text parts (PAGE_BREAK between pages) and styled runs."""

    parts: list[str | None] = field(default_factory=list)
    runs: list[tuple[str, RunProps]] = field(default_factory=list)  # visible text only
    textboxes: list[etree._Element] = field(default_factory=list)  # w:txbxContent elements

    def add(self, text: str, props: RunProps | None = None) -> None:
        if text:
            self.parts.append(text)
            if props is not None:
                self.runs.append((text, props))

    @property
    def text(self) -> str:
        """The paragraph text; a page break inside it reads as a line break."""
        out: list[str] = []
        for part in self.parts:
            if part is PAGE_BREAK:
                if out:
                    out.append("\n")
            else:
                out.append(part)
        return "".join(out)

    def page_breaks_before_text(self) -> int:
        """Page breaks that come before the first visible character."""
        count = 0
        for part in self.parts:
            if part is PAGE_BREAK:
                count += 1
            elif part.strip():
                break
        return count


def _checkbox_field(fld_char: etree._Element) -> str | None:
    box = fld_char.find(f"{w('ffData')}/{w('checkBox')}")
    if box is None:
        return None
    checked = box.find(w("checked"))
    state = on_off(checked) if checked is not None else on_off(box.find(w("default")))
    return "☑" if state else "□"


def _textboxes(el: etree._Element) -> Iterator[etree._Element]:
    # mc:Fallback repeats the mc:Choice content for old readers: read one copy only.
    for box in el.iter(w("txbxContent")):
        if not any(a.tag == f"{{{MC}}}Fallback" for a in box.iterancestors()):
            yield box


def _read_run(
    run: etree._Element, base: RunProps, styles: StyleSheet, out: ParagraphContent
) -> None:
    rpr = run.find(w("rPr"))
    props = base
    if rpr is not None:
        style = rpr.find(w("rStyle"))
        if style is not None:
            props = styles.character(style.get(w("val"))).over(props)
        props = read_rpr(rpr).over(props)
    symbol_font = (props.font or "").strip().lower() in SYMBOL_FONT_CHARS
    for child in run:
        tag = child.tag
        if tag == w("t"):
            text = child.text or ""
            if symbol_font:
                # Text typed in a Wingdings font ("R" in Wingdings 2 shows a ticked box).
                text = "".join(symbol_char(props.font, ord(ch)) or ch for ch in text)
            out.add(text, props)
        elif tag in (w("tab"), w("ptab")):
            out.add("\t")
        elif tag == w("br"):
            if child.get(w("type")) == "page":
                out.parts.append(PAGE_BREAK)
            else:
                out.add("\n")
        elif tag == w("cr"):
            out.add("\n")
        elif tag == w("noBreakHyphen"):
            out.add("-", props)
        elif tag == w("sym"):
            try:
                code = int(child.get(w("char"), ""), 16)
            except ValueError:
                continue
            if 0 < code <= 0x10FFFF:
                # Unknown symbols keep their (private-use) code point: nothing is invented.
                out.add(symbol_char(child.get(w("font")), code) or chr(code), props)
        elif tag == w("fldChar"):
            box = _checkbox_field(child)
            if box:
                out.add(box, props)
        elif tag in (w("drawing"), w("pict"), f"{{{MC}}}AlternateContent"):
            out.textboxes.extend(_textboxes(child))


def _read_inline(
    el: etree._Element, base: RunProps, styles: StyleSheet, out: ParagraphContent
) -> None:
    for child in el:
        tag = child.tag
        if tag == w("r"):
            _read_run(child, base, styles, out)
        elif tag in _TRANSPARENT:
            _read_inline(child, base, styles, out)
        elif tag == w("sdt"):
            content = child.find(w("sdtContent"))
            before = len(out.parts)
            if content is not None:
                _read_inline(content, base, styles, out)
            if len(out.parts) == before:
                # An empty check box control: show its state instead of nothing.
                checked = child.find(f"{w('sdtPr')}/{{{W14}}}checkbox/{{{W14}}}checked")
                if checked is not None:
                    state = checked.get(f"{{{W14}}}val", "0") in ("1", "true")
                    out.add("☑" if state else "□", base)
        elif tag == f"{{{MC}}}AlternateContent":
            choice = child.find(f"{{{MC}}}Choice")
            if choice is not None:
                _read_inline(choice, base, styles, out)
        elif tag in (f"{{{M}}}oMath", f"{{{M}}}oMathPara"):
            out.add("".join(t.text or "" for t in child.iter(f"{{{M}}}t")), base)
        # w:del, w:moveFrom (deleted text), w:bookmark*, w:proofErr...: nothing shown.


def read_paragraph(p: etree._Element, base: RunProps, styles: StyleSheet) -> ParagraphContent:
    """Everything paragraph `p` shows, with run formatting laid over `base`."""
    out = ParagraphContent()
    _read_inline(p, base, styles, out)
    return out
