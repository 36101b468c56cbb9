"""Format detection from content, never from the file name, and the errors it words."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from extractors import EmptyDocument, MediaType, UnsupportedFormat, extract, sniff
from extractors.errors import ExtractionError
from extractors.limits import Limits
from tests import badfiles

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
FORMS = ROOT / "tests" / "fixtures" / "forms"
LEGACY = ROOT / "tests" / "fixtures" / "legacy"
SCANS = ROOT / "tests" / "fixtures" / "scans"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (RAW / "hubei_2026_plan.pdf", MediaType.PDF),
        (RAW / "hubei_2026_plan.docx", MediaType.DOCX),
        (RAW / "mohrss_2021_plan.html", MediaType.HTML),
        (SEEDS / "hubei_2026_plan.txt", MediaType.TXT),
        (FORMS / "budget_2026_embodied_ai_agents.xlsx", MediaType.XLSX),
        (LEGACY / "hubei_2026_plan.doc", MediaType.DOC),
        (LEGACY / "hubei_2026_plan.odt", MediaType.ODT),
        (LEGACY / "budget_2026_embodied_ai_agents.xls", MediaType.XLS),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else str(v),
)
def test_real_files_are_recognised_by_their_bytes(path: Path, expected: MediaType) -> None:
    assert sniff(path.read_bytes()) == expected


def test_images_are_recognised_by_their_magic_bytes() -> None:
    kinds = {sniff(p.read_bytes()) for p in SCANS.iterdir() if p.suffix in (".png", ".tiff")}
    assert kinds == {MediaType.PNG, MediaType.TIFF}


def test_gbk_text_is_text_and_random_bytes_are_unknown() -> None:
    seed = (SEEDS / "fujian_2026_call_for_applications.txt").read_text(encoding="utf-8")
    assert sniff(seed.encode("gb18030")) == MediaType.TXT
    assert sniff(badfiles.random_bytes()) == MediaType.UNKNOWN


def test_a_zip_without_office_parts_is_a_plain_zip() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("notes/readme.txt", "hello")
    assert sniff(buffer.getvalue()) == MediaType.ZIP
    with pytest.raises(UnsupportedFormat, match="holds no Word, Excel or OpenDocument"):
        extract(buffer.getvalue(), source_uri="bundle.zip")


def test_pdf_bytes_under_a_docx_name_are_read_as_pdf() -> None:
    doc = extract((RAW / "hubei_2023_plan.pdf").read_bytes(), source_uri="renamed.docx")
    assert doc.media_type == "pdf"
    assert doc.n_pages == 10


def test_html_saved_as_pdf_is_refused_with_what_it_looks_like() -> None:
    with pytest.raises(UnsupportedFormat, match=r"^not a PDF: looks like HTML"):
        extract(badfiles.html_page(), source_uri="download.pdf")


def test_empty_and_whitespace_files_are_empty() -> None:
    for data in (b"", b"  \n\t "):
        with pytest.raises(EmptyDocument, match="empty file"):
            extract(data, source_uri="x.pdf")


def test_files_over_the_size_limit_are_refused_before_parsing() -> None:
    data = (RAW / "hubei_2026_plan.pdf").read_bytes()
    with pytest.raises(ExtractionError, match="file too large"):
        extract(data, source_uri="x.pdf", limits=Limits(max_file_bytes=1000))


def test_doc_id_is_the_sha256_of_the_bytes() -> None:
    import hashlib

    data = (RAW / "mohrss_2021_plan.html").read_bytes()
    assert extract(data, source_uri="p.html").doc_id == hashlib.sha256(data).hexdigest()


def test_one_list_of_formats_gives_modules_extensions_and_attachment_types() -> None:
    import importlib

    from extractors.registry import ATTACHMENT_EXTENSIONS, FORMATS, MediaType
    from normalizers.linked import ATTACHMENT_EXTENSIONS as LINKED

    for kind, fmt in FORMATS.items():
        assert callable(importlib.import_module(fmt.module).extract), kind
        assert fmt.extensions and all(e.startswith(".") for e in fmt.extensions)
    assert LINKED is ATTACHMENT_EXTENSIONS
    assert {".pdf", ".docx", ".doc", ".xlsx", ".xls", ".ofd", ".wps", ".et"} <= set(LINKED)
    assert not {".html", ".txt", ".png"} & set(LINKED)
    unreadable = {MediaType.ZIP, MediaType.OLE, MediaType.UNKNOWN}
    assert set(MediaType) - unreadable == set(FORMATS)
