"""Regions: issuers of any province, city bureaus, ministries and 文号 prefixes."""

from __future__ import annotations

import pytest

from normalizers.regions import (
    NATIONAL,
    IssuerPlace,
    find_region,
    locate_issuer,
    province_by_name,
    province_of_city,
    provinces,
    region_of_doc_prefix,
)


def test_all_34_province_level_divisions_and_the_corps_are_known() -> None:
    names = [province.name for province in provinces()]
    assert len(names) == 35
    assert len(set(names)) == 35
    for name in (
        "新疆维吾尔自治区",
        "广西壮族自治区",
        "香港特别行政区",
        "台湾省",
        "新疆生产建设兵团",
    ):
        assert name in names


@pytest.mark.parametrize(
    ("abbreviation", "region"),
    [
        ("京", "北京市"), ("津", "天津市"), ("冀", "河北省"), ("晋", "山西省"),
        ("蒙", "内蒙古自治区"), ("辽", "辽宁省"), ("吉", "吉林省"), ("黑", "黑龙江省"),
        ("沪", "上海市"), ("苏", "江苏省"), ("浙", "浙江省"), ("皖", "安徽省"),
        ("闽", "福建省"), ("赣", "江西省"), ("鲁", "山东省"), ("豫", "河南省"),
        ("鄂", "湖北省"), ("湘", "湖南省"), ("粤", "广东省"), ("桂", "广西壮族自治区"),
        ("琼", "海南省"), ("渝", "重庆市"), ("川", "四川省"), ("蜀", "四川省"),
        ("贵", "贵州省"), ("黔", "贵州省"), ("云", "云南省"), ("滇", "云南省"),
        ("藏", "西藏自治区"), ("陕", "陕西省"), ("甘", "甘肃省"), ("青", "青海省"),
        ("宁", "宁夏回族自治区"), ("新", "新疆维吾尔自治区"), ("港", "香港特别行政区"),
        ("澳", "澳门特别行政区"), ("台", "台湾省"), ("兵团", "新疆生产建设兵团"),
    ],
)  # fmt: skip
def test_every_doc_number_abbreviation_names_its_province(abbreviation: str, region: str) -> None:
    province = province_by_name(abbreviation)
    assert province is not None
    assert province.name == region


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        ("湖北省人力资源和社会保障厅", IssuerPlace("湖北省", "provincial")),
        ("福建省人力资源和社会保障厅办公室", IssuerPlace("福建省", "provincial")),
        ("新疆维吾尔自治区人力资源和社会保障厅", IssuerPlace("新疆维吾尔自治区", "provincial")),
        ("广西壮族自治区人力资源和社会保障厅", IssuerPlace("广西壮族自治区", "provincial")),
        ("内蒙古自治区人力资源和社会保障厅", IssuerPlace("内蒙古自治区", "provincial")),
        ("北京市人力资源和社会保障局", IssuerPlace("北京市", "provincial")),
        ("新疆生产建设兵团人力资源和社会保障局", IssuerPlace("新疆生产建设兵团", "provincial")),
        ("广西人社厅", IssuerPlace("广西壮族自治区", "provincial")),
        ("人力资源社会保障部办公厅", IssuerPlace(NATIONAL, "national")),
        ("人力资源和社会保障部", IssuerPlace(NATIONAL, "national")),
        ("中华人民共和国人力资源和社会保障部", IssuerPlace(NATIONAL, "national")),
        ("武汉市人力资源和社会保障局", IssuerPlace("湖北省", "municipal", "武汉市")),
        ("深圳市人力资源和社会保障局", IssuerPlace("广东省", "municipal", "深圳市")),
        ("吉林市人力资源和社会保障局", IssuerPlace("吉林省", "municipal", "吉林市")),
        (
            "海南藏族自治州人力资源和社会保障局",
            IssuerPlace("青海省", "municipal", "海南藏族自治州"),
        ),
        ("湖北省黄冈市人力资源和社会保障局", IssuerPlace("湖北省", "municipal", "黄冈市")),
        ("北京市海淀区人力资源和社会保障局", IssuerPlace("北京市", "municipal")),
        (
            "乌鲁木齐市人力资源和社会保障局",
            IssuerPlace("新疆维吾尔自治区", "municipal", "乌鲁木齐市"),
        ),
    ],
)
def test_issuer_gives_region_and_level(issuer: str, expected: IssuerPlace) -> None:
    assert locate_issuer(issuer) == expected


@pytest.mark.parametrize("issuer", ["省人力资源和社会保障厅", "", "专业技术人员职称处"])
def test_issuer_without_a_place_gives_none(issuer: str) -> None:
    assert locate_issuer(issuer) is None


@pytest.mark.parametrize(
    ("prefix", "region"),
    [
        ("鄂人社函", "湖北省"),
        ("闽人社文办", "福建省"),
        ("新人社函", "新疆维吾尔自治区"),
        ("桂人社发", "广西壮族自治区"),
        ("内人社办发", "内蒙古自治区"),
        ("兵人社发", "新疆生产建设兵团"),
        ("滇人社发", "云南省"),
        ("京人社专技字", "北京市"),
        ("人社厅发", NATIONAL),
        ("人社部函", NATIONAL),
        ("国办发", NATIONAL),
    ],
)
def test_doc_number_prefix_points_to_its_region(prefix: str, region: str) -> None:
    assert region_of_doc_prefix(prefix) == region


def test_prefix_of_an_unknown_office_gives_none() -> None:
    assert region_of_doc_prefix("武人社") is None


def test_city_maps_to_its_province() -> None:
    assert province_of_city("襄阳市") == "湖北省"
    assert province_of_city("喀什地区") == "新疆维吾尔自治区"
    assert province_of_city("湖北省") is None


def test_find_region_reads_the_first_region_a_text_names() -> None:
    assert find_region("关于公布广东省2024年高级研修项目的通知") == "广东省"
    assert find_region("深圳市某某大学") == "广东省"
    assert find_region("专业技术人才知识更新工程") is None
