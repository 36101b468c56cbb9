"""A notice's identity comes from what it is: its 文号, else issuer, title and date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extractors import Limits, extract
from normalizers.docnumbers import find_doc_numbers
from normalizers.identity import notice_identity, title_key
from normalizers.pipeline import normalize
from normalizers.records import Notice

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
VARIANTS = ROOT / "tests" / "fixtures" / "variants"


def _notice(path: Path) -> Notice:
    doc = extract(path.read_bytes(), source_uri=str(path), limits=Limits(), doc_id=path.name)
    records = normalize(doc, pii_key=b"k").records
    return next(r for r in records if isinstance(r, Notice))


@pytest.mark.parametrize(
    "stem",
    [
        "hubei_2026_plan",
        "hubei_2023_plan",
        "hubei_2025_call_for_topics",
        "fujian_2026_call_for_applications",
    ],
)
def test_every_rendition_of_a_notice_has_one_identity(stem: str) -> None:
    ids = {
        _notice(RAW / f"{stem}.docx").notice_id,
        _notice(RAW / f"{stem}.pdf").notice_id,
        _notice(SEEDS / f"{stem}.txt").notice_id,
    }
    assert len(ids) == 1


def test_variant_renditions_share_identity_and_different_notices_do_not() -> None:
    by_stem: dict[str, set[str]] = {}
    for path in sorted(VARIANTS.iterdir()):
        if path.suffix in (".docx", ".pdf"):
            by_stem.setdefault(path.stem, set()).add(_notice(path).notice_id)
    assert all(len(ids) == 1 for ids in by_stem.values()), by_stem
    all_ids = [next(iter(ids)) for ids in by_stem.values()]
    assert len(set(all_ids)) == len(all_ids)


def _number(text: str):  # type: ignore[no-untyped-def]
    (hit,) = find_doc_numbers(text)
    return hit.number


def test_the_doc_number_decides_whatever_brackets_or_issuer_spelling() -> None:
    a = notice_identity(
        doc_number=_number("新人社发〔2022〕15号"),
        issuer="新疆维吾尔自治区人力资源和社会保障厅",
        title="关于印发计划的通知",
        issued_date=date(2022, 6, 1),
        doc_id="a",
    )
    b = notice_identity(
        doc_number=_number("新人社发[2022]15号"),
        issuer="自治区人社厅",
        title=None,
        issued_date=None,
        doc_id="b",
    )
    c = notice_identity(
        doc_number=_number("新人社发〔2022〕16号"),
        issuer="新疆维吾尔自治区人力资源和社会保障厅",
        title="关于印发计划的通知",
        issued_date=date(2022, 6, 1),
        doc_id="a",
    )
    assert a == b != c


def test_without_a_doc_number_issuer_title_and_date_decide() -> None:
    base = {"doc_number": None, "issuer": "湖北省人力资源和社会保障厅", "doc_id": "x"}
    a = notice_identity(
        **base, title="关于做好2025年度高级研修项目选题征集工作的通知", issued_date=date(2025, 3, 1)
    )
    spaced = notice_identity(
        **base | {"doc_id": "y"},
        title="关于做好 2025 年度“高级研修项目”选题征集工作的通知",
        issued_date=date(2025, 3, 1),
    )
    other_day = notice_identity(
        **base, title="关于做好2025年度高级研修项目选题征集工作的通知", issued_date=date(2025, 3, 2)
    )
    assert a == spaced != other_day
    # Nothing that identifies the notice: the file does, so two files stay two.
    assert notice_identity(
        doc_number=None, issuer=None, title=None, issued_date=None, doc_id="f1"
    ) != notice_identity(doc_number=None, issuer=None, title=None, issued_date=None, doc_id="f2")


def test_title_key_ignores_width_spaces_and_quotes() -> None:
    assert title_key("关于印发《2026年 高级研修项目计划》的通知") == title_key(
        "关于印发2026年高级研修项目计划的通知"
    )
    assert title_key("ＡＢ１２") == "AB12"
