"""`noticeflow explore` end to end: the command on a free port, driven in headless Chromium.

The sample notices are ingested (session fixture), `noticeflow explore` starts as its own
process on 127.0.0.1 and a free port, and Chromium (DevTools protocol, as in
test_dashboard.py) opens the programmes table, applies a facet, types a Chinese search
into the search box, downloads the CSV of what it shows and opens the dashboard through
the explorer. A screenshot of the search result is kept under the test's tmp folder
(its path is printed). The server is stopped by its pid.
"""

from __future__ import annotations

import base64
import csv
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.warehouse.test_dashboard import WAIT_SECONDS, DevTools, chromium_page

NOTICEFLOW = shutil.which("noticeflow", path=str(Path(sys.executable).parent)) or "noticeflow"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def explorer(settings: Any, log: Path) -> Iterator[str]:
    """`noticeflow explore` running on a free port; yields its base URL; stopped by pid."""
    port = _free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                NOTICEFLOW,
                "explore",
                "--port",
                str(port),
                "--db",
                str(settings.db),
                "--out",
                str(settings.out),
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the explorer did not answer"
            time.sleep(0.25)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _settle(browser: DevTools, previous: str | None = None) -> str:
    """Wait until a (new) page has loaded; returns its URL."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        state = browser.evaluate("[location.href, document.readyState]") or ["", ""]
        if state[1] == "complete" and state[0] != previous and state[0] != "about:blank":
            return str(state[0])
        time.sleep(0.1)
    raise AssertionError(f"no page loaded after {previous}")


ROWS = """Array.from(document.querySelectorAll('table.rows-and-columns tbody tr')).map(
  (tr) => tr.querySelector('td.col-project_name').innerText)"""


def _click(browser: DevTools, selector_js: str) -> str:
    """Click the element `selector_js` evaluates to, wait for the next page; its URL."""
    before = browser.evaluate("location.href")
    found = browser.evaluate(
        f"(() => {{ const e = {selector_js}; if (!e) return false; "
        "e.scrollIntoView(); e.click(); return true; })()"
    )
    assert found, selector_js
    return _settle(browser, before)


@pytest.mark.slow
def test_explore_a_table_facet_search_and_download_in_chromium(
    sample_warehouse: Any, tmp_path: Path
) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with (
        explorer(sample_warehouse, tmp_path / "explore.log") as base,
        chromium_page(tmp_path / "chromium-profile") as browser,
    ):
        log = (tmp_path / "explore.log").read_text()
        assert f"explorer: {base}/noticeflow" in log  # 127.0.0.1 by default
        # The ingest published noticeflow.sqlite; the warehouse is unchanged since: served.
        assert f"serving {sample_warehouse.out / 'noticeflow.sqlite'} (published, current)" in log
        for domain in ("Runtime", "Log", "Page", "Network"):
            browser.call(f"{domain}.enable")
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=1400,
            height=1600,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.call("Page.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))

        # The database page lists the tables (described) and the README's questions.
        browser.call("Page.navigate", url=f"{base}/noticeflow")
        _settle(browser)
        text = browser.evaluate("document.body.innerText")
        assert "plan_projects" in text and "policy_terms" in text
        assert "4. 一年的政策对比（同 noticeflow compare）" in text

        # 1. A table: all 22 programmes of the sample plans, by the default facets.
        url = _click(browser, "document.querySelector('a[href$=\"/noticeflow/plan_projects\"]')")
        assert urlsplit(url).path == "/noticeflow/plan_projects"
        assert len(browser.evaluate(ROWS)) == 22
        facets = browser.evaluate(
            "Array.from(document.querySelectorAll('.facet-info')).map((f) => f.dataset.column)"
        )
        assert sorted(facets) == ["funding_type", "plan_year", "program_level", "region"]

        # 2. A facet: plan_year 2026.
        url = _click(
            browser,
            "Array.from(document.querySelectorAll('.facet-info[data-column=plan_year] li a'))"
            ".find((a) => a.innerText.trim() === '2026')",
        )
        assert parse_qs(urlsplit(url).query)["plan_year"] == ["2026"]
        assert len(browser.evaluate(ROWS)) == 12

        # 3. A Chinese full-text search typed into the search box: 武汉理工大学 hosts two
        #    of the 2026 programmes; "人工智能研修班" (two words, not spaced) finds one.
        browser.evaluate("document.querySelector('#_search').focus()")
        browser.call("Input.insertText", text="武汉理工大学")
        before = browser.evaluate("location.href")
        browser.evaluate("document.querySelector('#_search').form.requestSubmit()")
        url = _settle(browser, before)
        query = parse_qs(urlsplit(url).query)
        # The facet stays applied (Datasette's form writes it as plan_year__exact).
        assert query["_search"] == ["武汉理工大学"] and query["plan_year__exact"] == ["2026"]
        shown = browser.evaluate(ROWS)
        assert sorted(shown) == ["新能源与智能网联汽车高级研修班", "集成电路高级研修班"]

        shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
        screenshot = tmp_path / "explore-search.png"
        screenshot.write_bytes(shot)
        print(f"\nscreenshot of the explorer: {screenshot}")
        assert len(shot) > 30_000

        # 4. Download the CSV of what is shown: the page's own CSV link, as a file.
        csv_link = browser.evaluate(
            "Array.from(document.querySelectorAll('.export-links a'))"
            ".find((a) => a.innerText === 'CSV').href"
        )
        assert "_search=" in csv_link and "plan_year__exact=2026" in csv_link
        browser.call("Page.navigate", url=csv_link + "&_dl=on")
        deadline = time.monotonic() + WAIT_SECONDS
        while not [p for p in downloads.iterdir() if p.suffix == ".csv"]:
            assert time.monotonic() < deadline, list(downloads.iterdir())
            time.sleep(0.1)
        (downloaded,) = [p for p in downloads.iterdir() if p.suffix == ".csv"]
        rows = list(csv.DictReader(io.StringIO(downloaded.read_text(encoding="utf-8"))))
        assert sorted(r["project_name"] for r in rows) == sorted(shown)
        assert {(r["plan_year"], r["host_org"]) for r in rows} == {("2026", "武汉理工大学")}
        # Where each row was read: the plan's file and page.
        assert all(re.search(r"hubei_2026_plan\.\w+#page=\d+$", r["source_link"]) for r in rows)

        # 5. A search in the rules' evidence, with its page and source link.
        browser.call("Page.navigate", url=f"{base}/noticeflow/policy_terms?_search=办班结束15日内")
        _settle(browser)
        evidence = browser.evaluate(
            "Array.from(document.querySelectorAll('td.col-evidence')).map((td) => td.innerText)"
        )
        # The words 办班结束 and 15日内, wherever they stand: the report window and the
        # expense claim window (办班结束后15日内) of the Hubei 2026 plan.
        assert len(evidence) == 2, evidence
        assert all("办班结束" in e and "15日内" in e for e in evidence), evidence
        assert any(e.startswith("承办单位应在办班结束15日内通过管理平台提交") for e in evidence)
        links = browser.evaluate(
            "Array.from(document.querySelectorAll('td.col-source_link')).map((td) => td.innerText)"
        )
        assert all(re.search(r"hubei_2026_plan\.\w+(#page=\d+)?$", link) for link in links)

        # 6. The dashboard, served by the explorer, links each chart to its data there.
        browser.call("Page.navigate", url=f"{base}/files/dashboard.html")
        _settle(browser)
        deadline = time.monotonic() + WAIT_SECONDS
        visible = "document.querySelectorAll('p.explore:not([hidden]) a').length"
        while browser.evaluate(visible) != 5:
            assert time.monotonic() < deadline, "the explorer links stay hidden"
            time.sleep(0.1)
        url = _click(browser, "document.querySelector('#section-programmes p.explore a')")
        assert url == f"{base}/noticeflow/programmes_by_region_year"
        assert (
            browser.evaluate("document.querySelectorAll('table.rows-and-columns tbody tr').length")
            == 4
        )

        assert browser.problems() == []
    print(f"explorer log: {tmp_path / 'explore.log'}")


@pytest.mark.slow
def test_explore_refuses_a_busy_port_and_a_missing_warehouse(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [NOTICEFLOW, "explore", "--db", str(tmp_path / "w.duckdb"), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}: the port is in use" in result.stderr
    result = subprocess.run(
        [
            NOTICEFLOW,
            "explore",
            "--db",
            str(tmp_path / "w.duckdb"),
            "--out",
            str(tmp_path),
            "--port",
            str(_free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "run `noticeflow ingest` first" in result.stderr
    assert "Traceback" not in result.stderr
