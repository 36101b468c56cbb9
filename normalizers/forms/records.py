"""Records read from submitted forms (申报表, 经费决算表, 满意度测评统计表, 签到表).

Frozen dataclasses whose field names are the columns of the "Submitted forms"
section of the data contract (plus `line_no`, the row order the staging tables
keep), so the warehouse loads them by name. `AttendancePerson` goes to a private
table: it holds a keyed hash and a masked form of the ID number, never a name, a
phone number or the ID number itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..records import stored_in

__all__ = [
    "ApplicationForm",
    "AttendancePerson",
    "AttendanceSummary",
    "BudgetLine",
    "BudgetSheet",
    "FormRecords",
    "SatisfactionStat",
]


@stored_in("staging.application_forms")
@dataclass(frozen=True, slots=True)
class ApplicationForm:
    form_id: str
    source_uri: str
    project_name: str | None
    schedule_text: str | None  # 办班时间 as written
    start_date: date | None
    end_date: date | None
    location: str | None
    field_domain: str | None  # 选题所属行业领域 / 专业技术领域
    supervising_dept: str | None  # 选题所属行业主管部门
    funding_type: str | None  # 财政资助 | 自筹经费 | None (no such row, or nothing ticked)
    self_funding_source: str | None  # 自筹经费来源
    scope_national_strategy: bool | None  # None when the form has no 选题范围 row
    scope_industry: bool | None
    scope_digital: bool | None
    applicant_org: str | None  # 申报单位
    host_org: str | None  # 承办单位
    is_ce_base: str | None  # national | provincial | no
    ce_base_batch: int | None  # N of 第N批国家级…基地


@stored_in("staging.budget_sheets")
@dataclass(frozen=True, slots=True)
class BudgetSheet:
    """A 经费决算表. cap_yuan / over_cap are computed by the warehouse against the plans."""

    form_id: str
    source_uri: str
    project_name: str | None
    location: str | None
    schedule_text: str | None
    start_date: date | None
    end_date: date | None
    participants: int | None  # 研修人数
    staff: int | None  # 工作人员
    total_people: int | None  # 总计
    total_yuan: float | None  # 合计 as written
    computed_total_yuan: float | None  # sum of the line items
    total_matches: bool | None  # 合计 equals the sum to the fen; None when either is missing
    subsidy_yuan: float | None  # 人社部门资助金额
    applicant_org: str | None
    host_org: str | None


@stored_in("staging.budget_lines")
@dataclass(frozen=True, slots=True)
class BudgetLine:
    form_id: str
    line_no: int
    item: str  # 住宿费, 伙食费, … as the form names it
    amount_yuan: float | None
    note: str | None  # 备注


@stored_in("staging.satisfaction_stats")
@dataclass(frozen=True, slots=True)
class SatisfactionStat:
    """One rated line of a 满意度测评统计表; rates are fractions (95.3% -> 0.953)."""

    form_id: str
    source_uri: str
    line_no: int
    n_participants: int | None
    n_distributed: int | None
    n_returned: int | None
    category: str  # 师资评价 | 教学评价 | 服务管理评价 | 学员满意度评价 (as written)
    item: str | None  # course (师资评价), 评价内容, None for an overall row
    lecturer: str | None  # 授课人, 师资评价 rows only
    excellent_rate: float | None
    good_rate: float | None
    fair_rate: float | None
    poor_rate: float | None


@stored_in("staging.attendance_summary")
@dataclass(frozen=True, slots=True)
class AttendanceSummary:
    form_id: str
    source_uri: str
    host_org: str | None  # 填报单位
    n_rows: int  # people rows that hold anything
    n_invalid_ids: int  # rows whose ID number is missing or fails its checks
    titles: dict[str, int]  # professional title (职称) -> number of people


@stored_in("private.attendance_people")
@dataclass(frozen=True, slots=True)
class AttendancePerson:
    """One person of a sign-in sheet, without name or phone; private, never published."""

    form_id: str
    row_no: int
    id_hash: str | None  # HMAC-SHA256 hex of the normalised ID number, keyed with pii_key
    id_masked: str | None  # 420102********1234
    id_valid: bool  # 18 characters, a real birth date and a correct MOD 11-2 check character
    title: str | None
    employer: str | None


@dataclass(frozen=True, slots=True)
class FormRecords:
    """Everything read from one submitted form; the tuples are named after their tables."""

    form_type: str  # application_form | budget_sheet | satisfaction_stats | attendance_sheet
    form_id: str
    application_forms: tuple[ApplicationForm, ...] = ()
    budget_sheets: tuple[BudgetSheet, ...] = ()
    budget_lines: tuple[BudgetLine, ...] = ()
    satisfaction_stats: tuple[SatisfactionStat, ...] = ()
    attendance_summary: tuple[AttendanceSummary, ...] = ()
    attendance_people: tuple[AttendancePerson, ...] = ()
    problems: tuple[str, ...] = field(default=())
