"""Domain records that cross from normalizers/ into warehouse/.

Frozen dataclasses with explicit types. Field names equal the column names of
the curated tables in docs/DATA_CONTRACT.md, so the warehouse loads them by
name. Each record carries its provenance (doc id, page, table, evidence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "Attachment",
    "CitedDocument",
    "Notice",
    "NoticeRecords",
    "PlanProject",
    "PolicyTerm",
]


@dataclass(frozen=True, slots=True)
class Notice:
    notice_id: str
    source_uri: str
    title: str | None
    issuer: str | None
    issuer_level: str | None  # national | provincial | municipal
    region: str | None  # 湖北省 … or 全国
    doc_number: str | None  # 鄂人社函〔2026〕51号
    doc_number_prefix: str | None
    doc_number_year: int | None
    doc_number_serial: int | None
    doc_type: str  # plan | call_for_topics | call_for_applications | other
    plan_year: int | None
    issued_date: date | None
    published_date: date | None = None


@dataclass(frozen=True, slots=True)
class PolicyTerm:
    notice_id: str
    program_level: str | None
    term: str  # funding_cap | duration_days | participants | *_deadline | *_window_days
    value_min: float | None = None
    value_max: float | None = None
    approx: bool = False
    unit: str | None = None  # yuan | day | workday | person | date
    value_date: date | None = None
    evidence: str | None = None
    page: int | None = None


@dataclass(frozen=True, slots=True)
class PlanProject:
    notice_id: str
    plan_year: int | None
    region: str | None
    program_level: str | None
    funding_type: str | None  # 财政资助 | 自筹经费 | None
    seq: int
    project_name: str
    host_org: str | None  # 承办单位
    applicant_org: str | None  # 申报单位
    source_doc_id: str
    page: int | None
    table_no: int | None


@dataclass(frozen=True, slots=True)
class Attachment:
    notice_id: str
    attachment_no: int
    title: str
    kind: str
    doc_id: str | None = None


@dataclass(frozen=True, slots=True)
class CitedDocument:
    notice_id: str
    cited_doc_number: str
    cited_title: str | None = None


@dataclass(frozen=True, slots=True)
class NoticeRecords:
    """Everything read from one notice document."""

    notice: Notice
    terms: tuple[PolicyTerm, ...] = ()
    projects: tuple[PlanProject, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    cited: tuple[CitedDocument, ...] = ()
    problems: tuple[str, ...] = field(default=())
