"""A static HTML dashboard over the curated views: one file that works offline.

The charts are Vega-Lite specs built with Altair; the Vega, Vega-Lite and vega-embed
JavaScript comes from `vl-convert-python` and is inlined into the page, so it opens
from disk with neither a server nor the internet. Sections:

- programmes per year and region, by funding type (`curated.programmes_by_region_year`,
  else counted from `curated.plan_projects`);
- funding caps and class lengths by region over the years (`curated.policy_comparison`);
- top host organisations (`curated.organization_programmes` with role `host`, typed by
  `curated.organizations`; else `curated.organizations`; else `plan_projects.host_org`);
- topics over time (`curated.topics_by_year`);
- documents that failed or were read only in part (`curated.documents`), as a table.

Each chart takes the first of its sources that exists, has the columns it needs and has
rows. Without one, its section shows a note instead of a chart. Text uses a CJK font family
(Noto Sans CJK SC, from Debian's fonts-noto-cjk, with common fallbacks).
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import html
import json
import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import altair as alt
import duckdb

from .errors import WarehouseError

__all__ = ["CJK_FONT", "DashboardError", "build_dashboard", "dashboard_html"]

CJK_FONT = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
    '"Microsoft YaHei", sans-serif'
)
TOP_ORGANIZATIONS = 20
UNSPECIFIED = "未注明"
FUNDING_COLORS = {"财政资助": "#4c78a8", "自筹经费": "#f58518", UNSPECIFIED: "#bab0ac"}
YEAR_AXIS = alt.Axis(labelAngle=0)
ORG_TYPES = {  # curated.organizations.org_type -> legend label
    "university": "高校",
    "company": "企业",
    "hospital": "医院",
    "government": "机关单位",
    "research_institute": "科研院所",
    "other": "其他",
}

Record = dict[str, Any]


class DashboardError(WarehouseError):
    """The dashboard could not be built or written."""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    chart: dict[str, Any] | None = None
    html: str = ""
    note: str = ""


# --- reading ---------------------------------------------------------------------------


def _columns(con: duckdb.DuckDBPyConnection, view: str) -> list[str]:
    """Column names of `curated.<view>` (a view or table); empty when it does not exist."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = 'curated' "
        "AND table_name = ? ORDER BY ordinal_position",
        [view],
    ).fetchall()
    return [r[0] for r in rows]


def _pick(columns: list[str], *candidates: str) -> str | None:
    return next((c for c in candidates if c in columns), None)


