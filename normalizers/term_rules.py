"""Rules that read policy terms out of one sentence.

Each rule pairs a value found by `term_values` with the words around it, found by
the Matcher patterns of `data/term_patterns.json` (see `nlp.py`): a day count next
to 研修时间 is a class length, a head count next to 学员 a class size, an amount
next to 资助/上限 the funding cap, a time limit after 办班结束 a report or expense
window depending on whether the sentence speaks of reports or of 报销, a date
followed by 前 a completion or application deadline.

The programme level a rule is about is the last level the sentence named before
the value ("国家级高级研修项目…5至7天" -> national), unless the clause says the
rule holds for all (均应…); `terms.py` resolves rules that name no level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from spacy.tokens import Doc, Span

from .dates import find_dates
from .nlp import CUES_KEY, transient_docs
from .term_sentences import Sentence, clause_bounds
from .term_values import Quantity, deadline_marker, find_quantities, find_windows

__all__ = ["ALL_LEVELS", "Candidate", "read_cues", "read_sentence", "sentence_cues"]

# A rule stated for every level at once ("国家级、省级项目均应…").
ALL_LEVELS = "all"
_LEVELS = {
    "LEVEL_NATIONAL": "national",
    "LEVEL_PROVINCIAL": "provincial",
    "LEVEL_MUNICIPAL": "municipal",
    "LEVEL_ALL": ALL_LEVELS,
}
# How far (characters) a qualifier written before a number may stand from it:
# "不少于40人" (0), "上限为13万元" (1), "最多可达50人" (2).
_QUALIFIER_GAP = 3
# How far a CUE_*_NEAR word may stand before its number: "每期研修5天", "为期 5 天".
_NEAR_GAP = 2
# All a clause may say before a bare bound that continues the rule before it
# ("不少于3天，一般不超过5天"); anything else ("学员请假不超过3天") is another matter.
_CONTINUATION = re.compile(r"(?:但|且|并|也|一般|原则上|最长|最短|最多|最少)*")
# Per-class wording that makes an amount a per-class subsidy rather than a total.
_PER_CLASS = ("每期", "每班", "每个班", "每个项目", "每项", "每个高研班", "单个项目")
# "每期50人左右": a head count right after "per class" is the class size.
_PER_CLASS_COUNT = re.compile(
    r"(?:每期|每班|每个班|每个高研班)(?:一般|原则上|约|大约|不少于|不超过)?$"
)
# A total for the whole programme or year is a budget, never a cap per class.
_CLAUSE_MARK = re.compile(r"[，,。；;！？!?]")
_TOTAL = (
    *("总经费", "总预算", "经费总额", "资金总额", "总额"),
    *("总计", "合计", "共计", "全年", "年度经费"),
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A term read from a sentence, before levels are resolved and duplicates dropped.

    `level` is the level the sentence names: national, provincial, municipal,
    ALL_LEVELS, or None when it names none.
    """

    term: str
    level: str | None
    value_min: float | None = None
    value_max: float | None = None
    approx: bool = False
    unit: str | None = None
    value_date: date | None = None
    evidence: str = ""
    page: int | None = None
    # Read from a clause that speaks of several things at once (a window for reports and
    # the expense claim together): the same rule stated on its own elsewhere wins.
    weak: bool = False


@dataclass(frozen=True, slots=True)
class _Cue:
    label: str
    start: int
    end: int


def _cues(doc: Doc) -> list[_Cue]:
    spans: list[Span] = list(doc.spans[CUES_KEY])
    cues = [_Cue(span.label_, span.start_char, span.end_char) for span in spans]
    # "国家级、省级高级研修项目" also matches LEVEL_PROVINCIAL on its tail: the
    # all-levels reading covers it and wins.
    all_spans = [c for c in cues if c.label == "LEVEL_ALL"]
    return [
        c
        for c in cues
        if c.label == "LEVEL_ALL"
        or not c.label.startswith("LEVEL_")
        or not any(a.start <= c.start < a.end or c.start <= a.start < c.end for a in all_spans)
    ]


