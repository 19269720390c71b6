"""A search index over documents, entities and events, derived from the store.

Documents (title and text) go into an in-memory SQLite FTS5 table ranked by
BM25; entities (names, aliases) and events (labels) are few enough to scan.
The index is derived and rebuildable, never the source of truth: the web app
builds one per snapshot of the store.

Example:
    >>> index = SearchIndex()
    >>> index.add_document("d1", "Flood in Lorvik", "The river rose.")
    >>> [hit.doc_id for hit in index.documents("lorvik")]
    ['d1']
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_WORD = re.compile(r"\w+")
HIT_START, HIT_END = "\x02", "\x03"
"""Markers FTS5 puts around matched words in snippets; split on, never rendered."""


@dataclass(frozen=True, slots=True)
class DocumentHit:
    """One matching document: its id and a snippet as ``(text, is_match)`` parts."""

    doc_id: str
    snippet: tuple[tuple[str, bool], ...]


def fts_query(q: str) -> str | None:
    """The user's words as a safe FTS5 query (every word required, the last as a prefix).

    Returns None when ``q`` holds no word. Each word is quoted, so FTS5 operators
    typed by the user (``NEAR``, ``*``, ``:``) are searched as words.
    """
    words = _WORD.findall(q.lower())[:12]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def split_snippet(snippet: str) -> tuple[tuple[str, bool], ...]:
    """Split an FTS5 snippet into ``(text, is_match)`` parts, markers removed."""
    parts: list[tuple[str, bool]] = []
    for i, chunk in enumerate(re.split(f"[{HIT_START}{HIT_END}]", snippet)):
        if chunk:
            parts.append((chunk, i % 2 == 1))
    return tuple(parts)


class SearchIndex:
    """Full-text search over documents plus substring search over names and labels.

    Thread-safe: one lock guards the SQLite connection (queries take
    milliseconds). Build it with :meth:`add_document`, :meth:`add_entity` and
    :meth:`add_event`, then query with :meth:`documents`, :meth:`entities`,
    :meth:`events`.
    """

    def __init__(self) -> None:
        self._conn = sqlite3.connect(":memory:", check_same_thread=False)
        self._conn.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(doc_id UNINDEXED, title, text,"
            " tokenize = 'unicode61 remove_diacritics 2')"
        )
        self._lock = threading.Lock()
        self._pending: list[tuple[str, str, str]] = []
        self._entities: list[tuple[str, str]] = []  # (lowercased names and aliases, id)
        self._events: list[tuple[str, str]] = []

    def add_document(self, doc_id: str, title: str | None, text: str) -> None:
        """Queue one document for indexing (written in batches)."""
        self._pending.append((doc_id, title or "", text))
        if len(self._pending) >= 1000:
            self._flush()

    def add_entity(self, entity_id: str, names: Iterable[str]) -> None:
        """Index an entity under its name and aliases."""
        self._entities.append(("\n".join(n.lower() for n in names if n), entity_id))

    def add_event(self, event_id: str, label: str | None, kind: str | None = None) -> None:
        """Index an event under its label and type."""
        self._events.append((f"{label or ''}\n{kind or ''}".lower(), event_id))

    def _flush(self) -> None:
        with self._lock:
            self._conn.executemany(
                "INSERT INTO docs (doc_id, title, text) VALUES (?, ?, ?)", self._pending
            )
        self._pending = []

    def finish(self) -> None:
        """Write queued documents and optimise the index; call once after adding."""
        self._flush()
        with self._lock:
            self._conn.execute("INSERT INTO docs (docs) VALUES ('optimize')")

    def documents(self, q: str, *, limit: int = 20, offset: int = 0) -> list[DocumentHit]:
        """Documents matching every word of ``q``, best first (BM25, titles weigh 5x)."""
        query = fts_query(q)
        if query is None:
            return []
        with self._lock:
            rows = self._conn.execute(
                "SELECT doc_id, snippet(docs, 2, ?, ?, ' … ', 24) FROM docs"
                " WHERE docs MATCH ? ORDER BY bm25(docs, 0, 5.0, 1.0) LIMIT ? OFFSET ?",
                (HIT_START, HIT_END, query, limit, offset),
            ).fetchall()
        return [DocumentHit(doc_id, split_snippet(snip)) for doc_id, snip in rows]

    def count_documents(self, q: str) -> int:
        """How many documents match ``q``."""
        query = fts_query(q)
        if query is None:
            return 0
        with self._lock:
            (n,) = self._conn.execute(
                "SELECT count(*) FROM docs WHERE docs MATCH ?", (query,)
            ).fetchone()
        return int(n)

    def entities(self, q: str, *, limit: int = 20) -> list[str]:
        """Ids of entities whose name or an alias contains every word of ``q``."""
        return _scan(self._entities, q, limit)

    def events(self, q: str, *, limit: int = 20) -> list[str]:
        """Ids of events whose label or type contains every word of ``q``."""
        return _scan(self._events, q, limit)

    def close(self) -> None:
        """Free the index."""
        with self._lock:
            self._conn.close()


def _scan(rows: Sequence[tuple[str, str]], q: str, limit: int) -> list[str]:
    words = _WORD.findall(q.lower())
    if not words:
        return []
    found: list[Any] = []
    for haystack, item_id in rows:
        if all(w in haystack for w in words):
            # Exact name matches first, then shorter names (more specific) first.
            exact = any(line == q.lower().strip() for line in haystack.split("\n"))
            found.append((not exact, len(haystack), item_id))
    found.sort()
    return [item_id for _, _, item_id in found[:limit]]
