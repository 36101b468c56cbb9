"""The curated tables as one SQLite file for Datasette: `noticeflow.sqlite` and `metadata.json`.

`write_sqlite(con, folder)` writes, next to the Parquet files:

    noticeflow.sqlite   every curated table (written with sqlite-utils), with
                        - primary keys (documents.doc_id, notices.notice_id, organizations.org_name)
                          and foreign keys, so Datasette links each programme, rule or file to
                          its notice and source document;
                        - `source_link` (the source file's path or URL, `#page=N` when the
                          page is known) in plan_projects, effective_plan_projects,
                          policy_terms and plan_changes, and `region`/`plan_year` in
                          policy_terms and plan_changes, for filtering;
                        - one FTS5 table `<table>_fts` per searchable table, holding
                          jieba-segmented text (see `search_text`);
                        - `_noticeflow_build`: what it was built from (`fingerprint`).
    metadata.json       Datasette metadata: every table and column described in Chinese and
                        English from `catalog/columns.json`, default facets, the FTS tables,
                        and the README's analyst questions as canned queries
                        (`sql/explore/*.sql`).

SQLite's FTS5 tokenizers do not segment Chinese, so the index holds words cut by jieba
(`warehouse.search_text`). A query that is one word (人工智能, 集成电路,
武汉理工大学, 农业) finds them with plain Datasette; `noticeflow explore` also segments
the query itself (`segment_query`), so 人工智能研修班 is searched as 人工智能 AND 研修班.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from .catalog import catalog, curated_columns, describe_column
from .explore_queries import canned_queries
from .search_text import Segmenter, search_texts

if TYPE_CHECKING:
    import sqlite_utils

__all__ = [
    "BUILD_TABLE",
    "DATABASE",
    "METADATA",
    "SEARCH_COLUMNS",
    "SQLITE",
    "canned_queries",
    "datasette_metadata",
    "fingerprint",
    "read_fingerprint",
    "write_sqlite",
]

SQLITE = "noticeflow.sqlite"
METADATA = "metadata.json"
DATABASE = "noticeflow"  # Datasette names a database after its file
BUILD_TABLE = "_noticeflow_build"
FORMAT = "1"  # bump when the layout of the SQLite file changes: explore builds it again

# Facets offered by default wherever the table has the column.
FACETS = ("region", "plan_year", "program_level", "funding_type", "doc_type", "status")
MORE_FACETS = {
    "documents": ("media_type",),
    "notice_documents": ("role", "media_type"),
    "policy_terms": ("term",),
    "attachments": ("kind",),
    "organizations": ("org_type",),
    "organization_programmes": ("role",),
    "topics_by_year": ("topic",),
    "plan_changes": ("change",),
}
# Columns indexed for full-text search, per table.
SEARCH_COLUMNS: dict[str, tuple[str, ...]] = {
    "notices": ("title", "issuer", "doc_number"),
    "plan_projects": ("project_name", "host_org", "applicant_org"),
    "effective_plan_projects": ("project_name", "host_org", "applicant_org"),
    "policy_terms": ("evidence",),
    "plan_changes": ("project_name", "old_value", "new_value", "evidence"),
    "organizations": ("org_name",),
    "organization_programmes": ("org_name", "project_name"),
    "attachments": ("title",),
    "cited_documents": ("cited_doc_number", "cited_title"),
    "application_forms": ("project_name", "applicant_org", "host_org"),
    "budget_sheets": ("project_name", "applicant_org", "host_org"),
}
PRIMARY_KEYS = {"documents": "doc_id", "notices": "notice_id", "organizations": "org_name"}
LABEL_COLUMNS = {"documents": "source_uri", "notices": "title"}
# column -> referenced table (its primary key), per table.
FOREIGN_KEYS: dict[str, dict[str, str]] = {
    "documents": {"parent_doc_id": "documents"},
    "notices": {"primary_doc_id": "documents"},
    "notice_documents": {"notice_id": "notices", "doc_id": "documents"},
    "policy_terms": {"notice_id": "notices"},
    "plan_projects": {"notice_id": "notices", "source_doc_id": "documents"},
    "effective_plan_projects": {"notice_id": "notices", "source_doc_id": "documents"},
    "attachments": {"notice_id": "notices", "doc_id": "documents"},
    "cited_documents": {"notice_id": "notices"},
    "plan_changes": {"notice_id": "notices", "amended_notice_id": "notices"},
    "policy_comparison": {"notice_id": "notices"},
    "organization_programmes": {"org_name": "organizations"},
    "application_forms": {"form_id": "documents"},
    "budget_sheets": {"form_id": "documents"},
    "budget_lines": {"form_id": "documents"},
    "satisfaction_stats": {"form_id": "documents"},
    "attendance_summary": {"form_id": "documents"},
}

_LINK = "d.source_uri || CASE WHEN {page} IS NULL THEN '' ELSE '#page=' || {page} END"
# Tables whose SQLite copy has more columns than the curated view: the query giving them.
_WIDENED = {
    "plan_projects": (
        f"SELECT p.*, {_LINK.format(page='p.page')} AS source_link FROM curated.plan_projects "
        "AS p LEFT JOIN curated.documents AS d ON d.doc_id = p.source_doc_id"
    ),
    "effective_plan_projects": (
        f"SELECT p.*, {_LINK.format(page='p.page')} AS source_link "
        "FROM curated.effective_plan_projects AS p "
        "LEFT JOIN curated.documents AS d ON d.doc_id = p.source_doc_id"
    ),
    "policy_terms": (
        f"SELECT t.*, n.region, n.plan_year, {_LINK.format(page='t.page')} AS source_link "
        "FROM curated.policy_terms AS t LEFT JOIN curated.notices AS n USING (notice_id) "
        "LEFT JOIN curated.documents AS d ON d.doc_id = n.primary_doc_id"
    ),
    "plan_changes": (
        f"SELECT c.*, n.region, n.plan_year, {_LINK.format(page='c.page')} AS source_link "
        "FROM curated.plan_changes AS c LEFT JOIN curated.notices AS n USING (notice_id) "
        "LEFT JOIN curated.documents AS d ON d.doc_id = n.primary_doc_id"
    ),
}
# Row order of the SQLite tables (Datasette shows rows by rowid).
_ORDER = {
    "plan_projects": "plan_year, region, funding_type NULLS LAST, seq, project_name",
    "effective_plan_projects": "plan_year, region, funding_type NULLS LAST, seq, project_name",
    "policy_terms": "plan_year, region, notice_id, term, program_level NULLS FIRST, page",
    "notices": "plan_year, region, issued_date, notice_id",
    "documents": "source_uri, doc_id",
    "organizations": "n_projects DESC, org_name",
}
EXTRA_COLUMNS = {
    "source_link": {
        "zh": "来源文件的路径或网址（已知页码时附 #page=页码）",
        "en": "Path or URL of the source file (with #page=N when the page is known)",
    },
    "region": describe_column("notices", "region") or {},
    "plan_year": describe_column("notices", "plan_year") or {},
}
_SQLITE_TYPES = {
    "VARCHAR": str,
    "INTEGER": int,
    "BIGINT": int,
    "SMALLINT": int,
    "TINYINT": int,
    "HUGEINT": int,
    "UINTEGER": int,
    "UBIGINT": int,
    "BOOLEAN": int,
    "DOUBLE": float,
    "FLOAT": float,
    "DECIMAL": float,
    "DATE": str,
    "TIMESTAMP": str,
    "TIMESTAMP WITH TIME ZONE": str,
}


# --- reading the warehouse ----------------------------------------------------------------


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of what the curated tables are made of, cheap to compute.

    The curated views are SQL over the base tables of `raw` and `staging`: the digest
    covers every base table's rows (count and sum of row hashes), every view's SQL, the
    rules version, the catalog, the canned queries and this file's layout (`FORMAT`).
    """
    from normalizers.version import normalizer_version

    digest = hashlib.sha256(f"noticeflow.sqlite {FORMAT} {normalizer_version()}".encode())
    digest.update(json.dumps([catalog(), canned_queries()], sort_keys=True).encode())
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name IN ('raw', 'staging') "
        "ORDER BY ALL"
    ).fetchall()
    for schema, table in tables:
        rows = con.execute(
            f'SELECT count(*), sum(hash(t)::HUGEINT) FROM "{schema}"."{table}" AS t'
        ).fetchall()
        digest.update(json.dumps([schema, table, rows], default=str).encode())
    views = con.execute(
        "SELECT schema_name, view_name, sql FROM duckdb_views() "
        "WHERE database_name = current_database() AND schema_name IN ('staging', 'curated') "
        "ORDER BY ALL"
    ).fetchall()
    digest.update(json.dumps(views).encode())
    return digest.hexdigest()


