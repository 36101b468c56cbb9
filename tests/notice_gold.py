"""Comparing a normalised notice with a gold annotation (tests/fixtures/**/<stem>.json).

Shared by the acceptance tests of the sample, variant and web-variant notices, so the
rules of comparison (dates as ISO text, approx defaulting to false, applicant_org,
sponsor_org and supervising_dept defaulting to null, program_level defaulting to the
notice's level, terms in any order, projects in order) are stated once.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from extractors.registry import extract
from normalizers.pipeline import Normalized, normalize
from normalizers.records import Attachment, Notice, PlanProject, PolicyTerm


@cache
def normalized(path: Path) -> Normalized:
    return normalize(extract(path.read_bytes(), source_uri=str(path)), pii_key=b"k")


def records_of(path: Path, kind: type) -> list[Any]:
    return [r for r in normalized(path).records if type(r) is kind]


def load_gold(folder: Path, path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / f"{path.stem}.json").read_text("utf-8"))
    return data


def notice_fields(notice: Notice, expected: dict[str, Any]) -> dict[str, Any]:
    """The notice's values of the fields the gold names, dates as ISO text."""
    values = ((f, getattr(notice, f)) for f in expected)
    return {f: (v.isoformat() if hasattr(v, "isoformat") else v) for f, v in values}


def _term_key(term: dict[str, Any]) -> tuple[str, str]:
    return (term["program_level"] or "", term["term"])


def term_rows(terms: list[PolicyTerm]) -> list[dict[str, Any]]:
    rows = []
    for t in terms:
        row: dict[str, Any] = {"program_level": t.program_level, "term": t.term}
        if t.value_date is not None:
            row["value_date"] = t.value_date.isoformat()
        else:
            row.update(value_min=t.value_min, value_max=t.value_max, unit=t.unit, approx=t.approx)
        rows.append(row)
    return sorted(rows, key=_term_key)


def gold_term_rows(gold: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [dict(t) if "value_date" in t else {"approx": False, **t} for t in gold["terms"]]
    return sorted(rows, key=_term_key)


def project_rows(projects: list[PlanProject]) -> list[dict[str, Any]]:
    return [
        {
            "program_level": p.program_level,
            "funding_type": p.funding_type,
            "seq": p.seq,
            "project_name": p.project_name,
            "host_org": p.host_org,
            "applicant_org": p.applicant_org,
            "sponsor_org": p.sponsor_org,
            "supervising_dept": p.supervising_dept,
        }
        for p in projects
    ]


def gold_project_rows(gold: dict[str, Any]) -> list[dict[str, Any]]:
    """Gold rows with the defaults of the contract: no applicant, sponsor or supervising
    department unless the gold names one, and the notice's level unless the row has its own."""
    defaults = {
        "program_level": gold["notice"].get("issuer_level"),
        "applicant_org": None,
        "sponsor_org": None,
        "supervising_dept": None,
    }
    return [{**defaults, **row} for row in gold["projects"]]


def assert_attachments_match(attachments: list[Attachment], gold: dict[str, Any]) -> None:
    """Numbers and titles in order; kinds where the gold states them."""
    assert [(a.attachment_no, a.title) for a in attachments] == [
        (a["attachment_no"], a["title"]) for a in gold["attachments"]
    ]
    kinds = {a["attachment_no"]: a["kind"] for a in gold["attachments"] if "kind" in a}
    assert {a.attachment_no: a.kind for a in attachments if a.attachment_no in kinds} == kinds
