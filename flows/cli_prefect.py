"""`noticeflow prefect-server status|start|stop`: noticeflow's local Prefect server.

See flows/recording.py: where runs are recorded when no PREFECT_API_URL is set.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

__all__ = ["prefect_app"]

console = Console(markup=False, highlight=False)
err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(Text.assemble(("error:", "red"), " ", message))
    return typer.Exit(code)


prefect_app = typer.Typer(
    help="noticeflow's local Prefect server: where runs are recorded when no "
    "PREFECT_API_URL is set.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _describe(record: object, state: str) -> str:
    from .recording import ServerRecord

    assert isinstance(record, ServerRecord)
    return (
        f"{state}: UI {record.ui}, API {record.url} (pid {record.pid}, PREFECT_HOME {record.home})"
    )


@prefect_app.command("status")
def prefect_status() -> None:
    """Is the local Prefect server running, and where."""
    from .recording import LocalServer, configured_api_url

    configured = configured_api_url()
    if configured:
        console.print(f"PREFECT_API_URL is set: runs are recorded on {configured}")
    server = LocalServer()
    state, record = server.state()
    if record is None or state == "stopped":
        console.print(f"stopped (PREFECT_HOME {server.home}); the next ingest with work starts it")
        return
    console.print(_describe(record, state))
    console.print(f"log: {server.log_path}")


@prefect_app.command("start")
def prefect_start(
    wait: Annotated[float, typer.Option(help="Seconds to wait for it to answer.")] = 180,
) -> None:
    """Start the local Prefect server (if it is not running) and wait until it answers."""
    from .recording import LocalServer

    server = LocalServer()
    record = server.ensure_started()
    if not server.wait(record, wait):
        raise _fail(
            f"the local Prefect server did not answer within {wait:g} s; see {server.log_path}"
        )
    console.print(_describe(record, "running"))


@prefect_app.command("stop")
def prefect_stop() -> None:
    """Stop the local Prefect server (its runs stay in PREFECT_HOME's database)."""
    from .recording import LocalServer

    stopped = LocalServer().stop()
    console.print(f"stopped the server with pid {stopped.pid}" if stopped else "it was not running")
