"""The dashboard end to end: the sample notices through the real flow, the page in Chromium.

Chromium runs headless with the DevTools protocol on 127.0.0.1 (port chosen by Chromium,
read from DevToolsActivePort) so the test sees console errors, exceptions, every request
the page makes, the fonts used for Chinese text and the rendered SVG marks.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import struct
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner
from websockets.sync.client import connect
from websockets.sync.connection import Connection

from flows.cli import app
from flows.ingest import run_ingest
from flows.settings import Settings
from tests import badfiles
from warehouse import connect as connect_warehouse
from warehouse.dashboard import build_dashboard

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]
WAIT_SECONDS = 60
WIDTH, HEIGHT = 1400, 2400


class DevTools:
    """A minimal DevTools-protocol client for one page: commands, and the events seen."""

    def __init__(self, ws: Connection) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self._next_id = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        self.ws.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=WAIT_SECONDS))
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors, as text."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"], ensure_ascii=False)[:500])
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                found.append(json.dumps(params["args"], ensure_ascii=False)[:500])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"]["text"])
        return found

    def requested_urls(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]


@contextmanager
def chromium_page(profile: Path) -> Iterator[DevTools]:
    """Headless Chromium with a blank page; stopped (its whole process group) on exit."""
    assert CHROMIUM, "chromium is not installed (scripts/setup.sh installs it)"
    process = subprocess.Popen(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + WAIT_SECONDS
        while not (active.exists() and active.read_text().strip()):
            assert process.poll() is None, f"chromium exited with {process.returncode}"
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.1)
        port = int(active.read_text().split()[0])
        targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        with connect(page, max_size=None, open_timeout=WAIT_SECONDS) as ws:
            yield DevTools(ws)
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):  # renderers left behind by the browser
        os.killpg(process.pid, signal.SIGKILL)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_an_empty_warehouse_gives_a_page_that_says_what_is_missing(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect_warehouse(db).close()  # the schema, no rows
    output = tmp_path / "site" / "dashboard.html"
    result = CliRunner().invoke(app, ["dashboard", "--db", str(db), "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert f"dashboard written to {output}" in " ".join(result.output.split())
    html = output.read_text(encoding="utf-8")
    assert "const charts = {};" in html  # no chart without data
    assert "curated.plan_projects 中还没有项目。" in html
    assert "curated.policy_comparison 中还没有资助上限或研修天数。" in html
    assert "还没有承办单位。" in html
    assert "curated.topics_by_year 中还没有主题。" in html
    assert "所有文件都已成功读取。" in html
    assert "window.vegaEmbed" in html  # the JavaScript is inlined
    assert '"Noto Sans CJK SC"' in html


def test_the_dashboard_command_needs_a_warehouse(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["dashboard", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no warehouse at" in result.output


CHART_MARKS = """JSON.stringify(Object.fromEntries(
  Array.from(document.querySelectorAll('div.chart')).map(
    (c) => [c.id, c.querySelectorAll('svg .role-mark > path, svg .role-mark > line, '
                                      + 'svg .role-mark > rect').length])))"""
SVG_TEXT = "Array.from(document.querySelectorAll('svg text')).map((t) => t.textContent)"


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_the_dashboard_renders_offline_with_chinese_text(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(RAW, inbox)
    (inbox / "locked.pdf").write_bytes(badfiles.encrypted_pdf())
    settings = Settings(
        db=tmp_path / "w.duckdb", out=tmp_path / "curated", pii_key_file=tmp_path / "key"
    )
    run_ingest([str(inbox)], settings)

    con = connect_warehouse(settings.db, read_only=True)
    try:
        site = tmp_path / "site"
        page = build_dashboard(con, site / "dashboard.html")
    finally:
        con.close()
    assert page == site / "dashboard.html"
    assert [p.name for p in site.iterdir()] == ["dashboard.html"]  # no temporary file left
    html = page.read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html  # nothing fetched: offline

    with chromium_page(tmp_path / "chromium-profile") as browser:
        for domain in ("Runtime", "Log", "Page", "Network", "DOM", "CSS"):
            browser.call(f"{domain}.enable")
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.call("Page.navigate", url=page.as_uri())
        deadline = time.monotonic() + WAIT_SECONDS
        marks: dict[str, int] = {}
        while time.monotonic() < deadline:
            marks = json.loads(browser.evaluate(CHART_MARKS) or "{}")
            if marks and all(marks.values()):
                break
            time.sleep(0.25)

        expected = {"chart-programmes", "chart-policies", "chart-organizations", "chart-topics"}
        assert set(marks) == expected, marks
        assert all(n > 0 for n in marks.values()), marks
        # Hubei's 2023 and 2026 plans list programmes of both funding types.
        assert marks["chart-programmes"] >= 4, marks

        svg_text = browser.evaluate(SVG_TEXT)
        for text in ("湖北省", "项目年度", "项目数", "财政资助", "自筹经费", "武汉理工大学"):
            assert text in svg_text, text
        assert any("万元" in t for t in svg_text), svg_text
        assert "高校" in svg_text  # organisation types in Chinese (武汉理工大学: university)
        assert "国家级" in svg_text and "省级" in svg_text  # rules drawn per programme level
        body = browser.evaluate("document.body.innerText")
        assert "各地区各年度高级研修项目数（按经费类型）" in body
        assert "locked.pdf" in body and "encrypted PDF: a password is needed" in body
        # Opened from disk, the links to the explorer stay hidden (and nothing is fetched).
        assert browser.evaluate("document.querySelectorAll('p.explore').length") == 5
        assert browser.evaluate("document.querySelectorAll('p.explore:not([hidden])').length") == 0

        # Chinese is drawn with the CJK font the chart config names, not a fallback.
        root = browser.call("DOM.getDocument", depth=-1)["root"]["nodeId"]
        for selector in (
            "#chart-programmes svg .role-axis-title text",
            "#chart-organizations svg .role-axis-label text",
        ):
            node = browser.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
            assert node, selector
            fonts = browser.call("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
            assert [f["familyName"] for f in fonts] == ["Noto Sans CJK SC"], (selector, fonts)

        shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
        (tmp_path / "dashboard.png").write_bytes(shot)
        assert _png_size(shot) == (WIDTH, HEIGHT)
        assert len(shot) > 50_000  # charts and text, not a blank page

        assert browser.problems() == []
        urls = browser.requested_urls()
        assert page.as_uri() in urls
        assert all(u.startswith(("file:", "data:", "about:")) for u in urls), urls


def _values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a chart draws (Altair moves inline data into `datasets`)."""
    datasets = spec.get("datasets") or {}
    return [row for rows in datasets.values() for row in rows] or spec["data"]["values"]