def _has(cues: list[_Cue], label: str, start: int, end: int) -> bool:
    return any(c.label == label and start <= c.start and c.end <= end for c in cues)


def _level_at(cues: list[_Cue], text: str, position: int) -> str | None:
    clause_start, _ = clause_bounds(text, position)
    named = [c for c in cues if c.label in _LEVELS and c.start < position]
    level = _LEVELS[named[-1].label] if named else None
    if level != ALL_LEVELS and _has(cues, "CUE_ALL", clause_start, position):
        # "…省级项目4天左右，均应在…前完成办班": 均 speaks of every project the notice
        # covers, not of the level named last; terms.py decides which levels those are.
        return None
    return level


def _bounds(
    cues: list[_Cue], text: str, q: Quantity
) -> tuple[float | None, float | None, bool, bool]:
    """(min, max, approx, bounded_below) for a quantity, from the qualifiers around it."""
    clause_start, _ = clause_bounds(text, q.start)

    def before(label: str) -> bool:
        return any(
            c.label == label
            and clause_start <= c.start
            and q.start - _QUALIFIER_GAP <= c.end
            and c.end <= q.start
            for c in cues
        )

    def after(label: str) -> bool:
        return any(c.label == label and q.end <= c.start <= q.end + 1 for c in cues)

    approx = before("APPROX_BEFORE") or after("APPROX_AFTER")
    if q.high is not None:
        return q.low, q.high, approx, False
    if before("BOUND_MIN_BEFORE") or after("BOUND_MIN_AFTER"):
        return q.low, None, False, True
    if before("BOUND_MAX_BEFORE") or after("BOUND_MAX_AFTER"):
        return None, q.low, False, False
    return q.low, q.low, approx, False


def _without_cues(cues: list[_Cue], text: str, start: int, end: int) -> str:
    """text[start:end] with the qualifier words the Matcher found there taken out."""
    kept = list(text[start:end])
    for cue in cues:
        if cue.label.startswith(("BOUND_", "APPROX_")) and start <= cue.start and cue.end <= end:
            for i in range(cue.start, cue.end):
                kept[i - start] = ""
    return "".join(kept)


def _term_of(cues: list[_Cue], text: str, q: Quantity, bounded_below: bool) -> str | None:
    start, end = clause_bounds(text, q.start)
    if q.kind in ("day", "workday") and (
        _has(cues, "CUE_DURATION", start, end)
        or _has(cues, "CUE_DURATION_NEAR", max(start, q.start - _NEAR_GAP), q.start)
    ):
        return "duration_days"
    if q.kind == "person" and (
        _has(cues, "CUE_PARTICIPANTS", start, end) or _PER_CLASS_COUNT.search(text[start : q.start])
    ):
        return "participants"
    if q.kind == "yuan" and not bounded_below and _is_funding_cap(cues, text, q):
        return "funding_cap"
    return None


def _quantity_terms(
    cues: list[_Cue], sentence: Sentence, date_spans: list[tuple[int, int]]
) -> list[Candidate]:
    text = sentence.text
    found: list[Candidate] = []
    # quantity kind -> (index in found of its last term, end of that term's clause)
    last_of_kind: dict[str, tuple[int, int]] = {}
    for q in find_quantities(text):
        if any(s < q.end and q.start < e for s, e in date_spans):
            continue  # the "10日" of "10月10日"
        low, high, approx, bounded_below = _bounds(cues, text, q)
        term = _term_of(cues, text, q, bounded_below)
        if term is None:
            # "不少于3天，不超过5天": a bare bound in the very next clause continues the rule.
            index, clause_end = last_of_kind.get(q.kind, (-1, -1))
            clause_start = clause_bounds(text, q.start)[0]
            lead = _without_cues(cues, text, clause_start, q.start)
            continues = clause_start == clause_end + 1 and _CONTINUATION.fullmatch(lead)
            if index >= 0 and continues and found[index].term != "funding_cap":
                previous = found[index]
                if previous.value_max is None and low is None and high is not None:
                    if previous.value_min is not None and high < previous.value_min:
                        continue
                    found[index] = replace(previous, value_max=high)
                elif previous.value_min is None and high is None and low is not None:
                    found[index] = replace(previous, value_min=low)
            continue
        if term == "funding_cap":
            # A cap is an upper bound whatever the wording: "每期资助13万元" too.
            low, high, approx = None, q.low, False
        level = _level_at(cues, text, q.start)
        other = _other_bound_of(found, term, level, q.kind, low, high)
        if other is not None:
            # "不少于60人、不超过120人", "50人以上、100人以下": one rule, both bounds.
            previous = found[other]
            found[other] = replace(
                previous,
                value_min=previous.value_min if previous.value_min is not None else low,
                value_max=previous.value_max if previous.value_max is not None else high,
            )
            last_of_kind[q.kind] = (other, clause_bounds(text, q.start)[1])
            continue
        last_of_kind[q.kind] = (len(found), clause_bounds(text, q.start)[1])
        found.append(
            Candidate(
                term,
                level,
                value_min=low,
                value_max=high,
                approx=approx,
                unit=q.kind,
                evidence=text,
                page=sentence.page,
            )
        )
    return found


