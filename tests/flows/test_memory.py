"""Memory flat in corpus size (issue 13): a run streams its documents.

Counted, not timed: every future a step returns and every FileResult a step makes is
watched with `weakref.finalize`, so the tests see how many are alive at once. A run
that submitted all its files at once, or kept its results (or its pages' documents)
in a list until the end, holds as many as it has files.
"""

from __future__ import annotations

import functools
import gc
import importlib.util
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from flows import run
from flows.ingest import ingest_body
from flows.orchestrate import LocalEngine, StepFuture, streamed
from flows.settings import Settings
from flows.steps import FileResult
from flows.summary import RunSummary
from flows.tasks import process_task
from normalizers.nlp import get_nlp
from normalizers.term_rules import read_sentence
from normalizers.term_sentences import Sentence
from normalizers.topics import classify_topics

ROOT = Path(__file__).resolve().parents[2]


class Alive:
    """How many watched objects are alive now, and the most there ever were."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = self.peak = self.seen = 0

    def watch(self, obj: object) -> None:
        gc.collect()  # what is only kept by reference cycles (Prefect's futures) is gone
        with self._lock:
            self.now += 1
            self.seen += 1
            self.peak = max(self.peak, self.now)
        weakref.finalize(obj, self._gone)

    def _gone(self) -> None:
        with self._lock:
            self.now -= 1


def _watch(engine: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Alive, Alive]:
    """Watch every future `engine` hands out and every FileResult a file's step returns."""
    futures, results = Alive(), Alive()
    submit = engine.submit

    def watched_submit(step: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        future = submit(step, *args, **kwargs)
        futures.watch(future)
        return future

    @functools.wraps(run.process_task)  # the same step: its name and options
    def watched_step(*args: Any, **kwargs: Any) -> FileResult:
        result = process_task(*args, **kwargs)
        results.watch(result)
        return result

    monkeypatch.setattr(engine, "submit", watched_submit)
    monkeypatch.setattr(run, "process_task", watched_step)
    return futures, results


def _build_corpus(folder: Path, n: int) -> None:
    """`n` distinct copies of the DOCX and HTML samples, as the memory benchmark makes
    them (one in five a notice page, which links attachment files that are not there)."""
    spec = importlib.util.spec_from_file_location("bench_runs", ROOT / "benchmarks/bench_runs.py")
    assert spec is not None and spec.loader is not None
    bench_runs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_runs)
    bench_runs.build_corpus(folder, n)


def _ingest_watched(engine_kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    n, workers = 30, 2
    window = 2 * workers
    batch = 5  # results loaded together: fewer than the files, so the bound shows
    monkeypatch.setattr(run, "LOAD_BATCH", batch)
    corpus = tmp_path / "corpus"
    _build_corpus(corpus, n)
    settings = Settings(
        db=tmp_path / "w.duckdb",
        out=tmp_path / "curated",
        pii_key_file=tmp_path / "key",
        workers=workers,
        file_timeout=0.0,  # in this process: every FileResult is made here
    )
    if engine_kind == "local":
        with LocalEngine(workers=workers) as local:
            futures, results = _watch(local, monkeypatch)
            summary = ingest_body([str(corpus)], settings, force=False, engine=local, progress=None)
    else:
        from prefect import flow
        from prefect.task_runners import ThreadPoolTaskRunner

        from flows.recorded import PrefectEngine

        recorded = PrefectEngine()
        futures, results = _watch(recorded, monkeypatch)

        @flow(task_runner=ThreadPoolTaskRunner(max_workers=workers))  # type: ignore[arg-type]
        def ingest_recorded() -> RunSummary:
            return ingest_body([str(corpus)], settings, force=False, engine=recorded, progress=None)

        summary = ingest_recorded()
    assert summary.fatal is None
    assert len(summary.outcomes) == n
    assert summary.status_counts["ok"] == n, summary.to_markdown()
    assert summary.format_counts == {"docx": n * 4 // 5, "html": n // 5}
    # Every file was read once, as a step of the engine; no more than the window (and
    # the one handed out) were ever in flight, and no more than that and one batch of
    # results waiting to be loaded together were held, pages included: bounded by the
    # settings, not by the number of files.
    assert results.seen == n
    assert futures.peak <= window + 1, futures.peak
    assert results.peak <= window + batch + 1, results.peak
    gc.collect()
    assert futures.now == 0  # Prefect's futures (and their task runs' states) let go too
    assert results.now == 0  # nothing of the run keeps a document


def test_a_run_holds_a_bounded_number_of_documents_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ingest_watched("local", tmp_path, monkeypatch)


@pytest.mark.usefixtures("prefect_harness")
def test_a_recorded_run_lets_its_documents_go_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ingest_watched("prefect", tmp_path, monkeypatch)


def test_streamed_keeps_at_most_its_window_in_flight_and_yields_each_item_once() -> None:
    window = 3
    submitted: list[int] = []
    handed_out: list[int] = []

    def square(x: int) -> int:
        return x * x

    with LocalEngine(workers=2) as engine:

        def submit(item: int) -> StepFuture[int]:
            submitted.append(item)
            assert len(submitted) - len(handed_out) <= window
            return engine.submit(square, item)

        for item, result in streamed(submit, range(40), window=window):
            assert result == item * item
            handed_out.append(item)
    assert handed_out == list(range(40))  # in the order given, whichever finished first
    assert submitted == list(range(40))


def test_streamed_over_nothing_submits_nothing() -> None:
    with LocalEngine(workers=1) as engine:
        assert list(streamed(lambda item: engine.submit(str, item), [], window=2)) == []
        with pytest.raises(ValueError, match="window"):
            list(streamed(lambda item: engine.submit(str, item), [1], window=0))


def test_the_shared_nlp_vocabulary_does_not_grow_with_each_new_text() -> None:
    """All files read in one process (NOTICEFLOW_FILE_TIMEOUT=0): every document brings
    new words and numbers, which spaCy would keep in the shared vocabulary for good."""

    def read(i: int) -> None:
        text = f"各地申报第{i}期研修项目{i * 7919}号，研修时间不少于{i % 9 + 2}天，培训人数{i}人。"
        read_sentence(Sentence(text, page=1), plan_year=2026)
        classify_topics(f"新一代人工智能与{i * 104729}号数字经济高级研修班")

    read(0)  # the first texts build the matchers (their patterns' words stay)
    strings = get_nlp().vocab.strings
    before = len(strings)
    for i in range(1, 200):
        read(i)
    assert len(strings) == before
