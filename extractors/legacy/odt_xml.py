"""The ODT package: opening the zip, parsing its XML parts safely, and the names they use.

An ODT with `manifest:encryption-data` in its manifest is encrypted and refused. Parts
are checked by `limits.check_xml_safe` before lxml parses them, with entities, DTDs and
the network off.
"""

from __future__ import annotations

import zipfile
import zlib

from lxml import etree

from ..errors import CorruptDocument, EncryptedDocument
from ..limits import Limits, check_xml_safe, open_zip_safely

__all__ = [
    "BR",
    "CELL",
    "COVERED",
    "FRAME",
    "HEADER",
    "HEADING",
    "INDEX_BODY",
    "ITEM",
    "LINK",
    "LIST",
    "MAX_REPEAT",
    "NOTE",
    "NS",
    "PARAGRAPH",
    "ROW",
    "ROW_GROUPS",
    "SECTION",
    "SOFT",
    "SPACES",
    "SPAN",
    "STYLE_NAME",
    "TAB",
    "TABLE",
    "TEXTBOX",
    "int_attr",
    "open_archive",
    "q",
    "read_part",
]

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
MAX_REPEAT = 1000  # a repeated empty row or column beyond this is layout, not data


def q(name: str) -> str:
    """The Clark name of a prefixed ODT name: "text:p" -> "{urn:...:text:1.0}p"."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


PARAGRAPH, HEADING, SPAN, LINK = q("text:p"), q("text:h"), q("text:span"), q("text:a")
SPACES, TAB, BR, SOFT = q("text:s"), q("text:tab"), q("text:line-break"), q("text:soft-page-break")
NOTE, FRAME, TEXTBOX = q("text:note"), q("draw:frame"), q("draw:text-box")
LIST, ITEM, HEADER = q("text:list"), q("text:list-item"), q("text:list-header")
SECTION, INDEX_BODY = q("text:section"), q("text:index-body")
TABLE, ROW, CELL, COVERED = (
    q("table:table"),
    q("table:table-row"),
    q("table:table-cell"),
    q("table:covered-table-cell"),
)
ROW_GROUPS = {q("table:table-header-rows"), q("table:table-rows"), q("table:table-row-group")}
STYLE_NAME = q("text:style-name")


def int_attr(el: etree._Element, name: str, *, cap: int = MAX_REPEAT) -> int:
    """A count attribute (repeats, spans) between 1 and `cap`; 1 when absent or invalid."""
    try:
        return min(max(int(el.get(q(name), "1")), 1), cap)
    except ValueError:
        return 1


def open_archive(data: bytes, *, limits: Limits) -> zipfile.ZipFile:
    """The ODT's zip, opened within `limits`; an encrypted ODT is refused."""
    archive = open_zip_safely(data, limits=limits, kind="ODT")
    try:
        manifest = archive.read("META-INF/manifest.xml")
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
        manifest = b""
    if b"encryption-data" in manifest:  # manifest:encryption-data of an encrypted part
        raise EncryptedDocument("encrypted ODT: a password is needed")
    return archive


def read_part(archive: zipfile.ZipFile, part: str, *, required: bool) -> etree._Element | None:
    """One XML part parsed; a missing or broken optional part gives None."""
    try:
        xml = archive.read(part)
    except KeyError:
        if required:
            raise CorruptDocument(f"corrupt ODT: the part {part} is missing") from None
        return None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
        raise CorruptDocument(f"corrupt ODT: part {part} cannot be decompressed ({e})") from e
    check_xml_safe(xml, part=part)
    try:
        return etree.fromstring(xml, parser=_PARSER)
    except etree.XMLSyntaxError as e:
        if required:
            raise CorruptDocument(f"corrupt ODT: {part} is not well-formed XML ({e})") from e
        return None
