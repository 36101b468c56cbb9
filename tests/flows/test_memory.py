"""Memory flat in corpus size (issue 13): a run streams its documents.

Counted, not timed: every future a step returns and every FileResult a step makes is
watched with `weakref.finalize`, so the tests see how many are alive at once. A run
that submitted all its files at once, or kept its results (or its pages' documents)
in a list until the end, holds as many as it has files.
"""

from __future__ import annotations

import gc
import shutil
import threading
import weakref
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from flows.ingest import ingest_body
from flows.orchestrate import LocalEngine, StepFuture, streamed
from flows.settings import Settings
from flows.steps import FileResult

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
R = TypeVar("R")


class Alive:
    """How many watched objects are alive now, and the most there ever were."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = self.peak = self.seen = 0

    def watch(self, obj: object) -> None:
        with self._lock:
            self.now += 1
            self.seen += 1
            self.peak = max(self.peak, self.now)
        weakref.finalize(obj, self._gone)

    def _gone(self) -> None:
        with self._lock:
            self.now -= 1


class WatchedEngine(LocalEngine):
    """The local engine, watching every future it hands out and every FileResult made."""

    def __init__(self, *, workers: int) -> None:
        super().__init__(workers=workers)
        self.futures, self.results = Alive(), Alive()

    def submit(self, step: Callable[..., R], *args: Any, **kwargs: Any) -> StepFuture[R]:
        future = super().submit(step, *args, **kwargs)
        self.futures.watch(future)
        future.add_done_callback(self._made)  # type: ignore[attr-defined]
        return future

    def _made(self, future: Any) -> None:
        result = future.result()
        if isinstance(result, FileResult):
            self.results.watch(result)


def _corpus(folder: Path, n: int) -> Path:
    """`n` distinct files: DOCX notices and forms, and notice pages (which link
    attachment files that are not there: pages with attachment links all the same)."""
    samples = [RAW / "hubei_2026_plan.docx", RAW / "mohrss_2021_plan.html"]
    folder.mkdir()
    for i in range(n):
        sample = samples[i % 2]
        target = folder / f"{sample.stem}_{i:03d}{sample.suffix}"
        if sample.suffix == ".docx":
            shutil.copy(sample, target)
            with zipfile.ZipFile(target, "a") as z:
                z.comment = f"copy {i}".encode()
        else:
            target.write_bytes(sample.read_bytes() + f"\n<!-- copy {i} -->\n".encode())
    return folder


def test_a_run_holds_a_bounded_number_of_documents_whatever_its_size(tmp_path: Path) -> None:
    n, workers = 24, 2
    window = 2 * workers
    corpus = _corpus(tmp_path / "corpus", n)
    settings = Settings(
        db=tmp_path / "w.duckdb",
        out=tmp_path / "curated",
        pii_key_file=tmp_path / "key",
        workers=workers,
        file_timeout=0.0,  # in this process: every FileResult is made here
    )
    with WatchedEngine(workers=workers) as engine:
        summary = ingest_body([str(corpus)], settings, force=False, engine=engine, progress=None)
    assert summary.fatal is None
    assert len(summary.outcomes) == n
    assert summary.status_counts["failed"] == 0
    assert summary.format_counts == {"docx": n // 2, "html": n // 2}
    # Every file was read once, as a step of the engine; no more than the window (and
    # the one being loaded) were ever in flight or held, pages included.
    assert engine.results.seen == n
    assert engine.futures.peak <= window + 1, engine.futures.peak
    assert engine.results.peak <= window + 1, engine.results.peak
    gc.collect()
    assert engine.futures.now == 0
    assert engine.results.now == 0  # nothing of the run keeps a document


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

        for item, result in streamed(engine, submit, range(40), window=window):
            assert result == item * item
            handed_out.append(item)
    assert sorted(handed_out) == list(range(40))
    assert submitted == list(range(40))  # in the order given


def test_streamed_over_nothing_submits_nothing() -> None:
    with LocalEngine(workers=1) as engine:
        assert list(streamed(engine, lambda item: engine.submit(str, item), [], window=2)) == []
        with pytest.raises(ValueError, match="window"):
            list(streamed(engine, lambda item: engine.submit(str, item), [1], window=0))
