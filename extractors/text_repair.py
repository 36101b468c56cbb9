"""Decoding text files whatever their state: BOM, broken byte sequences, control characters.

Real text files arrive damaged: a BOM, NULs from a bad copy, a few invalid UTF-8
sequences, ESC/BEL from a terminal capture, a DOS end-of-file ^Z. They are read, not
refused: decoded with replacement characters, stripped of control characters other
than tab, line ends and form feed (a page break), and the repair is reported so the
document loads as `partial` with a warning.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_text", "repair_text", "text_noise"]

# C0 controls except \t \n \f \r, DEL, and byte-order marks inside the text.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufeff]")
_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x1a": "^Z", "\x1b": "ESC", "\x7f": "DEL", "\ufeff": "BOM"}


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding used: BOM (UTF-8/UTF-16), UTF-8, else GB18030.

    Bytes that are no valid sequence become U+FFFD. UTF-8 with a few broken sequences
    stays UTF-8 (ten valid non-ASCII characters or more per broken one); otherwise the text is
    read as GB18030 (which covers GBK and GB2312).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    valid = sum(1 for ch in text if ord(ch) > 127) - broken
    if broken * 10 <= valid:
        return text, "utf-8"
    return data.decode("gb18030", errors="replace"), "gb18030"


def text_noise(text: str) -> float:
    """The share of characters that no text holds: controls and replacement characters."""
    if not text:
        return 0.0
    noise = len(_CONTROLS.findall(text)) + text.count("\ufffd")
    return noise / len(text)


def repair_text(text: str) -> tuple[str, list[str]]:
    """`text` without control characters, and what was repaired, in plain words."""
    found = _CONTROLS.findall(text)
    notes: list[str] = []
    replaced = text.count("\ufffd")
    if replaced:
        notes.append(f"text repaired: {replaced} invalid byte sequence(s) replaced by U+FFFD (�)")
    if found:
        kinds = sorted({_NAMES.get(ch, f"U+{ord(ch):04X}") for ch in found})
        notes.append(
            f"text repaired: {len(found)} control character(s) removed ({', '.join(kinds)})"
        )
        text = _CONTROLS.sub("", text)
    return text, notes
