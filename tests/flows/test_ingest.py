"""The ingest flow end to end: real files, a real DuckDB file, a real Prefect flow run."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.ingest import run_ingest
from flows.settings import Settings
from tests import badfiles

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
SAMPLES = sorted(p for p in RAW.iterdir() if not p.name.lower().startswith("readme"))


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        db=tmp_path / "w.duckdb", out=tmp_path / "curated", pii_key_file=tmp_path / "key"
    )


def _counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [
            f"{s}.{t}"
            for s, t in con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() UNION ALL "
                "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        ]
        return {n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in names}
    finally:
        con.close()


@pytest.mark.usefixtures("prefect_harness")
def test_sample_notices_load_ok_and_a_second_run_skips_them(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    first = run_ingest([str(RAW)], settings)
    assert first.status_counts["ok"] == len(SAMPLES), [
        (o.source_uri, o.status, o.error) for o in first.outcomes
    ]
    counts = _counts(settings.db)
    assert counts["curated.documents"] == len(SAMPLES)
    # Each notice ships as DOCX and PDF (the ministry's as a page): one notice row each.
    assert counts["curated.notices"] == len({p.stem for p in SAMPLES})

    second = run_ingest([str(RAW)], settings)
    assert second.outcomes == []
    assert sorted(second.skipped) == sorted(str(p) for p in SAMPLES)
    assert _counts(settings.db) == counts

    forced = run_ingest([str(RAW)], settings, force=True)
    assert len(forced.outcomes) == len(SAMPLES)
    assert _counts(settings.db) == counts
    published = {p.name for p in (settings.out / "parquet").iterdir()}
    assert {"documents.parquet", "notices.parquet", "plan_projects.parquet"} <= published
    csv = (settings.out / "csv" / "plan_projects.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf") and "武汉理工大学".encode() in csv


@pytest.mark.usefixtures("prefect_harness")
def test_bad_files_fail_with_plain_messages_and_the_rest_loads(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "empty.pdf").write_bytes(b"")
    (inbox / "truncated.pdf").write_bytes(badfiles.truncated_pdf())
    (inbox / "locked.pdf").write_bytes(badfiles.encrypted_pdf())
    (inbox / "page.pdf").write_bytes(badfiles.html_page())
    (inbox / "noise.docx").write_bytes(badfiles.random_bytes())
    (inbox / "bomb.docx").write_bytes(badfiles.zip_bomb_docx())
    (inbox / "entities.docx").write_bytes(badfiles.docx_with_entities())
    # A valid DOCX under a PDF name is read by its content.
    shutil.copy(RAW / "hubei_2026_plan.docx", inbox / "misnamed.pdf")
    shutil.copy(RAW / "hubei_2023_plan.pdf", inbox / "good.pdf")

    summary = run_ingest([str(inbox)], _settings(tmp_path))
    outcome = {Path(o.source_uri).name: o for o in summary.outcomes}
    expected = {
        "empty.pdf": "empty file",
        "truncated.pdf": "corrupt PDF",
        "locked.pdf": "encrypted PDF: a password is needed",
        "page.pdf": "not a PDF: looks like HTML",
        "noise.docx": "not a DOCX",
        "bomb.docx": "zip bomb",
        "entities.docx": "declares entities",
    }
    for name, message in expected.items():
        assert outcome[name].status == "failed", (name, outcome[name])
        assert message in (outcome[name].error or ""), (name, outcome[name].error)
    assert outcome["misnamed.pdf"].status == "ok"
    assert outcome["misnamed.pdf"].media_type == "docx"
    assert outcome["good.pdf"].status == "ok"

    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    failed = con.execute(
        "SELECT count(*) FROM curated.documents WHERE status = 'failed'"
    ).fetchone()[0]
    # Failed files leave a documents row and nothing else.
    leftovers = con.execute(
        "SELECT count(*) FROM raw.text_blocks WHERE doc_id IN "
        "(SELECT doc_id FROM raw.documents WHERE status = 'failed')"
    ).fetchone()[0]
    notices = con.execute("SELECT count(*) FROM curated.notices").fetchone()[0]
    assert (failed, leftovers, notices) == (7, 0, 2)


@pytest.mark.usefixtures("prefect_harness")
def test_a_missing_source_is_reported_not_fatal(tmp_path: Path) -> None:
    summary = run_ingest(
        [str(tmp_path / "nowhere"), str(RAW / "mohrss_2021_plan.html")], _settings(tmp_path)
    )
    assert summary.missing == [f"{tmp_path / 'nowhere'}: no such file or folder"]
    assert [o.status for o in summary.outcomes] == ["ok"]


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_worker_processes_give_the_same_rows_as_threads(tmp_path: Path) -> None:
    import threading
    from dataclasses import replace

    lock = threading.RLock()  # like a terminal progress bar: cannot be pickled
    seen: list[str] = []

    def progress(source_uri: str, done: int, total: int) -> None:
        with lock:
            seen.append(source_uri)

    files = [str(RAW / "hubei_2023_plan.pdf"), str(RAW / "mohrss_2021_plan.html")]
    threads = _settings(tmp_path / "t")
    processes = replace(_settings(tmp_path / "p"), task_runner="processes")
    for settings in (threads, processes):
        settings.db.parent.mkdir(parents=True, exist_ok=True)
        summary = run_ingest(files, settings, progress=progress)
        assert summary.status_counts["ok"] == 2
    assert sorted(seen) == sorted(files * 2)
    assert _counts(threads.db) == _counts(processes.db)