def _jsonable(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[Record]:
    relation = con.execute(sql)
    names = [d[0] for d in relation.description or []]
    return [dict(zip(names, map(_jsonable, row), strict=True)) for row in relation.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- charts ----------------------------------------------------------------------------


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    configured = chart.configure(font=CJK_FONT).configure_view(stroke=None)
    return configured.to_dict()


def _missing(key: str, title: str, note: str) -> Section:
    return Section(key, title, note=note)


def _funding_scale(rows: list[Record]) -> alt.Scale:
    """Fixed colours per funding type, listing only the types present."""
    order = list(FUNDING_COLORS)
    present = sorted(
        {str(r["funding_type"]) for r in rows},
        key=lambda t: (order.index(t) if t in order else len(order), t),
    )
    extra = iter(["#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2"] * 4)
    return alt.Scale(domain=present, range=[FUNDING_COLORS.get(t) or next(extra) for t in present])


def _first_rows(
    con: duckdb.DuckDBPyConnection, candidates: list[tuple[str, str]]
) -> tuple[str, list[Record]]:
    """The first (source, SQL) candidate that returns rows; ("", []) when none does."""
    for source, sql in candidates:
        rows = _records(con, sql)
        if rows:
            return source, rows
    return "", []


def _programmes(con: duckdb.DuckDBPyConnection) -> Section:
    key, title = "programmes", "各地区各年度高级研修项目数（按经费类型）"
    candidates = []
    cols = _columns(con, "programmes_by_region_year")
    year = _pick(cols, "plan_year", "year")
    count = _pick(cols, "n_programmes", "n_projects", "programmes", "projects", "n")
    if "region" in cols and year and count:
        funding = "funding_type" if "funding_type" in cols else "NULL"
        source = "curated.programmes_by_region_year"
        candidates.append(
            (
                source,
                f"SELECT region, CAST({_quote(year)} AS VARCHAR) AS plan_year, "
                f"{funding} AS funding_type, sum({_quote(count)}) AS n_projects "
                f"FROM {source} GROUP BY ALL",
            )
        )
    if {"region", "plan_year", "funding_type", "project_name"} <= set(
        _columns(con, "plan_projects")
    ):
        # The same plan loaded as PDF and as DOCX lists each programme twice: count names.
        candidates.append(
            (
                "curated.plan_projects",
                "SELECT region, CAST(plan_year AS VARCHAR) AS plan_year, funding_type, "
                "count(DISTINCT project_name) AS n_projects FROM curated.plan_projects "
                "GROUP BY ALL",
            )
        )
    source, rows = _first_rows(
        con,
        [
            (
                name,
                f"SELECT coalesce(region, '{UNSPECIFIED}') AS region, "
                f"coalesce(plan_year, '{UNSPECIFIED}') AS plan_year, "
                f"coalesce(funding_type, '{UNSPECIFIED}') AS funding_type, n_projects "
                f"FROM ({sql}) ORDER BY ALL",
            )
            for name, sql in candidates
        ],
    )
    if not rows:
        return _missing(key, title, "curated.plan_projects 中还没有项目。")
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
    return Section(key, title, _spec(chart), note=f"数据来源：{source}")


def _policies(con: duckdb.DuckDBPyConnection) -> Section:
    key, title = "policies", "各地区历年资助上限与研修天数"
    source = "curated.policy_comparison"
    cols = _columns(con, "policy_comparison")
    if not cols:
        return _missing(key, title, f"没有 {source} 视图，本图从略。")
    wanted = ["funding_cap_yuan", "duration_days_min", "duration_days_max"]
    present = [c for c in wanted if c in cols]
    if not {"region", "plan_year"} <= set(cols) or not present:
        return _missing(key, title, f"{source} 缺少所需的列，本图从略。")
    level = "program_level" if "program_level" in cols else "NULL"
    values = ", ".join(present)
    rows = _records(
        con,
        f"SELECT region, CAST(plan_year AS VARCHAR) AS plan_year, "
        f"coalesce({level}, '{UNSPECIFIED}') AS program_level, {values} FROM {source} "
        "WHERE region IS NOT NULL AND plan_year IS NOT NULL ORDER BY ALL",
    )
    for row in rows:
        cap = row.get("funding_cap_yuan")
        row["funding_cap_wan"] = None if cap is None else cap / 10000
        if "duration_days_min" in row or "duration_days_max" in row:
            low, high = row.get("duration_days_min"), row.get("duration_days_max")
            row["days_low"] = low if low is not None else high
            row["days_high"] = high if high is not None else low
    base = alt.Chart(alt.Data(values=rows)).properties(width=560, height=260)
    x = alt.X("plan_year:O", title="项目年度", axis=YEAR_AXIS)
    region = alt.Color("region:N", title="地区")
    tooltip = [
        alt.Tooltip("region:N", title="地区"),
        alt.Tooltip("plan_year:O", title="年度"),
        alt.Tooltip("program_level:N", title="层级"),
    ]
    panels = []
    if "funding_cap_yuan" in present and any(r["funding_cap_wan"] is not None for r in rows):
        cap = base.transform_filter("isValid(datum.funding_cap_wan)").encode(
            x=x,
            y=alt.Y("funding_cap_wan:Q", title="每期资助上限（万元）"),
            color=region,
            detail="program_level:N",
            tooltip=[*tooltip, alt.Tooltip("funding_cap_wan:Q", title="上限（万元）")],
        )
        panels.append(
            (cap.mark_line() + cap.mark_point(filled=True, size=70)).properties(
                title="每期资助上限"
            )
        )
    if any(r.get("days_low") is not None for r in rows):
        days = base.transform_filter("isValid(datum.days_low)").encode(
            x=x,
            xOffset="region:N",
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
                    y=alt.Y("days_low:Q", title="研修天数"), y2="days_high:Q"
                )
                + days.mark_tick(thickness=2).encode(y="days_low:Q")
                + days.mark_tick(thickness=2).encode(y="days_high:Q")
            ).properties(title="研修天数（下限至上限）")
        )
    if not panels:
        return _missing(key, title, f"{source} 中还没有资助上限或研修天数。")
    chart = alt.hconcat(*panels).resolve_scale(color="shared")
    return Section(key, title, _spec(chart), note=f"数据来源：{source}")