def _other_bound_of(
    found: list[Candidate],
    term: str,
    level: str | None,
    unit: str,
    low: float | None,
    high: float | None,
) -> int | None:
    """The index of the last rule of this sentence for the same term, level and unit that
    states only the other bound (a minimum for this maximum, or the reverse), else None."""
    if term == "funding_cap":
        return None
    for index in range(len(found) - 1, -1, -1):
        previous = found[index]
        if previous.term != term:
            continue
        if previous.level != level or previous.unit != unit or previous.approx:
            return None
        only_min = previous.value_max is None and previous.value_min is not None
        only_max = previous.value_min is None and previous.value_max is not None
        if only_min and low is None and high is not None and high >= (previous.value_min or 0):
            return index
        if only_max and high is None and low is not None and low <= (previous.value_max or 0):
            return index
        return None
    return None


def _is_funding_cap(cues: list[_Cue], text: str, q: Quantity) -> bool:
    """A capped or per-class amount of a subsidy: "每期资助上限13万元", and also with the
    subsidy named after the amount, "每个项目给予不超过12万元的经费资助"."""
    start, end = clause_bounds(text, q.start)
    clause = text[start : q.start]
    per_class = any(marker in clause for marker in _PER_CLASS)
    if not per_class and any(marker in clause for marker in _TOTAL):
        return False
    capped = per_class or _has(cues, "BOUND_MAX_BEFORE", start, q.start)
    if _has(cues, "CUE_FUNDING", 0, q.start):
        return capped
    # Named after the amount, the subsidy must be per class: "安排不超过300万元的专项
    # 经费" is a budget, not a cap.
    return per_class and text[q.end : q.end + 1] == "的" and _has(cues, "CUE_FUNDING", q.end, end)


def _window_terms(cues: list[_Cue], sentence: Sentence) -> list[Candidate]:
    text = sentence.text
    windows = find_windows(text)
    found: list[Candidate] = []
    for i, window in enumerate(windows):
        # The papers a window is for are named after it ("…内将经费决算表及票据报…"), in
        # the first clause after it that names any, or failing that before it ("总结报告…
        # 等于项目结束半个月內，报…"), never past the next or the previous window.
        after_end = windows[i + 1].start if i + 1 < len(windows) else len(text)
        before_start = windows[i - 1].end if i > 0 else 0
        terms: list[str] = []
        mixed = False
        after = _clause_spans(text, window.end, after_end)
        before = list(reversed(_clause_spans(text, before_start, window.start)))
        for start, end in (*after, *before):
            terms, mixed = _papers(cues, start, end)
            if terms:
                break
        level = _level_at(cues, text, window.start)
        for term in terms:
            found.append(
                Candidate(
                    term,
                    level,
                    value_max=window.value,
                    unit=window.unit,
                    evidence=text,
                    page=sentence.page,
                    weak=mixed,
                )
            )
    return found


