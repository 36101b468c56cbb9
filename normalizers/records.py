"""Domain records that cross from normalizers/ into warehouse/.

Frozen dataclasses with explicit types. Field names equal the column names of
the curated tables in docs/DATA_CONTRACT.md, so the warehouse loads them by
name. Each record carries its provenance (doc id, page, table, evidence).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

__all__ = [
    "Attachment",
    "CitedDocument",
    "Notice",
    "NoticeRecords",
    "OrganizationMention",
    "PlanChange",
    "PlanProject",
    "PolicyTerm",
    "ProjectTopic",
    "stored_in",
    "table_of",
]

_R = TypeVar("_R", bound=type)


def stored_in(table: str, **renames: str) -> Callable[[_R], _R]:
    """Declare, once, the warehouse table a record type is loaded into.

    `renames` maps a field to its column where the two differ
    (`Attachment.doc_id` -> `attachment_doc_id`). The loader reads both from the class.
    """

    def mark(cls: _R) -> _R:
        cls.__warehouse_table__ = table  # type: ignore[attr-defined]
        cls.__warehouse_renames__ = dict(renames)  # type: ignore[attr-defined]
        return cls

    return mark


def table_of(record_type: type) -> str | None:
    """The table a record type declared with `stored_in`, or None."""
    return getattr(record_type, "__warehouse_table__", None)


@stored_in("staging.notices")
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
    # The rest of the 公文 (GB/T 9704-2012), as written; None when the notice has none.
    secrecy: str | None = None  # 密级: 秘密 / 机密 / 绝密 (with 保密期限 when written)
    urgency: str | None = None  # 紧急程度: 特急 / 加急 (平急, 特提 as written)
    signer: str | None = None  # 签发人 (several joined with 、)
    main_recipients: str | None = None  # 主送机关, as written, without the closing colon
    cc_recipients: str | None = None  # 抄送, as written, without "抄送：" and the last 。
    printing_office: str | None = None  # 印发机关
    printed_date: date | None = None  # 印发日期
    note: str | None = None  # 附注, without its brackets: 此件公开发布
    contact: str | None = None  # 联系人/电话 lines of the issuing office, joined with ；


@stored_in("staging.policy_terms")
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


@stored_in("staging.plan_projects")
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
    applicant_org: str | None  # 申报单位 (推荐单位 when the table names that)
    source_doc_id: str
    page: int | None
    table_no: int | None
    sponsor_org: str | None = None  # 主办单位
    supervising_dept: str | None = None  # 主管部门 / 主管单位


@stored_in("staging.attachments", doc_id="attachment_doc_id")
@dataclass(frozen=True, slots=True)
class Attachment:
    notice_id: str
    attachment_no: int
    title: str
    kind: str
    doc_id: str | None = None


@stored_in("staging.cited_documents")
@dataclass(frozen=True, slots=True)
class CitedDocument:
    notice_id: str
    cited_doc_number: str
    cited_title: str | None = None


@stored_in("staging.plan_changes")
@dataclass(frozen=True, slots=True)
class PlanChange:
    """One change a plan amendment (调整/增补/撤销 … 计划) makes to a programme."""

    notice_id: str  # the amendment
    change_no: int  # 1-based, in the order the amendment states its changes
    change: str  # host_changed | added | withdrawn | renamed | rescheduled | other
    project_name: str  # the programme as the amended plan names it (before a rename)
    field: str | None = None  # host_org | project_name | schedule | applicant_org | …
    old_value: str | None = None
    new_value: str | None = None
    amended_doc_number: str | None = None  # 文号 of the amended plan, when the notice cites it
    amended_plan_year: int | None = None  # the year of the plan it amends
    evidence: str | None = None  # the sentence or table row that states the change
    page: int | None = None


@stored_in("staging.organization_mentions")
@dataclass(frozen=True, slots=True)
class OrganizationMention:
    """One organisation named by a programme of a plan, in one role (enrich_records)."""

    notice_id: str
    plan_year: int | None
    region: str | None
    org_name: str  # canonical name (canonical_org)
    raw_name: str  # the cell as the plan wrote it
    org_type: str  # university | company | hospital | research_institute | government | other
    role: str  # host (承办) | applicant (申报) | sponsor (主办) | supervising (主管部门)
    project_name: str


@stored_in("staging.project_topics")
@dataclass(frozen=True, slots=True)
class ProjectTopic:
    """One topic of a programme, read from its name (normalizers.topics)."""

    notice_id: str
    plan_year: int | None
    region: str | None
    funding_type: str | None
    seq: int
    project_name: str
    topic: str


@dataclass(frozen=True, slots=True)
class NoticeRecords:
    """Everything read from one notice document."""

    notice: Notice
    terms: tuple[PolicyTerm, ...] = ()
    projects: tuple[PlanProject, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    cited: tuple[CitedDocument, ...] = ()
    changes: tuple[PlanChange, ...] = ()
    problems: tuple[str, ...] = field(default=())
