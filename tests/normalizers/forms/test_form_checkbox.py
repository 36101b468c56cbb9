"""Tick boxes: chosen options and the text that belongs to each."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizers.forms.checkbox import batch_number, parse_options


@pytest.mark.parametrize("mark", ["☑", "■", "√", "☒", "✓", "✔", "\uf0fe"])
def test_every_tick_style_marks_a_chosen_option(mark: str) -> None:
    options = parse_options(f"□财政资助项目    {mark}自筹经费项目（自筹经费来源：_____）")
    assert [(o.label, o.checked) for o in options] == [
        ("财政资助项目", False),
        ("自筹经费项目", True),
    ]


@pytest.mark.parametrize("empty", ["□", "☐", "\uf0a8"])
def test_every_empty_box_style_is_unchosen(empty: str) -> None:
    options = parse_options(f"{empty}是省级继续教育基地{empty}否")
    assert [(o.label, o.checked) for o in options] == [
        ("是省级继续教育基地", False),
        ("否", False),
    ]


def test_text_after_a_box_up_to_the_next_box_belongs_to_it() -> None:
    options = parse_options(
        "☑服务国家战略：服务乡村振兴和粮食安全\n战略。\n□对接产业需求：\n☑突出数字技术：引入遥感监测。"
    )
    assert [(o.label, o.checked, o.detail) for o in options] == [
        ("服务国家战略", True, "服务乡村振兴和粮食安全战略。"),
        ("对接产业需求", False, None),
        ("突出数字技术", True, "引入遥感监测。"),
    ]


def test_detail_inside_the_option_brackets_drops_the_closing_bracket() -> None:
    (_, chosen) = parse_options("□财政资助项目 ☑自筹经费项目（自筹经费来源：承办单位专项经费）")
    assert chosen.detail == "承办单位专项经费"


def test_text_before_the_first_box_is_no_option() -> None:
    options = parse_options("（仅单选）■财政资助项目")
    assert [(o.label, o.checked) for o in options] == [("财政资助项目", True)]


@given(st.lists(st.tuples(st.sampled_from("☑■√□☐"), st.text("财政资助项目自筹经费：", max_size=8))))
def test_one_option_per_box_and_ticks_kept(boxes: list[tuple[str, str]]) -> None:
    options = parse_options("".join(mark + text for mark, text in boxes))
    # Marks with nothing between them are one box ("√□" is a tick typed beside □).
    expected: list[bool] = []
    follows_mark = False
    for mark, text in boxes:
        if follows_mark:
            expected[-1] = expected[-1] or mark in "☑■√"
        else:
            expected.append(mark in "☑■√")
        follows_mark = not text
    assert [o.checked for o in options] == expected


@pytest.mark.parametrize(
    "written", ["√□财政资助项目", "□√财政资助项目", "□ √ 财政资助项目", "☐✓财政资助项目"]
)
def test_a_tick_typed_beside_the_printed_box_ticks_it(written: str) -> None:
    options = parse_options(f"{written}    □自筹经费项目（自筹经费来源：____）")
    assert [(o.label, o.checked) for o in options] == [
        ("财政资助项目", True),
        ("自筹经费项目", False),
    ]


@pytest.mark.parametrize(
    ("text", "batch"),
    [
        ("是第 2 批国家级专业技术人员继续教育基地", 2),
        ("是第3批国家级继续教育基地", 3),
        ("是第三批国家级继续教育基地", 3),
        ("是第____批国家级继续教育基地", None),
    ],
)
def test_batch_number_of_a_national_base(text: str, batch: int | None) -> None:
    assert batch_number(text) == batch
