"""The spaCy pipeline for Chinese notice text, built once.

`get_nlp()` returns a blank Chinese pipeline whose tokenizer is jieba with the
domain words of `data/jieba_userdict.tsv` and of `data/term_patterns.json`, so that
"研修时间", "不少于" or "高级研修项目" are one token whatever surrounds them, and a
rule component (`noticeflow_term_cues`) that runs the Matcher patterns of
`data/term_patterns.json` and stores the matches in `doc.spans["cues"]`.

The segmenter itself (jieba with the domain words, no spaCy) is `normalizers.segmenter`.
"""

from __future__ import annotations

import functools
import logging

import jieba
import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from .segmenter import build_segmenter, cache_dir, load_term_patterns, pattern_words, quiet_jieba

__all__ = ["CUES_KEY", "get_nlp", "load_term_patterns", "pattern_words"]

CUES_KEY = "cues"
_COMPONENT = "noticeflow_term_cues"
_log = logging.getLogger(__name__)


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
    # spaCy warms up jieba's global segmenter while it builds the tokenizer: point its
    # cache at our directory too.
    jieba.dt.tmp_dir = cache_dir()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    # spaCy calls the jieba module's global segmenter; ours carries the domain words and
    # its own cache directory, and leaves the global one untouched for other users.
    nlp.tokenizer.jieba_seg = build_segmenter()  # type: ignore[union-attr]
    nlp.add_pipe(_COMPONENT)
    _log.debug("built the Chinese pipeline with %d pattern words", len(pattern_words()))
    return nlp
