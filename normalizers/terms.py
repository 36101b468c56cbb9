"""Policy terms of a notice: funding cap, class length and size, deadlines, windows.

`extract_terms` reads the notice body sentence by sentence (`term_rules`) and then
settles which programme level each rule is for:

* a rule whose sentence names a level (国家级 / 省级 …项目) is for that level;
* a rule stated for all levels at once (国家级、省级…, or 均应… after rules for
  several levels) has program_level None;
* a rule that names no level is for the one level the notice sets rules for; when
  the notice sets rules for several levels it applies to all (None); when it sets
  none by name it is for the issuer's own level (a province's notice: provincial,
  the ministry's: national);
* in a notice of a 直辖市 (北京市, 上海市 …) at the provincial level, 市级项目 are the
  city's own, province-level programmes: provincial, not municipal.

One row per (level, term): a rule the notice repeats is kept once, as first stated.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

from extractors.model import Document

from .records import PolicyTerm
from .regions import province_by_name
from .term_rules import ALL_LEVELS, Candidate, read_cues, sentence_cues
from .term_sentences import iter_sentences

__all__ = ["TERMS", "extract_terms"]

TERMS = (
    "funding_cap",
    "duration_days",
    "participants",
    "completion_deadline",
    "application_deadline",
    "report_window_days",
    "reimbursement_window_days",
)
_LEVELS = ("national", "provincial", "municipal")
_log = logging.getLogger(__name__)


def _default_level(candidates: list[Candidate], issuer_level: str | None) -> str | None:
    named = {c.level for c in candidates if c.level in _LEVELS}
    if len(named) > 1:
        return None
    if len(named) == 1:
        return named.pop()
    return issuer_level if issuer_level in _LEVELS else None


def _is_municipality(region: str | None) -> bool:
    province = province_by_name(region) if region else None
    return province is not None and province.kind == "municipality"


def extract_terms(
    doc: Document,
    *,
    notice_id: str,
    plan_year: int | None,
    issuer_level: str | None,
    region: str | None = None,
    issued: date | None = None,
) -> tuple[PolicyTerm, ...]:
    """The policy terms `doc` states, one per (programme level, term).

    `issuer_level` is the level of the issuing office, used for rules that name no
    programme level in a notice that sets rules for no level by name; `region` (the
    issuer's) tells a 直辖市, whose 市级 programmes are provincial. A deadline written
    without its year ("12月15日前") is the first such day on or after `issued` (the
    成文日期); without an issue date it falls in `plan_year`.
    """
    sentences = iter_sentences(doc)
    cues = sentence_cues([sentence.text for sentence in sentences])
    candidates = [
        candidate
        for sentence, found in zip(sentences, cues, strict=True)
        for candidate in read_cues(sentence, found, plan_year=plan_year, issued=issued)
    ]
    if issuer_level == "provincial" and _is_municipality(region):
        candidates = [
            replace(c, level="provincial") if c.level == "municipal" else c for c in candidates
        ]
    default = _default_level(candidates, issuer_level)
    terms: dict[tuple[str | None, str], PolicyTerm] = {}
    weak: set[tuple[str | None, str]] = set()
    for c in candidates:
        if c.level == ALL_LEVELS:
            level = None
        elif c.level is None:
            level = default
        else:
            level = c.level
        key = (level, c.term)
        if key in weak and not c.weak:
            # A rule stated on its own wins over one read from a mixed clause.
            del terms[key]
            weak.discard(key)
        if key in terms:
            if (terms[key].value_min, terms[key].value_max, terms[key].value_date) != (
                c.value_min,
                c.value_max,
                c.value_date,
            ):
                _log.info(
                    "%s: %s for %s stated twice; kept %r, left %r",
                    notice_id,
                    c.term,
                    level,
                    terms[key].evidence,
                    c.evidence,
                )
            continue
        terms[key] = PolicyTerm(
            notice_id=notice_id,
            program_level=level,
            term=c.term,
            value_min=c.value_min,
            value_max=c.value_max,
            approx=c.approx,
            unit=c.unit,
            value_date=c.value_date,
            evidence=c.evidence,
            page=c.page,
        )
        if c.weak:
            weak.add(key)
    return tuple(terms.values())
