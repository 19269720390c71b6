"""The data model: immutable records that flow through every stage.

A :class:`Document` holds the cleaned text that every character offset in the
project refers to. Stages never mutate a document; they return a new one with
:func:`dataclasses.replace`.

Evidence is always a :class:`Span` into ``Document.text``; exported as
``{"document_id", "start", "end", "text"}``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

DocumentKind = Literal["article", "page", "post"]
"""``article``: one standalone article. ``page``: a page that holds several
posts (kept for audit; its posts are the documents later stages analyse).
``post``: one post cut out of a ``page``."""

DATE_PRECISIONS = ("year", "month", "day", "minute", "second")


@dataclass(frozen=True, slots=True)
class Span:
    """A character range ``[start, end)`` of one document's stored text."""

    document_id: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span offsets {self.start}..{self.end}")

    def evidence(self, text: str) -> dict[str, Any]:
        """Return the export form ``{"document_id", "start", "end", "text"}``."""
        if self.end > len(text):
            raise ValueError(f"span end {self.end} is past the text ({len(text)} chars)")
        return {
            "document_id": self.document_id,
            "start": self.start,
            "end": self.end,
            "text": text[self.start : self.end],
        }


@dataclass(frozen=True, slots=True)
class Removal:
    """A piece of page furniture the cleaner cut out.

    ``at`` is where it stood in the cleaned text; ``start``/``end`` are its
    offsets in the original (pre-cleaning) text, so the original can always be
    rebuilt with :meth:`Document.original_text`.
    """

    at: int
    start: int
    end: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Removal:
        return cls(int(d["at"]), int(d["start"]), int(d["end"]), str(d["text"]), str(d["reason"]))


@dataclass(frozen=True, slots=True)
class Published:
    """A publication date as ISO 8601 text cut to its precision.

    ``value`` is ``"2020"``, ``"2020-01"``, ``"2020-01-05"``, ``"2020-01-05T17:45"``
    or ``"2020-01-05T17:45:10"`` (with ``+HH:MM`` when the source gave a zone);
    ``method`` says where it came from (``html-meta``, ``record``, ``feed``,
    ``dateline``, ``post-footer``).
    """

    value: str
    precision: str
    method: str

    def __post_init__(self) -> None:
        if self.precision not in DATE_PRECISIONS:
            raise ValueError(f"unknown date precision {self.precision!r}")

    @property
    def day(self) -> str | None:
        """The ``YYYY-MM-DD`` part, or None when the precision is coarser than a day."""
        return self.value[:10] if len(self.value) >= 10 else None


@dataclass(frozen=True, slots=True)
class Document:
    """One article or post, with cleaned text and its metadata.

    ``id`` is a content hash (see :func:`document_id`), so the same article read
    twice is stored once. Empty metadata fields mean the input did not say.
    """

    id: str
    source: str
    text: str
    kind: DocumentKind = "article"
    parent_id: str | None = None
    url: str | None = None
    outlet: str | None = None
    credited_sources: tuple[str, ...] = ()
    title: str | None = None
    author: str | None = None
    published: Published | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    removed: tuple[Removal, ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    position: int = 0
    """Order of this document within its source: records of a JSONL or WARC file,
    a page followed by its posts."""

    def span(self, start: int, end: int) -> Span:
        """A span of this document, checked against its text."""
        if end > len(self.text):
            raise ValueError(f"span end {end} is past the text of {self.id}")
        return Span(self.id, start, end)

    def original_text(self) -> str:
        """The text as extracted, before furniture was removed."""
        parts: list[str] = []
        last = 0
        for r in sorted(self.removed, key=lambda r: (r.at, r.start)):
            parts.append(self.text[last : r.at])
            parts.append(r.text)
            last = r.at
        parts.append(self.text[last:])
        return "".join(parts)

    def provenance_of(self, field_name: str) -> str | None:
        """How a metadata field was derived, or None."""
        for name, how in self.provenance:
            if name == field_name:
                return how
        return None

    def to_dict(self) -> dict[str, Any]:
        """The export form of the document (see ``outputs/schema``)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "source": self.source,
            "parent_id": self.parent_id,
            "position": self.position,
            "url": self.url,
            "outlet": self.outlet,
            "credited_sources": list(self.credited_sources),
            "title": self.title,
            "author": self.author,
            "published": self.published.value if self.published else None,
            "published_precision": self.published.precision if self.published else None,
            "language": self.language,
            "tags": list(self.tags),
            "text": self.text,
            "removed": [r.to_dict() for r in self.removed],
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        prov = d.get("provenance") or {}
        published = None
        if d.get("published"):
            published = Published(
                d["published"], d["published_precision"], prov.get("published", "unknown")
            )
        return cls(
            id=d["id"],
            source=d["source"],
            text=d["text"],
            kind=d.get("kind", "article"),
            parent_id=d.get("parent_id"),
            url=d.get("url"),
            outlet=d.get("outlet"),
            credited_sources=tuple(d.get("credited_sources") or ()),
            title=d.get("title"),
            author=d.get("author"),
            published=published,
            language=d.get("language"),
            tags=tuple(d.get("tags") or ()),
            removed=tuple(Removal.from_dict(r) for r in d.get("removed") or ()),
            provenance=tuple(sorted(prov.items())),
            position=int(d.get("position") or 0),
        )


@dataclass(frozen=True, slots=True)
class Failure:
    """One input (or one record inside an input) that could not be ingested."""

    source: str
    reason: str
    stage: str = "ingest"

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "reason": self.reason, "stage": self.stage}


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest run did: counts, and every failure with its reason."""

    inputs: int = 0
    skipped: int = 0
    documents_added: int = 0
    documents_seen: int = 0
    failures: tuple[Failure, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.failures


def document_id(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: Published | None = None,
    author: str | None = None,
) -> str:
    """Content hash of a document: same content and metadata, same id.

    The local path is left out on purpose: the same article copied to another
    folder is the same document. The same text from two outlets is two
    documents (the duplicate finder links them later).
    """
    payload = json.dumps(
        [text, title, url, outlet, published.value if published else None, author],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
