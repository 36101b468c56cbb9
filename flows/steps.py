"""The work done for one file, as plain functions (the Prefect tasks wrap these).

`process_file` never raises for bad input: whatever goes wrong becomes a
`failed` or `partial` LoadUnit with a plain message, so one broken file never
stops a batch.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from extractors import ExtractionError, Limits, extract
from normalizers.pipeline import normalize
from warehouse import LoadUnit

from .discover import InputFile

__all__ = ["FileResult", "process_file"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileResult:
    unit: LoadUnit
    seconds: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    @property
    def n_pages(self) -> int:
        doc = self.unit.document
        return (doc.n_pages or 0) if doc else 0


def process_file(item: InputFile, *, limits: Limits, pii_key: bytes) -> FileResult:
    """Read, extract and normalise one file."""
    seconds: dict[str, float] = {}
    base = {"doc_id": item.doc_id, "source_uri": item.source_uri, "n_bytes": item.n_bytes}
    started = time.perf_counter()
    try:
        data = item.path.read_bytes()
        document = extract(data, source_uri=item.source_uri, limits=limits, doc_id=item.doc_id)
    except ExtractionError as e:
        return FileResult(LoadUnit(status="failed", error=str(e), **base), seconds)
    except OSError as e:
        return FileResult(
            LoadUnit(status="failed", error=f"cannot read the file: {e.strerror or e}", **base),
            seconds,
        )
    except Exception as e:  # a parser bug must not stop the batch either
        log.exception("extracting %s failed", item.source_uri)
        return FileResult(
            LoadUnit(
                status="failed", error=f"extraction failed unexpectedly: {e!r}", **base
            ),
            seconds,
        )
    finally:
        seconds["extract"] = time.perf_counter() - started

    problems = [("extract", p) for p in document.problems]
    started = time.perf_counter()
    try:
        normalized = normalize(document, pii_key=pii_key)
    except Exception as e:
        log.exception("normalising %s failed", item.source_uri)
        problems.append(("normalize", f"could not read the content: {e!r}"))
        unit = LoadUnit(
            status="partial",
            error=f"text extracted, but reading its content failed: {e!r}",
            media_type=document.media_type,
            document=document,
            problems=problems,
            **base,
        )
        return FileResult(unit, seconds)
    finally:
        seconds["normalize"] = time.perf_counter() - started
    problems += [("normalize", p) for p in normalized.problems]
    unit = LoadUnit(
        status="partial" if problems else "ok",
        error="; ".join(message for _, message in problems) or None,
        media_type=document.media_type,
        role=normalized.role,
        document=document,
        records=normalized.records,
        problems=problems,
        **base,
    )
    return FileResult(unit, seconds)