def _clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] cut into its comma-delimited clauses, as (start, end) spans."""
    spans: list[tuple[int, int]] = []
    position = start
    for match in _CLAUSE_MARK.finditer(text, start, end):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, end))
    return [(s, e) for s, e in spans if e > s]


def _papers(cues: list[_Cue], start: int, end: int) -> tuple[list[str], bool]:
    """(windows, mixed) a clause speaks of, decided by what must be handed in.

    An expense claim (票据, 报销 …) or expense accounts alone (经费决算表): reimbursement.
    Reports and records (总结报告, 学员名单, 测评 …, or 材料 that are no expense papers):
    report, also when a 决算表 is listed among them. Reports and a claim in one clause:
    both, `mixed`, so that a window another sentence states for one of them wins."""
    claim = _has(cues, "CUE_REIMBURSE", start, end)
    accounts = _has(cues, "CUE_ACCOUNTS", start, end)
    report = _has(cues, "CUE_REPORT", start, end) or (
        _has(cues, "CUE_MATERIALS", start, end) and not (claim or accounts)
    )
    if report and claim:
        return ["reimbursement_window_days", "report_window_days"], True
    if report:
        return ["report_window_days"], False
    if claim or accounts:
        return ["reimbursement_window_days"], False
    return [], False


def _year_less(value: date, issued: date | None) -> date | None:
    """A deadline written without its year ("12月15日前"): the first such day on or after
    the issue date, since a notice sets deadlines ahead of itself (a call issued in
    November 2025 for the 2026 programmes wants topics by 15 December 2025, and its
    "10月底前完成办班" means October 2026). Without an issue date, the plan year's."""
    if issued is None:
        return value
    for year in (issued.year, issued.year + 1):
        try:
            candidate = value.replace(year=year)
        except ValueError:  # 2月29日 in a common year
            continue
        if candidate >= issued:
            return candidate
    return None


def _deadline_terms(
    cues: list[_Cue], sentence: Sentence, plan_year: int | None, issued: date | None
) -> tuple[list[Candidate], list[tuple[int, int]]]:
    text = sentence.text
    dates = find_dates(text, default_year=plan_year if plan_year is not None else _year(issued))
    found: list[Candidate] = []
    for match in dates:
        if not deadline_marker(text, match.start, match.end):
            continue
        value = match.value if match.has_year else _year_less(match.value, issued)
        if value is None:
            continue
        start, end = clause_bounds(text, match.start)
        if _has(cues, "CUE_APPLY", start, end):
            term = "application_deadline"
        elif _has(cues, "CUE_COMPLETE", match.end, end):
            term = "completion_deadline"
        elif _has(cues, "CUE_APPLY", 0, len(text)) and not _has(cues, "CUE_COMPLETE", 0, end):
            term = "application_deadline"
        else:
            continue
        level = _level_at(cues, text, match.start)
        found.append(
            Candidate(term, level, unit="date", value_date=value, evidence=text, page=sentence.page)
        )
    return found, [(d.start, d.end) for d in dates]


def _year(day: date | None) -> int | None:
    return day.year if day is not None else None


def read_sentence(
    sentence: Sentence, *, plan_year: int | None, issued: date | None = None
) -> list[Candidate]:
    """Every term `sentence` states, in the order they are written.

    A deadline without its year is dated from `issued` (the notice's 成文日期) when
    known, else in `plan_year`.
    """
    (cues,) = sentence_cues([sentence.text])
    return read_cues(sentence, cues, plan_year=plan_year, issued=issued)


def sentence_cues(texts: list[str]) -> list[list[_Cue]]:
    """The term cues of each text: all of them made in one pass of the pipeline (one
    memory zone for the lot, where a zone per sentence cost a third of the time)."""
    with transient_docs() as nlp:
        return [_cues(doc) for doc in nlp.pipe(texts)]


def read_cues(
    sentence: Sentence, cues: list[_Cue], *, plan_year: int | None, issued: date | None = None
) -> list[Candidate]:
    """Every term `sentence` states, from its cues (`sentence_cues`)."""
    deadlines, date_spans = _deadline_terms(cues, sentence, plan_year, issued)
    found = [*_quantity_terms(cues, sentence, date_spans), *_window_terms(cues, sentence)]
    return [*found, *deadlines]
