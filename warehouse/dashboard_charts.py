"""What the dashboard shows: each section's rows, read from one curated view, as a chart.

Each section runs its query in `warehouse/sql/dashboard/<name>.sql` and turns the rows
into a Vega-Lite spec built with Altair; with no rows it carries a note saying what is
missing instead. Sections:

- programmes per year and region, by funding type (`curated.programmes_by_region_year`);
- funding caps and class lengths by region over the years, per programme level
  (`curated.policy_comparison`);
- top host organisations (`curated.organization_programmes` with role `host`, typed by
  `curated.organizations`; the title says how many are shown);
- topics over time (`curated.topics_by_year`);
- documents that failed or were read only in part (`curated.documents`), as a table.

Each section names the explorer's view of its data (`Section.explore`), linked from the
page when `noticeflow explore` serves it.

Text uses a CJK font family (Noto Sans CJK SC, from Debian's fonts-noto-cjk, with common
fallbacks). The page around the sections is `warehouse.dashboard`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import html
from dataclasses import dataclass
from typing import Any

import altair as alt
import duckdb

from .db import sql_text

__all__ = ["CJK_FONT", "Section", "sections", "summary_counts"]

CJK_FONT = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
    '"Microsoft YaHei", sans-serif'
)
TOP_ORGANIZATIONS = 20
UNSPECIFIED = "未注明"
FUNDING_COLORS = {"财政资助": "#4c78a8", "自筹经费": "#f58518", UNSPECIFIED: "#bab0ac"}
YEAR_AXIS = alt.Axis(labelAngle=0)
LEVELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
EXPLORE = {  # section -> path of its data in the explorer (Datasette)
    "programmes": "/noticeflow/programmes_by_region_year",
    "policies": "/noticeflow/policy_comparison",
    "organizations": "/noticeflow/organization_programmes?role=host&_facet=org_name",
    "topics": "/noticeflow/topics_by_year",
    "failures": "/noticeflow/documents?status__not=ok",
}
ORG_TYPES = {  # curated.organizations.org_type -> legend label
    "university": "高校",
    "company": "企业",
    "hospital": "医院",
    "government": "机关单位",
    "research_institute": "科研院所",
    "other": "其他",
}

CARD_LABELS = {  # column of sql/dashboard/cards.sql -> card label
    "documents": "文件",
    "failed": "失败或不完整",
    "notices": "通知",
    "plan_projects": "计划项目",
}

Record = dict[str, Any]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    chart: dict[str, Any] | None = None
    html: str = ""
    note: str = ""
    explore: str = ""  # the explorer's view of this section's data (`noticeflow explore`)


def _jsonable(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _records(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> list[Record]:
    """The rows of `sql/dashboard/<name>.sql`, run with the named `$` parameters."""
    relation = con.execute(sql_text(f"dashboard/{name}.sql"), params or None)
    names = [d[0] for d in relation.description or []]
    return [dict(zip(names, map(_jsonable, row), strict=True)) for row in relation.fetchall()]


# Altair checks each spec against the Vega-Lite JSON schema: a third of the dashboard's
# time on every publish. The charts are built by this module alone, so the tests check
# them (test_dashboard) and runs do not.
VALIDATE_SPECS = False


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    configured = chart.configure(font=CJK_FONT).configure_view(stroke=None)
    return configured.to_dict(validate=VALIDATE_SPECS)


def _funding_scale(rows: list[Record]) -> alt.Scale:
    """Fixed colours per funding type, listing only the types present."""
    order = list(FUNDING_COLORS)
    present = sorted(
        {str(r["funding_type"]) for r in rows},
        key=lambda t: (order.index(t) if t in order else len(order), t),
    )
    extra = iter(["#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2"] * 4)
    return alt.Scale(domain=present, range=[FUNDING_COLORS.get(t) or next(extra) for t in present])


def _programmes(con: duckdb.DuckDBPyConnection) -> Section:
    key, title = "programmes", "各地区各年度高级研修项目数（按经费类型）"
    rows = _records(con, "programmes", unspecified=UNSPECIFIED)
    if not rows:
        return Section(key, title, note="curated.plan_projects 中还没有项目。")
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("plan_year:O", title="项目年度", axis=YEAR_AXIS),
            y=alt.Y("sum(n_projects):Q", title="项目数"),
            color=alt.Color("funding_type:N", title="经费类型", scale=_funding_scale(rows)),
            tooltip=[
                alt.Tooltip("region:N", title="地区"),
                alt.Tooltip("plan_year:O", title="年度"),
                alt.Tooltip("funding_type:N", title="经费类型"),
                alt.Tooltip("sum(n_projects):Q", title="项目数"),
            ],
        )
        .properties(width=220, height=220)
        .facet(facet=alt.Facet("region:N", title="地区"), columns=4)
    )
    return Section(
        key,
        title,
        _spec(chart),
        note="数据来源：curated.programmes_by_region_year",
        explore=EXPLORE[key],
    )


def _policies(con: duckdb.DuckDBPyConnection) -> Section:
    """Caps and class lengths per region over the years, one mark per programme level:
    where a notice sets different rules per level (national 5–7 days, provincial about 4),
    the level is drawn (point shape, dashes, a label) so the two do not look alike."""
    key = "policies"
    source = "curated.policy_comparison"
    rows = _records(con, "policies", unspecified=UNSPECIFIED)
    for row in rows:
        row["level"] = LEVELS.get(str(row["program_level"]), str(row["program_level"]))
        row["series"] = f"{row['region']}·{row['level']}"
    base = alt.Chart(alt.Data(values=rows)).properties(width=560, height=260)
    x = alt.X("plan_year:O", title="项目年度", axis=YEAR_AXIS)
    region = alt.Color("region:N", title="地区")
    level = alt.Shape("level:N", title="项目层级")
    dashes = alt.StrokeDash("level:N", title="项目层级")
    tooltip = [
        alt.Tooltip("region:N", title="地区"),
        alt.Tooltip("plan_year:O", title="年度"),
        alt.Tooltip("level:N", title="层级"),
    ]
    panels, shown = [], []
    if any(r["funding_cap_wan"] is not None for r in rows):
        cap = base.transform_filter("isValid(datum.funding_cap_wan)").encode(
            x=x,
            y=alt.Y("funding_cap_wan:Q", title="每期资助上限（万元）"),
            color=region,
            detail="level:N",
            tooltip=[*tooltip, alt.Tooltip("funding_cap_wan:Q", title="上限（万元）")],
        )
        panels.append(
            (
                cap.mark_line().encode(strokeDash=dashes)
                + cap.mark_point(filled=True, size=70).encode(shape=level)
            ).properties(title="每期资助上限（按项目层级）")
        )
        shown.append("资助上限")
    if any(r["days_low"] is not None for r in rows):
        days = base.transform_filter("isValid(datum.days_low)").encode(
            x=x,
            xOffset="series:N",
            color=region,
            tooltip=[
                *tooltip,
                alt.Tooltip("days_low:Q", title="最少天数"),
                alt.Tooltip("days_high:Q", title="最多天数"),
            ],
        )
        panels.append(
            (
                days.mark_rule(strokeWidth=3).encode(
                    y=alt.Y("days_low:Q", title="研修天数"), y2="days_high:Q", strokeDash=dashes
                )
                + days.mark_tick(thickness=2).encode(y="days_low:Q")
                + days.mark_tick(thickness=2).encode(y="days_high:Q")
                + days.mark_text(dy=-9, fontSize=11).encode(y="days_high:Q", text="level:N")
            ).properties(title="研修天数（下限至上限，按项目层级）")
        )
        shown.append("研修天数")
    title = f"各地区历年{'与'.join(shown) or '资助上限与研修天数'}（按项目层级）"
    if not panels:
        return Section(key, title, note=f"{source} 中还没有资助上限或研修天数。")
    chart = alt.hconcat(*panels).resolve_scale(color="shared")
    return Section(key, title, _spec(chart), note=f"数据来源：{source}", explore=EXPLORE[key])


def _organizations(con: duckdb.DuckDBPyConnection) -> Section:
    key = "organizations"
    rows = _records(con, "organizations", unspecified=UNSPECIFIED, top=TOP_ORGANIZATIONS + 1)
    if not rows:
        return Section(key, "承办项目最多的单位", note="还没有承办单位。")
    if len(rows) > TOP_ORGANIZATIONS:  # the title says what is shown
        rows = rows[:TOP_ORGANIZATIONS]
        title = f"承办项目最多的单位（前 {TOP_ORGANIZATIONS} 名）"
    else:
        title = f"各承办单位的项目数（共 {len(rows)} 家）"
    for row in rows:
        row["org_type"] = ORG_TYPES.get(str(row["org_type"]), row["org_type"])
    typed = any(r["org_type"] != UNSPECIFIED for r in rows)
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("org_name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=360)),
            x=alt.X("n_projects:Q", title="项目数", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("org_type:N", title="单位类型") if typed else alt.value("#4c78a8"),
            tooltip=[
                alt.Tooltip("org_name:N", title="单位"),
                alt.Tooltip("org_type:N", title="类型"),
                alt.Tooltip("n_projects:Q", title="项目数"),
            ],
        )
        .properties(width=700, height=alt.Step(22))
    )
    return Section(
        key,
        title,
        _spec(chart),
        note="数据来源：curated.organization_programmes",
        explore=EXPLORE[key],
    )


def _topics(con: duckdb.DuckDBPyConnection) -> Section:
    key, title = "topics", "各年度研修主题"
    source = "curated.topics_by_year"
    rows = _records(con, "topics")
    if not rows:
        return Section(key, title, note=f"{source} 中还没有主题。")
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_rect()
        .encode(
            x=alt.X("plan_year:O", title="项目年度", axis=YEAR_AXIS),
            y=alt.Y("topic:N", title="主题", sort="-color", axis=alt.Axis(labelLimit=300)),
            color=alt.Color("n_projects:Q", title="项目数", scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip("topic:N", title="主题"),
                alt.Tooltip("plan_year:O", title="年度"),
                alt.Tooltip("n_projects:Q", title="项目数"),
            ],
        )
        .properties(width=alt.Step(60), height=alt.Step(20))
    )
    return Section(key, title, _spec(chart), note=f"数据来源：{source}", explore=EXPLORE[key])


def _failures(con: duckdb.DuckDBPyConnection) -> Section:
    key, title = "failures", "读取失败或不完整的文件"
    rows = _records(con, "failures")
    if not rows:
        return Section(
            key, title, html='<p id="no-failures">所有文件都已成功读取。</p>', explore=EXPLORE[key]
        )
    head = "<tr><th>文件</th><th>格式</th><th>状态</th><th>原因</th></tr>"
    body = "".join(
        "<tr>"
        f"<td>{html.escape(str(r['source_uri']))}</td>"
        f"<td>{html.escape(str(r['media_type'] or ''))}</td>"
        f'<td class="status-{html.escape(str(r["status"]))}">{html.escape(str(r["status"]))}</td>'
        f"<td>{html.escape(str(r['error'] or ''))}</td>"
        "</tr>"
        for r in rows
    )
    table = f'<table id="failures-table"><thead>{head}</thead><tbody>{body}</tbody></table>'
    return Section(key, title, html=table, note=f"共 {len(rows)} 个文件。", explore=EXPLORE[key])


def sections(con: duckdb.DuckDBPyConnection) -> list[Section]:
    """The dashboard's sections, in page order."""
    return [_programmes(con), _policies(con), _organizations(con), _topics(con), _failures(con)]


def summary_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """(label, count) for the cards at the top of the page."""
    (row,) = _records(con, "cards")
    return [(CARD_LABELS[name], int(value)) for name, value in row.items()]
