"""A static HTML dashboard over the curated views: one file that works offline.

The page (`templates/dashboard.html`) holds summary cards and the sections of
`warehouse.dashboard_charts`: a Vega-Lite chart, a table or a note saying what is
missing. The Vega, Vega-Lite and vega-embed JavaScript comes from `vl-convert-python`
and is inlined into the page, so it opens from disk with neither a server nor the
internet. The file is written atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import html
import json
import os
import tempfile
from importlib import resources
from pathlib import Path
from string import Template

import altair as alt
import duckdb

from .dashboard_charts import CJK_FONT, Section, sections, summary_counts
from .errors import WarehouseError

__all__ = ["CJK_FONT", "DashboardError", "build_dashboard", "dashboard_html"]

_GLOBALS_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vegaLite = vegaLite; window.vega = vega;"


class DashboardError(WarehouseError):
    """The dashboard could not be built or written."""


def _cards(con: duckdb.DuckDBPyConnection) -> str:
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><b>{value}</b>{label}</div>' for label, value in summary_counts(con)
        )
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
    if section.explore:  # shown by the page's script when `noticeflow explore` serves it
        parts.append(
            f'<p class="explore" hidden><a href="{html.escape(section.explore)}">'
            "在浏览器中查看、筛选、下载这些数据 · Explore this data</a></p>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _bundle_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "noticeflow"


@functools.cache
def _vega_bundle() -> str:
    """The Vega JavaScript to inline. Bundling it takes seconds, and it depends only on
    the vl-convert and Vega-Lite versions: kept in ~/.cache/noticeflow once made."""
    try:
        import vl_convert
    except ImportError as e:  # a declared dependency; say how to get it if it is missing
        raise DashboardError(
            "the dashboard needs the vl-convert-python package (it ships the Vega "
            "JavaScript): pip install vl-convert-python"
        ) from e
    version = "_".join(alt.SCHEMA_VERSION.split(".")[:2])  # v6.4.1 -> v6_4
    key = hashlib.sha256(
        f"{getattr(vl_convert, '__version__', '')}|{version}|{_GLOBALS_SNIPPET}".encode()
    ).hexdigest()[:16]
    cached = _bundle_cache() / f"vega-bundle-{key}.js"
    with contextlib.suppress(OSError):
        return cached.read_text(encoding="utf-8")
    bundle: str = vl_convert.javascript_bundle(_GLOBALS_SNIPPET, vl_version=version)
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".vega-bundle-", dir=cached.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(bundle)
        os.replace(temp, cached)
    return bundle


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def dashboard_html(con: duckdb.DuckDBPyConnection) -> str:
    """The dashboard page for the warehouse behind `con`, as one HTML string."""
    shown = sections(con)
    charts = {f"chart-{s.key}": s.chart for s in shown if s.chart is not None}
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
        body=_cards(con) + "\n" + "\n".join(_section_html(s) for s in shown),
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
