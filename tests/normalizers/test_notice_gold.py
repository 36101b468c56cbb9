"""Acceptance: the sample notices (PDF, DOCX, HTML and their plain-text seeds) read
into exactly what the hand-written gold annotations say."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from extractors.model import Document
from extractors.registry import extract
from normalizers.notice import looks_like_notice, normalize_notice
from normalizers.records import NoticeRecords

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
GOLD = ROOT / "tests" / "fixtures" / "gold" / "notices"

SOURCES = sorted(
    [p for p in RAW.iterdir() if p.suffix in (".pdf", ".docx", ".html")] + list(SEEDS.glob("*.txt"))
)
_IDS = [f"{p.stem}{p.suffix}" for p in SOURCES]


@cache
def _document(path: Path) -> Document:
    return extract(path.read_bytes(), source_uri=str(path))


@cache
def _records(path: Path) -> NoticeRecords:
    return normalize_notice(_document(path))


def _gold(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLD / f"{path.stem}.json").read_text(encoding="utf-8"))
    return data


def test_every_sample_has_a_gold_file() -> None:
    assert len(SOURCES) == 14
    assert all((GOLD / f"{p.stem}.json").exists() for p in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_notice_fields_match_gold(path: Path) -> None:
    notice = _records(path).notice
    expected = _gold(path)["notice"]
    got = {
        field: (value.isoformat() if hasattr(value, "isoformat") else value)
        for field, value in ((f, getattr(notice, f)) for f in expected)
    }
    assert got == expected
    if "published_date" not in expected:
        assert notice.published_date is None


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_projects_match_gold_in_order(path: Path) -> None:
    projects = _records(path).projects
    got = [
        {
            "funding_type": p.funding_type,
            "seq": p.seq,
            "project_name": p.project_name,
            "host_org": p.host_org,
            "applicant_org": p.applicant_org,
        }
        for p in projects
    ]
    expected = [{"applicant_org": None, **row} for row in _gold(path)["projects"]]
    assert got == expected


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_attachments_match_gold(path: Path) -> None:
    got = [(a.attachment_no, a.title) for a in _records(path).attachments]
    expected = [(a["attachment_no"], a["title"]) for a in _gold(path)["attachments"]]
    assert got == expected


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_cited_doc_numbers_match_gold(path: Path) -> None:
    got = [c.cited_doc_number for c in _records(path).cited]
    assert got == _gold(path)["cited_doc_numbers"]


def _term_key(term: dict[str, Any]) -> tuple[str, str]:
    return (term["program_level"] or "", term["term"])


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_terms_match_gold(path: Path) -> None:
    got = []
    for t in _records(path).terms:
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
            row.setdefault("value_min", None)
            row.setdefault("value_max", None)
        expected.append(row)
    assert sorted(got, key=_term_key) == sorted(expected, key=_term_key)


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_every_sample_reads_as_a_notice_without_problems(path: Path) -> None:
    assert looks_like_notice(_document(path)) is True
    assert _records(path).problems == ()


def _comparable(records: NoticeRecords) -> dict[str, Any]:
    """The curated values of a notice, without what differs by file (ids, paths, pages)."""
    notice = records.notice
    return {
        "notice": {
            f: getattr(notice, f)
            for f in notice.__dataclass_fields__
            if f not in ("notice_id", "source_uri", "published_date")
        },
        "terms": sorted(
            (
                t.program_level or "",
                t.term,
                t.value_min,
                t.value_max,
                t.approx,
                t.unit,
                t.value_date,
            )
            for t in records.terms
        ),
        "projects": [
            (p.funding_type, p.seq, p.project_name, p.host_org, p.applicant_org)
            for p in records.projects
        ],
        "attachments": [(a.attachment_no, a.title, a.kind) for a in records.attachments],
        "cited": [c.cited_doc_number for c in records.cited],
    }


@pytest.mark.parametrize("stem", sorted({p.stem for p in SOURCES if p.suffix == ".pdf"}), ids=str)
def test_pdf_docx_and_text_renderings_give_the_same_curated_rows(stem: str) -> None:
    renderings = [RAW / f"{stem}.pdf", RAW / f"{stem}.docx", SEEDS / f"{stem}.txt"]
    first, *others = (_comparable(_records(path)) for path in renderings)
    for path, other in zip(renderings[1:], others, strict=True):
        assert other == first, path.name
