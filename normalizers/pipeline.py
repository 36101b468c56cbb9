"""One entry point: a `Document` -> its role and its domain records.

A submitted form is recognised first (from its title and labels); anything else
that reads as an official notice is a notice; the rest is `other` and loads with
no domain records.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from extractors.model import Document

from .enrich_records import enrich
from .forms import normalize_form
from .notice import looks_like_notice, normalize_notice
from .pii import PiiToken

__all__ = ["Normalized", "flatten_records", "normalize"]


@dataclass(frozen=True)
class Normalized:
    role: str  # notice | form | other
    records: tuple[object, ...] = ()
    problems: tuple[str, ...] = ()
    kind: str | None = None  # notice doc_type or form type


def flatten_records(bundle: object) -> Iterator[object]:
    """The record instances a bundle (NoticeRecords, FormRecords) holds, in field order."""
    for f in dataclasses.fields(bundle):  # type: ignore[arg-type]
        value = getattr(bundle, f.name)
        items = value if isinstance(value, tuple | list) else (value,)
        for item in items:
            if dataclasses.is_dataclass(item) and not isinstance(item, type):
                yield item


def normalize(doc: Document, *, pii_key: bytes, vault: Iterable[PiiToken] = ()) -> Normalized:
    """The role and records of `doc`.

    `doc` may be redacted (`normalizers.pii.redact_document`): `vault` is then the
    tokens its redaction returned, and the records equal those of the original.
    """
    entries = {entry.token: entry for entry in vault}
    form = normalize_form(doc, pii_key=pii_key, vault=entries)
    if form is not None:
        return Normalized(
            role="form",
            records=tuple(flatten_records(form)),
            problems=tuple(getattr(form, "problems", ()) or ()),
            kind=getattr(form, "form_type", None),
        )
    if looks_like_notice(doc):
        bundle = normalize_notice(doc)
        return Normalized(
            role="notice",
            records=(*flatten_records(bundle), *enrich(bundle.projects)),
            problems=tuple(bundle.problems),
            kind=bundle.notice.doc_type,
        )
    return Normalized(role="other")
