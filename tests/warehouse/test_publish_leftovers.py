"""Publishing cleans what killed publishes left, and never touches a file given as --out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse import PublishError, connect, publish
from warehouse.publish_folder import remove_leftovers


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def test_the_next_publish_removes_temporary_folders_of_dead_runs(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    out = tmp_path / "curated"
    dead = _dead_pid()
    for name in (f".curated.tmp-{dead}-abc", ".curated.k2j4h5g6", f".curated.old-{dead}"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "half.csv").write_text("x")
    alive = tmp_path / f".curated.tmp-{os.getppid()}-busy"  # a publish still running
    alive.mkdir()
    (tmp_path / ".curated.keep").mkdir()  # not ours: no such name is made by publish
    try:
        publish(con, out)
    finally:
        con.close()
    names = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".curated"))
    assert names == sorted([alive.name, ".curated.keep"])
    assert (out / "datapackage.json").is_file()


def test_a_kill_between_the_two_renames_gets_the_old_folder_back(tmp_path: Path) -> None:
    out = tmp_path / "curated"
    old = tmp_path / f".curated.old-{_dead_pid()}"
    old.mkdir()
    (old / "datapackage.json").write_text("{}")
    assert remove_leftovers(out) == []
    assert (out / "datapackage.json").read_text() == "{}" and not old.exists()


def test_publishing_onto_a_regular_file_is_refused_and_leaves_it(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    try:
        with pytest.raises(PublishError, match="is a file, not a folder"):
            publish(con, target)
    finally:
        con.close()
    assert target.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "w.duckdb"]
