"""Topics (domains) of a programme, read from its name with spaCy token patterns.

`classify_topics("北斗+物联网赋能农业全链条智能化高级研修班")` gives
("数字技术", "北斗", "农业"): a name may have several topics, and "其他" when no cue
matches. The cues live in `data/topic_patterns.json` as token sequences of the shared
Chinese pipeline (`normalizers.nlp.get_nlp`, jieba segmenter), so "电子" matches the
word 电子 but not the 电子 inside 电子商务, and a topic may override a more general one
matched inside its own span (新能源汽车 over the 能源 of "新能源汽车").
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher

from .nlp import lasting_words, transient_docs
from .segmenter import load_topic_patterns
from .text import clean_text

__all__ = ["OTHER_TOPIC", "classify_topics", "topic_names"]

OTHER_TOPIC = "其他"


@dataclass(frozen=True, slots=True)
class _TopicRules:
    nlp: Language
    matcher: Matcher
    names: tuple[str, ...]  # output order
    overrides: dict[str, frozenset[str]]


def _phrase_pattern(phrase: str) -> list[dict[str, Any]]:
    tokens = phrase.split(" ")
    if not all(tokens):
        raise ValueError(
            f"topic_patterns.json: phrase {phrase!r} has an empty token; "
            "separate tokens with exactly one space"
        )
    return [{"LOWER": token.lower()} for token in tokens]


@functools.cache
def _rules() -> _TopicRules:
    with lasting_words() as nlp:  # the patterns' words stay in the shared vocabulary
        return _build_rules(nlp)


def _build_rules(nlp: Language) -> _TopicRules:
    matcher = Matcher(nlp.vocab, validate=True)
    names: list[str] = []
    overrides: dict[str, frozenset[str]] = {}
    for topic in load_topic_patterns():
        name = topic["name"]
        patterns = [_phrase_pattern(p) for p in topic.get("phrases", [])]
        patterns += topic.get("patterns", [])
        if not patterns:
            raise ValueError(f"topic_patterns.json: topic {name!r} has no phrases or patterns")
        matcher.add(name, patterns)
        names.append(name)
        overrides[name] = frozenset(topic.get("overrides", ()))
    for name, overridden in overrides.items():
        unknown = overridden - set(names)
        if unknown:
            raise ValueError(
                f"topic_patterns.json: {name!r} overrides unknown topics {sorted(unknown)}"
            )
    return _TopicRules(nlp=nlp, matcher=matcher, names=tuple(names), overrides=overrides)


def topic_names() -> tuple[str, ...]:
    """Every topic `classify_topics` can return, in its output order, "其他" last."""
    return (*_rules().names, OTHER_TOPIC)


def classify_topics(project_name: str) -> tuple[str, ...]:
    """The topics of a programme name, in the order of the pattern file; ("其他",) if none."""
    rules = _rules()
    # NFKC makes full-width Latin ("ＡＩ") match the lower-cased ASCII cues.
    text = clean_text(unicodedata.normalize("NFKC", project_name))
    if not text:
        return (OTHER_TOPIC,)
    strings = rules.nlp.vocab.strings  # the topic names: added with the patterns, kept
    with transient_docs() as nlp:
        doc = nlp.make_doc(text)
        matches = [(strings[m], start, end) for m, start, end in rules.matcher(doc)]
        del doc
    found = {
        topic
        for topic, start, end in matches
        if not any(
            topic in rules.overrides[other] and o_start <= start and end <= o_end
            for other, o_start, o_end in matches
        )
    }
    if not found:
        return (OTHER_TOPIC,)
    return tuple(name for name in rules.names if name in found)
