"""Programme rows of a plan notice: the project-list tables of its 附件1.

Owns finding project-list tables anywhere in a Document (columns in any order,
header words from `data/header_synonyms.json`), telling them from form templates
(申报表, 测评表, 签到表, 决算表 have no 项目名称 + 承办/申报单位 header), and reading
each row into a PlanProject. The funding type (财政资助 / 自筹经费) comes from the
heading right before a table ("财政资助项目（9期）"), a section row inside it
("一、财政资助项目" over all columns) or a category column. `seq` is the 序号, or the
row's position within its funding group when the table has no 序号 column.

Each organisation column keeps its role (主办单位 -> sponsor_org, 承办/承训单位 ->
host_org, 申报/推荐单位 -> applicant_org, 主管部门/单位 -> supervising_dept). The
programme level of a row comes from a level column (级别: 国家级 / 省级), else from the
last section row or heading naming one level ("一、国家级高级研修项目"), else it is the
notice's own level.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from extractors.model import Block, Document, Table

from .numbers import parse_chinese_int
from .records import PlanProject
from .text import clean_text, join_wrapped

__all__ = ["extract_projects", "funding_type_of", "header_columns", "level_of_text"]

_SYNONYMS_FILE = Path(__file__).with_name("data") / "header_synonyms.json"
_REMARK = re.compile(r"[（(][^）)]*[）)]")
_HEADER_ROWS_TO_SCAN = 4
# A funding heading is a short line such as "财政资助项目（9期）" or "二、自筹经费项目".
_MAX_HEADING = 40
_BLOCKS_BACK = 3
# Blocks that may stand between two parts of one table: page numbers, "续表".
_FILLER = re.compile(r"^[\s\-—–第页0-9０-９/（）()续表]*$")


@dataclass(frozen=True, slots=True)
class _Synonyms:
    columns: dict[str, str]  # normalised header text -> column role
    long_words: tuple[tuple[str, str], ...]  # (synonym, role) matched by ending
    funding: tuple[tuple[str, tuple[str, ...]], ...]
    not_project_rows: tuple[str, ...]
    levels: tuple[tuple[str, tuple[str, ...]], ...] = ()


@lru_cache(maxsize=1)
def _synonyms() -> _Synonyms:
    raw = json.loads(_SYNONYMS_FILE.read_text(encoding="utf-8"))
    columns: dict[str, str] = {}
    long_words: list[tuple[str, str]] = []
    for role, words in raw["columns"].items():
        for word in words:
            columns[word] = role
            if len(word) >= 4:
                long_words.append((word, role))
    long_words.sort(key=lambda pair: len(pair[0]), reverse=True)
    funding = tuple((name, tuple(words)) for name, words in raw["funding_types"].items())
    levels = tuple((name, tuple(words)) for name, words in raw["level_words"].items())
    return _Synonyms(columns, tuple(long_words), funding, tuple(raw["not_project_rows"]), levels)


def _normalise_header(text: str) -> str:
    text = "".join(text.split())
    text = _REMARK.sub("", text)
    return text.strip("：:*＊")


def _column_role(text: str) -> str | None:
    header = _normalise_header(text)
    if not header:
        return None
    synonyms = _synonyms()
    role = synonyms.columns.get(header)
    if role is not None:
        return role
    for word, long_role in synonyms.long_words:
        if header.endswith(word):
            return long_role
    return None


def header_columns(cells: list[str | None]) -> dict[str, int]:
    """Column role -> column index for a header row ("序号", "项目名称", "承办单位" …).

    The first column of each role wins; cells that name no role are ignored.
    """
    roles: dict[str, int] = {}
    for index, text in enumerate(cells):
        role = _column_role(text or "")
        if role is not None and role not in roles:
            roles[role] = index
    return roles


_ORG_ROLES = ("host_org", "applicant_org", "sponsor_org", "supervising_dept")


def _is_project_header(roles: dict[str, int]) -> bool:
    return "project_name" in roles and any(role in roles for role in _ORG_ROLES)


def funding_type_of(text: str) -> str | None:
    """财政资助 or 自筹经费 named in a heading, section row or category cell, else None."""
    compact = "".join(text.split())
    found = {name for name, words in _synonyms().funding if any(w in compact for w in words)}
    # A text naming both ("财政资助、单位自筹") describes funding in general, not one group.
    return found.pop() if len(found) == 1 else None


def level_of_text(text: str) -> str | None:
    """national, provincial or municipal when `text` names exactly one programme level
    (国家级 / 省级, 自治区级 / 市级 …), else None. "国家级和省级" names two: None."""
    compact = "".join(text.split())
    found: set[str] = set()
    for name, words in _synonyms().levels:
        for word in words:
            # "省部级" holds "部级"; "地市级" holds "市级": count the longest word only.
            for start in _occurrences(compact, word):
                longer = any(
                    len(other) > len(word) and _covers(compact, start, word, other)
                    for _, others in _synonyms().levels
                    for other in others
                )
                if not longer:
                    found.add(name)
    return found.pop() if len(found) == 1 else None


def _occurrences(text: str, word: str) -> list[int]:
    return [i for i in range(len(text)) if text.startswith(word, i)]


def _covers(text: str, start: int, word: str, other: str) -> bool:
    """True when the occurrence of `word` at `start` lies inside an occurrence of `other`."""
    offset = other.find(word)
    while offset >= 0:
        if text.startswith(other, start - offset):
            return True
        offset = other.find(word, offset + 1)
    return False


def _level_heading(text: str) -> str | None:
    """The level a short heading or section line names ("一、国家级高级研修项目（3期）")."""
    compact = clean_text(text)
    if not compact or len(compact) > _MAX_HEADING or "。" in compact:
        return None
    return level_of_text(compact)


def _funding_heading(text: str) -> str | None:
    compact = clean_text(text)
    if not compact or len(compact) > _MAX_HEADING or "。" in compact:
        return None
    return funding_type_of(compact)


@dataclass
class _State:
    """What carries over from one project table to the next part of the same list."""

    roles: dict[str, int] | None = None
    n_cols: int = 0
    table_order: int = -1  # the last project table
    previous_order: int = -1  # the last table of any kind
    funding: str | None = None
    level: str | None = None  # the level the last section row or heading named
    counters: dict[tuple[str | None, str | None], int] = field(default_factory=dict)


def _blocks_between(doc: Document, start: int, end: int) -> list[Block]:
    return [b for b in sorted(doc.blocks, key=lambda b: b.order) if start < b.order < end]


def _level_before(blocks: list[Block]) -> str | None:
    """The level the last level heading among `blocks` names; only the headings after
    the last 附件 label count when there is one (the body's headings are no sections)."""
    for index in range(len(blocks) - 1, -1, -1):
        text = clean_text(blocks[index].text)
        if re.match(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[：:]?$", text):
            return None
        level = _level_heading(text)
        if level is not None:
            return level
    return None


def _heading_before(blocks: list[Block]) -> str | None:
    """Funding type of a heading among the last few blocks before a table."""
    for block in reversed(blocks[-_BLOCKS_BACK:]):
        funding = _funding_heading(block.text)
        if funding is not None:
            return funding
    return None


def _find_header(grid: list[list[str | None]]) -> tuple[int, dict[str, int]] | None:
    for row_index, row in enumerate(grid[:_HEADER_ROWS_TO_SCAN]):
        roles = header_columns(row)
        if _is_project_header(roles):
            return row_index, roles
    return _header_over_rows(grid)


def _header_over_rows(grid: list[list[str | None]]) -> tuple[int, dict[str, int]] | None:
    """A header whose names stand on several rows: "序号 | 项目名称 | 项目单位" over
    "申报单位 | 承办单位" when the merged cells of the first row were cut apart (a page
    break inside the header of a printed page). Each column takes the first role named
    in it; (the last header row, roles) once they make a project header.

    Every other text in those rows must be a group name over several columns: a form
    with labels down its first column ("项目名称", "办班时间", …) is no header."""
    roles: dict[str, int] = {}
    for row_index, row in enumerate(grid[:_HEADER_ROWS_TO_SCAN]):
        named = header_columns(row)
        for column, text in enumerate(row):
            if not text or not clean_text(text) or column in named.values():
                continue
            if _column_role(text) is None and not _spans_columns(row, column):
                return None
        for role, column in named.items():
            if role not in roles and column not in roles.values():
                roles[role] = column
        if _is_project_header(roles):
            return row_index, roles
    return None


def _spans_columns(row: list[str | None], column: int) -> bool:
    """True when the cell at `column` is merged over its neighbour (the same text there)."""
    text = row[column]
    neighbours = row[column - 1 : column] + row[column + 1 : column + 2]
    return any(other == text for other in neighbours)


def _header_end(table: Table, header_row: int) -> int:
    """The first row below a header, which may be two rows tall: "序号" and "项目名称"
    merged down over a second row that splits "承办单位" into "名称 | 联系人"."""
    return max(
        (cell.row + cell.rowspan for cell in table.cells if cell.row == header_row),
        default=header_row + 1,
    )


def _cell(row: list[str | None], roles: dict[str, int], role: str) -> str:
    index = roles.get(role)
    if index is None or index >= len(row):
        return ""
    return join_wrapped(row[index] or "")


def _section_funding(
    table: Table, row_index: int, row: list[str | None]
) -> tuple[bool, str | None]:
    """(is a section row, its funding type) for rows such as "一、财政资助项目" over all columns."""
    values = {clean_text(text) for text in row if text and clean_text(text)}
    if len(values) != 1:
        return False, None
    anchors = [cell for cell in table.cells if cell.row == row_index and clean_text(cell.text)]
    spans_columns = bool(anchors) and max(cell.colspan for cell in anchors) >= 2
    funding = funding_type_of(next(iter(values)))
    if spans_columns or (funding is not None and table.n_cols > 1 and len(anchors) == 1):
        return True, funding
    return False, None


def _section_level(table: Table, row_index: int, row: list[str | None]) -> str | None:
    """The level a section row names ("一、国家级高级研修项目" over all columns), else None."""
    values = {clean_text(text) for text in row if text and clean_text(text)}
    if len(values) != 1:
        return None
    anchors = [cell for cell in table.cells if cell.row == row_index and clean_text(cell.text)]
    spans = bool(anchors) and max(cell.colspan for cell in anchors) >= 2
    if not spans and not (table.n_cols > 1 and len(anchors) == 1):
        return None
    return _level_heading(next(iter(values)))


def _is_total_row(row: list[str | None]) -> bool:
    """A 合计 / 小计 row, whichever column the word stands in ("合计 | 26期 |")."""
    words = _synonyms().not_project_rows
    return any(clean_text(text) in words for text in row if text)


def _is_header_again(row: list[str | None], roles: dict[str, int]) -> bool:
    again = header_columns(row)
    return _is_project_header(again) and again.get("project_name") == roles.get("project_name")


def _seq(row: list[str | None], roles: dict[str, int], position: int) -> int:
    if "seq" in roles:
        number = parse_chinese_int(_cell(row, roles, "seq").strip(".．、"))
        if number is not None:
            return number
    return position


def _continues(doc: Document, state: _State, table: Table, heading: str | None) -> bool:
    """True when `table` is the next part of the previous project table (split by a page)."""
    if state.roles is None or heading is not None or table.n_cols != state.n_cols:
        return False
    between = _blocks_between(doc, state.table_order, table.order)
    return all(_FILLER.match(block.text) for block in between)


def _row_level(
    row: list[str | None], roles: dict[str, int], state: _State, municipal_is_provincial: bool
) -> str | None:
    level = None
    if "program_level" in roles:
        level = level_of_text(_cell(row, roles, "program_level"))
    if level is None and "funding_type" in roles:
        level = level_of_text(_cell(row, roles, "funding_type"))
    if level is None:
        level = state.level
    if level == "municipal" and municipal_is_provincial:
        return "provincial"
    return level


def _read_table(
    doc: Document,
    table: Table,
    table_no: int,
    state: _State,
    *,
    notice_id: str,
    plan_year: int | None,
    region: str | None,
    program_level: str | None,
    municipal_is_provincial: bool = False,
) -> list[PlanProject]:
    grid = table.grid(fill_merged=True)
    between = _blocks_between(doc, state.previous_order, table.order)
    heading = _heading_before(between)
    level_heading = _level_before(between)
    found = _find_header(grid)
    if _continues(doc, state, table, heading):
        if found is not None and state.roles is not None and found[1] != state.roles:
            return []  # a different list: do not read it with the old columns
        roles = state.roles or {}
        first_row = _header_end(table, found[0]) if found else 0
        state.level = level_heading or state.level
    elif found is not None:
        first_row, roles = _header_end(table, found[0]), found[1]
        state.funding, state.counters = heading, {}
        state.level = level_heading or (state.level if state.roles is not None else None)
    else:
        return []
    state.roles, state.n_cols, state.table_order = roles, table.n_cols, table.order
    projects: list[PlanProject] = []
    for row_index in range(first_row, table.n_rows):
        row = grid[row_index]
        if not any(text and text.strip() for text in row) or _is_header_again(row, roles):
            continue
        is_section, section_funding = _section_funding(table, row_index, row)
        section_level = _section_level(table, row_index, row)
        if is_section or section_level is not None:
            if section_level is not None:
                state.level = section_level
            if is_section or section_funding is not None:
                state.funding = section_funding
            state.counters.pop((state.level, state.funding), None)
            continue
        name = _cell(row, roles, "project_name")
        if not name or _is_total_row(row):
            continue
        if "funding_type" in roles:
            # An empty category cell continues the group above: a merged cell that a
            # page break cut (its part on the new page is empty), or a ditto left blank.
            state.funding = funding_type_of(_cell(row, roles, "funding_type")) or state.funding
        funding = state.funding
        level = _row_level(row, roles, state, municipal_is_provincial) or program_level
        position = state.counters.get((level, funding), 0) + 1
        state.counters[(level, funding)] = position
        projects.append(
            PlanProject(
                notice_id=notice_id,
                plan_year=plan_year,
                region=region,
                program_level=level,
                funding_type=funding,
                seq=_seq(row, roles, position),
                project_name=name,
                host_org=_cell(row, roles, "host_org") or None,
                applicant_org=_cell(row, roles, "applicant_org") or None,
                source_doc_id=doc.doc_id,
                page=table.page,
                table_no=table_no,
                sponsor_org=_cell(row, roles, "sponsor_org") or None,
                supervising_dept=_cell(row, roles, "supervising_dept") or None,
            )
        )
    return projects


def extract_projects(
    doc: Document,
    *,
    notice_id: str,
    plan_year: int | None,
    region: str | None,
    program_level: str | None,
    municipal_is_provincial: bool = False,
) -> tuple[PlanProject, ...]:
    """Every programme row of every project-list table in `doc`, in reading order.

    `table_no` is the table's 1-based position among the document's tables.
    `program_level` is the level of rows whose table names none;
    `municipal_is_provincial` is set for a 直辖市's own notice (its 市级 programmes are
    province-level).
    """
    state = _State()
    projects: list[PlanProject] = []
    tables = sorted(doc.tables, key=lambda table: table.order)
    for table_no, table in enumerate(tables, start=1):
        state_order = state.table_order
        rows = _read_table(
            doc,
            table,
            table_no,
            state,
            notice_id=notice_id,
            plan_year=plan_year,
            region=region,
            program_level=program_level,
            municipal_is_provincial=municipal_is_provincial,
        )
        if state.table_order == state_order:
            # Not a project table: a later table is no continuation across it.
            state.roles = None
        state.previous_order = table.order
        projects.extend(rows)
    return tuple(projects)
