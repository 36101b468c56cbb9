"""Damaged text files are repaired and read with a warning, never refused."""

from __future__ import annotations

import os
from pathlib import Path

from extractors import MediaType, extract, sniff
from extractors.text_repair import decode_text, repair_text

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seeds" / "hubei_2026_plan.txt"


def damaged_text() -> bytes:
    """UTF-8 with a BOM, NULs, invalid sequences, ESC/BEL/FF and a trailing ^Z."""
    base = SEED.read_bytes()
    return (
        b"\xef\xbb\xbf"
        + base[:300]
        + b"\x00\x00\x1b[1m\x07"
        + base[300:600]
        + b"\xff\xfe\x80"
        + base[600:900]
        + b"\x0c"
        + base[900:]
        + b"\x1a"
    )


def test_control_character_text_is_read_as_text_with_a_warning() -> None:
    data = damaged_text()
    assert sniff(data) is MediaType.TXT
    doc = extract(data, source_uri="damaged.txt")
    assert any("control character" in p and "NUL" in p and "^Z" in p for p in doc.problems)
    assert any("invalid byte sequence" in p for p in doc.problems)
    text = doc.text
    assert "湖北省" in text
    assert not any(ch in text for ch in "\x00\x1b\x07\x1a\ufeff")


def test_utf8_with_a_few_broken_bytes_stays_utf8_not_mojibake() -> None:
    text, encoding = decode_text(
        "关于举办高级研修项目的通知".encode() + b"\xff" + "湖北省".encode()
    )
    assert encoding == "utf-8" and text.startswith("关于举办") and text.endswith("湖北省")


def test_gbk_text_is_still_read_as_gb18030() -> None:
    text, encoding = decode_text("关于举办高级研修项目的通知".encode("gbk"))
    assert encoding == "gb18030" and text == "关于举办高级研修项目的通知"


def test_clean_text_is_not_reported() -> None:
    assert repair_text("第一行\n\t第二行\f第三页") == ("第一行\n\t第二行\f第三页", [])


def test_random_bytes_are_still_unrecognised() -> None:
    for _ in range(20):
        assert sniff(os.urandom(4096)) is MediaType.UNKNOWN
