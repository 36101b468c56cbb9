"""The jieba segmenter with the project's domain words, without spaCy.

`build_segmenter()` returns a jieba `Tokenizer` that knows the domain words of
`data/jieba_userdict.tsv` and of `data/term_patterns.json`, so that "研修时间", "不少于"
or "高级研修项目" are one token whatever surrounds them. `normalizers.nlp` puts it into
the spaCy pipeline; the warehouse's full-text index (`warehouse.publish_sqlite`) segments
Chinese text with it too, without loading spaCy.

jieba's prefix dictionary is cached under a private temporary directory (jieba's own
marshal file, and a pickle of it that loads three times faster:
`load_prefix_dictionary`), and jieba's log lines are silenced: a library must not print.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import json
import logging
import os
import pickle
import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jieba

__all__ = [
    "build_segmenter",
    "cache_dir",
    "load_prefix_dictionary",
    "load_term_patterns",
    "load_topic_patterns",
    "pattern_words",
    "quiet_jieba",
]


def _data_text(name: str) -> str:
    return resources.files("normalizers").joinpath("data", name).read_text(encoding="utf-8")


@functools.cache
def load_term_patterns() -> dict[str, list[list[dict[str, Any]]]]:
    """Matcher patterns by label, from `data/term_patterns.json`."""
    raw = json.loads(_data_text("term_patterns.json"))
    patterns: dict[str, list[list[dict[str, Any]]]] = raw["patterns"]
    return patterns


@functools.cache
def load_topic_patterns() -> list[dict[str, Any]]:
    """The topics of `data/topic_patterns.json`: name, phrases, patterns, overrides."""
    topics: list[dict[str, Any]] = json.loads(_data_text("topic_patterns.json"))["topics"]
    return topics


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


def cache_dir() -> str:
    # jieba caches its prefix dictionary as a file in tmp_dir (default: the bare system
    # temp dir). One directory of our own inside the temp dir, reused between runs so the
    # cache is built once; jieba replaces the file atomically, so parallel runs are safe.
    path = Path(tempfile.gettempdir()) / f"noticeflow-jieba-{getpass.getuser()}"
    path.mkdir(mode=0o700, exist_ok=True)
    return str(path)


def _prefix_dictionary_copy() -> Path:
    """Where the pickled copy of jieba's prefix dictionary lives: named after the jieba
    version and its dictionary file, so another jieba or dictionary never reads it."""
    source = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    stat = source.stat()
    name = f"prefix-dict-{jieba.__version__}-{stat.st_size}-{stat.st_mtime_ns}.pickle"
    return Path(cache_dir()) / name


def _private(path: Path) -> bool:
    """True when `path` and its folder are ours and nobody else may write them (a pickle
    runs code as it loads: only one this user wrote is read)."""
    try:
        for entry in (path.parent, path):
            info = entry.stat()
            if info.st_uid != os.getuid() or info.st_mode & 0o022:
                return False
    except OSError:
        return False
    return True


def load_prefix_dictionary() -> None:
    """jieba's prefix dictionary, into jieba's global segmenter, once per process.

    jieba caches it with marshal, which takes 1.5 s to read here (half a million
    entries); a pickle of the same dictionary reads in a third of that. The first
    process builds the pickle (atomically) from jieba's own loading; the next ones read
    it. Every segmenter of this module copies the global dictionary."""
    shared = jieba.dt
    if shared.initialized:
        return
    shared.tmp_dir = cache_dir()
    if shared.dictionary is not None:  # a dictionary of the caller's: jieba's own way
        shared.initialize()
        return
    path = _prefix_dictionary_copy()
    if _private(path):
        try:
            with path.open("rb") as f:
                freq, total = pickle.load(f)
        except Exception:  # damaged or partial: built again below
            pass
        else:
            with shared.lock:
                shared.FREQ, shared.total, shared.initialized = freq, total, True
            return
    shared.initialize()
    with contextlib.suppress(OSError):
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump((shared.FREQ, shared.total), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)


def quiet_jieba() -> None:
    # jieba logs "Building prefix dict ..." at INFO through its own stderr handler.
    jieba.setLogLevel(logging.WARNING)


def build_segmenter() -> jieba.Tokenizer:
    """A new segmenter with the domain words (term patterns and user dictionary).

    Each call builds its own instance (cheap once jieba's prefix dictionary is cached), so
    a caller may add words of its own without changing what the normalizers see.
    """
    quiet_jieba()
    load_prefix_dictionary()
    segmenter = jieba.Tokenizer()
    segmenter.tmp_dir = cache_dir()
    shared = jieba.dt
    if shared.initialized and shared.dictionary == segmenter.dictionary and shared.FREQ:
        # The global segmenter has the dictionary (`load_prefix_dictionary`): a copy of
        # it takes 0.03 s, loading it again ~1 s.
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
