"""The spaCy pipeline for Chinese notice text, built once.

`get_nlp()` returns a blank Chinese pipeline whose tokenizer is jieba with the
domain words of `data/jieba_userdict.tsv` and of `data/term_patterns.json`, so that
"研修时间", "不少于" or "高级研修项目" are one token whatever surrounds them, and a
rule component (`noticeflow_term_cues`) that runs the Matcher patterns of
`data/term_patterns.json` and stores the matches in `doc.spans["cues"]`.

Docs are made inside `transient_docs()`: the strings a document brings into the
shared vocabulary are let go after it, so a process that reads many documents (all of
them in one process with NOTICEFLOW_FILE_TIMEOUT=0) does not grow with each one.

The segmenter itself (jieba with the domain words, no spaCy) is `normalizers.segmenter`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Iterator

import spacy
import spacy.attrs
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from .segmenter import (
    build_segmenter,
    load_prefix_dictionary,
    load_term_patterns,
    load_topic_patterns,
    pattern_words,
    quiet_jieba,
)

__all__ = [
    "CUES_KEY",
    "get_nlp",
    "lasting_words",
    "load_term_patterns",
    "pattern_words",
    "transient_docs",
]

CUES_KEY = "cues"
_COMPONENT = "noticeflow_term_cues"
_log = logging.getLogger(__name__)
_zone = threading.Lock()


class TermCues:
    """Runs the term Matcher and keeps its matches as spans labelled with the pattern key."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = Matcher(nlp.vocab, validate=True)
        for label, patterns in load_term_patterns().items():
            self.matcher.add(label, patterns)

    def __call__(self, doc: Doc) -> Doc:
        spans = [
            Span(doc, start, end, label=match_id)
            for match_id, start, end in self.matcher(doc, as_spans=False)
        ]
        doc.spans[CUES_KEY] = spans
        return doc


@Language.factory(_COMPONENT)
def _make_term_cues(nlp: Language, name: str) -> TermCues:
    return TermCues(nlp)


@functools.cache
def get_nlp() -> Language:
    """The shared Chinese pipeline: jieba tokens plus term cue spans in doc.spans["cues"]."""
    quiet_jieba()
    # spaCy warms up jieba's global segmenter while it builds the tokenizer: loaded
    # first, from our faster copy of its dictionary.
    load_prefix_dictionary()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    # spaCy calls the jieba module's global segmenter; ours carries the domain words and
    # its own cache directory, and leaves the global one untouched for other users.
    nlp.tokenizer.jieba_seg = build_segmenter()  # type: ignore[union-attr]
    nlp.add_pipe(_COMPONENT)
    _keep_used_attributes(nlp)
    _log.debug("built the Chinese pipeline with %d pattern words", len(pattern_words()))
    return nlp


# Token attributes a pattern may test that need no lexical attribute beyond these two.
_CHEAP_KEYS = frozenset({"ORTH", "TEXT", "LOWER", "IS_PUNCT", "OP"})
_KEPT_ATTRS = frozenset({spacy.attrs.LOWER, spacy.attrs.IS_PUNCT})


def _pattern_keys() -> set[str]:
    """The token attributes the term and topic patterns test (`data/*_patterns.json`)."""
    patterns = [p for group in load_term_patterns().values() for p in group]
    patterns += [p for topic in load_topic_patterns() for p in topic.get("patterns", [])]
    return {key for pattern in patterns for token in pattern for key in token}


def _keep_used_attributes(nlp: Language) -> None:
    """Compute only the lexical attributes the patterns use (LOWER, IS_PUNCT).

    Every word of a document is a new lexeme (the vocabulary forgets them after each
    document, `transient_docs`), and spaCy computes some twenty attributes for each
    (shape, prefix, suffix, like_num…): a third of the pipeline's time on notice text.
    Should a pattern test any other attribute, all are computed as before."""
    unknown = _pattern_keys() - _CHEAP_KEYS
    if unknown:
        _log.debug("patterns test %s: every lexical attribute is computed", sorted(unknown))
        return
    getters = nlp.vocab.lex_attr_getters  # type: ignore[attr-defined]
    for attr in [attr for attr in getters if attr not in _KEPT_ATTRS]:
        del getters[attr]


@contextlib.contextmanager
def transient_docs() -> Iterator[Language]:
    """The shared pipeline, for Docs (and their spans) that do not outlive the block.

    The strings and lexemes they add to the vocabulary are freed when it ends (spaCy's
    memory zone): the vocabulary keeps the pattern words, not every token of every text
    read. Blocks run one at a time: the pipeline is shared by the threads of a process,
    and memory zones must not overlap.
    """
    nlp = get_nlp()
    with _zone, nlp.memory_zone():
        yield nlp


@contextlib.contextmanager
def lasting_words() -> Iterator[Language]:
    """The shared pipeline, for words that stay in its vocabulary (a Matcher's patterns).

    Never while another thread is in a `transient_docs` block: the vocabulary's memory
    zone is not per thread, and its end would drop them too.
    """
    nlp = get_nlp()
    with _zone:
        yield nlp
