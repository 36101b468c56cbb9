"""Offline web sources: the snapshot fetcher answers from saved responses, with no server.

The same notice page and attachments as tests/flows/test_web.py, saved with their ETags
into a snapshot folder; the run (NOTICEFLOW_SNAPSHOT, no Prefect: NOTICEFLOW_PREFECT=off)
reads the page, fetches its attachments from the snapshot, and a second run gets 304s.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from flows.ingest import run_ingest
from flows.settings import Settings
from flows.sources import HostPolicy, SnapshotError, SnapshotFetcher, save_response

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "tests" / "fixtures" / "web"
PAGE = WEB / "mohrss_2021_plan_gbk.html"
XLSX = WEB / "mohrss_2021_plan_projects.xlsx"
DOCX = ROOT / "tests" / "fixtures" / "forms" / "satisfaction_2026_integrated_circuits.docx"
BASE = "http://www.mohrss.gov.cn/tzgg/202104/"
PAGE_URL = BASE + "t20210420_412001.html"


def _saved(folder: Path) -> Path:
    for name, body in (
        ("t20210420_412001.html", PAGE.read_bytes()),
        ("20210416-附件1 工程2021年高级研修项目计划表.xlsx", XLSX.read_bytes()),
        ("20210408-附件2&3 2020年高级研修项目学员满意度测评表.docx", DOCX.read_bytes()),
    ):
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        save_response(folder, BASE + name, body, headers={"ETag": etag})
    # A link to the same page under an old address: a redirect.
    save_response(folder, BASE + "old.html", status=301, headers={"Location": PAGE_URL})
    return folder


def test_a_snapshot_answers_like_a_server(tmp_path: Path) -> None:
    fetcher = SnapshotFetcher(
        _saved(tmp_path / "snap"), HostPolicy(("www.mohrss.gov.cn",)), max_bytes=10**7
    )
    page = fetcher.get(BASE + "old.html")
    assert (page.status, page.final_url, page.content) == (200, PAGE_URL, PAGE.read_bytes())
    again = fetcher.get(PAGE_URL, etag=page.etag)
    assert again.unchanged and again.content is None
    assert fetcher.get(BASE + "nothing.html").error == "HTTP 404 Not Found"
    assert "not allowed" in (fetcher.get("http://example.com/x").error or "")
    with pytest.raises(SnapshotError, match=r"snapshot\.json"):
        SnapshotFetcher(tmp_path / "empty", HostPolicy(), max_bytes=10)


def test_an_offline_run_reads_a_page_and_its_attachments_from_a_snapshot(tmp_path: Path) -> None:
    settings = Settings(
        db=tmp_path / "w.duckdb",
        out=tmp_path / "curated",
        pii_key_file=tmp_path / "key",
        snapshot=_saved(tmp_path / "snap"),
        prefect="off",
        fetch_delay=0.0,
    )
    first = run_ingest([PAGE_URL], settings)
    assert first.recorded_at is None and first.recording_note
    assert sorted((o.media_type, o.status) for o in first.outcomes) == [
        ("docx", "ok"),
        ("html", "ok"),
        ("xlsx", "ok"),
    ], [(o.source_uri, o.error) for o in first.outcomes]
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        programmes = con.execute("SELECT count(*) FROM curated.plan_projects").fetchall()
        cached = con.execute("SELECT count(*) FROM raw.http_cache WHERE etag IS NOT NULL")
        assert (programmes, cached.fetchall()) == ([(8,)], [(3,)])
    finally:
        con.close()
    second = run_ingest([PAGE_URL], settings)
    assert second.outcomes == [] and second.skipped == [PAGE_URL]
    assert second.files_published == 0
