"""Organisation names: one canonical spelling per organisation, and its kind.

Plan tables write the same 承办单位 (host) or 申报单位 (applicant) in several ways:
wrapped across lines ("武汉烽火技术服务有 限公司"), with half- or full-width brackets,
with a brand in brackets ("武汉烽火技术服务有限公司（烽火通信）") or by a short name
("烽火通信"). `canonical_org` maps them to one name; a bracket that is part of the
name, such as a university's campus city in "中国地质大学（武汉）", stays.
`org_type` tells a university from a company, hospital, research institute or
government body by the suffix rules of `data/org_types.json`. Aliases live in
`data/org_aliases.json`.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .regions import province_by_name, province_of_city
from .text import clean_text

__all__ = ["ORG_TYPES", "canonical_org", "org_type", "split_orgs"]

ORG_TYPES = ("university", "company", "hospital", "research_institute", "government", "other")

_HALF_TO_FULL_BRACKETS = str.maketrans({"(": "（", ")": "）"})
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
# The last bracket group at the end of a name: "中国地质大学（武汉）" -> base, inner.
_TRAILING_BRACKET = re.compile(r"^(?P<base>.*[^（）])（(?P<inner>[^（）]+)）$")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]+$")
# Separators between several organisations in one cell ("华中科技大学、武汉大学"). Not a
# line break: wrapped cells break lines inside a name.
_SEPARATORS = frozenset("、；;，,/")


@dataclass(frozen=True, slots=True)
class _TypeRule:
    type: str
    word: str
    requires_any: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Rules:
    alias_to_canonical: dict[str, str]
    kept_bracket_words: tuple[str, ...]
    former_name_prefixes: tuple[str, ...]
    max_brand_length: int
    suffixes: tuple[_TypeRule, ...]  # longest suffix first
    contains: tuple[_TypeRule, ...]
    place_suffixes: tuple[str, ...]
    max_place_length: int


def _data(name: str) -> dict[str, Any]:
    text = resources.files("normalizers").joinpath("data", name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _clean(name: str) -> str:
    """NFKC, half-width brackets to full width, no invisible or wrap-inserted spaces."""
    text = name
    # Removing a space can join a base letter and a combining mark that NFKC then
    # composes; repeat until nothing changes (twice in practice).
    for _ in range(4):
        cleaned = unicodedata.normalize("NFKC", text)
        cleaned = _INVISIBLE.sub("", cleaned).translate(_HALF_TO_FULL_BRACKETS)
        cleaned = clean_text(cleaned)
        if cleaned == text:
            break
        text = cleaned
    return text


@functools.cache
def _rules() -> _Rules:
    aliases = _data("org_aliases.json")
    alias_to_canonical: dict[str, str] = {}
    for canonical, names in aliases["aliases"].items():
        if _clean(canonical) != canonical:
            raise ValueError(
                f"org_aliases.json: canonical name {canonical!r} is not clean; "
                f"write it as {_clean(canonical)!r}"
            )
        for alias in names:
            key = _clean(alias)
            if alias_to_canonical.get(key, canonical) != canonical:
                raise ValueError(
                    f"org_aliases.json: {alias!r} is listed under both "
                    f"{alias_to_canonical[key]!r} and {canonical!r}; keep it under one"
                )
            alias_to_canonical[key] = canonical
    for canonical in aliases["aliases"]:
        if alias_to_canonical.get(canonical, canonical) != canonical:
            raise ValueError(
                f"org_aliases.json: canonical name {canonical!r} is also an alias of "
                f"{alias_to_canonical[canonical]!r}; merge the two entries"
            )
    types = _data("org_types.json")
    suffixes = [
        _TypeRule(r["type"], r["suffix"], tuple(r.get("requires_any", ())))
        for r in types["suffixes"]
    ]
    contains = [_TypeRule(r["type"], r["word"]) for r in types["contains"]]
    for rule in (*suffixes, *contains):
        if rule.type not in ORG_TYPES:
            raise ValueError(
                f"org_types.json: type {rule.type!r} of {rule.word!r} is not one of {ORG_TYPES}"
            )
    return _Rules(
        alias_to_canonical=alias_to_canonical,
        kept_bracket_words=tuple(aliases["kept_bracket_words"]),
        former_name_prefixes=tuple(aliases["former_name_prefixes"]),
        max_brand_length=int(aliases["max_brand_length"]),
        suffixes=tuple(sorted(suffixes, key=lambda r: len(r.word), reverse=True)),
        contains=tuple(contains),
        place_suffixes=tuple(types["place_suffixes"]),
        max_place_length=int(types["max_place_length"]),
    )


def _is_place(text: str) -> bool:
    """True for a province, city or county name, with or without its 市 (武汉, 天门市)."""
    if province_by_name(text) or province_of_city(text) or province_of_city(text + "市"):
        return True
    rules = _rules()
    return (
        bool(_CJK_NAME.match(text))
        and 2 <= len(text) <= rules.max_place_length
        and text.endswith(rules.place_suffixes)
        and _suffix_type(text) is None
    )


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(char in chars for char in short)


def _is_brand(inner: str, base: str) -> bool:
    """True when a trailing bracket holds another name of `base`, not part of its name."""
    rules = _rules()
    known = rules.alias_to_canonical.get(inner)
    if known is not None and known in (base, rules.alias_to_canonical.get(base)):
        return True
    if _is_place(inner) or any(word in inner for word in rules.kept_bracket_words):
        return False
    if inner.startswith(rules.former_name_prefixes):
        return True
    if not 2 <= len(inner) <= rules.max_brand_length or _suffix_type(base) is None:
        return False
    # A brand or short name repeats part of the legal name: 烽火通信 / 武汉烽火…公司.
    return bool(_bigrams(inner) & _bigrams(base)) or _is_subsequence(inner, base)


def _strip_brands(name: str) -> str:
    while (match := _TRAILING_BRACKET.match(name)) and _is_brand(match["inner"], match["base"]):
        name = match["base"]
    return name


def canonical_org(name: str) -> str:
    """The one spelling of an organisation's name.

    Joins wrapped text, writes brackets full-width, drops a trailing bracket that holds
    a brand, short or former name, and maps known aliases to their canonical name.
    Idempotent: canonical_org(canonical_org(x)) == canonical_org(x).
    """
    aliases = _rules().alias_to_canonical
    cleaned = _clean(name)
    if cleaned in aliases:
        return aliases[cleaned]
    stripped = _strip_brands(cleaned)
    return aliases.get(stripped, stripped)


def _suffix_type(core: str) -> str | None:
    for rule in _rules().suffixes:
        if core.endswith(rule.word) and (
            not rule.requires_any or any(word in core for word in rule.requires_any)
        ):
            return rule.type
    return None


def org_type(name: str) -> str:
    """university · company · hospital · research_institute · government · other."""
    core = canonical_org(name)
    while match := _TRAILING_BRACKET.match(core):
        core = match["base"]
    if not core:
        return "other"
    found = _suffix_type(core)
    if found is not None:
        return found
    for rule in _rules().contains:
        if rule.word in core:
            return rule.type
    # A plan's 申报单位 column names the city that put a project forward: "武汉市".
    if _is_place(core):
        return "government"
    return "other"


def split_orgs(text: str | None) -> tuple[str, ...]:
    """The organisations one cell names, split at 、；/ outside brackets, canonicalised."""
    if not text:
        return ()
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text.translate(_HALF_TO_FULL_BRACKETS):
        if char == "（":
            depth += 1
        elif char == "）":
            depth = max(depth - 1, 0)
        if char in _SEPARATORS and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    names = (canonical_org(part) for part in parts)
    return tuple(dict.fromkeys(name for name in names if name))
