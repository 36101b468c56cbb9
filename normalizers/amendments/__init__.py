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

from dataclasses import dataclass, field, replace

from extractors.model import Block, Document, Table

from ..citations import cited_title_before
from ..docnumbers import find_doc_numbers
from ..projects import funding_type_of
from ..records import PlanChange, PlanProject
from ..term_sentences import iter_sentences
from ..text import clean_text
from .clauses import (
    ENUMERATOR,
    ITEM_HOST,
    ITEM_NAME,
    LIST_ITEM,
    TITLE_YEAR,
    FoundChange,
    changes_in_sentence,
    clean_value,
    evidence_of,
    kind_named,
    kind_positions,
    programmes_in,
    vocabulary,
)
from .tables import TableState, table_changes

__all__ = [
    "Amendment",
    "FoundChange",
    "amended_plan",
    "changes_in_sentence",
    "read_amendment",
]


@dataclass(frozen=True, slots=True)
class Amendment:
    """What a plan amendment changes, and its programmes after the change."""

    changes: tuple[PlanChange, ...] = ()
    projects: tuple[PlanProject, ...] = ()
    amended_doc_number: str | None = None
    amended_plan_year: int | None = None


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
                year = TITLE_YEAR.search(title)
                return number, int(year.group(1)) if year else None
            if title is None and fallback is None and "计划" in sentence.text:
                fallback = number
    return fallback, None


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
    names = [item.name for item in programmes_in(text)]
    if not names:
        bare = ITEM_NAME.match(ENUMERATOR.sub("", text, count=1))
        name = clean_text(bare.group(1)) if bare is not None else ""
        # Unquoted, only a full programme name counts: not "（一）财政资助项目".
        endings = tuple(e for e in vocabulary().programme_endings if len(e) >= 3)
        if name.endswith(endings) and funding_type_of(name) is None:
            names = [name]
    host_match = ITEM_HOST.search(text)
    host = clean_value(host_match.group("host")) if host_match else None
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
        names = programmes_in(text)
        is_item = bool(LIST_ITEM.match(text))
        changes = changes_in_sentence(text, subject=subject)
        if pending is not None and is_item:
            changes = changes or _listed(text, pending)
        elif text.endswith(("：", ":")) and not names:
            pending = kind_named(text)
        else:
            pending = None
        evidence = evidence_of(text)
        found.extend(replace(c, evidence=evidence, page=sentence.page) for c in changes)
        # A programme named before a "；" is the subject of the clause after it.
        carries = text.endswith(("；", ";"))
        subject = (names[-1].name if names else subject) if carries else None
    return found


def _body_kind(doc: Document) -> str | None:
    """withdrawn or added when the text of the notice speaks of one of them only."""
    kinds = {kind for _, kind in kind_positions(clean_text(doc.text))}
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
    state = TableState()
    body_kind = _body_kind(doc)
    tables = sorted(doc.tables, key=lambda t: t.order)
    table_numbers = {id(t): n for n, t in enumerate(tables, start=1)}
    for blocks, table in _segments(doc):
        for change in _sentence_changes(doc, blocks):
            collected.add(change)
        if table is not None:
            for change in table_changes(doc, table, table_numbers[id(table)], state, body_kind):
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
