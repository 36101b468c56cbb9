"""Layout classes read end to end: two columns, other paper sizes, a landscape (and a
/Rotate 90) form page in a portrait notice, merged host cells cut by page breaks.

Every PDF in `tests/fixtures/layout/` (made by `make_layout.py`, committed) goes through
`extract` and the pipeline's `normalize` and must give exactly what its gold `<stem>.json`
says, as the variants do (`test_variants.py`).
"""

from __future__ import annotations

from pathlib import Path

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
LAYOUT = ROOT / "tests" / "fixtures" / "layout"
SOURCES = sorted(p for p in LAYOUT.iterdir() if p.suffix == ".pdf")
_IDS = [p.name for p in SOURCES]


def test_every_layout_fixture_has_a_gold_file() -> None:
    assert sum(p.suffix == ".pdf" for p in SOURCES) >= 6
    assert all((p.parent / f"{p.stem}.json").exists() for p in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_layout_fixture_reads_as_its_notice(path: Path) -> None:
    gold = load_gold(path.parent, path)
    result = normalized(path)
    assert result.role == "notice"
    assert result.problems == ()
    (notice,) = records_of(path, Notice)
    assert notice_fields(notice, gold["notice"]) == gold["notice"]


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_layout_fixture_terms_projects_attachments_citations(path: Path) -> None:
    gold = load_gold(path.parent, path)
    assert term_rows(records_of(path, PolicyTerm)) == gold_term_rows(gold)
    assert project_rows(records_of(path, PlanProject)) == gold_project_rows(gold)
    assert_attachments_match(records_of(path, Attachment), gold)
    got = [c.cited_doc_number for c in records_of(path, CitedDocument)]
    assert got == gold["cited_doc_numbers"]