def _organizations(con: duckdb.DuckDBPyConnection) -> Section:
    key, title = "organizations", f"承办项目最多的单位（前 {TOP_ORGANIZATIONS} 名）"
    cols = _columns(con, "organizations")
    roles = _columns(con, "organization_programmes")
    candidates = []
    if {"org_name", "role", "plan_year", "project_name"} <= set(roles):
        # Hosts (承办单位) only; the type of each organisation from curated.organizations.
        kind = "o.org_type" if "org_type" in cols else "NULL"
        join = "LEFT JOIN curated.organizations AS o USING (org_name)" if cols else ""
        candidates.append(
            (
                "curated.organization_programmes",
                f"SELECT p.org_name, coalesce(min({kind}), '{UNSPECIFIED}') AS org_type, "
                "count(DISTINCT (p.plan_year, p.project_name)) AS n_projects "
                f"FROM curated.organization_programmes AS p {join} "
                "WHERE p.role = 'host' AND p.org_name IS NOT NULL GROUP BY p.org_name",
            )
        )
    if {"org_name", "n_projects"} <= set(cols):
        org_type = "org_type" if "org_type" in cols else "NULL"
        candidates.append(
            (
                "curated.organizations",
                f"SELECT org_name, coalesce({org_type}, '{UNSPECIFIED}') AS org_type, "
                "n_projects FROM curated.organizations WHERE org_name IS NOT NULL",
            )
        )
    if {"host_org", "region", "plan_year", "project_name"} <= set(_columns(con, "plan_projects")):
        candidates.append(
            (
                "curated.plan_projects",
                f"SELECT host_org AS org_name, '{UNSPECIFIED}' AS org_type, "
                "count(DISTINCT (region, plan_year, project_name)) AS n_projects "
                "FROM curated.plan_projects WHERE host_org IS NOT NULL GROUP BY ALL",
            )
        )
    source, rows = _first_rows(
        con,
        [
            (
                name,
                f"SELECT * FROM ({sql}) ORDER BY n_projects DESC, org_name "
                f"LIMIT {TOP_ORGANIZATIONS}",
            )
            for name, sql in candidates
        ],
    )
    if not rows:
        return _missing(key, title, "还没有承办单位。")
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
    return Section(key, title, _spec(chart), note=f"数据来源：{source}")


def _topics(con: duckdb.DuckDBPyConnection) -> Section:
    key, title = "topics", "各年度研修主题"
    source = "curated.topics_by_year"
    cols = _columns(con, "topics_by_year")
    if not cols:
        return _missing(key, title, f"没有 {source} 视图，本图从略。")
    year = _pick(cols, "plan_year", "year")
    topic = _pick(cols, "topic", "field_domain", "domain", "field", "keyword", "theme")
    count = _pick(cols, "n_projects", "n_programmes", "projects", "programmes", "n")
    if not (year and topic and count):
        return _missing(key, title, f"{source} 缺少所需的列，本图从略。")
    rows = _records(
        con,
        f"SELECT CAST({_quote(year)} AS VARCHAR) AS plan_year, {_quote(topic)} AS topic, "
        f"sum({_quote(count)}) AS n_projects FROM {source} "
        f"WHERE {_quote(topic)} IS NOT NULL AND {_quote(year)} IS NOT NULL "
        "GROUP BY ALL ORDER BY ALL",
    )
    if not rows:
        return _missing(key, title, f"{source} 中还没有主题。")
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
    return Section(key, title, _spec(chart), note=f"数据来源：{source}")


