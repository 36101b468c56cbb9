"""Resident ID numbers (居民身份证号码): check, mask and key-hash, never keep.

An 18-character number is six region digits, the birth date YYYYMMDD, three
sequence digits and a check character computed by ISO 7064 MOD 11-2 ("X" stands
for 10). The warehouse keeps only `id_hash` (HMAC-SHA256 with a secret key, so the
same person can be counted across sheets without the number being recoverable by
hashing every possible ID) and `id_masked` (first 6 and last 4 characters).

A redacted document (normalizers.pii) holds a token such as "⟦身份证#3:420102********1234⟧"
in place of each ID number; `parse_id_token` reads one back.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date

__all__ = [
    "find_id_tokens",
    "hash_id",
    "id_is_valid",
    "id_token",
    "mask_id",
    "normalize_id",
    "parse_id_token",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_EARLIEST_BIRTH = date(1900, 1, 1)
_TOKEN = re.compile(r"⟦身份证#([0-9]+):([^⟦⟧]*)⟧")


def normalize_id(text: str) -> str:
    """The ID as one string: full-width digits and spaces removed, "x" upper-cased."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text)).upper()


def id_is_valid(number: str) -> bool:
    """18 characters, a real birth date since 1900 and a correct MOD 11-2 check character."""
    if not _ID18.fullmatch(number):
        return False
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if birth < _EARLIEST_BIRTH:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11] == number[17]


def mask_id(number: str) -> str:
    """First 6 and last 4 characters, the rest as stars: "420102********1234"."""
    if len(number) < 11:
        return "*" * len(number)  # too short to show any part without revealing most of it
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def hash_id(number: str, *, key: bytes) -> str:
    """HMAC-SHA256 hex of the normalised number, keyed with the deployment's secret."""
    if not key:
        raise ValueError("pii_key is empty: pass the secret key used to hash ID numbers")
    return hmac.new(key, number.encode("utf-8"), hashlib.sha256).hexdigest()


def id_token(number: int, masked: str) -> str:
    """The token standing for the `number`-th ID number of a redacted document."""
    return f"⟦身份证#{number}:{masked.replace('⟦', '').replace('⟧', '')}⟧"


def parse_id_token(text: str) -> tuple[str, int, str] | None:
    """(token, number, masked form) when `text` is one token (blanks around allowed), else None."""
    match = _TOKEN.fullmatch(text.strip())
    if match is None:
        return None
    return match.group(0), int(match.group(1)), match.group(2)


def find_id_tokens(text: str) -> list[tuple[str, int]]:
    """(token, number) of every token in `text`."""
    return [(m.group(0), int(m.group(1))) for m in _TOKEN.finditer(text)]
