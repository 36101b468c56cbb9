"""文号 and 令 numbers: normalisation, prefixes that stop at the office, spans."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizers.docnumbers import DocNumber, find_doc_numbers, parse_doc_number


@pytest.mark.parametrize(
    "text",
    [
        "鄂人社函〔2026〕51号",
        "鄂人社函[2026]51号",
        "鄂人社函【2026】51号",
        "鄂人社函(2026)51号",
        "鄂人社函（2026）51号",
        "鄂人社函［2026］51号",
        "鄂人社函〔 2026 〕51 号",
        "鄂人社函 〔2026〕 51号",
        "鄂人社函〔2026〕\n51号",
        "鄂人社函〔２０２６〕５１号",
    ],
)
def test_any_bracket_and_inner_spacing_normalise_to_tortoise_shell_brackets(text: str) -> None:
    assert parse_doc_number(text) == DocNumber(
        text="鄂人社函〔2026〕51号", prefix="鄂人社函", year=2026, serial=51
    )


def test_space_between_prefix_and_bracket_is_dropped() -> None:
    assert parse_doc_number("湘政发 〔2009〕30号") == DocNumber(
        "湘政发〔2009〕30号", "湘政发", 2009, 30
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("人社部令第25号", DocNumber("人社部令第25号", "人社部令", None, 25)),
        ("国务院令第七百三十二号", DocNumber("国务院令第732号", "国务院令", None, 732)),
        ("人社部令 第 25 号", DocNumber("人社部令第25号", "人社部令", None, 25)),
        (
            "中华人民共和国人力资源和社会保障部令第25号",
            DocNumber("人力资源和社会保障部令第25号", "人力资源和社会保障部令", None, 25),
        ),
    ],
)
def test_decree_numbers_have_prefix_serial_and_no_year(text: str, expected: DocNumber) -> None:
    assert parse_doc_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（人社厅发〔2024〕55号）", "人社厅发〔2024〕55号"),
        (
            "根据人社部办公厅《关于征集专业技术人员知识更新工程2025年高级研修项目选题的通知》"
            "（人社厅函〔2024〕179号）精神",
            "人社厅函〔2024〕179号",
        ),
        ("闽人社文办〔2023〕222号文附件1", "闽人社文办〔2023〕222号"),
        ("根据鄂人社发〔2022〕56号文件要求", "鄂人社发〔2022〕56号"),
        ("按照粤人社规〔2021〕3号规定", "粤人社规〔2021〕3号"),
        ("参照京人社专技字〔2019〕12号执行", "京人社专技字〔2019〕12号"),
        ("依据人社部令第25号和人社部发〔2021〕73号", "人社部令第25号"),
        ("内人社办发[2020]105号", "内人社办发〔2020〕105号"),
        ("再次重申鄂人社发〔2022〕56号的要求", "鄂人社发〔2022〕56号"),
        ("请再次学习人社厅发〔2024〕55号", "人社厅发〔2024〕55号"),
        ("（中青发〔2020〕1号）", "中青发〔2020〕1号"),
    ],
)
def test_prefix_starts_at_the_office_abbreviation_not_the_sentence(
    text: str, expected: str
) -> None:
    number = parse_doc_number(text)
    assert number is not None
    assert number.text == expected


def test_find_doc_numbers_returns_every_number_in_order_with_spans() -> None:
    text = "根据《规定》（人社部令第25号）和《方案》（人社部发〔2021〕73号）精神"
    hits = find_doc_numbers(text)
    assert [hit.number.text for hit in hits] == ["人社部令第25号", "人社部发〔2021〕73号"]
    assert [text[hit.start : hit.end] for hit in hits] == [
        "人社部令第25号",
        "人社部发〔2021〕73号",
    ]


def test_span_covers_the_original_spelling_with_its_spaces() -> None:
    text = "见鄂人社函〔 2026 〕51 号。"
    (hit,) = find_doc_numbers(text)
    assert text[hit.start : hit.end] == "鄂人社函〔 2026 〕51 号"
    assert hit.number.serial == 51


@pytest.mark.parametrize(
    "text",
    [
        "京ICP备09079694号",
        "2026年4月21日",
        "令第3号",
        "第25号",
        "（2026）",
        "每期上限13万元",
        "地址：福州市鼓楼区鼓东路44号",
    ],
)
def test_text_without_a_document_number_gives_none(text: str) -> None:
    assert parse_doc_number(text) is None
    assert find_doc_numbers(text) == []


def test_year_out_of_range_is_not_a_document_number() -> None:
    assert parse_doc_number("某某发〔1234〕5号") is None


_PREFIXES = st.sampled_from(
    ["鄂人社函", "人社厅发", "闽人社文办", "湘政发", "桂人社发", "新人社函"]
)
_OPEN_CLOSE = st.sampled_from(["〔〕", "[]", "【】", "()", "（）", "［］"])


@given(
    prefix=_PREFIXES,
    brackets=_OPEN_CLOSE,
    year=st.integers(min_value=1990, max_value=2099),
    serial=st.integers(min_value=1, max_value=9999),
    gap=st.sampled_from(["", " ", "\n", "  "]),
)
def test_parsing_a_normalised_number_gives_it_back(
    prefix: str, brackets: str, year: int, serial: int, gap: str
) -> None:
    written = f"{prefix}{gap}{brackets[0]}{gap}{year}{gap}{brackets[1]}{serial}{gap}号"
    number = parse_doc_number(written)
    assert number == DocNumber(f"{prefix}〔{year}〕{serial}号", prefix, year, serial)
    assert parse_doc_number(number.text) == number
