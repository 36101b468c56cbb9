"""Canonical organisation names and organisation types."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizers.orgs import ORG_TYPES, canonical_org, org_type, split_orgs

DATA = Path(__file__).resolve().parents[2] / "normalizers" / "data"
FENGHUO = "武汉烽火技术服务有限公司"


@pytest.mark.parametrize(
    "raw",
    [
        "武汉烽火技术服务有 限公司（烽火通信）",  # as the 2023 Hubei plan wraps it
        "武汉烽火技术服务有限公司（烽火通信）",
        "武汉烽火技术服务有限公司(烽火通信)",
        "武汉烽火技术服务有限公司 ( 烽火通信 )",
        "武汉烽火技术服务有 限公司",
        "武汉烽火技术服务\n有限公司",
        "烽火通信",
        " 烽火通信 ",
        "\u3000武汉烽火技术服务有限公司\u200b",
    ],
)
def test_fenghuo_variants_collapse_to_one_name(raw: str) -> None:
    assert canonical_org(raw) == FENGHUO


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("中国地质大学（武汉）", "中国地质大学（武汉）"),
        ("中国地质大学(武汉)", "中国地质大学（武汉）"),
        ("中国地质大学 （武汉）", "中国地质大学（武汉）"),
        ("地大(武汉)", "中国地质大学（武汉）"),
        ("中国石油大学（华东）", "中国石油大学（华东）"),  # a campus that is no city
        ("哈尔滨工业大学（威海）", "哈尔滨工业大学（威海）"),
        ("北京师范大学（珠海）", "北京师范大学（珠海）"),
        ("西南交通大学（峨眉校区）", "西南交通大学（峨眉校区）"),
        ("某某创业投资基金（有限合伙）", "某某创业投资基金（有限合伙）"),
    ],
)
def test_meaningful_brackets_stay(raw: str, expected: str) -> None:
    assert canonical_org(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("华为技术有限公司（华为）", "华为技术有限公司"),  # brand repeats part of the name
        ("武汉大学（武大）", "武汉大学"),  # a known short name
        ("武汉职业技术大学（原武汉职业技术学院）", "武汉职业技术大学"),  # former name
        ("湖北省智慧建造产业 发展研究院股份有 限公司", "湖北省智慧建造产业发展研究院股份有限公司"),
        ("华中科大", "华中科技大学"),
        ("人社部", "人力资源社会保障部"),
        ("AI Lab 有限公司", "AI Lab有限公司"),
        ("ＡＢＣ科技有限公司", "ABC科技有限公司"),
    ],
)
def test_brand_brackets_aliases_and_wrapping_are_removed(raw: str, expected: str) -> None:
    assert canonical_org(raw) == expected


def test_a_bracket_holding_an_unrelated_word_is_kept() -> None:
    # 同济医学院 shares no word with 华中科技大学: not provably an alias, so it stays.
    assert canonical_org("华中科技大学（同济医学院）") == "华中科技大学（同济医学院）"


def test_every_canonical_name_in_the_alias_file_is_its_own_canonical_name() -> None:
    aliases = json.loads((DATA / "org_aliases.json").read_text(encoding="utf-8"))["aliases"]
    for canonical, names in aliases.items():
        assert canonical_org(canonical) == canonical
        for name in names:
            assert canonical_org(name) == canonical


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("华中科技大学", "university"),
        ("中国地质大学（武汉）", "university"),
        ("武汉职业技术大学", "university"),
        ("湖北职业技术学院", "university"),
        ("华中科技大学同济医学院", "university"),
        ("武汉烽火技术服务有 限公司（烽火通信）", "company"),
        ("湖北省智慧建造产业发展研究院股份有限公司", "company"),  # 研究院 inside, 公司 at the end
        ("中国宝武钢铁集团", "company"),
        ("天门市第一人民医院", "hospital"),
        ("华中科技大学同济医学院附属协和医院", "hospital"),
        ("武汉市妇幼保健院", "hospital"),
        ("武汉市农业科学院", "research_institute"),  # 科学院, not 学院
        ("中国科学院武汉分院", "research_institute"),
        ("湖北省地质调查研究所", "research_institute"),
        ("国家数字化设计与制造创新中心", "research_institute"),
        ("湖北省人力资源和社会保障厅", "government"),
        ("人力资源社会保障部办公厅", "government"),
        ("武汉市人力资源和社会保障局", "government"),
        ("武汉市", "government"),  # a plan's 申报单位 column names a city
        ("天门市", "government"),
        ("湖北省", "government"),
        ("神农架林区", "government"),
        ("武汉现代农业教育中心", "other"),  # a 中心 that does no research
        ("湖北省老年大学协会", "other"),
        ("", "other"),
    ],
)
def test_org_type_from_suffix_rules(name: str, expected: str) -> None:
    assert org_type(name) == expected


def test_org_types_are_the_contract_values() -> None:
    assert set(ORG_TYPES) == {
        "university",
        "company",
        "hospital",
        "research_institute",
        "government",
        "other",
    }


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("华中科技大学、武汉大学", ("华中科技大学", "武汉大学")),
        ("华中科技大学；烽火通信", ("华中科技大学", FENGHUO)),
        ("中国地质大学（武汉、北京）", ("中国地质大学（武汉、北京）",)),  # not inside brackets
        ("武汉烽火技术服务有\n限公司", (FENGHUO,)),  # a wrapped line is no separator
        ("武汉大学、武汉大学", ("武汉大学",)),
        ("", ()),
        (None, ()),
    ],
)
def test_split_orgs(cell: str | None, expected: tuple[str, ...]) -> None:
    assert split_orgs(cell) == expected


_NAME_PARTS = st.sampled_from(
    [
        "武汉",
        "烽火",
        "技术服务",
        "有限公司",
        "有 限公司",
        "大学",
        "中国地质大学",
        "（",
        "）",
        "(",
        ")",
        "武汉市",
        "烽火通信",
        "人社部",
        "原",
        "校区",
        "医院",
        " ",
        "\n",
        "\u3000",
        "AI",
        "Lab",
        "ＡＢ",
        "、",
        "\u200b",
        "か",
        "\u3099",
        "e",
        "\u0301",
    ]
)


@given(st.lists(_NAME_PARTS, max_size=10).map("".join))
def test_canonical_org_is_idempotent_on_name_like_text(name: str) -> None:
    once = canonical_org(name)
    assert canonical_org(once) == once


@given(st.text(max_size=30))
def test_canonical_org_is_idempotent_on_any_text(name: str) -> None:
    once = canonical_org(name)
    assert canonical_org(once) == once
    assert org_type(name) in ORG_TYPES