def _failures(con: duckdb.DuckDBPyConnection) -> Section:
    key, title = "failures", "读取失败或不完整的文件"
    if not _columns(con, "documents"):
        return _missing(key, title, "没有 curated.documents 视图。")
    rows = _records(
        con,
        "SELECT source_uri, media_type, status, error FROM curated.documents "
        "WHERE status <> 'ok' ORDER BY status, source_uri",
    )
    if not rows:
        return Section(key, title, html='<p id="no-failures">所有文件都已成功读取。</p>')
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
    return Section(key, title, html=table, note=f"共 {len(rows)} 个文件。")


# --- page ------------------------------------------------------------------------------


def _cards(con: duckdb.DuckDBPyConnection) -> str:
    cards: list[tuple[str, object]] = []
    if _columns(con, "documents"):
        (total, failed) = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE status <> 'ok') FROM curated.documents"
        ).fetchone() or (0, 0)
        cards += [("文件", total), ("失败或不完整", failed)]
    # Distinct notices and programmes: one notice may be loaded as PDF and as DOCX.
    for view, label, key in (
        ("notices", "通知", "coalesce(doc_number, title, notice_id)"),
        ("plan_projects", "计划项目", "(region, plan_year, funding_type, project_name)"),
    ):
        if _columns(con, view):
            row = con.execute(f"SELECT count(DISTINCT {key}) FROM curated.{view}").fetchone()
            cards.append((label, row[0] if row else 0))
    return (
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{value}</b>{label}</div>' for label, value in cards)
        + "</div>"
    )


def _section_html(section: Section) -> str:
    parts = [f'<section id="section-{section.key}">', f"<h2>{html.escape(section.title)}</h2>"]
    if section.chart is not None:
        parts.append(f'<div class="chart" id="chart-{section.key}"></div>')
    parts.append(section.html)
    if section.note:
        css = "note" if section.chart is not None or section.html else "note missing"
        parts.append(f'<p class="{css}">{html.escape(section.note)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


_GLOBALS_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vegaLite = vegaLite; window.vega = vega;"


@functools.cache
def _vega_bundle() -> str:
    try:
        import vl_convert
    except ImportError as e:  # a declared dependency; say how to get it if it is missing
        raise DashboardError(
            "the dashboard needs the vl-convert-python package (it ships the Vega "
            "JavaScript): pip install vl-convert-python"
        ) from e
    version = "_".join(alt.SCHEMA_VERSION.split(".")[:2])  # v6.4.1 -> v6_4
    return vl_convert.javascript_bundle(_GLOBALS_SNIPPET, vl_version=version)


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def dashboard_html(con: duckdb.DuckDBPyConnection) -> str:
    """The dashboard page for the warehouse behind `con`, as one HTML string."""
    sections = [
        _programmes(con),
        _policies(con),
        _organizations(con),
        _topics(con),
        _failures(con),
    ]
    charts = {f"chart-{s.key}": s.chart for s in sections if s.chart is not None}
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    database = Path(row[0]).name if row and row[0] else "内存数据库"
    generated = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    template = Template(
        resources.files("warehouse").joinpath("templates", "dashboard.html").read_text("utf-8")
    )
    return template.substitute(
        title="专业技术人才知识更新工程 高级研修项目",
        subtitle=html.escape(f"数据库：{database} · 生成于 {generated} · noticeflow"),
        font_css=CJK_FONT,
        vegalite_version=alt.SCHEMA_VERSION,
        vega_bundle=_vega_bundle(),
        body=_cards(con) + "\n" + "\n".join(_section_html(s) for s in sections),
        charts_json=_script_json(charts),
    )


def build_dashboard(con: duckdb.DuckDBPyConnection, output: Path) -> Path:
    """Write the dashboard page to `output` atomically (temporary file, then rename)."""
    output = Path(output)
    page = dashboard_html(con)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    except OSError as e:
        raise DashboardError(f"cannot write into {output.parent}: {e}") from e
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(page)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, output)
    except OSError as e:
        Path(temp).unlink(missing_ok=True)
        raise DashboardError(f"writing {output} failed: {e}") from e
    return output
