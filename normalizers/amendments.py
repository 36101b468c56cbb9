"""Plan amendments: what a notice that adjusts, adds to or withdraws from a plan changes.

Owns reading a `plan_amendment` notice (关于调整/增补/撤销…高级研修项目计划的通知) into
`PlanChange` records, one per change in the order the notice states them, and the
`PlanProject` rows of the programmes it names with their values after the change
(added, host changed, renamed, rescheduled …; a withdrawn programme gives no row).

Two shapes, read in reading order:

* sentences of the body: "同意将“XX”承办单位由A调整为B", "“XX”举办时间由5月调整为9月",
  "“XX”延期至10月举办", "“XX”改由B承办", "“XX”项目名称变更为“YY”", "撤销“XX”“ZZ”项目",
  "增补“XX”…由B承办". A programme is a quoted name (“…”, 「…」, 《…》) that ends like
  one (…研修班, …项目) or is followed by 项目. List items under a lead-in
  ("撤销以下项目：" / "1.XX高级研修班（承办单位：甲大学）；") take the lead-in's change;
* tables: a change table (项目名称 with 调整事项 / 调整前 / 调整后 / 原承办单位 /
  调整后承办单位 … columns; a 调整内容 cell may itself be a clause "承办单位由A调整为B"),
  or an ordinary programme table (项目名称 / 承办单位 / 申报单位, the header machinery of
  `projects`) whose heading or lead-in sentence says what happens to its rows
  ("二、撤销的项目", "增补以下项目：").

The words are data: `data/amendment_patterns.json`. The plan amended is the cited
document whose 《title》 names a 计划 (or, without a title, a number cited in a sentence
about the 计划): its 文号 and the year of its title.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from extractors.model import Block, Document, Table

from .citations import cited_title_before
from .docnumbers import find_doc_numbers
from .numbers import parse_chinese_int
from .projects import funding_type_of, header_columns
from .records import PlanChange, PlanProject
from .term_sentences import iter_sentences
from .text import clean_text, join_wrapped

__all__ = [
    "Amendment",
    "FoundChange",
    "amended_plan",
    "changes_in_sentence",
    "read_amendment",
]

_PATTERNS_FILE = Path(__file__).with_name("data") / "amendment_patterns.json"
_QUOTED = re.compile(r"[“「『《\"]([^“”「」『』《》\"]{2,80})[”」』》\"]")
_CLAUSE_TEXT = r"[^，,。；;：:]"
_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.．、]\s*)"
)
# A list item under a lead-in: "1.", "（一）", "一、"; its name and its host.
_LIST_ITEM = re.compile(
    r"^(?:[0-9]+[.．、]|[（(][0-9一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)"
)
_ITEM_NAME = re.compile(r"^([^（(，,：:；;。]+)")
_ITEM_HOST = re.compile(r"承办单位[：:为]?(?P<host>[^）)，,；;。]+)")
_TITLE_YEAR = re.compile(r"((?:19|20)[0-9]{2})\s*年")
_EMPTY_VALUES = frozenset({"", "—", "-", "–", "－", "/", "／", "无", "——", "\\"})
_HEADER_ROWS_TO_SCAN = 4
_BLOCKS_BACK = 3
_MAX_HEADING = 60


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
def _patterns() -> _Patterns:
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


@dataclass(frozen=True, slots=True)
class Amendment:
    """What a plan amendment changes, and its programmes after the change."""

    changes: tuple[PlanChange, ...] = ()
    projects: tuple[PlanProject, ...] = ()
    amended_doc_number: str | None = None
    amended_plan_year: int | None = None


# -- words -----------------------------------------------------------------------------
def _field_named(text: str) -> str | None:
    """The field a text names: 承办单位 -> host_org, 更名 -> project_name, 延期 -> schedule."""
    patterns = _patterns()
    for word, name in patterns.fields:
        if word in text:
            return name
    for verb, name in patterns.verb_fields.items():
        if verb[:2] in text:
            return name
    return None


def _kind_named(text: str) -> str | None:
    """withdrawn or added when the text says 撤销/取消… or 增补/新增…, the first it says."""
    best: tuple[int, str] | None = None
    for word, kind in _patterns().kinds:
        position = text.find(word)
        if position >= 0 and (best is None or position < best[0]):
            best = (position, kind)
    return best[1] if best else None


def _kind_positions(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for word, kind in _patterns().kinds:
        start = 0
        while (position := text.find(word, start)) >= 0:
            found.append((position, kind))
            start = position + len(word)
    return sorted(found)


def _value(text: str | None) -> str | None:
    """A value as written: quotes and a trailing 举办/承办 … cut, "—" or "无" as None."""
    if text is None:
        return None
    value = join_wrapped(text).strip("“”「」『』\"'‘’ ")
    for tail in _patterns().value_tails:
        if value.endswith(tail) and len(value) > len(tail):
            value = value[: -len(tail)]
            break
    value = value.strip("“”「」『』\"'‘’《》 ")
    return None if value in _EMPTY_VALUES else value


def _is_programme(name: str, after: str) -> bool:
    if name.endswith(("通知", "方案", "办法", "计划", "名单", "意见")):
        return False
    return name.endswith(_patterns().programme_endings) or after.startswith("项目")


# -- sentences -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Name:
    start: int
    end: int
    name: str


def _programmes(text: str) -> list[_Name]:
    return [
        _Name(m.start(), m.end(), clean_text(m.group(1)))
        for m in _QUOTED.finditer(text)
        if _is_programme(clean_text(m.group(1)), text[m.end() :])
    ]


def _inside(name: _Name, spans: list[tuple[int, int]]) -> bool:
    return any(start <= name.start and name.end <= end for start, end in spans)


def _field_change(field_name: str, subject: str, old: str | None, new: str | None) -> FoundChange:
    change = _patterns().change_of_field.get(field_name, "other")
    old_value = _value(old)
    if field_name == "project_name" and old_value is None:
        old_value = subject  # "“XX”更名为“YY”": the old name is the programme's own
    return FoundChange(change, subject, field_name, old_value, _value(new))


def changes_in_sentence(text: str, *, subject: str | None = None) -> list[FoundChange]:
    """The changes one sentence (or one 调整内容 cell) states, in the order it states them.

    `subject` is the programme a sentence without a quoted name is about (the row of a
    change table, or the programme of the sentence before a "；"). Evidence and page are
    left to the caller.
    """
    patterns = _patterns()
    text = clean_text(text)
    names = _programmes(text)
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
    kinds = _kind_positions(text)
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
        host_org = _value(host_match.group("host")) if host_match else None
        added = FoundChange("added", item.name, new_value=item.name, host_org=host_org)
        found.append((item.start, added))
    return [change for _, change in sorted(found, key=lambda pair: pair[0])]


def _evidence(text: str) -> str:
    return _ENUMERATOR.sub("", clean_text(text), count=1)


# -- the amended plan ------------------------------------------------------------------
def amended_plan(doc: Document, *, own_number: str | None) -> tuple[str | None, int | None]:
    """(文号, plan year of its title) of the plan the amendment changes, when it cites it.

    The first number whose 《title》 names a 计划 or 名单; else the first number cited,
    without a title, in a sentence about the 计划. Its year is None without a title year.
    """
    fallback: str | None = None
    for sentence in iter_sentences(doc):
        for hit in find_doc_numbers(sentence.text):
            number = hit.number.text
            if number == own_number:
                continue
            title = cited_title_before(sentence.text, hit.start)
            if title is not None and ("计划" in title or "名单" in title):
                year = _TITLE_YEAR.search(title)
                return number, int(year.group(1)) if year else None
            if title is None and fallback is None and "计划" in sentence.text:
                fallback = number
    return fallback, None


# -- tables ----------------------------------------------------------------------------
def _header_role(text: str) -> tuple[str, str | None] | None:
    """(role, field) of a change-table header cell; None when it names nothing known."""
    patterns = _patterns()
    compact = re.sub(r"[（）()\s：:*＊]", "", text or "")
    if not compact:
        return None
    role = patterns.change_headers.get(compact)
    if role is not None:
        return role, None
    for prefixes, prefix_role in (
        (patterns.new_prefixes, "new_value"),
        (patterns.old_prefixes, "old_value"),
    ):
        for prefix in prefixes:
            rest = compact[len(prefix) :]
            if compact.startswith(prefix) and rest:
                rest_field = _field_named(rest)
                if rest_field is not None:
                    return prefix_role, rest_field
    roles = header_columns([text])
    return (next(iter(roles)), None) if roles else None


@dataclass(frozen=True, slots=True)
class _Header:
    row: int
    columns: dict[int, tuple[str, str | None]]  # column -> (role, field)

    def first(self, role: str) -> int | None:
        return next((c for c, (r, _) in sorted(self.columns.items()) if r == role), None)

    @property
    def name_column(self) -> int | None:
        column = self.first("project_name")
        if column is None:
            column = next(
                (
                    c
                    for c, (r, f) in sorted(self.columns.items())
                    if r == "old_value" and f == "project_name"
                ),
                None,
            )
        return column

    @property
    def is_change_table(self) -> bool:
        return any(r in ("change_kind", "old_value", "new_value") for r, _ in self.columns.values())

    @property
    def is_programme_table(self) -> bool:
        roles = {r for r, _ in self.columns.values()}
        org_roles = {"host_org", "applicant_org", "sponsor_org", "supervising_dept"}
        return "project_name" in roles and bool(roles & org_roles)


def _find_header(grid: list[list[str | None]]) -> _Header | None:
    for row_index, row in enumerate(grid[:_HEADER_ROWS_TO_SCAN]):
        columns: dict[int, tuple[str, str | None]] = {}
        for column, text in enumerate(row):
            role = _header_role(text or "")
            if role is not None:
                columns[column] = role
        header = _Header(row_index, columns)
        if header.name_column is not None and (header.is_change_table or header.is_programme_table):
            return header
    return None


def _row_evidence(table: Table, row_index: int, row: list[str | None]) -> str:
    texts: list[str] = []
    seen: set[tuple[int, int]] = set()
    for column, text in enumerate(row):
        cell = table.cell_at(row_index, column)
        key = (cell.row, cell.col) if cell is not None else (row_index, column)
        if key in seen:
            continue
        seen.add(key)
        value = join_wrapped(text or "")
        if value:
            texts.append(value)
    return " | ".join(texts)


@dataclass
class _TableState:
    kind: str | None = None  # what the last programme table's rows were (added …)
    columns: int = 0
    previous_order: int = -1


def _context(doc: Document, start: int, end: int) -> list[str]:
    """The last few texts before a table, nearest last."""
    blocks = [b for b in sorted(doc.blocks, key=lambda b: b.order) if start < b.order < end]
    texts = [clean_text(b.text) for b in blocks]
    return [t for t in texts if t][-_BLOCKS_BACK:]


def _context_kind(texts: list[str]) -> tuple[str | None, str | None, str | None]:
    """(kind, field, funding) the headings or lead-in sentences before a table state."""
    kind = field_name = funding = None
    for text in reversed(texts):
        if funding is None and len(text) <= _MAX_HEADING and "。" not in text:
            funding = funding_type_of(text)
        if kind is None and field_name is None:
            kind = _kind_named(text)
            if kind is None and len(text) <= _MAX_HEADING:
                field_name = _field_named(text)
    return kind, field_name, funding


def _cell(row: list[str | None], column: int | None) -> str | None:
    if column is None or column >= len(row):
        return None
    return _value(row[column])


def _section(table: Table, row_index: int, row: list[str | None]) -> str | None:
    """The text of a row that spans the whole table ("一、财政资助项目"), else None."""
    values = {clean_text(t) for t in row if t and clean_text(t)}
    anchors = [c for c in table.cells if c.row == row_index and clean_text(c.text)]
    if len(values) == 1 and len(anchors) == 1 and anchors[0].colspan >= 2:
        return values.pop()
    return None


def _change_row(
    header: _Header,
    row: list[str | None],
    name: str,
    context: tuple[str | None, str | None],
) -> list[FoundChange]:
    kind_text = _cell(row, header.first("change_kind")) or ""
    host = _cell(row, header.first("host_org"))
    applicant = _cell(row, header.first("applicant_org"))
    kind = _kind_named(kind_text) or (None if kind_text else context[0])
    if kind == "withdrawn":
        return [FoundChange("withdrawn", name, host_org=host, applicant_org=applicant)]
    pairs: dict[str | None, list[str | None]] = {}
    for column, (role, column_field) in sorted(header.columns.items()):
        if role in ("old_value", "new_value") and column != header.name_column:
            pair = pairs.setdefault(column_field, [None, None])
            pair[0 if role == "old_value" else 1] = _cell(row, column)
    if kind == "added":
        new_host = (pairs.get("host_org") or [None, None])[1] or host
        generic_new = (pairs.get(None) or [None, None])[1]
        host_value = new_host or (generic_new if _field_named(kind_text) == "host_org" else None)
        return [
            FoundChange("added", name, new_value=name, host_org=host_value, applicant_org=applicant)
        ]
    if kind_text:
        stated = changes_in_sentence(kind_text, subject=name)
        if stated:
            return [replace(c, host_org=host, applicant_org=applicant) for c in stated]
    found: list[FoundChange] = []
    for pair_field, (old, new) in pairs.items():
        if old is None and new is None:
            continue
        field_name = pair_field or _field_named(kind_text) or context[1]
        if field_name == "project_name" and header.name_column is not None and old is None:
            old = name
        change = _patterns().change_of_field.get(field_name or "", "other")
        found.append(
            FoundChange(change, name, field_name, old, new, host_org=host, applicant_org=applicant)
        )
    return found


def _programme_row(
    kind: str | None, field_name: str | None, name: str, host: str | None, applicant: str | None
) -> list[FoundChange]:
    if kind == "withdrawn":
        return [FoundChange("withdrawn", name, host_org=host, applicant_org=applicant)]
    if kind == "added":
        return [FoundChange("added", name, new_value=name, host_org=host, applicant_org=applicant)]
    if field_name in ("host_org", "applicant_org"):
        new = host if field_name == "host_org" else applicant
        change = _patterns().change_of_field[field_name]
        return [
            FoundChange(change, name, field_name, None, new, host_org=host, applicant_org=applicant)
        ]
    return []


def _table_changes(
    doc: Document, table: Table, table_no: int, state: _TableState, body_kind: str | None
) -> list[FoundChange]:
    grid = table.grid(fill_merged=True)
    texts = _context(doc, state.previous_order, table.order)
    header = _find_header(grid)
    if header is None:
        state.kind = None
        return []
    kind, field_name, funding = _context_kind(texts)
    if not header.is_change_table:
        if kind is None and field_name is None:
            carried = state.kind if table.n_cols == state.columns else None
            kind = carried or body_kind
        state.kind, state.columns = kind, table.n_cols
    found: list[FoundChange] = []
    end = max(
        (c.row + c.rowspan for c in table.cells if c.row == header.row), default=header.row + 1
    )
    for row_index in range(end, table.n_rows):
        row = grid[row_index]
        section = _section(table, row_index, row)
        if section is not None:
            funding = funding_type_of(section) or funding
            kind = _kind_named(section) or kind
            continue
        name = _cell(row, header.name_column)
        if not name or name in ("合计", "小计", "总计", "共计"):
            continue
        if header.first("funding_type") is not None:
            funding = funding_type_of(_cell(row, header.first("funding_type")) or "") or funding
        if header.is_change_table:
            row_changes = _change_row(header, row, name, (kind, field_name))
        else:
            row_changes = _programme_row(
                kind,
                field_name,
                name,
                _cell(row, header.first("host_org")),
                _cell(row, header.first("applicant_org")),
            )
        sponsor = _cell(row, header.first("sponsor_org"))
        supervising = _cell(row, header.first("supervising_dept"))
        if sponsor or supervising:
            row_changes = [
                replace(c, sponsor_org=sponsor, supervising_dept=supervising) for c in row_changes
            ]
        seq_text = _cell(row, header.first("seq")) or ""
        seq = parse_chinese_int(seq_text.strip(".．、"))
        evidence = _row_evidence(table, row_index, row)
        found.extend(
            replace(
                c,
                evidence=evidence,
                page=table.page,
                seq=seq,
                funding_type=funding,
                table_no=table_no,
            )
            for c in row_changes
        )
    return found


# -- the whole notice ------------------------------------------------------------------
@dataclass
class _Collected:
    found: list[FoundChange] = field(default_factory=list)
    keys: set[tuple[str, str, str | None, str | None]] = field(default_factory=set)

    def add(self, change: FoundChange) -> None:
        key = (change.change, change.project_name, change.field, change.new_value)
        if key not in self.keys:
            self.keys.add(key)
            self.found.append(change)


def _segments(doc: Document) -> list[tuple[tuple[Block, ...], Table | None]]:
    """Runs of blocks, each followed by the table that ends it (None after the last)."""
    segments: list[tuple[tuple[Block, ...], Table | None]] = []
    run: list[Block] = []
    for item in doc.items():
        if isinstance(item, Block):
            run.append(item)
        else:
            segments.append((tuple(run), item))
            run = []
    segments.append((tuple(run), None))
    return segments


def _listed(text: str, kind: str) -> list[FoundChange]:
    """The programme of one list item under a lead-in ("撤销以下项目：" / "1.XX高级研修班
    （承办单位：甲大学）"): quoted, or the item's text up to its first bracket or comma."""
    names = [item.name for item in _programmes(text)]
    if not names:
        bare = _ITEM_NAME.match(_ENUMERATOR.sub("", text, count=1))
        name = clean_text(bare.group(1)) if bare is not None else ""
        # Unquoted, only a full programme name counts: not "（一）财政资助项目".
        endings = tuple(e for e in _patterns().programme_endings if len(e) >= 3)
        if name.endswith(endings) and funding_type_of(name) is None:
            names = [name]
    host_match = _ITEM_HOST.search(text)
    host = _value(host_match.group("host")) if host_match else None
    if kind == "withdrawn":
        return [FoundChange("withdrawn", name) for name in names]
    return [FoundChange("added", name, new_value=name, host_org=host) for name in names]


def _sentence_changes(doc: Document, blocks: tuple[Block, ...]) -> list[FoundChange]:
    found: list[FoundChange] = []
    part = Document(
        doc_id=doc.doc_id, source_uri=doc.source_uri, media_type=doc.media_type, blocks=blocks
    )
    subject: str | None = None
    pending: str | None = None  # the kind a lead-in "撤销以下项目：" gives the items below it
    for sentence in iter_sentences(part):
        text = sentence.text
        names = _programmes(text)
        is_item = bool(_LIST_ITEM.match(text))
        changes = changes_in_sentence(text, subject=subject)
        if pending is not None and is_item:
            changes = changes or _listed(text, pending)
        elif text.endswith(("：", ":")) and not names:
            pending = _kind_named(text)
        else:
            pending = None
        evidence = _evidence(text)
        found.extend(replace(c, evidence=evidence, page=sentence.page) for c in changes)
        # A programme named before a "；" is the subject of the clause after it.
        carries = text.endswith(("；", ";"))
        subject = (names[-1].name if names else subject) if carries else None
    return found


def _body_kind(doc: Document) -> str | None:
    """withdrawn or added when the text of the notice speaks of one of them only."""
    kinds = {kind for _, kind in _kind_positions(clean_text(doc.text))}
    return kinds.pop() if len(kinds) == 1 else None


def _project_rows(
    changes: list[FoundChange],
    doc: Document,
    *,
    notice_id: str,
    plan_year: int | None,
    region: str | None,
    program_level: str | None,
) -> tuple[PlanProject, ...]:
    groups: dict[str, list[FoundChange]] = {}
    for change in changes:
        groups.setdefault(change.project_name, []).append(change)
    rows: list[PlanProject] = []
    for name, group in groups.items():
        if any(c.change == "withdrawn" for c in group):
            continue
        first = group[0]
        values = {
            "project_name": name,
            "host_org": None,
            "applicant_org": None,
            "sponsor_org": None,
            "supervising_dept": None,
        }
        for change in group:
            values["host_org"] = values["host_org"] or change.host_org
            values["applicant_org"] = values["applicant_org"] or change.applicant_org
            values["sponsor_org"] = values["sponsor_org"] or change.sponsor_org
            values["supervising_dept"] = values["supervising_dept"] or change.supervising_dept
        for change in group:
            if change.field in values and change.new_value is not None:
                values[change.field] = change.new_value
        rows.append(
            PlanProject(
                notice_id=notice_id,
                plan_year=plan_year,
                region=region,
                program_level=program_level,
                funding_type=next((c.funding_type for c in group if c.funding_type), None),
                seq=first.seq if first.seq is not None else len(rows) + 1,
                project_name=values["project_name"] or name,
                host_org=values["host_org"],
                applicant_org=values["applicant_org"],
                source_doc_id=doc.doc_id,
                page=first.page,
                table_no=first.table_no,
                sponsor_org=values["sponsor_org"],
                supervising_dept=values["supervising_dept"],
            )
        )
    return tuple(rows)


def read_amendment(
    doc: Document,
    *,
    notice_id: str,
    plan_year: int | None,
    region: str | None,
    program_level: str | None,
    own_number: str | None = None,
) -> Amendment:
    """The changes of a plan amendment and its programmes after the change.

    `plan_year` is the amended plan's year as the notice states it (title or body);
    without it, the year of the cited plan's title. Programme rows take `plan_year`,
    `region` and `program_level` like a plan's; `seq` is the 序号 of the table row that
    states the change, else the programme's position among the rows.
    """
    number, cited_year = amended_plan(doc, own_number=own_number)
    year = plan_year if plan_year is not None else cited_year
    collected = _Collected()
    state = _TableState()
    body_kind = _body_kind(doc)
    tables = sorted(doc.tables, key=lambda t: t.order)
    table_numbers = {id(t): n for n, t in enumerate(tables, start=1)}
    for blocks, table in _segments(doc):
        for change in _sentence_changes(doc, blocks):
            collected.add(change)
        if table is not None:
            for change in _table_changes(doc, table, table_numbers[id(table)], state, body_kind):
                collected.add(change)
            state.previous_order = table.order
    changes = tuple(
        PlanChange(
            notice_id=notice_id,
            change_no=index,
            change=c.change,
            project_name=c.project_name,
            field=c.field,
            old_value=c.old_value,
            new_value=c.new_value,
            amended_doc_number=number,
            amended_plan_year=year,
            evidence=c.evidence,
            page=c.page,
        )
        for index, c in enumerate(collected.found, start=1)
    )
    projects = _project_rows(
        collected.found,
        doc,
        notice_id=notice_id,
        plan_year=year,
        region=region,
        program_level=program_level,
    )
    return Amendment(changes, projects, number, year)
