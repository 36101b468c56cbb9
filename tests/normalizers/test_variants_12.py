"""Issue 12 ("Notices nobody tuned to"): notices of provinces and layouts no other fixture
has, read end to end.

Every DOCX, PDF and text excerpt in `tests/fixtures/variants_12/` (made by
`make_variants_12.py`, committed; no LibreOffice at test time) goes through `extract` and
the pipeline's `normalize` and must give exactly its gold `<stem>.json`: its role and
problems, the notice fields (the 公文 elements of contract 0.2 included, NULL where the
notice has none), all policy terms, all programmes in order with their own level and
organisation roles, the 附件 list and the cited 文号.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from normalizers.records import Attachment, CitedDocument, Notice, PlanProject, PolicyTerm
from tests.notice_gold import (
    assert_attachments_match,
    gold_project_rows,
    gold_term_rows,
    load_gold,
    normalized,
    notice_fields,
    project_rows,
    records_of,
    term_rows,
)

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "tests" / "fixtures" / "variants_12"
SOURCES = sorted(p for p in FOLDER.iterdir() if p.suffix in (".docx", ".pdf", ".txt"))
NOTICES = [p for p in SOURCES if load_gold(FOLDER, p)["role"] == "notice"]
_IDS = [p.name for p in SOURCES]
_NOTICE_IDS = [p.name for p in NOTICES]
# Every region of these fixtures is one no other fixture folder has.
_SEEN = {"湖北省", "福建省", "全国", "江苏省", "新疆维吾尔自治区", "广西壮族自治区", "北京市"}
_SEEN |= {"四川省", "山东省", "浙江省", "江西省", "湖南省", "甘肃省", "陕西省", "安徽省"}


def _gold(path: Path) -> dict[str, Any]:
    return load_gold(FOLDER, path)


def test_the_corpus_has_ten_unseen_notices_with_gold_pdf_and_text() -> None:
    stems = {p.stem for p in SOURCES}
    assert len(stems) >= 10
    assert all((FOLDER / f"{stem}.json").exists() for stem in stems)
    assert sum(p.suffix == ".pdf" for p in SOURCES) >= 5
    assert sum(p.suffix == ".txt" for p in SOURCES) >= 3
    regions = {_gold(p)["notice"].get("region") for p in NOTICES} - {None}
    assert len(regions) >= 8 and not regions & _SEEN
    size = sum(p.stat().st_size for p in FOLDER.iterdir() if p.is_file())
    assert size < 1_500_000


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_role_kind_and_problems_match_gold(path: Path) -> None:
    result = normalized(path)
    gold = _gold(path)
    assert result.role == gold["role"]
    assert sorted(result.problems) == sorted(gold["problems"])
    if gold["role"] == "notice":
        assert result.kind == gold["notice"]["doc_type"]
    else:
        assert result.records == ()


@pytest.mark.parametrize("path", NOTICES, ids=_NOTICE_IDS)
def test_notice_fields_and_gongwen_elements_match_gold(path: Path) -> None:
    (notice,) = records_of(path, Notice)
    expected = _gold(path)["notice"]
    assert notice_fields(notice, expected) == expected


@pytest.mark.parametrize("path", NOTICES, ids=_NOTICE_IDS)
def test_terms_match_gold(path: Path) -> None:
    assert term_rows(records_of(path, PolicyTerm)) == gold_term_rows(_gold(path))


@pytest.mark.parametrize("path", NOTICES, ids=_NOTICE_IDS)
def test_projects_match_gold_in_order_with_level_and_roles(path: Path) -> None:
    assert project_rows(records_of(path, PlanProject)) == gold_project_rows(_gold(path))


@pytest.mark.parametrize("path", NOTICES, ids=_NOTICE_IDS)
def test_attachments_match_gold(path: Path) -> None:
    assert_attachments_match(records_of(path, Attachment), _gold(path))


@pytest.mark.parametrize("path", NOTICES, ids=_NOTICE_IDS)
def test_cited_doc_numbers_match_gold(path: Path) -> None:
    got = [c.cited_doc_number for c in records_of(path, CitedDocument)]
    assert got == _gold(path)["cited_doc_numbers"]
