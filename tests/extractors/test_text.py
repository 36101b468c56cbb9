"""Plain-text / Markdown extractor, on the seed texts of the sample notices."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from extractors import registry, text
from extractors.errors import EmptyDocument
from extractors.limits import Limits
from extractors.model import Document, Link, Table

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
GOLD = ROOT / "tests" / "fixtures" / "gold" / "notices"


def _seed(stem: str) -> bytes:
    return (SEEDS / f"{stem}.txt").read_bytes()


def _extract(data: bytes, uri: str = "notice.txt") -> Document:
    return text.extract(data, doc_id="t", source_uri=uri, limits=Limits(), media_type="txt")


def _rows(table: Table) -> list[list[str | None]]:
    return table.grid()


def _after(doc: Document, block_text: str) -> Table:
    items = list(doc.items())
    start = next(i for i, it in enumerate(items) if getattr(it, "text", None) == block_text)
    return next(it for it in items[start:] if isinstance(it, Table))


def test_plan_seed_yields_two_project_tables_with_the_gold_names() -> None:
    doc = _extract(_seed("hubei_2026_plan"))
    gold = json.loads((GOLD / "hubei_2026_plan.json").read_text(encoding="utf-8"))["projects"]
    for heading, funding in (
        ("财政资助项目（9 期）", "财政资助"),
        ("自筹经费项目（3期）", "自筹经费"),
    ):
        table = _after(doc, heading)
        rows = _rows(table)
        assert table.n_cols == 3
        assert rows[0] == ["序号", "项目名称", "承办单位"]
        # The seed keeps "AI 赋能"; the gold drops the space between Chinese and Latin.
        got = [[str(cell).replace(" ", "") for cell in row] for row in rows[1:]]
        want = [
            [str(p["seq"]), p["project_name"], p["host_org"]]
            for p in gold
            if p["funding_type"] == funding
        ]
        assert got == want


def test_registry_reads_a_seed_as_text() -> None:
    doc = registry.extract(_seed("hubei_2026_plan"), source_uri="seeds/hubei_2026_plan.txt")
    assert doc.media_type == "txt"
    assert doc.blocks[0].text == "湖北省人力资源和社会保障厅"


def test_each_non_empty_line_is_a_block() -> None:
    doc = _extract(_seed("hubei_2026_plan"))
    texts = [b.text for b in doc.blocks]
    assert texts[:3] == [
        "湖北省人力资源和社会保障厅",
        "鄂人社函〔2026〕51号",
        "关于印发湖北省专业技术人员知识更新工程 2026年高级研修项目计划的通知",
    ]
    assert "本期研修学员___人，实际发放___份，收回___份。" in texts  # blanks are not bold marks
    assert doc.n_pages is None and all(b.page is None for b in doc.blocks)


def test_markdown_headings_lists_and_bold_become_hints() -> None:
    doc = _extract(_seed("hubei_2025_call_for_topics"))
    first = doc.blocks[0]
    assert (first.text, first.kind, first.style) == (
        "湖北省人力资源和社会保障厅",
        "heading",
        ("h1",),
    )
    third = next(b for b in doc.blocks if b.text == "三、有关要求")
    assert (third.kind, third.style) == ("heading", ("h3",))
    note = doc.blocks[-1]
    assert note.text.startswith("注：请按照《湖北省人力资源和社会保障厅关于征集")
    assert note.text.endswith("认真填写此表并加盖申报单位印章。")
    plan = _extract(_seed("hubei_2026_plan"))
    item = next(b for b in plan.blocks if b.text == "一、项目实施基本情况")
    assert item.style == ("list",)


def test_checkbox_inputs_become_boxes_and_a_table_continues_after_a_blank_line() -> None:
    doc = _extract(_seed("hubei_2025_call_for_topics"))
    (form,) = doc.tables
    assert (form.n_rows, form.n_cols) == (16, 5)
    grid = form.grid()
    assert grid[3][1] == "□ 财政资助项目 □ 自筹经费项目（自筹经费来源：_____）"
    assert grid[9][:2] == ["申报单位信息", "单位名称"]
    assert grid[15][2] == "□ 是第__批国家级专业技术人员继续教育基地 □ 是省级继续教育基地 □ 否"
    assert "<input" not in doc.text


def test_markdown_links_give_their_text_and_a_link() -> None:
    doc = _extract(_seed("mohrss_2021_plan"))
    texts = [b.text for b in doc.blocks]
    assert "·20210416-附件1 工程2021年高级研修项目计划表.xlsx" in texts
    assert Link("20210416-附件1 工程2021年高级研修项目计划表.xlsx", "#") in doc.links
    assert "网站声明 | 网站管理 | 网站地图 | 联系我们 | 网站值班 | 访问排行" in texts
    assert doc.tables == ()  # pipes without a |---| row are no table


def test_markdown_pipe_table_skips_its_separator_row() -> None:
    data = "\n".join(
        [
            "项目",
            "",
            "| 序号 | 名称 | 承办单位 |",
            "|---|:---:|---|",
            "| 1 | 集成电路高级研修班 | 武汉理工大学 |",
            "| 2 | 短行 |",
        ]
    )
    doc = _extract(data.encode())
    (table,) = doc.tables
    assert table.grid() == [
        ["序号", "名称", "承办单位"],
        ["1", "集成电路高级研修班", "武汉理工大学"],
        ["2", "短行", ""],
    ]
    assert [b.text for b in doc.blocks] == ["项目"]


def test_gb18030_and_bom_texts_decode() -> None:
    sample = "附件：\t申报表\n第二行\n"
    for data in (sample.encode("gb18030"), codecs.BOM_UTF8 + sample.encode()):
        doc = _extract(data)
        assert [b.text for b in doc.blocks] == ["第二行"]
        assert doc.tables[0].grid() == [["附件：", "申报表"]]
    assert _extract(sample.encode("gb18030")).meta == {"encoding": "gb18030"}


def test_form_feed_starts_a_new_page() -> None:
    doc = _extract("第一页\n\f第二页\n正文\n".encode())
    assert [(b.text, b.page) for b in doc.blocks] == [("第一页", 1), ("第二页", 2), ("正文", 2)]
    assert doc.n_pages == 2


def test_blank_text_is_an_empty_document() -> None:
    with pytest.raises(EmptyDocument, match="no visible text"):
        _extract("\n \u3000\n".encode())
