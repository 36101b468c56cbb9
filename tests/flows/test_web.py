"""Web sources end to end: a real HTTP server on 127.0.0.1, real Prefect flow runs, DuckDB.

The server (http.server in a thread) serves fixture files with ETag/Last-Modified,
answers conditional requests with 304 and records every request, so the tests can
assert what was (and was never) asked for.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import duckdb
import pytest

from extractors import Limits, Link
from flows.ingest import run_ingest
from flows.settings import Settings
from flows.sources import HostPacer, HostPolicy, LinkTarget, Refused, plan_sources, resolve_link

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "tests" / "fixtures" / "web"
PAGE = WEB / "mohrss_2021_plan_gbk.html"
XLSX = WEB / "mohrss_2021_plan_projects.xlsx"
DOCX = ROOT / "tests" / "fixtures" / "forms" / "satisfaction_2026_integrated_circuits.docx"
XLSX_NAME = "20210416-附件1 工程2021年高级研修项目计划表.xlsx"
DOCX_NAME = "20210408-附件2&3 2020年高级研修项目学员满意度测评表.docx"
PAGE_PATH = "/tzgg/202104/t20210420_412001.html"
LAST_MODIFIED = "Tue, 20 Apr 2021 08:00:00 GMT"


@dataclass
class Request:
    path: str
    conditional: bool
    status: int
    agent: str = ""


@dataclass
class Site:
    """What the server serves (path -> bytes) and what it was asked."""

    base: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    fail_first: dict[str, int] = field(default_factory=dict)  # path -> 503s before success
    requests: list[Request] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def asked(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _answer(self, status: int, body: bytes = b"", **headers: str) -> None:
            conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
            agent = self.headers.get("User-Agent", "")
            site.requests.append(Request(self.path_only, conditional, status, agent))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self.path_only = unquote(urlsplit(self.path).path)
            path = self.path_only
            if path in site.redirects:
                return self._answer(302, Location=site.redirects[path])
            if site.fail_first.get(path, 0) > 0:
                site.fail_first[path] -= 1
                return self._answer(503, b"busy")
            body = site.files.get(path)
            if body is None:
                return self._answer(404, b"<html><body>not found</body></html>")
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                return self._answer(304, ETag=etag, Last_Modified=LAST_MODIFIED)
            return self._answer(200, body, ETag=etag, Last_Modified=LAST_MODIFIED)

    return Handler


@pytest.fixture()
def site() -> Iterator[Site]:
    served = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


def _settings(tmp_path: Path, **changes: object) -> Settings:
    base = Settings(
        db=tmp_path / "w.duckdb",
        out=tmp_path / "curated",
        pii_key_file=tmp_path / "key",
        fetch_delay=0.0,
        fetch_backoff=0.0,
        fetch_retries=2,
        fetch_timeout=5.0,
    )
    return base.with_overrides(**changes)


def _query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _counts(db: Path) -> dict[str, int]:
    names = _query(
        db,
        "SELECT schema_name || '.' || table_name FROM duckdb_tables() UNION ALL "
        "SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal",
    )
    return {str(n): int(_query(db, f"SELECT count(*) FROM {n}")[0][0]) for (n,) in names}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _page_with_links(*extra: str) -> bytes:
    """The GBK page with more links in its 附件下载 box, still GB18030 bytes."""
    text = PAGE.read_bytes().decode("gb18030")
    links = "".join(f"<p>{a}</p>" for a in extra)
    return text.replace("<p>附件下载：</p>", "<p>附件下载：</p>" + links).encode("gb18030")


def _serve_notice(site: Site, page: bytes, folder: str = "/tzgg/202104/") -> str:
    site.files[folder + PAGE_PATH.rsplit("/", 1)[1]] = page
    site.files[folder + XLSX_NAME] = XLSX.read_bytes()
    site.files[folder + DOCX_NAME] = DOCX.read_bytes()
    return site.url(folder + PAGE_PATH.rsplit("/", 1)[1])


@pytest.mark.usefixtures("prefect_harness")
def test_gbk_page_brings_its_attachments_and_a_second_run_asks_with_validators(
    tmp_path: Path, site: Site
) -> None:
    page = PAGE.read_bytes()
    url = _serve_notice(site, page)
    settings = _settings(tmp_path)
    first = run_ingest([url], settings)

    page_id, xlsx_id, docx_id = _sha(page), _sha(XLSX.read_bytes()), _sha(DOCX.read_bytes())
    assert sorted((o.media_type, o.status) for o in first.outcomes) == [
        ("docx", "ok"),
        ("html", "ok"),
        ("xlsx", "ok"),
    ], [(o.source_uri, o.error) for o in first.outcomes]
    db = settings.db
    notice_id = _notice_of(db, page_id)
    projects = _query(
        db,
        "SELECT funding_type, count(*), min(source_doc_id), max(source_doc_id), "
        "min(plan_year), min(region), min(program_level) FROM curated.plan_projects "
        "WHERE notice_id = ? GROUP BY 1 ORDER BY 1",
        notice_id,
    )
    assert projects == [
        ("自筹经费", 3, xlsx_id, xlsx_id, 2021, "全国", "national"),
        ("财政资助", 5, xlsx_id, xlsx_id, 2021, "全国", "national"),
    ]
    assert _query(
        db, "SELECT project_name, host_org FROM curated.plan_projects WHERE seq = 1 ORDER BY 1"
    ) == [("人工智能与数字经济融合发展高级研修班", "北京邮电大学"),
          ("智慧交通与新型基础设施建设高级研修班", "长安大学")]  # fmt: skip
    documents = _query(
        db, "SELECT doc_id, media_type, parent_doc_id FROM curated.documents ORDER BY media_type"
    )
    assert documents == [(docx_id, "docx", page_id), (page_id, "html", None),
                         (xlsx_id, "xlsx", page_id)]  # fmt: skip
    assert _query(
        db, "SELECT attachment_no, doc_id FROM curated.attachments WHERE notice_id = ?", notice_id
    ) == [(1, xlsx_id), (2, docx_id), (3, docx_id)]
    assert _query(
        db,
        "SELECT doc_id, role, is_primary FROM curated.notice_documents "
        "ORDER BY role DESC, media_type",
    ) == [
        (page_id, "rendition", True),
        (docx_id, "attachment", False),
        (xlsx_id, "attachment", False),
    ]
    assert _query(db, "SELECT title, doc_number, source_uri FROM curated.notices") == [
        ("人力资源社会保障部办公厅关于印发专业技术人才知识更新工程2021年高级研修项目计划的通知",
         "人社厅发〔2021〕24号", url)
    ]  # fmt: skip
    assert len(_query(db, "SELECT url FROM raw.http_cache WHERE etag IS NOT NULL")) == 3
    assert {r.agent.split("/")[0] for r in site.requests} == {"noticeflow"}

    counts = _counts(db)
    site.requests.clear()
    second = run_ingest([url], settings)
    assert second.outcomes == [] and second.skipped == [url], (second.missing, site.requests)
    assert len(site.requests) == 3
    assert all(r.conditional and r.status == 304 for r in site.requests), site.requests
    assert _counts(db) == counts

    site.requests.clear()
    forced = run_ingest([url], settings, force=True)
    assert len(forced.outcomes) == 3
    assert [r.status for r in site.requests] == [200, 200, 200]
    assert not any(r.conditional for r in site.requests)
    assert _counts(db) == counts


@pytest.mark.usefixtures("prefect_harness")
def test_refused_and_missing_links_make_the_page_partial_and_are_never_requested(
    tmp_path: Path, site: Site
) -> None:
    port = site.base.rsplit(":", 1)[1]
    page = _page_with_links(
        f'<a href="http://localhost:{port}/tzgg/202104/secret.xlsx">附件4 学员名单.xlsx</a>',
        '<a href="file:///etc/passwd">附件5 学员名单.xlsx</a>',
        '<a href="./20210420-附件6%20缺失.pdf">附件6 缺失.pdf</a>',
    )
    url = _serve_notice(site, page)
    site.files["/tzgg/202104/secret.xlsx"] = XLSX.read_bytes()
    xlsx_path = "/tzgg/202104/" + XLSX_NAME
    site.fail_first[xlsx_path] = 1  # a transient 503, retried
    settings = _settings(tmp_path)
    summary = run_ingest([url], settings)

    outcome = {o.media_type: o for o in summary.outcomes}
    assert outcome["html"].status == "partial"
    error = outcome["html"].error or ""
    assert "file:///etc/passwd (file: links are never opened)" in error
    secret = f"http://localhost:{port}/tzgg/202104/secret.xlsx"
    assert f"{secret} (host localhost is not allowed" in error
    assert "./20210420-附件6%20缺失.pdf not fetched: HTTP 404" in error
    assert outcome["xlsx"].status == "ok" and outcome["docx"].status == "ok"
    assert site.asked("/tzgg/202104/secret.xlsx") == []
    assert [r.status for r in site.asked(xlsx_path)] == [503, 200]
    assert [r.status for r in site.asked("/tzgg/202104/20210420-附件6 缺失.pdf")] == [404]
    db = settings.db
    assert _query(db, "SELECT count(*) FROM raw.problems WHERE stage = 'fetch'") == [(3,)]
    assert _query(db, "SELECT count(*) FROM curated.notices") == [(1,)]
    assert _query(db, "SELECT count(*) FROM curated.plan_projects") == [(8,)]


@pytest.mark.usefixtures("prefect_harness")
def test_a_list_page_in_a_sources_file_is_followed_to_its_family_notices_only(
    tmp_path: Path, site: Site
) -> None:
    _serve_notice(site, PAGE.read_bytes())
    site.files["/tzgg/index.html"] = (WEB / "mohrss_notice_list.html").read_bytes()
    pdf = (ROOT / "data" / "raw" / "hubei_2023_plan.pdf").read_bytes()
    site.files["/tzgg/202303/P020230315_hubei_2023_plan.pdf"] = pdf
    site.files["/tzgg/202105/t20210506_413002.html"] = PAGE.read_bytes()  # must not be read
    sources = tmp_path / "ministry.sources"
    sources.write_text(f"# 人社部 通知公告\n\n{site.url('/tzgg/index.html')}\n", encoding="utf-8")

    summary = run_ingest([str(sources)], _settings(tmp_path))
    assert summary.missing == []
    assert site.asked("/tzgg/202105/t20210506_413002.html") == []
    db = tmp_path / "w.duckdb"
    assert _query(db, "SELECT region, plan_year FROM curated.notices ORDER BY 1") == [
        ("全国", 2021),
        ("湖北省", 2023),
    ]
    uris = [u for (u,) in _query(db, "SELECT source_uri FROM curated.documents")]
    assert len(uris) == 4 and site.url("/tzgg/index.html") not in uris
    assert _query(db, "SELECT role FROM raw.http_cache WHERE url LIKE '%index.html'") == [
        ("listing",)
    ]


@pytest.mark.usefixtures("prefect_harness")
def test_size_limit_and_redirects_off_the_allowed_hosts_are_refused(
    tmp_path: Path, site: Site
) -> None:
    port = site.base.rsplit(":", 1)[1]
    url = _serve_notice(site, PAGE.read_bytes())
    site.redirects["/go.html"] = f"http://localhost:{port}{PAGE_PATH}"
    settings = _settings(tmp_path, limits=Limits(max_file_bytes=4096))
    summary = run_ingest([url, site.url("/go.html")], settings)
    assert summary.outcomes == []
    assert summary.missing == [
        f"{url}: not fetched: refused: larger than the limit of 4,096 bytes",
        f"{site.url('/go.html')}: not fetched: refused (redirected to "
        f"http://localhost:{port}{PAGE_PATH}): host localhost is not allowed "
        "(NOTICEFLOW_ALLOWED_HOSTS)",
    ]


def _notice_of(db: Path, doc_id: str) -> str:
    """The notice a document carries (a notice is no file: its id comes from its 文号)."""
    rows = _query(db, "SELECT notice_id FROM curated.notice_documents WHERE doc_id = ?", doc_id)
    assert len(rows) == 1, rows
    return str(rows[0][0])


def _local_notice(folder: Path, page: bytes) -> Path:
    folder.mkdir(parents=True)
    (folder / "t20210420_412001.html").write_bytes(page)
    shutil.copy(XLSX, folder / XLSX_NAME)
    shutil.copy(DOCX, folder / DOCX_NAME)
    return folder / "t20210420_412001.html"


@pytest.mark.usefixtures("prefect_harness")
def test_a_local_page_opens_the_files_next_to_it_and_refuses_links_out_of_its_folder(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    page = _page_with_links('<a href="../secret.xlsx">附件4 学员名单.xlsx</a>')
    _local_notice(inbox, page)
    shutil.copy(XLSX, tmp_path / "secret.xlsx")
    settings = _settings(tmp_path)
    first = run_ingest([str(inbox)], settings)

    outcome = {o.media_type: o for o in first.outcomes}
    assert len(first.outcomes) == 3  # the linked files are read once, as attachments
    assert outcome["html"].status == "partial"
    assert "../secret.xlsx (it leads outside the input folder" in (outcome["html"].error or "")
    db = settings.db
    page_id = _sha(page)
    assert _query(
        db, "SELECT source_uri, parent_doc_id FROM curated.documents WHERE media_type = 'xlsx'"
    ) == [(str(inbox / XLSX_NAME), page_id)]
    assert _query(db, "SELECT count(*), min(notice_id) FROM curated.plan_projects") == [
        (8, _notice_of(db, page_id))
    ]
    assert _query(db, "SELECT count(*) FROM curated.attachments WHERE doc_id IS NOT NULL") == [(3,)]

    counts = _counts(db)
    second = run_ingest([str(inbox)], settings)
    assert second.outcomes == [] and len(second.skipped) == 3
    assert _counts(db) == counts

    # A changed attachment brings its (unchanged) page back: read again, as the page's.
    budget = ROOT / "tests" / "fixtures" / "forms" / "budget_2026_embodied_ai_agents.xlsx"
    shutil.copy(budget, inbox / XLSX_NAME)
    third = run_ingest([str(inbox)], settings)
    assert sorted(o.media_type or "" for o in third.outcomes) == ["docx", "html", "xlsx"]
    assert _query(
        db, "SELECT doc_id, parent_doc_id FROM curated.documents WHERE media_type = 'xlsx'"
    ) == [(_sha(budget.read_bytes()), page_id)]
    assert _query(db, "SELECT count(*) FROM curated.plan_projects") == [(0,)]


@pytest.mark.usefixtures("prefect_harness")
def test_attachment_files_missing_next_to_a_saved_page_are_noted_not_partial(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    summary = run_ingest([str(ROOT / "data" / "raw" / "mohrss_2021_plan.html")], settings)
    assert [(o.status, o.error) for o in summary.outcomes] == [("ok", None)]
    problems = _query(settings.db, "SELECT stage, message FROM raw.problems ORDER BY message")
    missing = "attachment file not found: "
    assert [(stage, message.split(" (no file")[0]) for stage, message in problems] == [
        ("note", missing + "./20210408-附件2%263%202020年高级研修项目学员满意度测评表.xlsx"),
        ("note", missing + "./20210416-附件1%20工程2021年高级研修项目计划表.xlsx"),
    ]


@pytest.mark.usefixtures("prefect_harness")
def test_a_site_absolute_link_on_a_saved_page_is_noted_not_partial(tmp_path: Path) -> None:
    page = ROOT / "tests" / "fixtures" / "web_variants" / "chengdu_2023_plan_zoom.html"
    settings = _settings(tmp_path)
    summary = run_ingest([str(page)], settings)
    assert [(o.status, o.error) for o in summary.outcomes] == [("ok", None)]
    problems = _query(settings.db, "SELECT stage, message FROM raw.problems ORDER BY message")
    assert [message.split(" (")[0] for _, message in problems] == [
        "attachment link not followed: /uploadfiles/2023/03/P020230314531.xls",
        "attachment link not followed: /uploadfiles/2023/03/P020230314532.doc",
    ]


def test_requests_to_one_host_are_spaced_by_the_delay() -> None:
    pacer = HostPacer(0.2)
    started = time.monotonic()
    pacer.wait("www.mohrss.gov.cn")
    pacer.wait("rst.hubei.gov.cn")  # another host: no wait
    assert time.monotonic() - started < 0.1
    pacer.wait("www.mohrss.gov.cn")
    assert time.monotonic() - started >= 0.2


def test_sources_files_urls_and_other_schemes_are_told_apart(tmp_path: Path) -> None:
    listed = tmp_path / "web.sources"
    listed.write_text(
        "# comment\nhttps://www.mohrss.gov.cn/tzgg/index.html#top\ninbox\n\nfile:///etc/passwd\n",
        encoding="utf-8",
    )
    plan = plan_sources([str(listed), "data/raw", "ftp://example.org/x.pdf"])
    assert plan.urls == ["https://www.mohrss.gov.cn/tzgg/index.html"]
    assert plan.paths == [str(tmp_path / "inbox"), "data/raw"]
    assert [p.split(": ")[0] for p in plan.problems] == [
        "file:///etc/passwd",
        "ftp://example.org/x.pdf",
    ]


def test_links_resolve_against_the_page_and_the_allowed_hosts() -> None:
    policy = HostPolicy.for_run(["*.gov.cn"], ["http://127.0.0.1:8000/list.html"])
    page = "https://www.mohrss.gov.cn/tzgg/202104/t1.html"

    def resolve(href: str) -> LinkTarget | Refused:
        return resolve_link(Link("附件1.xlsx", href), policy=policy, page_url=page)

    target = resolve("./附件1%20计划.xlsx#x")
    assert isinstance(target, LinkTarget)
    assert target.url == "https://www.mohrss.gov.cn/tzgg/202104/附件1%20计划.xlsx"
    assert isinstance(resolve("//files.hubei.gov.cn/a.pdf"), LinkTarget)
    assert isinstance(resolve("http://127.0.0.1:9/a.pdf"), LinkTarget)  # a host given
    refused = resolve("https://gov.cn.evil.example/a.xlsx")
    assert isinstance(refused, Refused) and "not allowed" in refused.reason
    assert isinstance(resolve("file:///etc/passwd"), Refused)
    assert isinstance(resolve("ftp://www.mohrss.gov.cn/a.pdf"), Refused)