def test_titles_say_what_is_shown_and_levels_are_drawn(
    sample_warehouse: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warehouse import dashboard_charts

    con = connect_warehouse(sample_warehouse.db, read_only=True)
    try:
        (hosts,) = con.execute(
            "SELECT count(DISTINCT org_name) FROM curated.organization_programmes "
            "WHERE role = 'host' AND org_name IS NOT NULL"
        ).fetchall()[0]
        shown = {s.key: s for s in dashboard_charts.sections(con)}
        monkeypatch.setattr(dashboard_charts, "TOP_ORGANIZATIONS", 3)
        top3 = {s.key: s for s in dashboard_charts.sections(con)}["organizations"]
    finally:
        con.close()

    # Fewer hosts than the top 20: the title gives their number, and every one is drawn.
    organizations = shown["organizations"]
    assert 3 < hosts < 20
    assert organizations.title == f"各承办单位的项目数（共 {hosts} 家）"
    assert organizations.chart is not None and len(_values(organizations.chart)) == hosts
    assert top3.title == "承办项目最多的单位（前 3 名）"
    assert top3.chart is not None and len(_values(top3.chart)) == 3

    # Rules that differ by level are drawn per level: Hubei 2025 national 5 days and
    # provincial 4, Fujian 2026 national 5–7 and provincial about 4.
    policies = shown["policies"]
    assert policies.title == "各地区历年资助上限与研修天数（按项目层级）"
    assert policies.chart is not None
    days = {
        (r["region"], r["plan_year"], r["level"]): (r["days_low"], r["days_high"])
        for r in _values(policies.chart)
        if r["days_low"] is not None
    }
    assert days[("湖北省", "2025", "国家级")] == (5, 5)
    assert days[("湖北省", "2025", "省级")] == (4, 4)
    assert days[("福建省", "2026", "国家级")] == (5, 7)
    spec = json.dumps(policies.chart, ensure_ascii=False)
    assert '"xOffset": {"field": "series"' in spec  # one bar per region and level
    assert '"shape": {"field": "level"' in spec and '"strokeDash": {"field": "level"' in spec
    assert '"text": {"field": "level"' in spec  # each bar is labelled with its level

    # Each section names its data in the explorer.
    assert {s.key: s.explore for s in shown.values()} == dashboard_charts.EXPLORE


def test_every_chart_spec_is_valid_vega_lite(
    sample_warehouse: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs build the specs unchecked (`VALIDATE_SPECS`); checked, they are the same."""
    from warehouse import dashboard_charts

    con = connect_warehouse(sample_warehouse.db, read_only=True)
    try:
        unchecked = dashboard_charts.sections(con)
        monkeypatch.setattr(dashboard_charts, "VALIDATE_SPECS", True)
        checked = dashboard_charts.sections(con)  # raises on a spec Vega-Lite refuses
    finally:
        con.close()
    assert [s.chart for s in checked] == [s.chart for s in unchecked]
    assert sum(s.chart is not None for s in checked) >= 4
