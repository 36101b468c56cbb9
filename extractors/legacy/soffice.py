"""Running LibreOffice headless to convert one file, isolated and under a time limit.

Every call starts its own `soffice` with a private, throw-away user profile
(`-env:UserInstallation=file:///tmp/noticeflow-soffice-.../profile`), so concurrent
calls never share a profile and never hand their work to an instance another
program started. The process runs in a new session: on timeout the whole process
group (the `soffice` shell script, `oosplash` and `soffice.bin`) is killed, and after
a normal exit whatever the group left behind is killed too. The temporary directory
(input copy, profile, output) is removed in every case.

The input filter is always named (`--infilter`): without it LibreOffice imports a
file its filter rejects as plain text and "converts" binary garbage successfully.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from ..errors import CorruptDocument, UnsupportedFormat

__all__ = ["TARGETS", "convert", "find_soffice"]

log = logging.getLogger(__name__)

# Output extension -> LibreOffice export filter.
TARGETS: dict[str, str] = {
    "docx": "MS Word 2007 XML",
    "odt": "writer8",
    "pdf": "writer_pdf_Export",
    "xlsx": "Calc Office Open XML",
}
_PROGRAMS = ("soffice", "libreoffice")
_STDERR_NOISE = ("javaldx", "java may not function")


def find_soffice() -> str | None:
    """The path of the LibreOffice program on PATH (`soffice` or `libreoffice`), or None."""
    for name in _PROGRAMS:
        path = shutil.which(name)
        if path:
            return path
    return None


def convert(
    data: bytes,
    *,
    input_filter: str,
    input_suffix: str,
    target: str,
    timeout_s: float,
    what: str,
    package: str,
    program: str | None = None,
) -> bytes:
    """Convert `data` to `target` ("docx", "odt", "pdf", "xlsx") and return the new file.

    `input_filter` is LibreOffice's import filter ("MS Word 97", "MS Excel 97", "writer8"),
    `input_suffix` the extension the input copy gets. `what` ("legacy Word file") and
    `package` (the Debian package that provides the filter) word the errors:
    UnsupportedFormat when LibreOffice is not installed, CorruptDocument when it times
    out or cannot load the file.
    """
    if target not in TARGETS:
        raise ValueError(f"unknown conversion target {target!r}; expected one of {sorted(TARGETS)}")
    program = program or find_soffice()
    if program is None or not Path(program).exists():
        raise UnsupportedFormat(
            f"{what} needs LibreOffice (Debian package {package}) to be read, "
            f"but no soffice program was found"
        )
    workdir = Path(tempfile.mkdtemp(prefix="noticeflow-soffice-"))
    try:
        source = workdir / f"source.{input_suffix}"
        source.write_bytes(data)
        outdir = workdir / "out"
        command = [
            program,
            f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--nologo",
            f"--infilter={input_filter}",
            "--convert-to",
            f"{target}:{TARGETS[target]}",
            "--outdir",
            str(outdir),
            str(source),
        ]
        stderr = _run(command, timeout_s=timeout_s, what=what, cwd=workdir)
        result = outdir / f"source.{target}"
        if not result.is_file() or result.stat().st_size == 0:
            detail = stderr or "no output was written"
            raise CorruptDocument(
                f"{what} could not be converted: LibreOffice could not load it ({detail})"
            )
        return result.read_bytes()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(command: list[str], *, timeout_s: float, what: str, cwd: Path) -> str:
    """Run LibreOffice in its own process group; return its stderr without known noise.

    Output goes to files, not pipes, so a helper that keeps a pipe open cannot stall
    the call. The exit is awaited without reaping (WNOWAIT): while the finished leader
    is a zombie its process group id cannot be reused, so killing the group afterwards
    can only hit processes LibreOffice started.
    """
    log.debug("running %s", " ".join(command))
    err_path = cwd / "stderr.txt"
    with open(err_path, "wb") as err, open(cwd / "stdout.txt", "wb") as out:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,  # its own process group, killed as a whole
        )
    try:
        finished = _await_exit(process.pid, timeout_s)
    finally:
        _kill_group(process.pid)
        process.wait()
        _await_group_gone(process.pid)
    if not finished:
        raise CorruptDocument(
            f"{what} could not be converted: LibreOffice timed out after {timeout_s:g} s"
        )
    lines = err_path.read_bytes().decode("utf-8", "replace").splitlines()
    return "; ".join(
        line.strip()
        for line in lines
        if line.strip() and not any(noise in line for noise in _STDERR_NOISE)
    )


def _await_exit(pid: int, timeout_s: float) -> bool:
    """Wait up to `timeout_s` for `pid` to exit, leaving it unreaped; False on timeout."""
    deadline = time.monotonic() + timeout_s
    delay = 0.005
    while True:
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, 0.1)


def _await_group_gone(pgid: int, *, limit_s: float = 5.0) -> None:
    """Wait (briefly) until the killed group's other members have died too.

    SIGKILL is delivered asynchronously: helpers the leader forked may still be
    exiting when the leader has been reaped. Only signal 0 is sent here, never a kill:
    the group id is no longer guaranteed to be ours once the leader is reaped.
    """
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.01)
    log.warning("LibreOffice process group %d still has members after being killed", pgid)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
