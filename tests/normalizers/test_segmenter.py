"""jieba's prefix dictionary, loaded from the pickled copy (normalizers.segmenter), and the
spaCy pipeline computing only the lexical attributes the patterns test (normalizers.nlp)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parents[2]
_PROBE = (
    "import jieba\n"
    "from normalizers.segmenter import load_prefix_dictionary, cache_dir\n"
    "load_prefix_dictionary()\n"
    "print(len(jieba.dt.FREQ), jieba.dt.total, jieba.dt.FREQ.get('研修'), cache_dir())\n"
)


def _probe(tmp: Path) -> tuple[str, Path]:
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return " ".join(out[:3]), Path(out[3])


def test_the_prefix_dictionary_copy_is_written_once_then_read(tmp_path: Path) -> None:
    first, folder = _probe(tmp_path)
    copies = list(folder.glob("prefix-dict-*.pickle"))
    assert len(copies) == 1 and (folder / "jieba.cache").is_file()
    assert int(first.split()[0]) > 300_000  # jieba's words and their prefixes
    (folder / "jieba.cache").unlink()
    second, _ = _probe(tmp_path)
    assert second == first
    assert not (folder / "jieba.cache").exists()  # jieba's own loading did not run


def test_a_copy_others_may_write_is_not_read(tmp_path: Path) -> None:
    first, folder = _probe(tmp_path)
    (copy,) = folder.glob("prefix-dict-*.pickle")
    # A valid pickle of another dictionary: read, it would change the answer.
    copy.write_bytes(pickle.dumps(({"研修": 1}, 1)))
    copy.chmod(0o666)
    second, _ = _probe(tmp_path)
    assert second == first
    (copy,) = folder.glob("prefix-dict-*.pickle")
    assert copy.stat().st_mode & 0o077 == 0  # written again, this user's alone


def test_the_pipeline_computes_the_lexical_attributes_the_patterns_test() -> None:
    from normalizers.nlp import get_nlp

    nlp = get_nlp()
    assert set(nlp.vocab.lex_attr_getters) == {spacy.attrs.LOWER, spacy.attrs.IS_PUNCT}
    doc = nlp("培训人数不少于50人。AI")
    assert [t.is_punct for t in doc][-2] is True
    assert doc[-1].lower_ == "ai"


def test_a_pattern_testing_another_attribute_keeps_them_all(monkeypatch) -> None:
    from normalizers import nlp as module

    monkeypatch.setattr(module, "_pattern_keys", lambda: {"TEXT", "LIKE_NUM"})
    blank = spacy.blank("zh")
    before = set(blank.vocab.lex_attr_getters)
    module._keep_used_attributes(blank)
    assert set(blank.vocab.lex_attr_getters) == before
    assert spacy.attrs.LIKE_NUM in before