def _sqlite_value(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _select(table: str) -> str:
    query = _WIDENED.get(table, f"SELECT * FROM curated.{table}")
    return f"SELECT * FROM ({query}) ORDER BY {_ORDER.get(table, 'ALL')}"


# --- writing ------------------------------------------------------------------------------


def write_sqlite(
    con: duckdb.DuckDBPyConnection, folder: str | Path, *, segment: Segmenter | None = None
) -> list[Path]:
    """Write `noticeflow.sqlite` and `metadata.json` into `folder`; returns both paths.

    The searchable values are segmented once each, all together, by `segment`
    (default `search_texts`, in this process)."""
    folder = Path(folder)
    path = folder / SQLITE
    path.unlink(missing_ok=True)
    built_from = fingerprint(con)
    # Each view is computed once: its SQLite column types and rows.
    contents: dict[str, tuple[dict[str, type], list[tuple[object, ...]]]] = {}
    for table in curated_columns(con):
        relation = con.sql(_select(table))
        types = [str(t).split("(")[0] for t in relation.types]
        columns = {
            n: _SQLITE_TYPES.get(t, str) for n, t in zip(relation.columns, types, strict=True)
        }
        contents[table] = columns, relation.fetchall()
    keys = {
        table: column
        for table, column in PRIMARY_KEYS.items()
        if table in contents and _unique(*contents[table], column)
    }
    import sqlite_utils  # imported when a file is written: `import warehouse` stays light

    db = sqlite_utils.Database(path)
    # The search text is cut (in a child of the run's fork server, or here) on a thread
    # while the rows are written.
    cut = segment or search_texts
    texts = _search_values(contents)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-text") as pool:
        cutting = pool.submit(lambda: dict(zip(texts, cut(texts), strict=True)))
        try:
            # Referenced tables first, so that foreign keys can name them.
            for table in sorted(contents, key=lambda t: (t not in keys, t)):
                columns, rows = contents[table]
                foreign = [
                    (column, other, keys[other])
                    for column, other in FOREIGN_KEYS.get(table, {}).items()
                    if column in columns and other in keys
                ]
                db.table(table).create(columns, pk=keys.get(table), foreign_keys=foreign)
                # Plain executemany: sqlite-utils' insert_all makes a dict and its SQL per
                # row batch, three times the time for the same rows.
                names = ", ".join(f"[{name}]" for name in columns)
                marks = ", ".join("?" * len(columns))
                db.conn.executemany(
                    f"INSERT INTO [{table}] ({names}) VALUES ({marks})",
                    (tuple(map(_sqlite_value, row)) for row in rows),
                )
            _index(
                db,
                {t: list(columns) for t, (columns, _) in contents.items()},
                cutting.result(),
                cut,
            )
            db.table(BUILD_TABLE).insert_all(
                [
                    {"key": "fingerprint", "value": built_from},
                    {"key": "format", "value": FORMAT},
                    {"key": "built_at", "value": dt.datetime.now().astimezone().isoformat()},
                ],
                pk="key",
            )
            db.execute("VACUUM")
        finally:
            db.close()
    metadata = folder / METADATA
    tables = {table: list(columns) for table, (columns, _) in contents.items()}
    metadata.write_text(
        json.dumps(datasette_metadata(tables), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return [path, metadata]


def _unique(columns: dict[str, type], rows: list[tuple[object, ...]], column: str) -> bool:
    """Whether `column` is filled and distinct in every row (so it can be a primary key)."""
    if column not in columns:
        return False
    values = [row[list(columns).index(column)] for row in rows]
    return None not in values and len(set(values)) == len(values)


def _search_values(
    contents: dict[str, tuple[dict[str, type], list[tuple[object, ...]]]],
) -> list[str]:
    """The distinct values of the search columns, as the SQLite file will hold them."""
    values: set[str] = set()
    for table, (columns, rows) in contents.items():
        positions = [i for i, c in enumerate(columns) if c in SEARCH_COLUMNS.get(table, ())]
        for row in rows:
            for i in positions:
                value = _sqlite_value(row[i])
                if value is not None and value != "":
                    values.add(str(value))
    return sorted(values)


def _index(
    db: sqlite_utils.Database,
    tables: dict[str, list[str]],
    words: dict[str, str],
    segment: Segmenter,
) -> None:
    """`<table>_fts` for each searchable table: the segmented text of its search columns,
    rowid = the row's rowid. Each distinct value is segmented once: `words` has them
    (`_search_values`), `segment` cuts any it lacks."""
    found: dict[str, list[str]] = {
        table: [c for c in SEARCH_COLUMNS[table] if c in columns]
        for table, columns in tables.items()
        if table in SEARCH_COLUMNS
    }
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for table, columns in found.items():
        names = ", ".join(f"[{c}]" for c in columns)
        rows[table] = db.execute(f"SELECT rowid, {names} FROM [{table}]").fetchall()
    values = (v for table_rows in rows.values() for row in table_rows for v in row[1:])
    distinct = sorted({str(v) for v in values if v is not None and v != ""})
    missing = [text for text in distinct if text not in words]
    if missing:
        words = {**words, **dict(zip(missing, segment(missing), strict=True))}
    for table, columns in found.items():
        fts = f"{table}_fts"
        names = ", ".join(f"[{c}]" for c in columns)
        db.execute(f"CREATE VIRTUAL TABLE [{fts}] USING fts5({names}, content='')")
        db.conn.executemany(
            f"INSERT INTO [{fts}] (rowid, {names}) VALUES (?, {', '.join('?' for _ in columns)})",
            [
                (rowid, *(words.get(str(v), "") if v is not None else "" for v in values))
                for rowid, *values in rows[table]
            ],
        )
    db.conn.commit()


def read_fingerprint(path: str | Path) -> str | None:
    """The fingerprint a published `noticeflow.sqlite` was built from, or None."""
    import sqlite3

    path = Path(path)
    if not path.is_file():
        return None
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
            row = db.execute(
                f"SELECT value FROM [{BUILD_TABLE}] WHERE key = 'fingerprint'"
            ).fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


# --- Datasette metadata -------------------------------------------------------------------


def _bilingual(entry: dict[str, str] | None) -> str:
    if not entry:
        return ""
    return " — ".join(t for t in (entry.get("zh", ""), entry.get("en", "")) if t)


def datasette_metadata(tables: dict[str, list[str]]) -> dict[str, Any]:
    """Datasette metadata for the SQLite tables `tables` (name -> columns)."""
    described: dict[str, Any] = {}
    for table, columns in sorted(tables.items()):
        entry = catalog().get(table, {})
        config: dict[str, Any] = {
            "description": _bilingual(entry.get("description")),
            "columns": {
                c: _bilingual(describe_column(table, c) or EXTRA_COLUMNS.get(c)) for c in columns
            },
            "facets": [c for c in (*FACETS, *MORE_FACETS.get(table, ())) if c in columns],
        }
        if table in LABEL_COLUMNS:
            config["label_column"] = LABEL_COLUMNS[table]
        if table in SEARCH_COLUMNS:
            config["fts_table"] = f"{table}_fts"
            config["fts_pk"] = "rowid"
            config["searchmode"] = "escaped"
        described[table] = config
        if table in SEARCH_COLUMNS:
            described[f"{table}_fts"] = {"hidden": True}
    described[BUILD_TABLE] = {"hidden": True}
    queries = {
        name: {k: v for k, v in q.items() if k in ("title", "description", "sql")}
        for name, q in canned_queries().items()
    }
    return {
        "title": "noticeflow：专业技术人才知识更新工程高级研修项目",
        "description": "通知、规则、项目计划及报送表格（整理后的数据） — Curated notices, "
        "rules, programme plans and submitted forms of the 知识更新工程 advanced training "
        "programmes. 搜索框支持中文分词检索 — the search boxes take Chinese words.",
        "about": "仪表板 Dashboard",
        "about_url": "/files/dashboard.html",
        "databases": {
            DATABASE: {
                "description": "noticeflow curated tables (docs/DATA_CONTRACT.md)",
                "tables": described,
                "queries": queries,
            }
        },
    }
