"""Topics of programme names, from the token patterns of data/topic_patterns.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalizers.topics import OTHER_TOPIC, classify_topics, topic_names

GOLD = Path(__file__).resolve().parents[1] / "fixtures" / "gold" / "notices"

# Every project name of the gold plans, with the topics an analyst would file it under.
GOLD_TOPICS = {
    "数字技术驱动行业数字化转型": ("数字技术",),
    "区块链技术数字化工程师高级研修班": ("数字技术",),
    "农业农村数字化实践培训班": ("数字技术", "农业"),
    "静脉血栓栓塞症（VTE）防护治理管理体系的建设及实践研讨班": ("医疗健康",),
    "氢能燃料电池关键材料高级研修班": ("能源", "新材料"),
    "智能农机装备技术能力提升高级研修班": ("农业",),
    "农业地质工作专业技术人才知识更新工程": ("农业", "地质"),
    "双碳背景下的智能建造思考": ("能源", "建筑"),
    "北斗定位与多源导航新技术高级研修班": ("北斗",),
    "生猪养殖健康管理高级研修班": ("农业",),
    "功能性粮油与营养健康食品研发及产业化高级研修班": ("食品",),
    "新能源与智能网联汽车高级研修班": ("新能源汽车",),
    "面向制造业提质降本的企业智能体与具身智能开发技术高级研修班": ("人工智能", "智能制造"),
    "“经法管”智汇赋能——湖北未来产业领军人才高级研修班": ("财经管理",),
    "智能制造产线全流程智能化关键技术赋能高级研修班": ("智能制造",),
    "人工智能赋能湖北现代化产业体系创新发展高级研修班": ("人工智能",),
    "AI赋能新一代电子信息技术：前沿应用与项目实战高级研修班": ("人工智能", "电子信息"),
    "北斗+物联网赋能农业全链条智能化高级研修班": ("数字技术", "北斗", "农业"),
    "集成电路高级研修班": ("集成电路",),
    "作物精准施肥专业技术人才高级研修班": ("农业",),
    "畜禽疫病精准诊断与净化高级研修班": ("农业",),
    "《工程技术人员继续教育规定》解读与湖北工程师队伍高质量发展实践高级研修班": (OTHER_TOPIC,),
}


def _gold_project_names() -> list[str]:
    names: list[str] = []
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        names += [p["project_name"] for p in gold.get("projects", [])]
    return names


def test_the_table_covers_every_gold_project_name() -> None:
    assert sorted(_gold_project_names()) == sorted(GOLD_TOPICS)


@pytest.mark.parametrize(("name", "expected"), sorted(GOLD_TOPICS.items()))
def test_gold_project_names(name: str, expected: tuple[str, ...]) -> None:
    assert classify_topics(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # wrapped, full-width or spaced variants of the gold names
        ("数字技术驱动行业数 字化转型", ("数字技术",)),
        ("ＡＩ赋能新一代电子信息技术高级研修班", ("人工智能", "电子信息")),
        ("集成 电路高级研修班", ("集成电路",)),
        ("北斗 + 物联网赋能农业", ("数字技术", "北斗", "农业")),
        # invented names, one or more topics each
        ("新能源汽车动力电池技术高级研修班", ("新能源汽车",)),
        ("智能网联汽车测试与评价高级研修班", ("新能源汽车",)),
        ("人工智能大模型应用高级研修班", ("人工智能",)),
        ("生成式人工智能与AIGC创新应用", ("人工智能",)),
        ("机器学习与深度学习前沿", ("人工智能",)),
        ("人工智能+医疗", ("人工智能", "医疗健康")),
        ("ＡＩ赋能制造业", ("人工智能", "智能制造")),
        ("芯片设计与半导体制造工艺", ("集成电路",)),
        ("微电子与集成电路封装测试", ("集成电路",)),
        ("5G通信技术", ("电子信息",)),
        ("光电子信息技术", ("电子信息",)),
        ("电子信息产业", ("电子信息",)),
        ("大数据与云计算", ("数字技术",)),
        ("网络安全与数据安全", ("数字技术",)),
        ("电子商务人才培养", ("数字技术",)),  # 电子 inside 电子商务 is no 电子信息
        ("北斗卫星导航系统应用", ("北斗",)),
        ("GNSS高精度定位", ("北斗",)),
        ("工业互联网与智能工厂", ("智能制造",)),  # 工业互联网 is not also 数字技术
        ("数控加工与先进制造", ("智能制造",)),
        ("光伏发电与储能技术", ("能源",)),
        ("碳达峰碳中和路径", ("能源",)),
        ("新材料产业发展", ("新材料",)),
        ("石墨烯材料应用", ("新材料",)),
        ("装配式建筑与BIM技术", ("建筑",)),
        ("城市更新与智能建造", ("建筑",)),
        ("智慧农业与乡村振兴", ("农业",)),
        ("水产养殖病害防控", ("农业",)),
        ("茶产业提质增效", ("农业",)),
        ("食品安全与质量检测", ("食品",)),
        ("乳制品加工技术", ("食品",)),
        ("中医药传承创新发展", ("医疗健康",)),
        ("基层医疗卫生服务能力提升", ("医疗健康",)),
        ("肿瘤精准诊疗", ("医疗健康",)),
        ("地质灾害防治", ("地质",)),
        ("矿产资源勘查", ("地质",)),
        ("金融风险防控", ("财经管理",)),
        ("数字财税与审计", ("数字技术", "财经管理")),
        ("企业经营管理", ("财经管理",)),
    ],
)
def test_invented_names(name: str, expected: tuple[str, ...]) -> None:
    assert classify_topics(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "高级研修班", "专业技术人才知识更新工程"])
def test_names_without_a_cue_are_other(name: str) -> None:
    assert classify_topics(name) == (OTHER_TOPIC,)


def test_health_management_of_pigs_is_not_medicine() -> None:
    assert "医疗健康" not in classify_topics("生猪养殖健康管理高级研修班")


def test_topic_names_list_every_topic_once_with_other_last() -> None:
    names = topic_names()
    assert len(names) == len(set(names)) == 16
    assert names[-1] == OTHER_TOPIC
    assert {
        "人工智能",
        "集成电路",
        "农业",
        "医疗健康",
        "新能源汽车",
        "北斗",
        "智能制造",
        "建筑",
        "数字技术",
        "新材料",
        "能源",
        "食品",
        "财经管理",
        "地质",
        "电子信息",
    } < set(names)
