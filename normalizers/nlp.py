"""The spaCy pipeline for Chinese notice text, built once.

`get_nlp()` returns a blank Chinese pipeline whose tokenizer is jieba with the
domain words of `data/jieba_userdict.tsv` and of `data/term_patterns.json`, so that
"研修时间", "不少于" or "高级研修项目" are one token whatever surrounds them, and a
rule component (`noticeflow_term_cues`) that runs the Matcher patterns of
`data/term_patterns.json` and stores the matches in `doc.spans["cues"]`.

jieba builds its prefix dictionary cache under a private temporary directory, and
its log lines are silenced: a library must not print.
"""

from __future__ import annotations

import functools
import getpass
import json
import logging
import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jieba
import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

__all__ = ["CUES_KEY", "get_nlp", "load_term_patterns", "pattern_words"]

CUES_KEY = "cues"
_COMPONENT = "noticeflow_term_cues"
_log = logging.getLogger(__name__)


def _data_text(name: str) -> str:
    return resources.files("normalizers").joinpath("data", name).read_text(encoding="utf-8")


@functools.cache
def load_term_patterns() -> dict[str, list[list[dict[str, Any]]]]:
    """Matcher patterns by label, from `data/term_patterns.json`."""
    raw = json.loads(_data_text("term_patterns.json"))
    patterns: dict[str, list[list[dict[str, Any]]]] = raw["patterns"]
    return patterns


def _literals(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("IN", "TEXT") and isinstance(inner, (list, str)):
                yield from [inner] if isinstance(inner, str) else inner
            elif isinstance(inner, (dict, list)):
                yield from _literals(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _literals(inner)


def pattern_words() -> frozenset[str]:
    """Every literal token text the patterns ask for (they must each be one jieba token)."""
    return frozenset(word for word in _literals(load_term_patterns()) if len(word) > 1)


def _user_dict() -> list[tuple[str, int]]:
    entries: list[tuple[str, int]] = []
    for line_no, line in enumerate(_data_text("jieba_userdict.tsv").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        word, _, freq = line.partition("\t")
        if not freq.strip().isdigit():
            raise ValueError(
                f"jieba_userdict.tsv line {line_no}: {line!r} is not 'word<TAB>frequency'; "
                "write the word, one tab, then a whole number"
            )
        entries.append((word.strip(), int(freq)))
    return entries


def _cache_dir() -> str:
    # jieba caches its prefix dictionary as a file in tmp_dir (default: the bare system
    # temp dir). One directory of our own inside the temp dir, reused between runs so the
    # cache is built once; jieba replaces the file atomically, so parallel runs are safe.
    path = Path(tempfile.gettempdir()) / f"noticeflow-jieba-{getpass.getuser()}"
    path.mkdir(mode=0o700, exist_ok=True)
    return str(path)


def _quiet_jieba() -> None:
    # jieba logs "Building prefix dict ..." at INFO through its own stderr handler.
    jieba.setLogLevel(logging.WARNING)


def _build_segmenter() -> jieba.Tokenizer:
    segmenter = jieba.Tokenizer()
    segmenter.tmp_dir = _cache_dir()
    shared = jieba.dt
    if shared.initialized and shared.dictionary == segmenter.dictionary and shared.FREQ:
        # spaCy has loaded jieba's dictionary into the global segmenter already (its
        # warm-up): a copy of the prefix dictionary takes 0.03 s, loading it again ~1 s.
        segmenter.FREQ, segmenter.total = dict(shared.FREQ), shared.total
        segmenter.initialized = True
    else:
        segmenter.initialize()
    for word in sorted(pattern_words()):
        segmenter.add_word(word, freq=200_000)
    for word, freq in _user_dict():
        if freq == 0:
            segmenter.del_word(word)
        else:
            segmenter.add_word(word, freq=freq)
    return segmenter


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
    _quiet_jieba()
    # spaCy warms up jieba's global segmenter while it builds the tokenizer: point its
    # cache at our directory too.
    jieba.dt.tmp_dir = _cache_dir()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    # spaCy calls the jieba module's global segmenter; ours carries the domain words and
    # its own cache directory, and leaves the global one untouched for other users.
    nlp.tokenizer.jieba_seg = _build_segmenter()  # type: ignore[union-attr]
    nlp.add_pipe(_COMPONENT)
    _log.debug("built the Chinese pipeline with %d pattern words", len(pattern_words()))
    return nlp
