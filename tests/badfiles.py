"""Builders of broken and hostile input files, made from the real samples."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


def truncated_pdf() -> bytes:
    data = (RAW / "hubei_2026_plan.pdf").read_bytes()
    return data[: len(data) // 3]


def html_page() -> bytes:
    return (RAW / "mohrss_2021_plan.html").read_bytes()


def random_bytes(n: int = 4096) -> bytes:
    return os.urandom(n)


def docx_with_entities() -> bytes:
    """A real DOCX whose document.xml declares an entity (billion-laughs style)."""
    source = zipfile.ZipFile(RAW / "hubei_2025_call_for_topics.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                decl, rest = data.split(b"?>", 1)
                data = decl + b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>' + rest
            target.writestr(info, data)
    return out.getvalue()


def zip_bomb_docx() -> bytes:
    """A DOCX-looking zip with a member of 400 MB of zeros (a few hundred KB compressed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(400):
                member.write(chunk)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    """A real sample PDF encrypted with a user password (AES-128)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(RAW / "hubei_2025_call_for_topics.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
