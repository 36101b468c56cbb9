"""The explorer's canned queries: the README's analyst questions as SQL files
(`sql/explore/*.sql`), published with the explorer's SQLite file."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from .db import sql_text

__all__ = ["canned_queries"]


def canned_queries() -> dict[str, dict[str, Any]]:
    """The README's analyst questions, from `sql/explore/*.sql` (`-- title:` and
    `-- description:` lines head each file)."""
    folder = resources.files("warehouse").joinpath("sql", "explore")
    queries: dict[str, dict[str, Any]] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".sql"):
            continue
        text = sql_text(f"explore/{entry.name}")
        fields = dict(re.findall(r"^-- (title|description|readme): (.*)$", text, re.M))
        sql = "\n".join(line for line in text.splitlines() if not line.startswith("--")).strip()
        queries[entry.name.removesuffix(".sql")] = {
            "title": fields.get("title", entry.name),
            "description": fields.get("description", ""),
            "sql": sql.rstrip(";"),
            **({"readme_question": int(fields["readme"])} if "readme" in fields else {}),
        }
    return queries
