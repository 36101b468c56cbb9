"""`raw` holds all of an extraction: the Document read back from raw equals the one the
extractor returned, for every kind of file (so staging can be derived from raw alone)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors import Document, Limits, extract
from warehouse import LoadUnit, Warehouse, connect

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
FILES = sorted(
    [
        *(p for p in (ROOT / "data" / "raw").iterdir() if p.suffix != ".md"),
        *(FIXTURES / "forms").iterdir(),
        *(
            p
            for p in (FIXTURES / "form_variants").iterdir()
            if p.is_file() and p.suffix in (".docx", ".pdf", ".xlsx")
        ),
        *(p for p in (FIXTURES / "variants").iterdir() if p.suffix in (".docx", ".pdf")),
        *(p for p in (FIXTURES / "web_variants").iterdir() if p.suffix == ".html"),
        *(FIXTURES / "web").glob("*.xlsx"),
    ]
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    con = connect(tmp_path_factory.mktemp("raw") / "w.duckdb")
    yield Warehouse(con)
    con.close()


def _extract(path: Path) -> Document:
    return extract(path.read_bytes(), source_uri=str(path), limits=Limits(), doc_id=path.name)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_document_read_back_from_raw_equals_the_extraction(
    warehouse: Warehouse, path: Path
) -> None:
    doc = _extract(path)
    warehouse.load(
        LoadUnit(
            doc_id=doc.doc_id,
            source_uri=doc.source_uri,
            status="ok",
            media_type=doc.media_type,
            document=doc,
            problems=[("extract", p) for p in doc.problems],
            extractor_version="test",
        )
    )
    assert warehouse.read_document(doc.doc_id) == doc


def test_links_of_every_role_and_their_targets_are_kept(warehouse: Warehouse) -> None:
    doc = _extract(FIXTURES / "web" / "mohrss_2021_plan_gbk.html")
    attachments = [link for link in doc.links if link.role == "attachment"]
    assert attachments and any(link.role == "page" for link in doc.links)
    warehouse.load(
        LoadUnit(
            doc_id=doc.doc_id,
            source_uri=doc.source_uri,
            status="ok",
            media_type=doc.media_type,
            document=doc,
            targets=[(attachments[0], "the-attached-file")],
        )
    )
    assert warehouse.read_document(doc.doc_id) == doc
    assert warehouse.link_targets(doc.doc_id) == [(attachments[0], "the-attached-file")]


def test_a_failed_file_has_no_document_in_raw(warehouse: Warehouse) -> None:
    warehouse.load(LoadUnit(doc_id="bad", source_uri="bad.pdf", status="failed", error="x"))
    assert warehouse.read_document("bad") is None
