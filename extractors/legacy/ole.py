"""Just enough of OLE2 (Compound File Binary) and Word 97 to check a conversion.

LibreOffice reads legacy Word files for us; this module only answers two questions
about the source without running it: is the file encrypted, and how many table
cell marks (U+0007, which end every cell and every row of a Word 97 table) does
its main text hold? The second tells whether a conversion kept the tables.

`OleFile` reads stream names and contents of a compound file (FAT, DIFAT, mini
stream), following sector chains with loop and bounds checks; any damage raises
`OleError`, which callers treat as "no evidence", not as a failure of the file.
`probe_word` reads the Word FIB and the piece table (CLX) to count the marks.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = ["OleError", "OleFile", "WordProbe", "probe_word"]

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_NO_STREAM = 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_WORD_IDENT = 0xA5EC
_CELL_MARK = 0x07


class OleError(ValueError):
    """The compound file or its Word structures cannot be read."""


@dataclass(frozen=True, slots=True)
class OleEntry:
    """One directory entry: a stream or a storage."""

    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    left: int
    right: int
    child: int
    start: int
    size: int


class OleFile:
    """Read-only access to the streams of an OLE2 compound file held in memory."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or not data.startswith(MAGIC):
            raise OleError("not an OLE2 compound file")
        self._data = data
        major, byte_order, shift, mini_shift = struct.unpack_from("<HHHH", data, 0x1A)
        if byte_order != 0xFFFE or shift not in (9, 12) or mini_shift != 6:
            raise OleError(f"unexpected OLE2 header (sector shift {shift}, mini {mini_shift})")
        self._sector_size = 1 << shift
        self._mini_size = 1 << mini_shift
        self._major = major
        self._n_sectors = max((len(data) - self._sector_size) // self._sector_size, 0)
        (n_fat, first_dir, _, self._cutoff, first_minifat, n_minifat, first_difat, n_difat) = (
            struct.unpack_from("<IIIIIIII", data, 0x2C)
        )
        self._fat = self._read_fat(n_fat, first_difat, n_difat)
        self._dir_chain = self._chain(first_dir, self._fat)
        self.entries = self._read_directory()
        root = self.entries[0]
        if root.kind != _ROOT:
            raise OleError("the first directory entry is not the root storage")
        self._minifat: list[int] = []
        self._ministream = b""
        if n_minifat and first_minifat != _END_OF_CHAIN:
            raw = self._chain_bytes(first_minifat)
            self._minifat = list(struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4]))
            self._ministream = self._chain_bytes(root.start)[: root.size]

    # -------------------------------------------------------------- sectors

    def _sector(self, index: int) -> bytes:
        if index >= self._n_sectors + 1:
            raise OleError(f"sector {index} lies beyond the end of the file")
        offset = (index + 1) * self._sector_size
        return self._data[offset : offset + self._sector_size]

    def _read_fat(self, n_fat: int, first_difat: int, n_difat: int) -> list[int]:
        per_sector = self._sector_size // 4
        fat_sectors = list(struct.unpack_from("<109I", self._data, 0x4C))
        difat, seen = first_difat, set[int]()
        while difat not in (_END_OF_CHAIN, _FREE) and len(seen) < n_difat + 1:
            if difat in seen:
                raise OleError("the DIFAT chain loops")
            seen.add(difat)
            values = struct.unpack(f"<{per_sector}I", self._sector(difat))
            fat_sectors.extend(values[:-1])
            difat = values[-1]
        fat: list[int] = []
        for index in fat_sectors[:n_fat]:
            if index in (_FREE, _END_OF_CHAIN):
                break
            fat.extend(struct.unpack(f"<{per_sector}I", self._sector(index)))
        if not fat:
            raise OleError("the file allocation table is empty")
        return fat

    def _chain(self, start: int, table: list[int]) -> list[int]:
        chain: list[int] = []
        seen: set[int] = set()
        sector = start
        while sector != _END_OF_CHAIN:
            if sector in seen or sector >= len(table):
                raise OleError(f"broken sector chain at {sector}")
            seen.add(sector)
            chain.append(sector)
            sector = table[sector]
        return chain

    def _chain_bytes(self, start: int) -> bytes:
        return b"".join(self._sector(s) for s in self._chain(start, self._fat))

    # ------------------------------------------------------------ directory

    def _read_directory(self) -> list[OleEntry]:
        raw = b"".join(self._sector(s) for s in self._dir_chain)
        entries: list[OleEntry] = []
        for offset in range(0, len(raw) - 127, 128):
            chunk = raw[offset : offset + 128]
            name_len = struct.unpack_from("<H", chunk, 0x40)[0]
            name = chunk[: max(min(name_len, 64) - 2, 0)].decode("utf-16-le", "replace")
            kind = chunk[0x42]
            left, right, child = struct.unpack_from("<III", chunk, 0x44)
            start, size_low, size_high = struct.unpack_from("<III", chunk, 0x74)
            size = size_low if self._major == 3 else size_low | size_high << 32
            entries.append(OleEntry(name, kind, left, right, child, start, size))
        if not entries:
            raise OleError("the directory is empty")
        return entries

    def entry_offset(self, index: int) -> int:
        """The file offset of directory entry `index` (for tools that edit the directory)."""
        per_sector = self._sector_size // 128
        sector = self._dir_chain[index // per_sector]
        return (sector + 1) * self._sector_size + (index % per_sector) * 128

    @property
    def fat(self) -> list[int]:
        """The file allocation table: the next sector of each sector."""
        return list(self._fat)

    @property
    def sector_size(self) -> int:
        return self._sector_size

    def streams(self) -> dict[str, OleEntry]:
        """The streams directly inside the root storage, by name."""
        found: dict[str, OleEntry] = {}
        pending, seen = [self.entries[0].child], set()
        while pending:
            index = pending.pop()
            if index == _NO_STREAM or index in seen or index >= len(self.entries):
                continue
            seen.add(index)
            entry = self.entries[index]
            if entry.kind == _STREAM:
                found[entry.name] = entry
            pending.extend((entry.left, entry.right))
        return found

    def read(self, name: str) -> bytes:
        """The content of a stream of the root storage; OleError if it is missing."""
        entry = self.streams().get(name)
        if entry is None:
            raise OleError(f"the file has no stream {name!r}")
        if entry.size < self._cutoff:
            mini = self._chain(entry.start, self._minifat)
            data = b"".join(
                self._ministream[s * self._mini_size : (s + 1) * self._mini_size] for s in mini
            )
        else:
            data = self._chain_bytes(entry.start)
        if len(data) < entry.size:
            raise OleError(f"stream {name!r} is shorter than its declared {entry.size} bytes")
        return data[: entry.size]


@dataclass(frozen=True, slots=True)
class WordProbe:
    """What the Word 97 structures say about the document, read without LibreOffice."""

    encrypted: bool
    main_text_chars: int  # characters of the main document story (ccpText)
    cell_marks: int  # U+0007 in the main text: one per table cell plus one per row


def probe_word(data: bytes) -> WordProbe:
    """Read the FIB and piece table of a Word 97-2003 (or WPS) file; OleError if unreadable."""
    ole = OleFile(data)
    word = ole.read("WordDocument")
    if len(word) < 0x1AA or struct.unpack_from("<H", word, 0)[0] != _WORD_IDENT:
        raise OleError("the WordDocument stream has no Word 97 file information block")
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    ccp_text = struct.unpack_from("<i", word, 0x4C)[0]
    if flags & 0x0100:  # fEncrypted
        return WordProbe(encrypted=True, main_text_chars=max(ccp_text, 0), cell_marks=0)
    table = ole.read("1Table" if flags & 0x0200 else "0Table")
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x1A2)
    clx = table[fc_clx : fc_clx + lcb_clx]
    if not lcb_clx or len(clx) < lcb_clx:
        raise OleError("the piece table (CLX) lies outside the table stream")
    marks = sum(
        _count_marks(word, fc, compressed, n)
        for fc, compressed, n in _pieces(clx, limit=max(ccp_text, 0))
    )
    return WordProbe(encrypted=False, main_text_chars=max(ccp_text, 0), cell_marks=marks)


def _pieces(clx: bytes, *, limit: int) -> list[tuple[int, bool, int]]:
    """(file offset, 8-bit?, character count) of each text piece within the first `limit` CPs."""
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, skipped
        pos += 3 + struct.unpack_from("<h", clx, pos + 1)[0]
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        raise OleError("the piece table (Pcdt) is missing")
    lcb = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5 : pos + 5 + lcb]
    n = (lcb - 4) // 12
    if n <= 0 or len(plc) < lcb:
        raise OleError("the piece table is empty or truncated")
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    pieces: list[tuple[int, bool, int]] = []
    for i in range(n):
        start, end = cps[i], min(cps[i + 1], limit)
        if start >= end:
            continue
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        compressed = bool(fc & 0x40000000)
        offset = (fc & 0x3FFFFFFF) // 2 if compressed else fc & 0x3FFFFFFF
        pieces.append((offset, compressed, end - start))
    return pieces


def _count_marks(word: bytes, offset: int, compressed: bool, n_chars: int) -> int:
    if compressed:
        return word[offset : offset + n_chars].count(_CELL_MARK)
    text = word[offset : offset + 2 * n_chars].decode("utf-16-le", "replace")
    return text.count(chr(_CELL_MARK))
