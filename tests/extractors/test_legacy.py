"""Legacy office files: .doc/.wps/.odt through LibreOffice, .xls/.et through calamine first.

The fixtures in tests/fixtures/legacy/ were written once by LibreOffice from the sample
DOCX/XLSX files (`make_fixtures.py` says how). Tests that start LibreOffice are slow;
the rest check sniffing, the Word probe, the ODT reader and the error paths without it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import struct
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from extractors import legacy, registry
from extractors.errors import (
    CorruptDocument,
    EncryptedDocument,
    UnsupportedFormat,
)
from extractors.legacy.odt import count_table_cells
from extractors.legacy.ole import OleError, OleFile, probe_word
from extractors.limits import Limits
from extractors.model import Block, Cell, Document, Table

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
FORMS = ROOT / "tests" / "fixtures" / "forms"
LEGACY = ROOT / "tests" / "fixtures" / "legacy"
GOLD = ROOT / "tests" / "fixtures" / "gold" / "notices"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# LibreOffice is installed by scripts/setup.sh; without it these tests fail, never skip.
needs_soffice = pytest.mark.slow


def _extract(path: Path, *, limits: Limits | None = None) -> Document:
    return registry.extract(path.read_bytes(), source_uri=f"uploads/{path.name}", limits=limits)


def _by_route(path: Path, route: str, media_type: str) -> Document:
    return legacy.extract_by_route(
        path.read_bytes(),
        route=route,
        doc_id="test",
        source_uri=path.name,
        limits=Limits(),
        media_type=media_type,
    )


def _table_after(doc: Document, heading_start: str) -> Table:
    items = list(doc.items())
    for i, item in enumerate(items):
        if isinstance(item, Block) and item.text.startswith(heading_start):
            return next(t for t in items[i:] if isinstance(t, Table))
    raise AssertionError(f"no block starts with {heading_start!r}")


def _block_page(doc: Document, text: str) -> int | None:
    return next(b.page for b in doc.blocks if b.text == text)


def _rows(table: Table) -> list[list[str]]:
    return [[(text or "").replace("\n", "") for text in row] for row in table.grid()]


def _assert_gold_projects(doc: Document, stem: str) -> None:
    """The 财政资助 and 自筹经费 tables hold exactly the gold projects and hosts."""
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))["projects"]
    for heading, funding in (("财政资助项目", "财政资助"), ("自筹经费项目", "自筹经费")):
        rows = _rows(_table_after(doc, heading))
        header = rows[0]
        name_col, host_col = header.index("项目名称"), header.index("承办单位")
        expected = [
            (p["project_name"], p["host_org"]) for p in gold if p["funding_type"] == funding
        ]
        assert [(row[name_col], row[host_col]) for row in rows[1:]] == expected


def _assert_same_content(doc: Document, reference: Document) -> None:
    assert [(b.text, b.kind, b.style) for b in doc.blocks] == [
        (b.text, b.kind, b.style) for b in reference.blocks
    ]
    assert [t.cells for t in doc.tables] == [t.cells for t in reference.tables]


def _processes_mentioning(path: Path) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if str(path) in text:
            found.append(text)
    return found


@pytest.fixture()
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary files (LibreOffice profiles included) go under tmp_path, to check cleanup."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


# ----------------------------------------------------------- no LibreOffice needed


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("hubei_2026_plan.doc", "doc"),
        ("hubei_2023_plan.doc", "doc"),
        ("hubei_2026_plan.odt", "odt"),
        ("budget_2026_embodied_ai_agents.xls", "xls"),
        ("xls_with_unknown_codepage.xls", "xls"),
        ("budget_2026_embodied_ai_agents.et", "et"),
        ("budget_2026_integrated_circuits.wps", "wps"),
    ],
)
def test_legacy_formats_are_sniffed_from_content(name: str, media_type: str) -> None:
    assert registry.sniff((LEGACY / name).read_bytes()).value == media_type


def test_word_probe_counts_the_table_cell_marks_of_the_main_text() -> None:
    probe = probe_word((LEGACY / "hubei_2026_plan.doc").read_bytes())
    assert (probe.encrypted, probe.main_text_chars, probe.cell_marks) == (False, 3936, 404)
    probe = probe_word((LEGACY / "hubei_2023_plan.doc").read_bytes())
    assert (probe.encrypted, probe.cell_marks) == (False, 276)


def test_kingsoft_marker_is_a_real_stream_of_the_compound_file() -> None:
    ole = OleFile((LEGACY / "budget_2026_integrated_circuits.wps").read_bytes())
    assert {"WordDocument", "1Table", "WpsCustomData"} <= set(ole.streams())
    assert ole.read("WpsCustomData") == b""
    assert len(ole.read("WordDocument")) == ole.streams()["WordDocument"].size


def test_word_probe_refuses_garbage_behind_an_ole2_header() -> None:
    garbage = OLE_MAGIC + "WordDocument".encode("utf-16-le") + bytes(range(256)) * 16
    with pytest.raises(OleError):
        probe_word(garbage)
    with pytest.raises(OleError, match="no stream 'WordDocument'"):
        probe_word((LEGACY / "budget_2026_embodied_ai_agents.xls").read_bytes())


def test_encrypted_word_file_is_refused_before_libreoffice_starts() -> None:
    data = bytearray((LEGACY / "hubei_2026_plan.doc").read_bytes())
    ole = OleFile(bytes(data))
    fib = (ole.streams()["WordDocument"].start + 1) * ole.sector_size
    flags = struct.unpack_from("<H", data, fib + 0x0A)[0]
    struct.pack_into("<H", data, fib + 0x0A, flags | 0x0100)  # fEncrypted
    with pytest.raises(EncryptedDocument, match="encrypted legacy Word file: a password"):
        registry.extract(bytes(data), source_uri="secret.doc")


def test_encrypted_odt_is_refused_from_its_manifest() -> None:
    source = zipfile.ZipFile(LEGACY / "hubei_2026_plan.odt")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "META-INF/manifest.xml":
                body = body.replace(
                    b'manifest:full-path="content.xml" manifest:media-type="text/xml"/>',
                    b'manifest:full-path="content.xml" manifest:media-type="text/xml">'
                    b'<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>'
                    b"</manifest:file-entry>",
                )
                assert b"encryption-data" in body
            target.writestr(info, body)
    with pytest.raises(EncryptedDocument, match="encrypted ODT: a password is needed"):
        registry.extract(out.getvalue(), source_uri="secret.odt")


def test_odt_route_reads_tables_with_spans_like_the_docx() -> None:
    doc = _by_route(LEGACY / "hubei_2026_plan.odt", "odt", "odt")
    reference = _extract(RAW / "hubei_2026_plan.docx")
    _assert_same_content(doc, reference)
    assert doc.meta["conversion"] == "direct:odt"
    signature = doc.tables[-1].cell_at(18, 3)  # 申报单位签章 spans the last two columns
    assert signature == Cell(row=18, col=2, text="申报单位签章", rowspan=1, colspan=2)
    assert any(c.rowspan > 1 for t in doc.tables for c in t.cells)
    # Pages are LibreOffice's layout: soft page breaks plus the explicit ones.
    first_pages = [_block_page(doc, f"附件{n}") for n in range(1, 7)]
    assert first_pages == [3, 4, 5, 6, 7, 9]
    assert doc.tables[-1].pages == (7, 8)
    assert doc.n_pages == 9


def test_odt_table_cells_count_every_grid_position() -> None:
    data = (LEGACY / "hubei_2026_plan.odt").read_bytes()
    reference = _extract(RAW / "hubei_2026_plan.docx")
    expected = sum(t.n_rows * t.n_cols for t in reference.tables)
    assert count_table_cells(data, limits=Limits()) == expected == 402


def test_table_loss_needs_evidence_from_the_source() -> None:
    doc = _extract(RAW / "hubei_2026_plan.docx")
    assert legacy.table_loss(404, doc) is None
    flattened = dataclasses.replace(doc, tables=())
    assert legacy.table_loss(404, flattened) == (
        "the source holds about 404 table cells, the conversion kept 0"
    )
    assert legacy.table_loss(0, flattened) is None
    assert legacy.table_loss(None, flattened) is None  # no evidence, no tab grid
    # Without evidence, rows of tab-separated text that replaced a table count as a loss.
    rows = _table_after(doc, "财政资助项目").grid()
    tabbed = tuple(
        Block(order=i, page=2, text="\t".join(text or "" for text in row))
        for i, row in enumerate(rows)
    )
    assert legacy.table_loss(None, dataclasses.replace(flattened, blocks=tabbed)) == (
        "no tables were kept, but the text has rows of tab-separated columns"
    )


def test_xls_and_et_are_read_by_calamine_without_libreoffice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere
    for name, media_type in (
        ("budget_2026_embodied_ai_agents.xls", "xls"),
        ("budget_2026_embodied_ai_agents.et", "et"),
    ):
        doc = _extract(LEGACY / name)
        assert (doc.media_type, doc.meta["conversion"]) == (media_type, "direct:calamine")
        assert doc.blocks[0].text == "湖北省专业技术人员知识更新工程2026 年高级研修项目经费决算表"
        grid = doc.tables[0].grid()
        assert (doc.tables[0].n_rows, doc.tables[0].n_cols) == (20, 4)
        assert grid[6] == ["住宿费", "47880", "42人×3晚×380元", None]  # calamine: General
        assert grid[13][:2] == ["合计", "128000"]


def test_missing_libreoffice_is_an_unsupported_format_naming_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UnsupportedFormat) as word:
        _extract(LEGACY / "hubei_2026_plan.doc")
    assert str(word.value) == (
        "legacy Word file needs LibreOffice (Debian package libreoffice-writer-nogui) "
        "to be read, but no soffice program was found"
    )
    with pytest.raises(UnsupportedFormat, match=r"libreoffice-calc-nogui") as sheet:
        _extract(LEGACY / "xls_with_unknown_codepage.xls")
    assert str(sheet.value).startswith("corrupt XLS: calamine cannot read it")


def test_odt_without_libreoffice_is_read_directly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    doc = _extract(LEGACY / "hubei_2026_plan.odt")
    assert (doc.media_type, doc.meta["conversion"]) == ("odt", "direct:odt")
    _assert_gold_projects(doc, "hubei_2026_plan")


def test_convert_timeout_must_be_positive() -> None:
    assert Limits().convert_timeout_s == 120
    for bad in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="convert_timeout_s"):
            Limits(convert_timeout_s=bad)


# ---------------------------------------------------------------- with LibreOffice


@pytest.fixture(scope="module")
def hubei_2026_doc() -> Document:
    return _extract(LEGACY / "hubei_2026_plan.doc")


@pytest.mark.slow
@needs_soffice
def test_doc_keeps_the_original_identity_and_says_how_it_was_read(
    hubei_2026_doc: Document,
) -> None:
    data = (LEGACY / "hubei_2026_plan.doc").read_bytes()
    assert hubei_2026_doc.doc_id == hashlib.sha256(data).hexdigest()
    assert hubei_2026_doc.source_uri == "uploads/hubei_2026_plan.doc"
    assert hubei_2026_doc.media_type == "doc"
    assert hubei_2026_doc.meta["conversion"] == "libreoffice:docx"
    assert "application" not in hubei_2026_doc.meta  # that would be LibreOffice itself
    assert hubei_2026_doc.problems == ()


@pytest.mark.slow
@needs_soffice
def test_doc_of_hubei_2026_yields_the_docx_tables_and_gold_projects(
    hubei_2026_doc: Document,
) -> None:
    reference = _extract(RAW / "hubei_2026_plan.docx")
    _assert_same_content(hubei_2026_doc, reference)
    assert [b.page for b in hubei_2026_doc.blocks] == [b.page for b in reference.blocks]
    _assert_gold_projects(hubei_2026_doc, "hubei_2026_plan")


@pytest.mark.slow
@needs_soffice
def test_doc_yields_the_same_curated_records_as_the_docx(hubei_2026_doc: Document) -> None:
    from normalizers.pipeline import normalize

    reference = _extract(RAW / "hubei_2026_plan.docx")
    # Same provenance, so that records differ only if the content read differs.
    relabelled = dataclasses.replace(
        hubei_2026_doc,
        doc_id=reference.doc_id,
        source_uri=reference.source_uri,
        media_type=reference.media_type,
    )
    from_doc = normalize(relabelled, pii_key=b"k")
    from_docx = normalize(reference, pii_key=b"k")
    assert (from_doc.role, from_doc.kind) == ("notice", "plan")
    assert from_doc.records == from_docx.records
    assert from_doc.problems == from_docx.problems
    kinds = {type(r).__name__ for r in from_doc.records}
    assert {"Notice", "PlanProject", "PolicyTerm", "Attachment"} <= kinds


@pytest.mark.slow
@needs_soffice
def test_doc_of_hubei_2023_yields_the_gold_projects() -> None:
    doc = _extract(LEGACY / "hubei_2023_plan.doc")
    assert (doc.meta["conversion"], doc.problems) == ("libreoffice:docx", ())
    _assert_same_content(doc, _extract(RAW / "hubei_2023_plan.docx"))
    _assert_gold_projects(doc, "hubei_2023_plan")


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("route", ["odt", "pdf"])
def test_fallback_routes_keep_the_project_tables(route: str) -> None:
    doc = _by_route(LEGACY / "hubei_2026_plan.doc", route, "doc")
    assert (doc.media_type, doc.meta["conversion"]) == ("doc", f"libreoffice:{route}")
    assert len(doc.tables) == 6
    _assert_gold_projects(doc, "hubei_2026_plan")


@pytest.mark.slow
@needs_soffice
def test_wps_file_is_converted_like_a_word_file() -> None:
    doc = _extract(LEGACY / "budget_2026_integrated_circuits.wps")
    assert (doc.media_type, doc.meta["conversion"]) == ("wps", "libreoffice:docx")
    _assert_same_content(doc, _extract(FORMS / "budget_2026_integrated_circuits.docx"))


@pytest.mark.slow
@needs_soffice
def test_odt_is_converted_to_docx_when_libreoffice_is_there() -> None:
    doc = _extract(LEGACY / "hubei_2026_plan.odt")
    assert (doc.media_type, doc.meta["conversion"]) == ("odt", "libreoffice:docx")
    _assert_same_content(doc, _extract(RAW / "hubei_2026_plan.docx"))


@pytest.mark.slow
@needs_soffice
def test_xls_calamine_cannot_read_is_converted_with_its_number_formats() -> None:
    path = LEGACY / "xls_with_unknown_codepage.xls"
    with pytest.raises(CorruptDocument, match="corrupt XLS: calamine cannot read it"):
        _by_route(path, "calamine", "xls")
    doc = _extract(path)
    assert (doc.media_type, doc.meta["conversion"]) == ("xls", "libreoffice:xlsx")
    assert doc.blocks[0].text == "湖北省专业技术人员知识更新工程2026 年高级研修项目经费决算表"
    grid = doc.tables[0].grid()
    assert grid[0] == ["填报单位：武汉大学", None, "填报时间：2026年7月8日", None]
    assert grid[6] == ["住宿费", "47,880.00", "42人×3晚×380元", None]
    assert grid[13][:2] == ["合计", "128,000.00"]
    assert grid[19] == ["经办人：戴子涵", "承办单位财务部门签章", None, "申报单位签章"]


@pytest.mark.slow
@needs_soffice
def test_two_conversions_at_once_both_succeed_and_clean_up(private_tmp: Path) -> None:
    paths = [LEGACY / "hubei_2026_plan.doc", LEGACY / "hubei_2023_plan.doc"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        docs = list(pool.map(_extract, paths))
    assert [len(d.tables) for d in docs] == [6, 5]
    assert [d.source_uri for d in docs] == [f"uploads/{p.name}" for p in paths]
    _assert_gold_projects(docs[0], "hubei_2026_plan")
    _assert_gold_projects(docs[1], "hubei_2023_plan")
    assert list(private_tmp.iterdir()) == []
    assert _processes_mentioning(private_tmp) == []


@pytest.mark.slow
@needs_soffice
def test_garbage_behind_an_ole2_header_is_a_corrupt_document(private_tmp: Path) -> None:
    garbage = OLE_MAGIC + "WordDocument".encode("utf-16-le") + bytes(range(256)) * 16
    assert registry.sniff(garbage).value == "doc"
    with pytest.raises(CorruptDocument) as error:
        registry.extract(garbage, source_uri="broken.doc")
    assert str(error.value) == (
        "legacy Word file could not be converted: LibreOffice could not load it "
        "(Error: source file could not be loaded)"
    )
    assert list(private_tmp.iterdir()) == []


@pytest.mark.slow
@needs_soffice
def test_timeout_kills_libreoffice_and_says_so(private_tmp: Path) -> None:
    with pytest.raises(CorruptDocument) as error:
        _extract(LEGACY / "hubei_2026_plan.doc", limits=Limits(convert_timeout_s=0.01))
    assert str(error.value) == (
        "legacy Word file could not be converted: LibreOffice timed out after 0.01 s"
    )
    assert _processes_mentioning(private_tmp) == []
    assert list(private_tmp.iterdir()) == []
