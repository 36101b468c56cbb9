"""Chinese full-text search for the explorer: values cut into words by jieba.

SQLite's FTS5 tokenizers do not segment Chinese: `unicode61` takes a run of Han characters
as one token. So the explorer's index (`publish_sqlite.write_sqlite`) holds words instead
of text: the project's jieba segmenter (`normalizers.segmenter`, with its user dictionary,
plus the words of the topic rules) cuts each value in search mode (words and the
dictionary words inside them), adds every dictionary word jieba finds (full mode) and each
whole run of letters and digits, and the index stores them separated by spaces.
`segment_query` cuts a search the same way (`noticeflow explore`).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from typing import Any

__all__ = ["Segmenter", "search_text", "search_texts", "segment_query"]

_WORD = re.compile(r"[^\W_]+")  # letters and digits (Han characters included)


@functools.cache
def _segmenter() -> Any:
    """The project's jieba segmenter plus the topics' words, for search only."""
    from normalizers.segmenter import build_segmenter

    segmenter = build_segmenter()
    topics = json.loads(
        resources.files("normalizers").joinpath("data", "topic_patterns.json").read_text("utf-8")
    )
    for topic in topics["topics"]:  # topic names and the words that cue them: 物联网, 大数据
        for word in (topic["name"], *(p.replace(" ", "") for p in topic.get("phrases", []))):
            if len(word) > 1 and not word.isascii():
                segmenter.add_word(word, freq=200_000)
    return segmenter


def _words(tokens: Iterable[str]) -> Iterator[str]:
    for token in tokens:
        yield from _WORD.findall(token)


def search_text(text: object) -> str:
    """The words of `text` as the FTS index stores them: distinct, space-separated."""
    if text is None or text == "":
        return ""
    value = unicodedata.normalize("NFKC", str(text)).lower()
    segmenter = _segmenter()
    tokens = [
        *segmenter.cut_for_search(value),
        *segmenter.cut(value, cut_all=True),
        *_WORD.findall(value),  # each whole run: an exact name is one token too
    ]
    return " ".join(dict.fromkeys(_words(tokens)))


def search_texts(texts: list[str]) -> list[str]:
    """`search_text` of each text, in order (what a `Segmenter` must return)."""
    return [search_text(text) for text in texts]


# Given distinct texts, their `search_text`s in order. `write_sqlite` takes one so that the
# run can segment in a process whose jieba dictionary is loaded already (flows/tasks.py).
Segmenter = Callable[[list[str]], list[str]]


def segment_query(query: str) -> str:
    """A search as jieba cuts it, words separated by spaces (Datasette ANDs them).

    Queries with quotes (FTS phrase syntax) are left as they are.
    """
    if '"' in query:
        return query
    value = unicodedata.normalize("NFKC", query).lower()
    words = [w for w in _words(_segmenter().cut(value)) if w.strip()]
    return " ".join(dict.fromkeys(words)) if words else query
