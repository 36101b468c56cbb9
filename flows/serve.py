"""Scheduled ingestion: the ingest flow as a Prefect deployment with a schedule, served here.

`serve()` registers the flow `scheduled-ingest` with a cron or interval schedule on a
real Prefect server (PREFECT_API_URL) and runs its scheduled runs until stopped. Each
run re-reads its inputs (an inbox folder is walked again, a sources file is read again,
so new lines are picked up), ingests only new or changed files (the ingest flow skips
documents already loaded), publishes the curated files and rebuilds the dashboard.

Deployment parameters must be JSON, so the scheduled flow takes plain strings and
builds `Settings` itself; the ingest flow runs as its subflow (with its
`ingest-summary` artifact), every time, also when nothing is new.

A cron schedule is read in a time zone (`--timezone`, default Asia/Shanghai: "0 6 * * *"
is 06:00 in Beijing), which the Prefect UI shows with the schedule.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from prefect import flow, get_run_logger
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.client.schemas.schedules import CronSchedule
from prefect.schedules import Cron, Schedule
from prefect.settings import get_current_settings
from prefect.types.entrypoint import EntrypointType

from .ingest import run_ingest
from .settings import Settings, load_settings, quiet_parser_logs
from .sources import is_url, read_sources_file

__all__ = [
    "DEFAULT_TIMEZONE",
    "DEPLOYMENT_NAME",
    "ServeError",
    "check_server",
    "scheduled_ingest",
    "serve",
]

DEPLOYMENT_NAME = "noticeflow-ingest"
DEFAULT_TIMEZONE = "Asia/Shanghai"
SERVER_HELP = (
    "start one with `prefect server start` (its UI is then at http://127.0.0.1:4200) "
    "and point noticeflow at it: `export PREFECT_API_URL=http://127.0.0.1:4200/api`"
)


class ServeError(RuntimeError):
    """Scheduled ingestion cannot start or a scheduled run cannot read its inputs."""


def _listed(sources_file: Path) -> list[str]:
    """What the sources file lists now (same format as `*.sources` files of `ingest`)."""
    try:
        return read_sources_file(sources_file)
    except OSError as e:
        raise ServeError(f"cannot read the sources file {sources_file}: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise ServeError(f"the sources file {sources_file} is not UTF-8 text: {e}") from e


def check_server() -> str:
    """The API URL of the Prefect server to serve on; raises ServeError when none answers."""
    url = get_current_settings().api.url
    if not url:
        raise ServeError(
            f"PREFECT_API_URL is not set: schedules need a Prefect server; {SERVER_HELP}"
        )
    url = url.rstrip("/")
    try:
        response = httpx.get(f"{url}/health", timeout=5)
        response.raise_for_status()
    except httpx.HTTPError as e:
        raise ServeError(f"no Prefect server answers at {url} ({e}); {SERVER_HELP}") from e
    return url


@flow(name="scheduled-ingest")
def scheduled_ingest(
    sources: list[str],
    db: str,
    out: str,
    sources_file: str | None = None,
    dask_address: str | None = None,
) -> dict[str, int]:
    """Ingest `sources` plus what `sources_file` lists now; publish (dashboard included).
    `dask_address`: extract on that Dask cluster (`serve --dask-address`)."""
    quiet_parser_logs()  # runs execute in processes of their own
    logger = get_run_logger()
    settings = load_settings().with_overrides(db=Path(db), out=Path(out))
    settings = settings.on_cluster(dask_address)
    inputs = list(sources)
    if sources_file:
        inputs += _listed(Path(sources_file))
    summary = run_ingest(inputs, settings)
    counts = summary.status_counts
    logger.info(
        "%d files processed (%d ok, %d partial, %d failed), %d unchanged, %d missing",
        len(summary.outcomes),
        counts["ok"],
        counts["partial"],
        counts["failed"],
        len(summary.skipped),
        len(summary.missing),
    )
    return {
        "processed": len(summary.outcomes),
        "failed": counts["failed"],
        "skipped": len(summary.skipped),
        "missing": len(summary.missing),
    }


def _parameters(sources: list[str] | Path, settings: Settings) -> dict[str, object]:
    if isinstance(sources, Path):
        listed, sources_file = [], str(sources.resolve())
    else:
        listed = [s if is_url(s) else str(Path(s).resolve()) for s in sources]
        sources_file = None
    return {
        "sources": listed,
        "db": str(settings.db.resolve()),
        "out": str(settings.out.resolve()),
        "sources_file": sources_file,
        "dask_address": settings.dask_address,
    }


def serve(
    sources: list[str] | Path,
    settings: Settings,
    cron: str | None,
    interval: float | None,
    *,
    name: str = DEPLOYMENT_NAME,
    timezone: str = DEFAULT_TIMEZONE,
) -> None:
    """Register `scheduled-ingest` with a schedule on the Prefect server and serve it.

    `sources`: paths or URLs (folders are walked again at each run), or a Path to a
    sources file that is read again at each run. Exactly one of `cron` and `interval`
    (seconds); a cron expression is read in `timezone` (IANA name). Blocks until
    interrupted; runs never overlap (one at a time per
    deployment: a run due while another is going is cancelled, the next one catches up).
    """
    if (cron is None) == (interval is None):
        raise ServeError("give exactly one schedule: a cron expression or an interval")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ServeError(
            f"not a time zone: {timezone!r} (give an IANA name such as Asia/Shanghai or UTC)"
        ) from e
    schedule: Schedule | None = None
    if cron is not None:
        try:
            CronSchedule(cron=cron, timezone=timezone)
        except ValueError as e:
            raise ServeError(f"not a valid cron expression: {cron!r}") from e
        schedule = Cron(cron, timezone=timezone)
    if interval is not None and interval <= 0:
        raise ServeError(f"the interval must be a positive number of seconds, got {interval}")
    if isinstance(sources, Path) and not sources.is_file():
        raise ServeError(f"no sources file at {sources}")
    parameters = _parameters(sources, settings)
    check_server()
    scheduled_ingest.serve(
        name=name,
        schedule=schedule,
        interval=interval,
        parameters=parameters,
        description="noticeflow: ingest new or changed notices and forms, publish, dashboard",
        tags=["noticeflow"],
        global_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
        ),
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
