"""Plan amendments, the words: what one sentence or one 调整内容 cell changes.

The vocabularies (`data/amendment_patterns.json`), the change a clause states
(`changes_in_sentence`) and the programme names it quotes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..text import clean_text, join_wrapped

__all__ = ["FoundChange", "changes_in_sentence", "vocabulary"]

_PATTERNS_FILE = Path(__file__).parent.parent / "data" / "amendment_patterns.json"
_QUOTED = re.compile(r"[“「『《\"]([^“”「」『』《》\"]{2,80})[”」』》\"]")
_CLAUSE_TEXT = r"[^，,。；;：:]"
ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.．、]\s*)"
)
# A list item under a lead-in: "1.", "（一）", "一、"; its name and its host.
LIST_ITEM = re.compile(
    r"^(?:[0-9]+[.．、]|[（(][0-9一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)"
)
ITEM_NAME = re.compile(r"^([^（(，,：:；;。]+)")
ITEM_HOST = re.compile(r"承办单位[：:为]?(?P<host>[^）)，,；;。]+)")
TITLE_YEAR = re.compile(r"((?:19|20)[0-9]{2})\s*年")
_EMPTY_VALUES = frozenset({"", "—", "-", "–", "－", "/", "／", "无", "——", "\\"})


@dataclass(frozen=True, slots=True)
class _Patterns:
    fields: tuple[tuple[str, str], ...]  # (word, field), longest word first
    change_of_field: dict[str, str]
    field_change: re.Pattern[str]  # FIELD (由 OLD)? VERB NEW
    verb_change: re.Pattern[str]  # right after a programme: (由 OLD)? VERB NEW
    host_by: re.Pattern[str]  # right after a programme: 改由 NEW 承办
    host_in_clause: re.Pattern[str]  # 由 B 承办, in an addition
    verb_fields: dict[str, str]  # verb -> field
    kinds: tuple[tuple[str, str], ...]  # (word, withdrawn | added)
    programme_endings: tuple[str, ...]
    value_tails: tuple[str, ...]
    change_headers: dict[str, str]  # exact header -> role
    old_prefixes: tuple[str, ...]
    new_prefixes: tuple[str, ...]


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def vocabulary() -> _Patterns:
    raw = json.loads(_PATTERNS_FILE.read_text(encoding="utf-8"))
    fields = tuple(
        sorted(
            ((word, name) for name, words in raw["fields"].items() for word in words),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
    )
    verbs = _alternation(raw["change_verbs"])
    verb_fields = {verb: name for name, words in raw["verb_fields"].items() for verb in words}
    old = rf"(?:(?:由|从)(?P<old>{_CLAUSE_TEXT}+?))?"
    field_change = re.compile(
        rf"(?P<field>{_alternation([w for w, _ in fields])})(?:名称)?{old}"
        rf"(?P<verb>{verbs})(?P<new>{_CLAUSE_TEXT}+)"
    )
    verb_change = re.compile(
        rf"^(?:项目|高级研修项目)?(?:的)?{old}(?P<verb>{_alternation(list(verb_fields))})"
        rf"(?P<new>{_CLAUSE_TEXT}+)"
    )
    before, after = raw["host_by"]["before"], raw["host_by"]["after"]
    host_by = re.compile(
        rf"^(?:项目|高级研修项目)?(?:的)?(?:承办单位)?(?:{_alternation(before)})"
        rf"(?P<new>{_CLAUSE_TEXT}+?)(?:{_alternation(after)})"
    )
    host_in_clause = re.compile(rf"由(?P<host>{_CLAUSE_TEXT}+?)(?:{_alternation(after)})")
    kinds = tuple(
        sorted(
            ((word, kind) for kind, words in raw["kinds"].items() for word in words),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
    )
    change_headers = {word: role for role, words in raw["change_headers"].items() for word in words}
    return _Patterns(
        fields=fields,
        change_of_field=dict(raw["change_of_field"]),
        field_change=field_change,
        verb_change=verb_change,
        host_by=host_by,
        host_in_clause=host_in_clause,
        verb_fields=verb_fields,
        kinds=kinds,
        programme_endings=tuple(raw["programme_endings"]),
        value_tails=tuple(raw["value_tails"]),
        change_headers=change_headers,
        old_prefixes=tuple(sorted(raw["old_prefixes"], key=len, reverse=True)),
        new_prefixes=tuple(sorted(raw["new_prefixes"], key=len, reverse=True)),
    )


@dataclass(frozen=True, slots=True)
class FoundChange:
    """One change as read, before numbering: what `PlanChange` holds plus what the
    programme row after the change needs (host, applicant, 序号, funding, table)."""

    change: str
    project_name: str
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    evidence: str | None = None
    page: int | None = None
    host_org: str | None = None  # as a table row or an addition sentence states it
    applicant_org: str | None = None
    sponsor_org: str | None = None  # 主办单位 of a programme table row
    supervising_dept: str | None = None  # 主管部门 of a programme table row
    seq: int | None = None
    funding_type: str | None = None
    table_no: int | None = None


# -- words -----------------------------------------------------------------------------
def field_named(text: str) -> str | None:
    """The field a text names: 承办单位 -> host_org, 更名 -> project_name, 延期 -> schedule."""
    patterns = vocabulary()
    for word, name in patterns.fields:
        if word in text:
            return name
    for verb, name in patterns.verb_fields.items():
        if verb[:2] in text:
            return name
    return None


def kind_named(text: str) -> str | None:
    """withdrawn or added when the text says 撤销/取消… or 增补/新增…, the first it says."""
    best: tuple[int, str] | None = None
    for word, kind in vocabulary().kinds:
        position = text.find(word)
        if position >= 0 and (best is None or position < best[0]):
            best = (position, kind)
    return best[1] if best else None


def kind_positions(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for word, kind in vocabulary().kinds:
        start = 0
        while (position := text.find(word, start)) >= 0:
            found.append((position, kind))
            start = position + len(word)
    return sorted(found)


def clean_value(text: str | None) -> str | None:
    """A value as written: quotes and a trailing 举办/承办 … cut, "—" or "无" as None."""
    if text is None:
        return None
    value = join_wrapped(text).strip("“”「」『』\"'‘’ ")
    for tail in vocabulary().value_tails:
        if value.endswith(tail) and len(value) > len(tail):
            value = value[: -len(tail)]
            break
    value = value.strip("“”「」『』\"'‘’《》 ")
    return None if value in _EMPTY_VALUES else value


def _is_programme(name: str, after: str) -> bool:
    if name.endswith(("通知", "方案", "办法", "计划", "名单", "意见")):
        return False
    return name.endswith(vocabulary().programme_endings) or after.startswith("项目")


# -- sentences -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Name:
    start: int
    end: int
    name: str


def programmes_in(text: str) -> list[_Name]:
    return [
        _Name(m.start(), m.end(), clean_text(m.group(1)))
        for m in _QUOTED.finditer(text)
        if _is_programme(clean_text(m.group(1)), text[m.end() :])
    ]


def _inside(name: _Name, spans: list[tuple[int, int]]) -> bool:
    return any(start <= name.start and name.end <= end for start, end in spans)


def _field_change(field_name: str, subject: str, old: str | None, new: str | None) -> FoundChange:
    change = vocabulary().change_of_field.get(field_name, "other")
    old_value = clean_value(old)
    if field_name == "project_name" and old_value is None:
        old_value = subject  # "“XX”更名为“YY”": the old name is the programme's own
    return FoundChange(change, subject, field_name, old_value, clean_value(new))


def changes_in_sentence(text: str, *, subject: str | None = None) -> list[FoundChange]:
    """The changes one sentence (or one 调整内容 cell) states, in the order it states them.

    `subject` is the programme a sentence without a quoted name is about (the row of a
    change table, or the programme of the sentence before a "；"). Evidence and page are
    left to the caller.
    """
    patterns = vocabulary()
    text = clean_text(text)
    names = programmes_in(text)
    found: list[tuple[int, FoundChange]] = []
    value_spans: list[tuple[int, int]] = []
    subjects: set[int] = set()

    def subject_before(position: int) -> str | None:
        before = [n for n in names if n.end <= position and not _inside(n, value_spans)]
        if before:
            subjects.add(before[-1].start)
            return before[-1].name
        return subject

    for item in names:
        if _inside(item, value_spans):
            continue
        after, offset = text[item.end :], item.end
        verb = patterns.verb_change.match(after)
        if verb is not None:
            field_name = patterns.verb_fields[verb.group("verb")]
            value_spans.append((offset + verb.start("verb"), offset + verb.end()))
            subjects.add(item.start)
            change = _field_change(field_name, item.name, verb.group("old"), verb.group("new"))
            found.append((item.start, change))
            continue
        host = patterns.host_by.match(after)
        if host is not None:
            value_spans.append((offset, offset + host.end()))
            subjects.add(item.start)
            change = _field_change("host_org", item.name, None, host.group("new"))
            found.append((item.start, change))
    for match in patterns.field_change.finditer(text):
        programme = subject_before(match.start())
        if programme is None:
            continue
        field_name = next(f for w, f in patterns.fields if w == match.group("field"))
        value_spans.append((match.start("verb"), match.end()))
        if match.group("old"):
            value_spans.append((match.start("old"), match.end("old")))
        change = _field_change(field_name, programme, match.group("old"), match.group("new"))
        found.append((match.start(), change))
    kinds = kind_positions(text)
    for item in names:
        if item.start in subjects or _inside(item, value_spans) or not kinds:
            continue
        before = [kind for position, kind in kinds if position < item.start]
        kind = before[-1] if before else kinds[0][1]
        if kind == "withdrawn":
            found.append((item.start, FoundChange("withdrawn", item.name)))
            continue
        following = [n.start for n in names if n.start > item.start]
        clause = text[item.end : following[0] if following else len(text)]
        host_match = patterns.host_in_clause.search(clause)
        host_org = clean_value(host_match.group("host")) if host_match else None
        added = FoundChange("added", item.name, new_value=item.name, host_org=host_org)
        found.append((item.start, added))
    return [change for _, change in sorted(found, key=lambda pair: pair[0])]


def evidence_of(text: str) -> str:
    return ENUMERATOR.sub("", clean_text(text), count=1)
