"""Seeded mutation fuzzing: broken copies of the sample notices and forms, one real batch.

Every mutant (byte flips, truncations, inserted junk, zip members deleted or corrupted,
PDF objects shuffled) is generated here, into tmp_path, from a fixed seed, and all are
ingested in ONE run of the real flow. Whatever the damage: no exception and no
traceback, a raw.documents row for every file, no `ok` document without content, and
no staging rows for a `failed` document.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from flows.ingest import run_ingest
from flows.settings import Settings
from tests.extractors.test_outcome import shuffled_pdf_objects

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    p
    for folder in (ROOT / "data" / "raw", ROOT / "tests" / "fixtures" / "forms")
    for p in folder.iterdir()
    if p.is_file() and not p.name.lower().startswith("readme")
)
SEED = 20240610
PER_SOURCE = 10  # 17 sources -> 170 mutants


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randint(1, len(data) - 1)]


def _insert(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + rng.randbytes(rng.randint(1, 512)) + data[at:]


def _zip_rewrite(data: bytes, rng: random.Random, *, delete: bool) -> bytes:
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        infos = source.infolist()
    except zipfile.BadZipFile:
        return _flip(data, rng)
    victim = rng.choice(infos).filename
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            body = source.read(info.filename)
            if info.filename == victim:
                if delete:
                    continue
                body = body[: rng.randint(0, len(body))] + rng.randbytes(rng.randint(0, 64))
            target.writestr(info, body)
    return out.getvalue()


def _shuffle_pdf(data: bytes, rng: random.Random) -> bytes:
    if len(re.findall(rb"\d+ \d+ obj\b", data)) < 2:
        return _flip(data, rng)
    return shuffled_pdf_objects(data, seed=rng.randrange(1 << 30))


def _mutations(path: Path) -> list[Callable[[bytes, random.Random], bytes]]:
    common: list[Callable[[bytes, random.Random], bytes]] = [_flip, _truncate, _insert]
    if path.suffix in (".docx", ".xlsx"):
        return [
            *common,
            lambda d, r: _zip_rewrite(d, r, delete=True),
            lambda d, r: _zip_rewrite(d, r, delete=False),
        ]
    if path.suffix == ".pdf":
        return [*common, _shuffle_pdf, _shuffle_pdf]
    return common


def _make_mutants(folder: Path) -> list[Path]:
    rng = random.Random(SEED)
    made, seen = [], set()
    for source in SOURCES:
        data = source.read_bytes()
        mutations = _mutations(source)
        for i in range(PER_SOURCE):
            mutation = mutations[i % len(mutations)]
            target = folder / f"{source.stem}.m{i:02d}{source.suffix}"
            mutant = mutation(data, rng)
            while mutant in seen:  # same bytes = same document: keep every file distinct
                mutant = _flip(mutant, rng)
            seen.add(mutant)
            target.write_bytes(mutant)
            made.append(target)
    return made


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_mutants_of_the_samples_in_one_batch_never_crash_or_pass_silently(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "mutants"
    inbox.mkdir()
    mutants = _make_mutants(inbox)
    assert len(mutants) >= 150
    settings = Settings(
        db=tmp_path / "w.duckdb",
        out=tmp_path / "curated",
        pii_key_file=tmp_path / "key",
        file_timeout=30.0,
    ).with_overrides(limits=Settings().limits.__class__(ocr=False))  # OCR: seconds a page

    summary = run_ingest([str(inbox)], settings)  # no exception

    captured = capfd.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert len(summary.outcomes) == len(mutants)
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        loaded = {r[0] for r in con.execute("SELECT source_uri FROM raw.documents").fetchall()}
        assert loaded == {str(p) for p in mutants}
        empty_ok = con.execute(
            "SELECT d.source_uri FROM raw.documents d WHERE d.status = 'ok' "
            "AND NOT EXISTS (SELECT 1 FROM raw.text_blocks b "
            "                WHERE b.doc_id = d.doc_id AND trim(b.text) <> '') "
            "AND NOT EXISTS (SELECT 1 FROM raw.table_cells c "
            "                WHERE c.doc_id = d.doc_id AND trim(c.text) <> '')"
        ).fetchall()
        assert empty_ok == []
        unexplained = con.execute(
            "SELECT source_uri FROM raw.documents WHERE status <> 'ok' "
            "AND (error IS NULL OR trim(error) = '')"
        ).fetchall()
        assert unexplained == []
        staging = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT table_schema || '.' || table_name "
                "FROM information_schema.columns "
                "WHERE table_schema IN ('staging', 'private') AND column_name = 'doc_id'"
            ).fetchall()
        ]
        for table in staging:
            n = con.execute(
                f"SELECT count(*) FROM {table} WHERE doc_id IN "
                "(SELECT doc_id FROM raw.documents WHERE status = 'failed')"
            ).fetchone()
            assert n == (0,), table
    finally:
        con.close()
    counts = summary.status_counts
    # The mutants are really broken: most fail or are partial, yet some still read.
    assert counts["failed"] > 0 and counts["ok"] + counts["partial"] > 0, counts
