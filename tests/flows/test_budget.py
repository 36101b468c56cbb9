"""The per-file time budget (flows/budget.py): children of the fork server, reused.

Real child processes: each call goes to a child over a pipe; a child that answered in
time takes the next call, one that ran over its budget, raised or served its share of
calls is replaced, and idle children can be let go."""

from __future__ import annotations

import os
import time

import pytest

from flows import budget
from flows.budget import FileStopped, release_children, run_in_child


def pid() -> int:
    return os.getpid()


def sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def fail() -> None:
    raise RuntimeError("a parser bug")


def die() -> None:
    os._exit(3)


def _gone(process_id: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(process_id, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(autouse=True)
def _no_idle_children() -> None:
    release_children()
    yield
    release_children()


def test_a_child_serves_one_call_after_another() -> None:
    first = run_in_child(pid, {}, timeout=60)
    assert first != os.getpid()
    assert run_in_child(pid, {}, timeout=60) == first
    assert run_in_child(sleep, {"seconds": 0.01}, timeout=60) == first


def test_a_child_over_its_budget_is_killed_and_the_next_call_gets_a_new_one() -> None:
    first = run_in_child(pid, {}, timeout=60)
    with pytest.raises(FileStopped, match=r"time budget of 0\.5 s"):
        run_in_child(sleep, {"seconds": 30}, timeout=0.5)
    assert _gone(first)
    second = run_in_child(pid, {}, timeout=60)
    assert second not in (first, os.getpid())


def test_a_call_that_raises_is_reported_and_its_child_replaced() -> None:
    first = run_in_child(pid, {}, timeout=60)
    with pytest.raises(FileStopped, match="failed unexpectedly: RuntimeError: a parser bug"):
        run_in_child(fail, {}, timeout=60)
    assert _gone(first)
    assert run_in_child(pid, {}, timeout=60) != first


def test_a_child_retires_after_its_share_of_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "_JOBS_PER_CHILD", 2)
    pids = [run_in_child(pid, {}, timeout=60) for _ in range(5)]
    assert pids[0] == pids[1] and pids[2] == pids[3] and pids[4] not in pids[:4]
    assert pids[1] != pids[2]
    assert _gone(pids[0]) and _gone(pids[2])


def test_idle_children_are_let_go() -> None:
    child = run_in_child(pid, {}, timeout=60)
    release_children()
    assert _gone(child)
    assert run_in_child(pid, {}, timeout=60) != child


def test_a_child_that_dies_is_reported_and_replaced() -> None:
    first = run_in_child(pid, {}, timeout=60)
    with pytest.raises(FileStopped, match=r"died \(exit code 3\)"):
        run_in_child(die, {}, timeout=60)
    assert run_in_child(pid, {}, timeout=60) != first
