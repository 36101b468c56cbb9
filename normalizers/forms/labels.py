"""The label dictionary of the submitted forms (`data/form_labels.json`) and label matching.

Forms print their labels with layout spaces and line breaks ("名 称", "选题所属\n行业
领域", "人社部门资助金\n额") and with remarks in brackets ("申报项目类别（仅单选）",
"承办单位（印章）"). A `Vocabulary` maps every variant to its canonical key after
removing all of that, so the readers never compare raw cell text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "LabelBook",
    "Vocabulary",
    "label_book",
    "normalize_label",
    "strip_remark",
]

_LABELS_FILE = Path(__file__).parent.parent / "data" / "form_labels.json"
_WHITESPACE = re.compile(r"\s+")
_REMARK = re.compile(r"\([^()]*\)")


def normalize_label(text: str) -> str:
    """NFKC, no whitespace, no trailing colon: "名 称：" -> "名称", "（印章）" -> "(印章)"."""
    text = unicodedata.normalize("NFKC", text)
    text = _WHITESPACE.sub("", text.replace("\u3000", " "))
    return text.rstrip(":").lstrip("*")


def strip_remark(label: str) -> str:
    """A normalised label without bracketed remarks: "申报项目类别(仅单选)" -> "申报项目类别"."""
    return _REMARK.sub("", label)


@dataclass(frozen=True)
class Vocabulary:
    """Label variants -> canonical key; variants written "*xyz" match by their ending."""

    exact: dict[str, str]
    endings: tuple[tuple[str, str], ...]

    @classmethod
    def from_mapping(cls, mapping: dict[str, list[str]]) -> Vocabulary:
        exact: dict[str, str] = {}
        endings: list[tuple[str, str]] = []
        for key, variants in mapping.items():
            if key.startswith("_"):
                continue
            for variant in variants:
                if variant.startswith("*"):
                    endings.append((normalize_label(variant[1:]), key))
                else:
                    exact.setdefault(normalize_label(variant), key)
        endings.sort(key=lambda pair: -len(pair[0]))
        return cls(exact=exact, endings=tuple(endings))

    def match(self, text: str | None) -> str | None:
        """The key `text` is a label of, or None. Values never match: only whole labels do."""
        if not text:
            return None
        label = normalize_label(text)
        if not label or len(label) > 40:
            return None  # a long paragraph is a value, whatever it ends with
        for candidate in dict.fromkeys((label, strip_remark(label))):
            if candidate in self.exact:
                return self.exact[candidate]
            for ending, key in self.endings:
                if candidate.endswith(ending):
                    return key
        return None

    def variants(self) -> list[str]:
        """Every exact variant, longest first (for building search patterns)."""
        return sorted(self.exact, key=len, reverse=True)


@dataclass(frozen=True)
class LabelBook:
    """The whole dictionary: form fields, row groups, column headers, choices, titles."""

    fields: Vocabulary
    groups: Vocabulary
    group_fields: Vocabulary
    budget_columns: Vocabulary
    satisfaction_columns: Vocabulary
    attendance_columns: Vocabulary
    choices: dict[str, tuple[tuple[str, str], ...]]
    title_rules: tuple[tuple[str, str], ...]
    form_labels: dict[str, tuple[frozenset[str], ...]]

    def is_label(self, text: str | None, *, group: str | None = None) -> bool:
        """True when `text` is a form label (a field, a group, or a sub-label of `group`)."""
        return (
            self.fields.match(text) is not None
            or self.groups.match(text) is not None
            or (group is not None and self.group_fields.match(text) is not None)
        )


def _vocabulary(raw: dict[str, Any], name: str) -> Vocabulary:
    return Vocabulary.from_mapping(raw[name])


@cache
def label_book() -> LabelBook:
    """The label dictionary, read once from `normalizers/data/form_labels.json`."""
    raw = json.loads(_LABELS_FILE.read_text(encoding="utf-8"))
    choices = {
        name: tuple((value, word) for value, word in pairs)
        for name, pairs in raw["choices"].items()
        if not name.startswith("_")
    }
    form_labels = {
        form_type: tuple(frozenset(keys) for keys in alternatives)
        for form_type, alternatives in raw["form_labels"].items()
        if not form_type.startswith("_")
    }
    return LabelBook(
        fields=_vocabulary(raw, "fields"),
        groups=_vocabulary(raw, "groups"),
        group_fields=_vocabulary(raw, "group_fields"),
        budget_columns=_vocabulary(raw, "budget_columns"),
        satisfaction_columns=_vocabulary(raw, "satisfaction_columns"),
        attendance_columns=_vocabulary(raw, "attendance_columns"),
        choices=choices,
        title_rules=tuple((kind, word) for kind, word in raw["form_titles"]["rules"]),
        form_labels=form_labels,
    )
