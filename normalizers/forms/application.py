"""申报表 (application form for an advanced training class) -> ApplicationForm.

Plain fields come from the label -> value reader. Three rows are tick boxes:
申报项目类别 (财政资助 / 自筹经费, with 自筹经费来源), 是否符合选题范围 (服务国家战略,
对接产业需求, 突出数字技术; several may be ticked) and 是否继续教育基地 (第N批
国家级 / 省级 / 否). A template without a row (the Fujian provincial form has no
申报项目类别) gives None for its fields; a row with nothing ticked gives None too.
"""

from __future__ import annotations

from extractors.model import Document

from ..dates import parse_date_range
from .checkbox import Option, batch_number, parse_options
from .keyvalues import KeyValues, org_name
from .labels import label_book
from .records import ApplicationForm
from .values import one_line

__all__ = ["read_application"]

_SCOPE_FIELDS = ("scope_national_strategy", "scope_industry", "scope_digital")


def _choice(option: Option, choice_set: str) -> str | None:
    """The value a ticked option stands for, from the `choices` of the label dictionary."""
    for value, word in label_book().choices[choice_set]:
        if word in option.label:
            return value
    return None


def _funding(text: str | None) -> tuple[str | None, str | None]:
    if text is None:
        return None, None
    for option in parse_options(text):
        if option.checked:
            funding_type = _choice(option, "funding_type")
            if funding_type is not None:
                source = option.detail if funding_type == "自筹经费" else None
                return funding_type, source
    return None, None


def _scope(found: KeyValues) -> dict[str, bool | None]:
    text = found.get("scope")
    if "scope" not in found.seen:
        return dict.fromkeys(_SCOPE_FIELDS)  # the template has no such row
    scope: dict[str, bool | None] = dict.fromkeys(_SCOPE_FIELDS, False)
    for option in parse_options(text or ""):
        name = _choice(option, "scope")
        if name is not None and option.checked:
            scope[name] = True
    return scope


def _ce_base(text: str | None) -> tuple[str | None, int | None]:
    if text is None:
        return None, None
    for option in parse_options(text):
        if option.checked:
            kind = _choice(option, "is_ce_base")
            if kind is not None:
                return kind, batch_number(option.text) if kind == "national" else None
    return None, None


def read_application(
    doc: Document, found: KeyValues, *, form_id: str, source_uri: str
) -> ApplicationForm | None:
    """The application form; None when nothing is filled in (a blank template)."""
    project_name = one_line(found.get("project_name"))
    funding_type, self_funding_source = _funding(found.get("funding_category"))
    scope = _scope(found)
    ce_base, batch = _ce_base(found.get("host_info.ce_base", "applicant_info.ce_base", "ce_base"))
    if project_name is None and not any(scope.values()) and funding_type is None:
        return None
    schedule = one_line(found.get("schedule_text"))
    start, end = parse_date_range(schedule) if schedule else (None, None)
    return ApplicationForm(
        form_id=form_id,
        source_uri=source_uri,
        project_name=project_name,
        schedule_text=schedule,
        start_date=start,
        end_date=end,
        location=one_line(found.get("location")),
        field_domain=one_line(found.get("field_domain")),
        supervising_dept=one_line(found.get("supervising_dept")),
        funding_type=funding_type,
        self_funding_source=self_funding_source,
        scope_national_strategy=scope["scope_national_strategy"],
        scope_industry=scope["scope_industry"],
        scope_digital=scope["scope_digital"],
        # 申报单位信息 names the applicant in full; the header line "申报单位：…" otherwise.
        applicant_org=org_name(found.get("applicant_info.org_name", "applicant_org")),
        host_org=org_name(found.get("host_info.org_name", "host_org")),
        is_ce_base=ce_base,
        ce_base_batch=batch,
    )
