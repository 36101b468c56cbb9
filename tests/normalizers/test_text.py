"""clean_text and join_wrapped: wrap-inserted whitespace goes, real spaces stay."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizers.text import clean_text, is_cjk, join_wrapped

# Text mixing CJK, Latin, digits, brackets and every kind of whitespace.
_MIXED = st.text(
    # "\u0301" is a combining accent: NFC must compose it with a letter before it.
    alphabet="武汉烽火技术服务有限公司年月日AIagent0123（）〔〕,.，。 \t\n\r\u3000\xa0\u00e9\u0301",
    max_size=40,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("武汉烽火技术服务有 限公司", "武汉烽火技术服务有限公司"),
        ("2026 年 4 月 21 日", "2026年4月21日"),
        ("AI 赋能", "AI赋能"),
        ("AI Agent", "AI Agent"),
        ("  教 学 内 容  ", "教学内容"),
        ("静脉血栓栓塞症 （VTE）防护", "静脉血栓栓塞症（VTE）防护"),
        ("第六代移动通信（6G）", "第六代移动通信（6G）"),
        ("共 10 个（8 个财政资助项目）", "共10个（8个财政资助项目）"),
        ("Large   Language\tModel", "Large Language Model"),
        ("填报\u3000时间", "填报时间"),
        ("", ""),
    ],
)
def test_clean_text_drops_only_wrap_spaces(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_clean_text_keeps_full_width_brackets_as_written() -> None:
    assert clean_text("鄂人社函〔2026〕51号（附件1）") == "鄂人社函〔2026〕51号（附件1）"


def test_clean_text_composes_to_nfc() -> None:
    assert clean_text("Cafe\u0301") == "Caf\u00e9"


@pytest.mark.parametrize(
    ("cell", "joined"),
    [
        ("武汉烽火技术服务有\n限公司（烽火通信）", "武汉烽火技术服务有限公司（烽火通信）"),
        (
            "静脉血栓栓塞症（VTE）防护治理管\n理体系的建设及实践\n研讨班",
            "静脉血栓栓塞症（VTE）防护治理管理体系的建设及实践研讨班",
        ),
        ("Embodied AI\nAgents", "Embodied AI Agents"),
        ("AI\n赋能", "AI赋能"),
        ("天门市第一\r\n人民医院", "天门市第一人民医院"),
    ],
)
def test_join_wrapped_joins_cell_lines(cell: str, joined: str) -> None:
    assert join_wrapped(cell) == joined


def test_is_cjk_tells_ideographs_and_full_width_punctuation() -> None:
    assert [is_cjk(c) for c in "汉（A1，"] == [True, True, False, False, True]


@given(_MIXED)
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@given(_MIXED)
def test_join_wrapped_is_idempotent(text: str) -> None:
    once = join_wrapped(text)
    assert join_wrapped(once) == once


@given(_MIXED)
def test_clean_text_leaves_no_space_next_to_cjk_and_no_runs(text: str) -> None:
    clean = clean_text(text)
    assert unicodedata.is_normalized("NFC", clean)
    assert "  " not in clean and "\n" not in clean and clean == clean.strip()
    for i, char in enumerate(clean):
        if char == " ":
            assert not is_cjk(clean[i - 1]) and not is_cjk(clean[i + 1])
