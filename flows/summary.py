"""The run summary: files per format, ok / partial / failed with reasons, rows, time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .steps import FileResult

__all__ = ["FileOutcome", "RunSummary"]


@dataclass(frozen=True)
class FileOutcome:
    source_uri: str
    media_type: str | None
    status: str
    role: str | None
    error: str | None
    rows: int
    pages: int


@dataclass
class RunSummary:
    sources: list[str]
    missing: list[str] = field(default_factory=list)
    outcomes: list[FileOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    table_counts: dict[str, int] = field(default_factory=dict)
    checks: dict[str, int] = field(default_factory=dict)  # check -> offending rows
    files_published: int = 0
    rederived: int = 0  # documents derived again from raw (the rules changed)
    elapsed_seconds: float = 0.0
    fatal: str | None = None  # why the run stopped (warehouse or disk), if it did
    nothing_new: bool = False  # nothing to read, derive or publish: nothing was written
    recorded_at: str | None = None  # the Prefect API the run is recorded on
    recording_note: str | None = None  # why it is not recorded, when it is not

    def add(self, result: FileResult, rows: int) -> None:
        unit = result.unit
        self.outcomes.append(
            FileOutcome(
                unit.source_uri,
                unit.media_type,
                unit.status,
                unit.role,
                unit.error,
                rows,
                result.n_pages,
            )
        )
        for stage, seconds in result.seconds.items():
            self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + seconds

    @property
    def status_counts(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)

    @property
    def format_counts(self) -> Counter[str]:
        return Counter(o.media_type or "unknown" for o in self.outcomes)

    @property
    def rows_loaded(self) -> int:
        return sum(o.rows for o in self.outcomes)

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.outcomes)

    def to_markdown(self) -> str:
        counts = self.status_counts
        lines = [
            "# noticeflow ingest",
            "",
            f"- files processed: {len(self.outcomes)} "
            f"(ok {counts['ok']}, partial {counts['partial']}, failed {counts['failed']})",
            f"- files skipped (unchanged): {len(self.skipped)}",
            f"- documents derived again from raw (rules changed): {self.rederived}",
            f"- rows loaded: {self.rows_loaded}",
            f"- pages: {self.pages}",
            f"- time: {self.elapsed_seconds:.1f} s "
            + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(self.stage_seconds.items())),
            "- curated files published: "
            + (str(self.files_published) if self.files_published else "none (nothing changed)"),
            "",
            "| format | files |",
            "|---|---|",
            *[f"| {fmt} | {n} |" for fmt, n in sorted(self.format_counts.items())],
        ]
        problems = [o for o in self.outcomes if o.status != "ok"]
        if problems or self.missing:
            lines += ["", "## Problems", "", "| file | status | reason |", "|---|---|---|"]
            lines += [
                f"| {o.source_uri} | {o.status} | {(o.error or '').replace('|', '/')} |"
                for o in problems
            ]
            lines += [f"| {m.split(': ', 1)[0]} | missing | {m} |" for m in self.missing]
        if self.fatal:
            lines += ["", "## The run stopped", "", self.fatal]
        failing = {name: n for name, n in self.checks.items() if n}
        if failing:
            lines += ["", "## Data checks with findings", "", "| check | rows |", "|---|---|"]
            lines += [f"| {name} | {n} |" for name, n in sorted(failing.items())]
        return "\n".join(lines) + "\n"
