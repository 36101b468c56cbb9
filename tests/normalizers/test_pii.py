"""Personal data out of documents: mask_text, redact_document, and reading a redacted form.

The sign-in sheets and application forms are the real fixtures through the real
extractors; their gold JSON lists every ID number, phone number and name they hold.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.model import Document
from extractors.registry import extract
from normalizers.forms.idcard import id_is_valid, normalize_id
from normalizers.pii import (
    ID_NUMBER_PATTERN,
    MOBILE_PATTERN,
    NAME_MASK,
    PiiToken,
    mask_text,
    redact_document,
)
from normalizers.pipeline import normalize
from normalizers.records import table_of
from tests.form_gold import load_gold
from tests.normalizers.forms.form_docs import document

FIXTURES = Path(__file__).parents[1] / "fixtures"
KEY = b"pii-test-key"
FORM_FILES = sorted(
    path
    for folder in (FIXTURES / "forms", FIXTURES / "form_variants")
    for path in folder.iterdir()
    if path.suffix in (".docx", ".pdf", ".xlsx")
)
ATTENDANCE = [
    FIXTURES / "forms" / "attendance_2026_integrated_circuits.docx",
    FIXTURES / "form_variants" / "attendance_2026_xlsx_15_people.xlsx",
    FIXTURES / "form_variants" / "attendance_2026_docx_continued_table.docx",
]
APPLICATIONS = [p for p in FORM_FILES if p.name.startswith("application_")]


@cache
def _original(path: Path) -> Document:
    return extract(path.read_bytes(), source_uri=str(path))


@cache
def _redacted(path: Path) -> tuple[Document, tuple[PiiToken, ...]]:
    return redact_document(_original(path), pii_key=KEY)


def _gold(path: Path) -> dict[str, Any]:
    if path.parent.name == "forms":
        return load_gold(FIXTURES / "gold" / "forms", path.name)
    return load_gold(path.parent / "gold", path.name)


def _texts(doc: Document) -> list[str]:
    """Every text of a document that the warehouse stores or logs."""
    texts = [doc.title or "", *(b.text for b in doc.blocks), *(k.text for k in doc.links)]
    texts += [cell.text for table in doc.tables for cell in table.cells]
    return [*texts, *doc.problems, *doc.meta.values()]


def _squeezed(text: str) -> str:
    """Digits and X only, spaces and hyphens gone, full-width folded: how a number is hidden."""
    return normalize_id(text).replace("+", "")


# --- mask_text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证号：420103197503115673。", "身份证号：420103********5673。"),  # valid
        ("42010319750212157X", "420103********157X"),  # check character X
        ("证件 42060219670513457x 已核", "证件 420602********457X 已核"),  # lower-case x
        ("420103197503115674（校验位错）", "420103********5674（校验位错）"),  # bad check digit
        ("旧证 420103750311567", "旧证 420103*****1567"),  # 15 digits, before 1999
        ("４２０１０３１９７５０３１１５６７３", "420103********5673"),  # full-width
        ("420103 19750311 5673", "420103********5673"),  # with spaces
        ("4201 0319 7503 1156 73", "420103********5673"),
        ("手机13791263695", "手机137****3695"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678；", "138****5678；"),
        ("+86 15899086211", "+86 158****6211"),
        ("+8613912345678", "+86 139****5678"),
        ("（+86）13912345678", "+86 139****5678"),
        ("电话：14532379661、19389903253", "电话：145****9661、193****3253"),
        ("1 420103197503115673 13791263695", "1 420103********5673 137****3695"),
    ],
)
def test_mask_text_masks_ids_and_mobiles(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "联系电话：0591-87612629、0591-87716637",  # office numbers of a notice
        "咨询电话：027-87654321，传真：0717-6392109",
        "（0591）87612629",
        "统一社会信用代码：91420100MA4K3ABC1X",
        "统一社会信用代码：12420000420103197X",  # digits inside a code of letters and digits
        "开户账号：6222021234567890123",  # 19 digits: longer than any ID
        "账号 4201031975031156731",
        "编号A420103197503115673",
        "订单62213791263695",  # a mobile inside a longer run
        "2026年9月15日至18日，45人，130000.00元",
        "鄂人社函〔2026〕51号",
        "420103199913325673",  # month 13: no birth date
    ],
)
def test_mask_text_keeps_other_numbers(text: str) -> None:
    assert mask_text(text) == text


def _with_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


_valid_ids = st.builds(
    lambda region, days, seq: _with_check(
        f"{region}{(date(1900, 1, 1) + timedelta(days=days)):%Y%m%d}{seq:03d}"
    ),
    st.sampled_from(["110101", "420103", "420602", "350102", "440305", "820000"]),
    st.integers(0, (date(2025, 12, 31) - date(1900, 1, 1)).days),
    st.integers(0, 999),
)


def _written(number: str, style: int) -> str:
    if style == 1:
        return unicodedata.normalize("NFKC", number).translate(
            {ord(c): ord(c) + 0xFEE0 for c in "0123456789X"}
        )
    if style == 2:
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    if style == 3:
        return number.lower()
    return number


_not_alnum = st.text(
    alphabet="，。：；、（）() \n\t-—/姓名身份证号码张三李四电话", min_size=1, max_size=12
)
_any_text = st.text(alphabet="0123456789０１２３４５６７８９Xx +-（）() ，:号证码电话", max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_not_alnum, _valid_ids, st.integers(0, 3)), min_size=1, max_size=4))
def test_mask_text_never_leaves_a_valid_id(parts: list[tuple[str, str, int]]) -> None:
    text = "".join(f"{before}{_written(number, style)}" for before, number, style in parts) + "。"
    masked = mask_text(text)
    for _, number, _ in parts:
        assert number not in _squeezed(masked)
    runs = re.findall(r"[0-9X]{18}", _squeezed(masked))
    assert not any(id_is_valid(run) for run in runs)


@settings(max_examples=500, deadline=None)
@given(_any_text)
def test_masked_text_holds_nothing_the_warehouse_check_finds(text: str) -> None:
    masked = mask_text(text)
    assert re.search(ID_NUMBER_PATTERN, masked) is None
    assert re.search(MOBILE_PATTERN, masked) is None
    assert mask_text(masked) == masked


# --- redact_document on the real forms -------------------------------------------------


def test_every_form_fixture_is_found() -> None:
    assert len(FORM_FILES) == 17 and len(APPLICATIONS) == 6


@pytest.mark.parametrize("path", ATTENDANCE, ids=lambda p: p.stem)
def test_no_gold_id_phone_or_name_is_left_in_a_redacted_sheet(path: Path) -> None:
    gold = _gold(path)["fields"]
    original = _original(path)
    redacted, vault = _redacted(path)
    before, after = " ".join(_texts(original)), " ".join(_texts(redacted))
    clear = [
        *(normalize_id(n) for n in gold["id_numbers"]),
        *gold["phones"],
    ]
    assert all(c in _squeezed(before) for c in clear)  # the fixture holds them
    assert [c for c in clear if c in _squeezed(after)] == []
    assert [w for w in gold["phones_as_written"] if w in after] == []
    assert [name for name in gold["names"] if name in after] == []
    assert re.search(ID_NUMBER_PATTERN, after) is None
    assert re.search(MOBILE_PATTERN, after) is None
    assert len(vault) == gold["n_rows"]
    assert sum(not entry.id_valid for entry in vault) == gold.get("n_invalid_ids", 0)
    assert after.count(NAME_MASK) == gold["n_rows"]


@pytest.mark.parametrize("path", APPLICATIONS, ids=lambda p: p.stem)
def test_applicants_mobiles_are_masked_and_office_numbers_stay(path: Path) -> None:
    gold = _gold(path)["fields"]
    contacts = [c for c in (gold["applicant_contact"], gold["host_contact"]) if c]
    assert contacts
    after = " ".join(_texts(_redacted(path)[0]))
    for contact in contacts:
        assert contact["mobile"] not in _squeezed(after)
        assert contact["office"] in after and contact["fax"] in after
        assert contact["contact"] in after  # a contact person of an office is no participant


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_a_redacted_form_and_its_vault_read_as_the_original(path: Path) -> None:
    redacted, vault = _redacted(path)
    assert normalize(redacted, pii_key=KEY, vault=vault) == normalize(_original(path), pii_key=KEY)


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_redaction_keeps_the_layout_and_is_idempotent(path: Path) -> None:
    original = _original(path)
    redacted, vault = _redacted(path)
    assert redact_document(original, pii_key=KEY) == (redacted, vault)  # deterministic
    assert redact_document(redacted, pii_key=KEY) == (redacted, ())
    blank = {"text": ""}
    assert [dataclasses.replace(b, **blank) for b in redacted.blocks] == [
        dataclasses.replace(b, **blank) for b in original.blocks
    ]
    for ours, theirs in zip(redacted.tables, original.tables, strict=True):
        assert (ours.order, ours.page, ours.n_rows, ours.n_cols, ours.pages) == (
            theirs.order,
            theirs.page,
            theirs.n_rows,
            theirs.n_cols,
            theirs.pages,
        )
        assert [dataclasses.replace(c, text="") for c in ours.cells] == [
            dataclasses.replace(c, text="") for c in theirs.cells
        ]


def test_sheet_cells_become_tokens_masks_and_stay_readable() -> None:
    redacted, vault = _redacted(ATTENDANCE[1])
    rows = redacted.tables[0].grid()
    assert rows[1][:7] == [
        "序号",
        "姓名",
        "性别",
        "工作单位",
        "专业技术职务（职称）",
        "身份证号码",
        "手机号码",
    ]
    assert rows[2][1] == NAME_MASK
    assert rows[2][5] == "⟦身份证#1:420111********1872⟧"
    assert rows[3][6] == "156****3741"  # written 156-9615-3741
    assert rows[2][3] == "华中科技大学同济医学院附属协和医院"  # employers stay
    assert [entry.token for entry in vault] == [rows[r][5] for r in range(2, 17)]
    assert all(entry.kind == "id_number" and len(entry.id_hash) == 64 for entry in vault)


def test_the_vault_is_a_private_table() -> None:
    assert table_of(PiiToken) == "private.pii_vault"


def test_a_token_without_its_vault_entry_reads_as_an_unknown_id() -> None:
    redacted, _ = _redacted(ATTENDANCE[0])
    people = [r for r in normalize(redacted, pii_key=KEY).records if hasattr(r, "id_hash")]
    assert len(people) == 12
    assert {(p.id_hash, p.id_valid) for p in people} == {(None, False)}
    assert people[0].id_masked == "420103********5673"


# --- redact_document on hand-made documents --------------------------------------------

_SHEET_ROWS = [
    ["序号", "姓名", "身份证号码", "联系电话", "工作单位"],
    ["1", "张伟", "420103197503115673", "13791263695", "武汉大学"],
    ["2", "李娜", "无", "027-87654321", "湖北大学"],  # not an ID, still tokenised
    ["3", "王芳", "420103197503115673", "", "武汉大学"],  # the same person again
    ["4", "赵磊", "42010319750311567", "138 1234 5678", "武汉大学"],  # one digit short
    ["5", "", "", "", ""],
    ["序号", "姓名", "身份证号码", "联系电话", "工作单位"],  # header repeated
    ["6", "刘洋", "420103198001015677", "", "华中科技大学"],
]


def _sheet() -> Document:
    return document(
        ["专业技术人员知识更新工程2026年高级研修项目学员签到表", "填报单位：武汉大学"],
        [_SHEET_ROWS],
        ["联系人：邓孝蜂，联系电话：0591-87612629，手机：15880153279"],
    )


def test_id_column_cells_are_tokens_whatever_they_hold() -> None:
    redacted, vault = redact_document(_sheet(), pii_key=KEY)
    rows = redacted.tables[0].grid()
    ids = [row[2] for row in rows]
    assert ids[0] == "身份证号码" and ids[6] == "身份证号码"  # labels stay
    assert ids[1] == ids[3]  # the same number, the same token
    assert ids[5] == ""
    assert [entry.token for entry in vault] == [ids[1], ids[2], ids[4], ids[7]]
    assert [entry.id_valid for entry in vault] == [True, False, False, True]
    assert ids[2] == "⟦身份证#2:*⟧"  # "无" shows as a star, not as itself
    assert ids[4] == "⟦身份证#3:420103*******1567⟧"
    assert [row[1] for row in rows] == ["姓名", *[NAME_MASK] * 4, "", "姓名", NAME_MASK]
    assert [row[3] for row in rows][1:5] == ["137****3695", "027-87654321", "", "138****5678"]


def test_two_people_with_the_same_masked_id_get_two_tokens() -> None:
    rows = [
        ["序号", "姓名", "身份证号"],
        ["1", "张伟", "420103197503115673"],
        ["2", "李娜", "420103198001015673"],
    ]
    doc = document(["学员签到表"], [rows])
    _, vault = redact_document(doc, pii_key=KEY)
    assert len({entry.id_masked for entry in vault}) == 1
    assert len({entry.token for entry in vault}) == 2
    assert len({entry.id_hash for entry in vault}) == 2


def test_notice_texts_keep_names_and_office_numbers() -> None:
    redacted, _ = redact_document(_sheet(), pii_key=KEY)
    assert redacted.blocks[-1].text == "联系人：邓孝蜂，联系电话：0591-87612629，手机：158****3279"
    assert redacted.blocks[:2] == _sheet().blocks[:2]


def test_ids_in_free_text_titles_links_and_problems() -> None:
    doc = dataclasses.replace(
        document(["学员420103197503115673已报到"]),
        title="名单 420103197503115673",
        links=(dataclasses.replace(_link(), text="13791263695的材料"),),
        problems=("page 2: cell 420103197503115673 too long",),
    )
    redacted, vault = redact_document(doc, pii_key=KEY)
    assert len(vault) == 1
    token = vault[0].token
    assert redacted.blocks[0].text == f"学员{token}已报到"
    assert redacted.title == f"名单 {token}"
    assert redacted.links[0].text == "137****3695的材料"
    assert redacted.links[0].href == doc.links[0].href
    assert redacted.problems == ("page 2: cell 420103********5673 too long",)


def _link() -> Any:
    from extractors.model import Link

    return Link(text="", href="https://example.org/a.docx")


def test_redacting_needs_a_key() -> None:
    with pytest.raises(ValueError, match="pii_key"):
        redact_document(_sheet(), pii_key=b"")


def test_a_notice_reads_the_same_after_redaction() -> None:
    path = FIXTURES.parent.parent / "data" / "raw" / "fujian_2026_call_for_applications.docx"
    original = extract(path.read_bytes(), source_uri=str(path))
    redacted, vault = redact_document(original, pii_key=KEY)
    assert vault == ()
    assert "0591-87612629" in redacted.text
    assert normalize(redacted, pii_key=KEY) == normalize(original, pii_key=KEY)
