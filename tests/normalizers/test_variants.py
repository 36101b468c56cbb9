"""Unseen-notice variants: other provinces, years and layouts, read end to end.

Every DOCX and PDF in `tests/fixtures/variants/` (made by `make_variants.py`, committed;
no LibreOffice at test time) goes through `extract` and the pipeline's `normalize`, and
must give exactly what its gold `<stem>.json` says: the notice fields, all policy terms,
all programmes in order, the 附件 list and the cited 文号.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from extractors.registry import extract
from normalizers.pipeline import Normalized, normalize
from normalizers.records import Attachment, CitedDocument, Notice, PlanProject, PolicyTerm

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = ROOT / "tests" / "fixtures" / "variants"
SOURCES = sorted(p for p in VARIANTS.iterdir() if p.suffix in (".docx", ".pdf"))
_IDS = [p.name for p in SOURCES]


@cache
def _normalized(path: Path) -> Normalized:
    return normalize(extract(path.read_bytes(), source_uri=str(path)), pii_key=b"k")


def _of(path: Path, kind: type) -> list[Any]:
    return [r for r in _normalized(path).records if type(r) is kind]


def _gold(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VARIANTS / f"{path.stem}.json").read_text("utf-8"))
    return data


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
    got = {
        field: (value.isoformat() if hasattr(value, "isoformat") else value)
        for field, value in ((f, getattr(notice, f)) for f in expected)
    }
    assert got == expected
    assert notice.published_date is None


def _term_key(term: dict[str, Any]) -> tuple[str, str]:
    return (term["program_level"] or "", term["term"])


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_variant_terms_match_gold(path: Path) -> None:
    got = []
    for t in _of(path, PolicyTerm):
        row: dict[str, Any] = {"program_level": t.program_level, "term": t.term}
        if t.value_date is not None:
            row["value_date"] = t.value_date.isoformat()
        else:
            row.update(value_min=t.value_min, value_max=t.value_max, unit=t.unit, approx=t.approx)
        got.append(row)
    expected = []
    for t in _gold(path)["terms"]:
        row = dict(t)
        if "value_date" not in row:
            row.setdefault("approx", False)
        expected.append(row)
    assert sorted(got, key=_term_key) == sorted(expected, key=_term_key)


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_variant_projects_match_gold_in_order(path: Path) -> None:
    got = [
        {
            "funding_type": p.funding_type,
            "seq": p.seq,
            "project_name": p.project_name,
            "host_org": p.host_org,
            "applicant_org": p.applicant_org,
        }
        for p in _of(path, PlanProject)
    ]
    expected = [{"applicant_org": None, **row} for row in _gold(path)["projects"]]
    assert got == expected


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_variant_attachments_match_gold(path: Path) -> None:
    attachments: list[Attachment] = _of(path, Attachment)
    assert [(a.attachment_no, a.title) for a in attachments] == [
        (a["attachment_no"], a["title"]) for a in _gold(path)["attachments"]
    ]
    kinds = {a["attachment_no"]: a["kind"] for a in _gold(path)["attachments"] if "kind" in a}
    assert {a.attachment_no: a.kind for a in attachments if a.attachment_no in kinds} == kinds


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_variant_cited_doc_numbers_match_gold(path: Path) -> None:
    got = [c.cited_doc_number for c in _of(path, CitedDocument)]
    assert got == _gold(path)["cited_doc_numbers"]
