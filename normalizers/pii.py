"""Personal data in documents: mask it in free text, redact it from a whole `Document`.

Data contract 0.2: resident ID numbers (居民身份证号码), mobile numbers and the names
of participants never appear in clear outside the warehouse's `private` schema.
`redact_document` turns an extracted document into one that may be stored in `raw`:

- every ID number becomes a token, "⟦身份证#3:420102********1234⟧", numbered per
  document; its `PiiToken` (keyed hash, masked form, validity, computed from the
  original) goes to `private.pii_vault`, so the attendance reader gives the same
  records from the redacted document and the vault as from the original;
- in a table of people (a header naming 姓名 and 身份证号 or 联系电话), every filled
  cell of the ID column is a token, valid ID or not, and every filled name cell
  becomes "＊＊" (still filled, so the row still counts);
- mobile numbers anywhere become "138****5678" (`mask_text`).

Office numbers (0591-87612629), 统一社会信用代码 and bank numbers stay: a number is
masked only when it stands alone (no digit or letter right before or after it).

`ID_NUMBER_PATTERN` and `MOBILE_PATTERN` are the only definitions of the two
patterns: `mask_text` uses them, and so does the warehouse's scan for personal data
in clear (`warehouse.checks`). They are RE2 syntax (DuckDB): no look-around, the
boundaries are groups, and group 1 is the number itself.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from extractors.model import Block, Document, Table

from .forms.attendance import person_tables
from .forms.idcard import (
    find_id_tokens,
    hash_id,
    id_is_valid,
    id_token,
    mask_id,
    normalize_id,
    parse_id_token,
)
from .forms.labels import label_book
from .records import stored_in

__all__ = [
    "ID_NUMBER_PATTERN",
    "MOBILE_PATTERN",
    "NAME_MASK",
    "PII_PATTERNS",
    "PiiToken",
    "mask_text",
    "redact_document",
]

NAME_MASK = "＊＊"  # a participant's name: fixed, so neither its length nor its text shows


def _full(char: str) -> str:
    """The full-width form of an ASCII character ("1" -> "１")."""
    return chr(ord(char) + 0xFEE0)


def _digit(low: str = "0", high: str | None = None) -> str:
    """A class of the digits low..high, half- and full-width."""
    high = high or low
    if low == high:
        return f"[{low}{_full(low)}]"
    return f"[{low}-{high}{_full(low)}-{_full(high)}]"


_D = _digit("0", "9")
_ALNUM = f"0-9A-Za-z{_full('0')}-{_full('9')}{_full('A')}-{_full('Z')}{_full('a')}-{_full('z')}"
# RE2 has no look-behind: a number stands alone when the character before it is no
# digit or letter (or there is none), and so for the character after it.
_LEAD = f"(?:^|[^{_ALNUM}])"
_TAIL = f"(?:[^{_ALNUM}]|$)"
_ID_GAP = "[ \u3000\u00a0]?"  # "420102 19900307 1234": one space between any two digits
_MOBILE_GAP = "[ \u3000\u00a0\\-－]?"  # "138 1234 5678", "138-1234-5678"


def _spaced(*positions: str) -> str:
    return _ID_GAP.join(positions)


def _either(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


_REGION = (_digit("1", "8"), _D, _D, _D, _D, _D)
_MONTH = _either(_spaced(_digit("0"), _digit("1", "9")), _spaced(_digit("1"), _digit("0", "2")))
_DAY = _either(
    _spaced(_digit("0"), _digit("1", "9")),
    _spaced(_digit("1", "2"), _D),
    _spaced(_digit("3"), _digit("0", "1")),
)
_CENTURY = _either(_spaced(_digit("1"), _digit("8", "9")), _spaced(_digit("2"), _digit("0")))
_CHECK = f"[0-9{_full('0')}-{_full('9')}Xx{_full('X')}{_full('x')}]"
_ID18 = _spaced(*_REGION, _CENTURY, _D, _D, _MONTH, _DAY, _D, _D, _D, _CHECK)
_ID15 = _spaced(*_REGION, _D, _D, _MONTH, _DAY, _D, _D, _D)  # issued before 1999: YYMMDD

_PLUS = f"[+{_full('+')}]"
_MOBILE_PREFIX = _either(
    f"{_PLUS}?{_digit('8')}{_digit('6')}{_MOBILE_GAP}",
    f"[(（]{_PLUS}?{_digit('8')}{_digit('6')}[)）] ?",
)
_MOBILE = (
    f"{_MOBILE_PREFIX}?{_digit('1')}{_digit('3', '9')}{_D}"
    f"{_MOBILE_GAP}{_D}{{4}}{_MOBILE_GAP}{_D}{{4}}"
)

ID_NUMBER_PATTERN = f"{_LEAD}({_either(_ID18, _ID15)}){_TAIL}"
"""An 18- or 15-digit resident ID number with a plausible birth date (group 1)."""
MOBILE_PATTERN = f"{_LEAD}({_MOBILE}){_TAIL}"
"""A mainland mobile number, 1[3-9] and 9 digits, maybe +86 and separators (group 1)."""
PII_PATTERNS = {"id_number": ID_NUMBER_PATTERN, "mobile": MOBILE_PATTERN}
"""Kind -> pattern, in the order `mask_text` applies them."""

_ID_RE = re.compile(ID_NUMBER_PATTERN)
_MOBILE_RE = re.compile(MOBILE_PATTERN)


@stored_in("private.pii_vault")
@dataclass(frozen=True, slots=True)
class PiiToken:
    """What a token of a redacted document stands for; private, never published.

    The loader adds the redacted document's `doc_id`.
    """

    token: str  # ⟦身份证#3:420102********1234⟧, as the redacted document holds it
    kind: str  # id_number
    id_hash: str  # HMAC-SHA256 hex of the normalised number, keyed with pii_key
    id_masked: str  # 420102********1234
    id_valid: bool  # 18 characters, a real birth date and a correct check character


def _substitute(text: str, pattern: re.Pattern[str], replace: Callable[[str], str]) -> str:
    """`text` with group 1 of every match replaced; the boundary characters stay."""
    parts: list[str] = []
    last = 0
    match = pattern.search(text)
    while match is not None:
        start, end = match.span(1)
        parts += [text[last:start], replace(match.group(1))]
        last = end
        # The character after a number is its boundary and may be the next one's.
        match = pattern.search(text, end)
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _mask_id_number(written: str) -> str:
    return mask_id(normalize_id(written))


def _mask_mobile(written: str) -> str:
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", written))
    prefix = "+86 " if len(digits) == 13 else ""
    return f"{prefix}{digits[-11:-8]}****{digits[-4:]}"


def mask_text(text: str) -> str:
    """`text` with ID numbers as "420102********1234" and mobiles as "138****5678".

    Repeated until nothing matches: masking a number can leave digits that now
    stand alone and form another one (each round removes digits, so it ends).
    """
    while True:
        masked = _substitute(text, _ID_RE, _mask_id_number)
        masked = _substitute(masked, _MOBILE_RE, _mask_mobile)
        if masked == text:
            return masked
        text = masked


class _Redactor:
    """Tokens of one document: the same written ID gets the same token."""

    def __init__(self, key: bytes, first_number: int) -> None:
        if not key:
            raise ValueError("pii_key is empty: pass the secret key used to hash ID numbers")
        self.key = key
        self.next_number = first_number
        self.entries: dict[str, PiiToken] = {}  # normalised written ID -> its entry

    def token(self, written: str) -> str:
        entry = self.entries.get(written)
        if entry is None:
            masked = mask_id(written)
            # The token shows a masked ID; anything else written in an ID cell
            # (a phone number, a typo) shows as stars only.
            shown = masked if 15 <= len(written) <= 18 else "*" * min(len(written), 18)
            entry = PiiToken(
                token=id_token(self.next_number, mask_text(shown)),
                kind="id_number",
                id_hash=hash_id(written, key=self.key),
                id_masked=masked,
                id_valid=id_is_valid(written),
            )
            self.next_number += 1
            self.entries[written] = entry
        return entry.token

    def text(self, text: str) -> str:
        """ID numbers as tokens, then mobiles (and anything left) masked."""
        tokenised = _substitute(text, _ID_RE, lambda found: self.token(normalize_id(found)))
        return mask_text(tokenised)

    def id_cell(self, text: str) -> str:
        """A cell of an ID column: one token for all of it, whatever it holds."""
        if not text.strip() or parse_id_token(text) is not None or _is_label(text):
            return text
        return self.token(normalize_id(text))


def _is_label(text: str) -> bool:
    return label_book().attendance_columns.match(text) is not None


def _column_roles(doc: Document) -> dict[tuple[int, int], tuple[str, int]]:
    """(table index, column) -> ("id_number" | "name", first person row) for tables of people.

    ID columns as the attendance reader finds them (so it reads back tokens wherever
    it reads ID numbers), and the name columns of any table listing people with
    their ID numbers or phone numbers.
    """
    index = {id(table): i for i, table in enumerate(doc.tables)}
    roles: dict[tuple[int, int], tuple[str, int]] = {}
    for needs in (("id_number",), ("id_number", "phone")):
        for table, first, columns in person_tables(doc, needs=needs):
            for key in ("id_number", "name"):
                if key in columns:
                    spot = (index[id(table)], columns[key])
                    known = roles.get(spot)
                    roles[spot] = (key, first if known is None else min(first, known[1]))
    return roles


def _redact_table(
    table: Table, number: int, roles: dict[tuple[int, int], tuple[str, int]], redactor: _Redactor
) -> Table:
    cells = []
    for cell in table.cells:
        text = cell.text
        role, first = roles.get((number, cell.col), (None, 0))
        if role is not None and cell.row >= first:
            if role == "id_number":
                text = redactor.id_cell(text)
            elif text.strip() and not _is_label(text):
                text = NAME_MASK
        text = redactor.text(text)
        cells.append(cell if text == cell.text else dataclasses.replace(cell, text=text))
    return dataclasses.replace(table, cells=tuple(cells))


def _existing_tokens(doc: Document) -> int:
    """The highest token number `doc` already holds (0 for none)."""
    texts = [doc.title or "", *(b.text for b in doc.blocks), *(k.text for k in doc.links)]
    texts += [cell.text for table in doc.tables for cell in table.cells]
    return max((n for text in texts for _, n in find_id_tokens(text)), default=0)


def redact_document(doc: Document, *, pii_key: bytes) -> tuple[Document, tuple[PiiToken, ...]]:
    """`doc` without personal data in clear, and the vault entries of its tokens.

    Only texts change (blocks, cells, title, link texts, problems, meta values);
    order, pages, spans and styles stay as they are. Redacting a redacted document
    changes nothing and gives no new entries.
    """
    redactor = _Redactor(pii_key, _existing_tokens(doc) + 1)
    roles = _column_roles(doc)
    title = redactor.text(doc.title) if doc.title is not None else None
    blocks: dict[int, Block] = {}
    tables: dict[int, Table] = {}
    table_number = {id(table): i for i, table in enumerate(doc.tables)}
    for item in doc.items():  # reading order numbers the tokens
        if isinstance(item, Table):
            number = table_number[id(item)]
            tables[number] = _redact_table(item, number, roles, redactor)
        else:
            text = redactor.text(item.text)
            blocks[id(item)] = item if text == item.text else dataclasses.replace(item, text=text)
    links = tuple(dataclasses.replace(link, text=redactor.text(link.text)) for link in doc.links)
    redacted = dataclasses.replace(
        doc,
        title=title,
        blocks=tuple(blocks[id(block)] for block in doc.blocks),
        tables=tuple(tables[i] for i in range(len(doc.tables))),
        links=links,
        problems=tuple(mask_text(problem) for problem in doc.problems),
        meta={name: mask_text(value) for name, value in doc.meta.items()},
    )
    return redacted, tuple(redactor.entries.values())
