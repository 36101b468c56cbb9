"""Unseen-notice variants: other provinces, years and layouts, read end to end.

Every DOCX and PDF in `tests/fixtures/variants/` (made by `make_variants.py`, committed;
no LibreOffice at test time) goes through `extract` and the pipeline's `normalize`, and
must give exactly what its gold `<stem>.json` says: the notice fields, all policy terms,
all programmes in order, the 附件 list and the cited 文号.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from normalizers.pipeline import Normalized
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
VARIANTS = ROOT / "tests" / "fixtures" / "variants"
SOURCES = sorted(p for p in VARIANTS.iterdir() if p.suffix in (".docx", ".pdf"))
_IDS = [p.name for p in SOURCES]


def _normalized(path: Path) -> Normalized:
    return normalized(path)


def _of(path: Path, kind: type) -> list[Any]:
    return records_of(path, kind)


def _gold(path: Path) -> dict[str, Any]:
    return load_gold(VARIANTS, path)


def test_every_variant_has_a_gold_file_and_the_corpus_stays_small() -> None:
    stems = {p.stem for p in SOURCES}
    assert len(stems) >= 8
    assert sum(p.suffix == ".pdf" for p in SOURCES) >= 4
    assert all((VARIANTS / f"{stem}.json").exists() for stem in stems)
    size = sum(p.stat().st_size for p in VARIANTS.iterdir() if p.is_file())
    assert size < 1_500_000


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_variant_reads_as_a_notice_without_problems(path: Path) -> None:
    result = _normalized(path)
    assert result.role == "notice"
    assert result.problems == ()
    assert result.kind == _gold(path)["notice"]["doc_type"]


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_variant_notice_fields_match_gold(path: Path) -> None:
    (notice,) = _of(path, Notice)
    expected = _gold(path)["notice"]
    assert notice_fields(notice, expected) == expected
    assert notice.published_date is None


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_variant_terms_match_gold(path: Path) -> None:
    assert term_rows(_of(path, PolicyTerm)) == gold_term_rows(_gold(path))


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_variant_projects_match_gold_in_order(path: Path) -> None:
    assert project_rows(_of(path, PlanProject)) == gold_project_rows(_gold(path))


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_variant_attachments_match_gold(path: Path) -> None:
    assert_attachments_match(_of(path, Attachment), _gold(path))


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_variant_cited_doc_numbers_match_gold(path: Path) -> None:
    got = [c.cited_doc_number for c in _of(path, CitedDocument)]
    assert got == _gold(path)["cited_doc_numbers"]
