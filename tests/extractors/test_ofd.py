"""OFD (GB/T 33190) files: sniffed by content, text in reading order, tables from the
path objects, and the safety checks every zip/XML format gets."""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

import pytest

from extractors.errors import CorruptDocument, EmptyDocument, UnsafeDocument
from extractors.limits import Limits
from extractors.model import Document
from extractors.ofd import _deltas
from extractors.registry import MediaType, extract, sniff

ROOT = Path(__file__).resolve().parents[2]
OFD = ROOT / "tests" / "fixtures" / "ofd"
NS = "http://www.ofdspec.org/2016"


@cache
def _doc(name: str) -> Document:
    path = OFD / name
    return extract(path.read_bytes(), source_uri=str(path))


def _ofd(pages: list[str], *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal OFD package whose pages hold the given layer XML."""
    listing = "".join(
        f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
    )
    parts = {
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocInfo><ofd:Title>t</ofd:Title>'
        "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:PageArea>'
        "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
        f"<ofd:Pages>{listing}</ofd:Pages></ofd:Document>",
    }
    for i, layer in enumerate(pages):
        parts[f"Doc_0/Pages/Page_{i}/Content.xml"] = (
            f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="1">{layer}'
            "</ofd:Layer></ofd:Content></ofd:Page>"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _text(text: str, x: float, y: float, size: float = 5.6, **attrs: str) -> str:
    more = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return (
        f'<ofd:TextObject ID="1" Boundary="{x} {y} 150 8" Size="{size}"{more}>'
        f'<ofd:TextCode X="0" Y="5" DeltaX="g {len(text) - 1} {size}">{text}</ofd:TextCode>'
        "</ofd:TextObject>"
    )


def test_ofd_is_sniffed_by_content_not_name() -> None:
    data = (OFD / "jiangsu_2024_plan.ofd").read_bytes()
    assert sniff(data) is MediaType.OFD
    doc = extract(data, source_uri="download.bin")
    assert doc.media_type == "ofd"
    assert doc.n_pages == 6


def test_ofd_notice_text_in_reading_order_with_looks() -> None:
    doc = _doc("jiangsu_2024_plan.ofd")
    blocks = sorted(doc.blocks, key=lambda b: b.order)
    assert blocks[0].text == "江苏省人力资源和社会保障厅文件"
    assert {"red", "large", "center"} <= set(blocks[0].style)
    title = next(b for b in blocks if b.text.startswith("江苏省人力资源和社会保障厅关于印发"))
    assert title.kind == "heading"
    assert title.text.endswith("2024年高级研修项目计划的通知")
    body = next(b for b in blocks if b.text.startswith("为贯彻落实"))
    assert body.text.endswith("并就有关事项通知如下。")  # one paragraph over many lines
    assert not any(b.text.strip("— ").isdigit() for b in blocks)  # page numbers dropped


def test_ofd_tables_from_path_objects_stitched_across_pages() -> None:
    doc = _doc("jiangsu_2024_plan.ofd")
    funded = doc.tables[0]
    assert funded.pages == (3, 4)
    assert (funded.n_rows, funded.n_cols) == (17, 4)
    assert funded.grid()[16][0] == "16"
    stats = next(t for t in doc.tables if t.grid()[0][0] == "评价项目")
    merged = next(c for c in stats.cells if c.text == "组织管理")
    assert merged.rowspan == 2


def test_ofd_form_table() -> None:
    doc = _doc("budget_2026_integrated_circuits.ofd")
    assert doc.tables
    texts = [c.text for t in doc.tables for c in t.cells]
    assert any("合计" in text for text in texts)


def test_delta_abbreviation_and_ctm() -> None:
    assert _deltas("g 3 5.6 2.8 g 2 1") == [5.6, 5.6, 5.6, 2.8, 1.0, 1.0]
    layer = _text("二〇二四年三月五日", 30, 40) + _text(
        "缩放后的文字", 0, 0, size=2.8, CTM="2 0 0 2 30 60"
    )
    doc = extract(_ofd([layer]), source_uri="x.ofd")
    texts = [b.text for b in sorted(doc.blocks, key=lambda b: b.order)]
    assert texts == ["二〇二四年三月五日", "缩放后的文字"]


def test_entities_are_refused() -> None:
    evil = '<!DOCTYPE x [<!ENTITY a "aaaa">]><ofd:Page xmlns:ofd="' + NS + '">&a;</ofd:Page>'
    data = _ofd([_text("正文", 30, 40)])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as out:
        for info in src.infolist():
            body = evil.encode() if info.filename.endswith("Content.xml") else src.read(info)
            out.writestr(info.filename, body)
    with pytest.raises(UnsafeDocument, match="declares entities"):
        extract(buffer.getvalue(), source_uri="x.ofd")


def test_zip_size_is_checked_before_parsing() -> None:
    data = _ofd([_text("正文", 30, 40)], extra={"Doc_0/Res/pad.bin": b"\0" * 2_000_000})
    with pytest.raises(UnsafeDocument, match="zip bomb"):
        extract(data, source_uri="x.ofd", limits=Limits(max_unzipped_bytes=1_000_000))


def test_missing_document_root_reads_no_page() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", f'<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody/></ofd:OFD>')
    with pytest.raises(EmptyDocument, match="empty OFD"):
        extract(buffer.getvalue(), source_uri="x.ofd")


def test_malformed_page_xml_is_a_problem_not_a_crash() -> None:
    good = _text("第一页的正文", 30, 40)
    data = _ofd([good, good])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as out:
        for info in src.infolist():
            body = b"<broken" if info.filename.endswith("Page_1/Content.xml") else src.read(info)
            out.writestr(info.filename, body)
    doc = extract(buffer.getvalue(), source_uri="x.ofd")
    assert [b.text for b in doc.blocks] == ["第一页的正文"]
    assert doc.problems and "page 2" in doc.problems[0]


def test_package_without_ofd_xml_is_no_ofd() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Doc_0/Document.xml", "<x/>")
    assert sniff(buffer.getvalue()) is MediaType.ZIP


def test_corrupt_part_of_the_package_root() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD")
    with pytest.raises(CorruptDocument, match=r"OFD\.xml is not well-formed"):
        extract(buffer.getvalue(), source_uri="x.ofd")
