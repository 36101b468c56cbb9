"""签到表: ID checks, keyed hashes, masking, aggregates, no personal data kept."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest

from extractors.model import Document
from normalizers.forms import normalize_form
from normalizers.forms.idcard import hash_id, id_is_valid, mask_id, normalize_id
from tests.normalizers.forms.form_docs import document

KEY = b"test-key"
HEADER = [
    "序号",
    "姓名",
    "身份证号",
    "联系电话",
    "工作单位",
    "专业技术职务\n（职称）",
    "是否\n收费",
    "签名",
]
# Format-valid numbers built for these tests (region 110101, check digit by MOD 11-2).
VALID = "11010119900307803X"
VALID_2 = "110101198001010010"


def _sheet(rows: list[list[str]], *, more: Sequence[list[list[str]]] = ()) -> Document:
    return document(
        before=["专业技术人员知识更新工程 2026 年高级研修项目学员签到表", "填报单位：武汉理工大学"],
        tables=[[HEADER, *rows], *more],
    )


def test_id_check_digit_and_birth_date() -> None:
    assert id_is_valid(VALID)
    assert id_is_valid(VALID_2)
    assert not id_is_valid(VALID[:-1] + "1")  # wrong check character
    assert not id_is_valid("110101199002308031")  # 30 February
    assert not id_is_valid("11010119900307803")  # 17 characters
    assert normalize_id(" 11010119900307803x ") == VALID


def test_mask_and_hash() -> None:
    assert mask_id(VALID) == "110101********803X"
    assert hash_id(VALID, key=KEY) != hash_id(VALID, key=b"other-key")
    assert len(hash_id(VALID, key=KEY)) == 64
    with pytest.raises(ValueError, match="pii_key is empty"):
        hash_id(VALID, key=b"")


def test_summary_counts_rows_invalid_ids_and_titles() -> None:
    doc = _sheet(
        [
            ["1", "张三", VALID, "13800000000", "武汉大学", "教授", "否", ""],
            ["2", "李四", VALID[:-1] + "1", "13900000000", "湖北工业大学", "副教授", "否", ""],
            ["3", "王五", "", "13700000000", "武汉大学", "教授", "否", ""],
            ["4", "", "", "", "", "", "", ""],  # a template row with only its 序号
        ]
    )
    records = normalize_form(doc, pii_key=KEY)
    assert records is not None
    assert records.form_type == "attendance_sheet"
    (summary,) = records.attendance_summary
    assert (summary.host_org, summary.n_rows, summary.n_invalid_ids) == ("武汉理工大学", 3, 2)
    assert summary.titles == {"教授": 2, "副教授": 1}
    people = records.attendance_people
    assert [(p.row_no, p.id_valid, p.id_masked) for p in people] == [
        (1, True, "110101********803X"),
        (2, False, "110101********8031"),
        (3, False, None),
    ]
    assert people[0].id_hash == hash_id(VALID, key=KEY)
    assert (people[0].title, people[0].employer) == ("教授", "武汉大学")


def test_sheet_continued_on_a_second_table_is_read_as_one() -> None:
    second = [["2", "李四", VALID_2, "13900000000", "湖北工业大学", "讲师", "否", ""]]
    repeated = [HEADER, ["3", "王五", VALID, "13700000000", "武汉大学", "讲师", "否", ""]]
    doc = _sheet(
        [["1", "张三", VALID, "13800000000", "武汉大学", "教授", "否", ""]], more=[second, repeated]
    )
    records = normalize_form(doc, pii_key=KEY)
    assert records is not None
    assert records.attendance_summary[0].n_rows == 3
    assert records.attendance_summary[0].titles == {"教授": 1, "讲师": 2}


def test_no_record_keeps_names_phones_or_id_numbers() -> None:
    doc = _sheet([["1", "张三", VALID, "13800000000", "武汉大学", "教授", "否", "张三"]])
    records = normalize_form(doc, pii_key=KEY)
    assert records is not None
    texts = repr([dataclasses.asdict(r) for r in records.attendance_people])
    texts += repr([dataclasses.asdict(r) for r in records.attendance_summary])
    for secret in ("张三", VALID, "13800000000"):
        assert secret not in texts


def test_blank_sign_in_template_is_no_form() -> None:
    doc = _sheet([[str(i), "", "", "", "", "", "", ""] for i in range(1, 11)])
    assert normalize_form(doc, pii_key=KEY) is None


def test_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="pii_key is empty"):
        normalize_form(_sheet([]), pii_key=b"")
