"""Personal data never in clear outside `private`: after ingesting every sample notice and
every fixture form, no ID number, mobile number or participant name of the forms' gold is
in any table of raw, staging or curated, in any published file, in the run's summary
artifact or in its log — and the warehouse's own check agrees. Aggregates still add up."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from flows.ingest import run_ingest
from flows.settings import Settings
from flows.summary import RunSummary
from normalizers.forms.idcard import normalize_id
from normalizers.pii import ID_NUMBER_PATTERN, MOBILE_PATTERN
from tests.form_gold import load_gold

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
FORMS = [
    *(p for p in (FIXTURES / "forms").iterdir() if p.is_file()),
    *(p for p in (FIXTURES / "form_variants").iterdir() if p.suffix in (".docx", ".pdf", ".xlsx")),
]


def _gold(path: Path) -> dict[str, Any]:
    folder = FIXTURES / "gold" / "forms" if path.parent.name == "forms" else path.parent / "gold"
    return load_gold(folder, path.name)["fields"]


def _secrets() -> tuple[set[str], set[str]]:
    """(numbers, names) of every form's gold: IDs, phones, mobiles of applicants, names."""
    numbers: set[str] = set()
    names: set[str] = set()
    for path in FORMS:
        fields = _gold(path)
        numbers |= {normalize_id(n) for n in fields.get("id_numbers", ())}
        numbers |= set(fields.get("phones", ()))
        names |= set(fields.get("names", ()))
        for key in ("applicant_contact", "host_contact"):
            if fields.get(key):
                numbers.add(fields[key]["mobile"])
    return {n for n in numbers if len(n) >= 11}, names


def _squeezed(text: str) -> str:
    return re.sub(r"[\s\-+]", "", normalize_id(text))


@pytest.fixture(scope="module")
def ingested(
    prefect_harness: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, RunSummary, str]]:
    tmp = tmp_path_factory.mktemp("privacy")
    inbox = tmp / "inbox"
    shutil.copytree(ROOT / "data" / "raw", inbox)
    for path in FORMS:
        shutil.copy(path, inbox / path.name)
    settings = Settings(db=tmp / "w.duckdb", out=tmp / "curated", pii_key_file=tmp / "key")
    logger = logging.getLogger()
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Keep(level=logging.DEBUG)
    logger.addHandler(handler)
    try:
        summary = run_ingest([str(inbox)], settings)
    finally:
        logger.removeHandler(handler)
    yield settings, summary, "\n".join(records)


def _warehouse_text(db: Path) -> dict[str, str]:
    """Every value of every table and view outside `private`, as text, per relation."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        relations = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name <> 'private' "
            "UNION ALL SELECT schema_name, view_name FROM duckdb_views() "
            "WHERE NOT internal AND schema_name <> 'private'"
        ).fetchall()
        return {
            f"{s}.{t}": repr(con.execute(f'SELECT * FROM "{s}"."{t}"').fetchall())
            for s, t in relations
        }
    finally:
        con.close()


def _published_text(out: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            con = duckdb.connect()
            rows = con.execute("SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
            texts[str(path)] = repr(rows)
            con.close()
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            texts[str(path)] = repr(
                [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
            )
            book.close()
        else:
            texts[str(path)] = path.read_text(encoding="utf-8", errors="replace")
    return texts


def _leaks(texts: dict[str, str]) -> list[tuple[str, str]]:
    numbers, names = _secrets()
    found = []
    for where, text in texts.items():
        squeezed = _squeezed(text)
        found += [(where, n[:4] + "…") for n in numbers if n in squeezed]
        found += [(where, name[0] + "…") for name in names if name in text]
        if re.search(ID_NUMBER_PATTERN, text) or re.search(MOBILE_PATTERN, text):
            found.append((where, "pattern"))
    return found


def test_the_fixtures_hold_personal_data_to_find() -> None:
    numbers, names = _secrets()
    assert len(numbers) >= 20 and len(names) >= 10


def test_no_personal_data_in_any_table_outside_private(ingested) -> None:  # type: ignore[no-untyped-def]
    settings, summary, _ = ingested
    assert summary.status_counts["failed"] == 0
    texts = _warehouse_text(settings.db)
    assert "raw.table_cells" in texts and "curated.attendance_summary" in texts
    assert _leaks(texts) == []
    assert summary.checks["pii_in_clear"] == 0


def test_no_personal_data_in_any_published_file(ingested) -> None:  # type: ignore[no-untyped-def]
    settings, _, _ = ingested
    texts = _published_text(settings.out)
    assert any(name.endswith("attendance_summary.csv") for name in texts)
    assert _leaks(texts) == []


def test_no_personal_data_in_the_summary_artifact_or_the_log(ingested) -> None:  # type: ignore[no-untyped-def]
    _, summary, log = ingested
    assert _leaks({"artifact": summary.to_markdown(), "log": log}) == []


def test_private_keeps_hashes_and_masks_and_aggregates_add_up(ingested) -> None:  # type: ignore[no-untyped-def]
    settings, _, _ = ingested
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        vault = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT id_valid), "
            "count(*) FILTER (WHERE id_masked LIKE '%****%') FROM private.pii_vault"
        ).fetchone()
        people = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT id_valid) FROM private.attendance_people"
        ).fetchone()
        summary = con.execute(
            "SELECT sum(n_rows), sum(n_invalid_ids) FROM curated.attendance_summary"
        ).fetchone()
    finally:
        con.close()
    expected_rows = sum(_gold(p)["n_rows"] for p in FORMS if p.name.startswith("attendance_"))
    expected_invalid = sum(
        _gold(p).get("n_invalid_ids", 0) for p in FORMS if p.name.startswith("attendance_")
    )
    assert summary == (expected_rows, expected_invalid)
    assert people == (expected_rows, expected_invalid)
    assert vault is not None and vault[0] == expected_rows and vault[1] == expected_invalid
