"""满意度测评统计表 from hand-built documents."""

from __future__ import annotations

import pytest

from extractors.model import Document
from normalizers.forms import normalize_form
from normalizers.forms.satisfaction import read_counts
from normalizers.forms.values import parse_rate, parse_rates, spaced_text
from tests.normalizers.forms.form_docs import LEFT, UP, document

KEY = b"test-key"
HEADER = [
    ["评价项目", "评价内容", LEFT, "统计结果", LEFT, LEFT, LEFT],
    [UP, "授课项目", "授课人", "优秀率", "良好率", "一般率", "较差率"],
]


def _stats(rows: list[list[str]], title: str = "学员满意度测评统计表") -> Document:
    return document(
        before=[
            "专业技术人员知识更新工程高级研修项目",
            title,
            "本期研修学员45人，实际发放45份，收回43份。",
            "承办单位（印章）：武汉理工大学",
        ],
        tables=[[*HEADER, *rows, ["意见与建议", "无", LEFT, LEFT, LEFT, LEFT, LEFT]]],
    )


@pytest.mark.parametrize(
    ("text", "rate"),
    [("95.3%", 0.953), ("0%", 0.0), ("100.0%", 1.0), ("４.７％", 0.047), ("95.3", 0.953),
     ("0.953", 0.953), ("", None), ("—", None), ("优", None)],
)  # fmt: skip
def test_rates_become_fractions(text: str, rate: float | None) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize(
    ("texts", "rates"),
    [
        (["96.5", "3.0", "0.5", "0"], [0.965, 0.03, 0.005, 0.0]),
        (["0.92", "0.08", "0", "0"], [0.92, 0.08, 0.0, 0.0]),
        (["0.92", "0.08", "0%", "0%"], [0.92, 0.08, 0.0, 0.0]),
        (["95%", "4.5", "0.5", "0"], [0.95, 0.045, 0.005, 0.0]),
        (["95.0%", "2.5%", "2.5%", "0.0%"], [0.95, 0.025, 0.025, 0.0]),
        (["1", "0", "0", ""], [1.0, 0.0, 0.0, None]),
        (["0.5", None, "—", "优"], [0.5, None, None, None]),
    ],
)
def test_bare_numbers_of_a_row_are_read_one_way(
    texts: list[str | None], rates: list[float | None]
) -> None:
    assert parse_rates(texts) == rates


def test_lecturer_keeps_typed_spaces_but_not_wraps() -> None:
    assert spaced_text("周立衡 教授") == "周立衡 教授"
    assert spaced_text("何文博 正高级\n工程师") == "何文博 正高级工程师"
    assert spaced_text("  ") is None


def test_counts_from_the_opening_line() -> None:
    assert read_counts("本期研修学员45人，实际发放45份，收回43份。") == {
        "n_participants": 45,
        "n_distributed": 45,
        "n_returned": 43,
    }
    assert read_counts("本期研修学员___人，实际发放___份，收回___份。") == {
        "n_participants": None,
        "n_distributed": None,
        "n_returned": None,
    }


def test_rows_per_category_with_items_lecturers_and_overall() -> None:
    doc = _stats(
        [
            ["师资评价", "芯片设计方法学", "何文博 正高级工程师", "90.7%", "9.3%", "0%", "0%"],
            [UP, "先进封装技术", "孙嘉言 研究员", "93.0%", "7.0%", "0%", "0%"],
            ["教学评价", "教 学 内 容", LEFT, "95.3%", "4.7%", "0%", "0%"],
            [UP, "综合评价", LEFT, "93.0%", "7.0%", "0%", "0%"],
            ["服务管理评价", "组织管理", LEFT, "97.7%", "2.3%", "0%", "0%"],
            ["", "后勤保障", LEFT, "88.4%", "9.3%", "2.3%", "0%"],
            ["学员满意度评价", "", "", "95.3%", "4.7%", "0%", "0%"],
        ]
    )
    records = normalize_form(doc, pii_key=KEY)
    assert records is not None
    assert records.form_type == "satisfaction_stats"
    rows = [(s.line_no, s.category, s.item, s.lecturer) for s in records.satisfaction_stats]
    assert rows == [
        (1, "师资评价", "芯片设计方法学", "何文博 正高级工程师"),
        (2, "师资评价", "先进封装技术", "孙嘉言 研究员"),
        (3, "教学评价", "教学内容", None),
        (4, "教学评价", "综合评价", None),
        (5, "服务管理评价", "组织管理", None),
        (6, "服务管理评价", "后勤保障", None),  # an empty category cell carries on
        (7, "学员满意度评价", None, None),
    ]
    first = records.satisfaction_stats[0]
    assert (first.excellent_rate, first.good_rate, first.fair_rate, first.poor_rate) == (
        0.907,
        0.093,
        0.0,
        0.0,
    )
    assert (first.n_participants, first.n_distributed, first.n_returned) == (45, 45, 43)


def test_columns_are_found_by_label_not_position() -> None:
    doc = document(
        before=["学员满意度测评统计表"],
        tables=[
            [
                ["评价项目", "评价内容", "较差率", "一般率", "良好率", "优秀率"],
                ["教学评价", "教学水平", "0%", "1.0%", "9.0%", "90.0%"],
            ]
        ],
    )
    records = normalize_form(doc, pii_key=KEY)
    assert records is not None
    stat = records.satisfaction_stats[0]
    assert (stat.item, stat.excellent_rate, stat.poor_rate) == ("教学水平", 0.9, 0.0)


def test_blank_statistics_template_is_no_form() -> None:
    doc = _stats(
        [["师资评价", "", "", "", "", "", ""], ["教学评价", "教学内容", LEFT, "", "", "", ""]]
    )
    assert normalize_form(doc, pii_key=KEY) is None


def test_blank_survey_is_not_taken_for_statistics() -> None:
    rows = [["师资评价", "芯片设计", "何文博", "90.7%", "9.3%", "0%", "0%"]]
    assert normalize_form(_stats(rows, title="学员满意度测评表"), pii_key=KEY) is None
