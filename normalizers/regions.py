"""Where an issuer sits: province-level region and administrative level.

Owns the lookup of the 34 province-level divisions (plus 新疆生产建设兵团) from
`data/regions.json`: full names (湖北省), short names (湖北), 文号 abbreviations
(鄂) and the cities under each province, so that "武汉市人力资源和社会保障局"
maps to 湖北省 at the municipal level and "鄂人社函" to 湖北省.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "NATIONAL",
    "IssuerPlace",
    "Province",
    "doc_prefix_openers",
    "find_region",
    "locate_issuer",
    "place_names",
    "province_by_name",
    "province_of_city",
    "provinces",
    "region_of_doc_prefix",
]

NATIONAL = "全国"
_DATA_FILE = Path(__file__).with_name("data") / "regions.json"

# Words after a province name that show a body below the province (a city, a district,
# a county): "北京市海淀区人力资源和社会保障局" is not the provincial department.
_SUBUNIT_SUFFIXES = ("市", "区", "县", "州", "盟", "旗", "师")


@dataclass(frozen=True, slots=True)
class Province:
    """One province-level division and the names that point to it."""

    name: str  # full name, the value of `region`: 湖北省, 新疆维吾尔自治区
    kind: str  # province | autonomous_region | municipality | special_administrative_region | …
    short_names: tuple[str, ...]  # 湖北, 内蒙古
    abbreviations: tuple[str, ...]  # 文号 abbreviations: 鄂; 川 and 蜀
    cities: tuple[str, ...]  # cities, prefectures, leagues below it


@dataclass(frozen=True, slots=True)
class IssuerPlace:
    """The region an issuing office belongs to and the level it issues at."""

    region: str  # full province name, or 全国
    level: str  # national | provincial | municipal
    city: str | None = None  # the city named in the issuer, for a municipal issuer


@dataclass(frozen=True, slots=True)
class _Rules:
    provinces: tuple[Province, ...]
    national_issuers: tuple[str, ...]
    national_prefixes: tuple[str, ...]
    # alias -> (province name, "full" | "city" | "short")
    aliases: dict[str, tuple[str, str]]


def _province(entry: dict[str, Any]) -> Province:
    return Province(
        name=entry["name"],
        kind=entry["kind"],
        short_names=tuple(entry["short_names"]),
        abbreviations=tuple(entry["abbreviations"]),
        cities=tuple(entry["cities"]),
    )


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw = json.loads(_DATA_FILE.read_text(encoding="utf-8"))
    provinces_ = tuple(_province(entry) for entry in raw["provinces"])
    aliases: dict[str, tuple[str, str]] = {}
    for province in provinces_:
        aliases[province.name] = (province.name, "full")
        for city in province.cities:
            aliases.setdefault(city, (province.name, "city"))
        for short in province.short_names:
            aliases.setdefault(short, (province.name, "short"))
    national = raw["national"]
    return _Rules(
        provinces=provinces_,
        national_issuers=tuple(national["issuers"]),
        national_prefixes=tuple(sorted(national["doc_prefixes"], key=len, reverse=True)),
        aliases=aliases,
    )


def place_names() -> dict[str, tuple[str, str]]:
    """Every name that points to a province: alias -> (province, "full" | "city" | "short")."""
    return dict(_rules().aliases)


def provinces() -> tuple[Province, ...]:
    """All province-level divisions, in the order of the data file."""
    return _rules().provinces


def province_by_name(name: str) -> Province | None:
    """The province a full name, short name or 文号 abbreviation points to, else None."""
    name = name.strip()
    for province in _rules().provinces:
        if name == province.name or name in province.short_names:
            return province
        if name in province.abbreviations:
            return province
    return None


def province_of_city(city: str) -> str | None:
    """The full province name of a city, prefecture or league ("武汉市" -> 湖北省)."""
    entry = _rules().aliases.get(city.strip())
    if entry is None or entry[1] != "city":
        return None
    return entry[0]


def _first_alias(text: str, kinds: tuple[str, ...]) -> tuple[int, str, str, str] | None:
    """(start, alias, province, kind) of the earliest, then longest, alias of `kinds`."""
    best: tuple[int, str, str, str] | None = None
    for alias, (province, kind) in _rules().aliases.items():
        if kind not in kinds:
            continue
        start = text.find(alias)
        if start < 0:
            continue
        if best is None or start < best[0] or (start == best[0] and len(alias) > len(best[1])):
            best = (start, alias, province, kind)
    return best


def find_region(text: str) -> str | None:
    """The first province-level region `text` names, by full, city or short name."""
    hit = _first_alias(text, ("full", "city", "short"))
    return hit[2] if hit else None


def _names_subunit(rest: str) -> bool:
    """True when the text after a province name starts with a lower-level place name."""
    # A city/district name is a few characters ended by 市/区/县/…: "海淀区人社局".
    head = rest[:8]
    for index, char in enumerate(head):
        if char in _SUBUNIT_SUFFIXES and 1 <= index <= 6:
            # "人力资源和社会保障厅" holds none of these before its end; "省直…" is no place.
            return not head.startswith(("人力", "人事", "人民", "省", "委", "政府"))
    return False


def locate_issuer(issuer: str) -> IssuerPlace | None:
    """Region and level of an issuing office, or None when the name shows neither.

    A province's department is provincial, a city's bureau municipal (its province
    found from the city), a ministry or its 办公厅 national.
    """
    issuer = "".join(issuer.split())
    if not issuer:
        return None
    hit = _first_alias(issuer, ("full", "city", "short"))
    if hit is not None:
        start, alias, province, kind = hit
        if kind == "city":
            return IssuerPlace(region=province, level="municipal", city=alias)
        rest = issuer[start + len(alias) :]
        city_hit = _first_alias(rest[:12], ("city",))
        if city_hit is not None and city_hit[0] == 0:
            return IssuerPlace(region=province, level="municipal", city=city_hit[1])
        if _names_subunit(rest):
            return IssuerPlace(region=province, level="municipal")
        return IssuerPlace(region=province, level="provincial")
    if any(name in issuer for name in _rules().national_issuers):
        return IssuerPlace(region=NATIONAL, level="national")
    return None


def doc_prefix_openers() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(province abbreviations, national prefixes) that open a 文号 prefix: 鄂, 人社厅 …"""
    rules = _rules()
    abbreviations = tuple(a for province in rules.provinces for a in province.abbreviations)
    return abbreviations, rules.national_prefixes


def region_of_doc_prefix(prefix: str) -> str | None:
    """The region a 文号 prefix points to: "鄂人社函" -> 湖北省, "人社厅发" -> 全国.

    None when the prefix opens with no known abbreviation (a city bureau's own
    abbreviation, say).
    """
    prefix = prefix.strip()
    if not prefix:
        return None
    rules = _rules()
    if prefix.startswith(rules.national_prefixes):
        return NATIONAL
    best: tuple[int, str] | None = None
    for province in rules.provinces:
        for abbreviation in province.abbreviations:
            if prefix.startswith(abbreviation) and (best is None or len(abbreviation) > best[0]):
                best = (len(abbreviation), province.name)
    return best[1] if best else None
