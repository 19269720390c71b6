"""A read-only snapshot of a store for the web UI: sections, lookups and the search index.

Sections are lists; the pages need them by id and by document. A
:class:`Snapshot` reads every section once, indexes it, and keeps the evidence
of each document (entity mentions, event triggers, claims, quotes) so a
document page costs one ``get_document`` and a dict lookup. The
:class:`SnapshotHolder` rebuilds it when the store changes (its document
count, or for a SQLite file the file's size and time).
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.store import Store
from storyline.web.search import SearchIndex

SECTIONS = ("entities", "events", "timeline", "claims", "conflicts", "quotes", "stories", "summary")


@dataclass(frozen=True, slots=True)
class Mark:
    """One piece of evidence in a document: ``[start, end)`` of its text."""

    start: int
    end: int
    kind: str
    """``entity``, ``event``, ``claim`` or ``quote``."""
    ref: str
    """The id of what it is evidence of."""
    label: str


@dataclass(slots=True)
class Snapshot:
    """Everything the pages read, indexed; built by :func:`build_snapshot`."""

    doc_count: int
    documents: list[dict[str, Any]] = field(default_factory=list)
    """Metadata of every document (no text), in store order."""
    doc_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_id: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    marks: dict[str, list[Mark]] = field(default_factory=lambda: defaultdict(list))
    doc_stories: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    doc_entities: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    doc_events: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    search: SearchIndex = field(default_factory=SearchIndex)

    def get(self, section: str, item_id: str) -> dict[str, Any] | None:
        """The item of a section with this id, or None."""
        return self.by_id.get(section, {}).get(item_id)


def _meta(doc: Any) -> dict[str, Any]:
    return {
        "id": doc.id,
        "kind": doc.kind,
        "title": doc.title,
        "outlet": doc.outlet,
        "url": doc.url,
        "source": doc.source,
        "published": doc.published.value if doc.published else None,
        "language": doc.language,
        "chars": len(doc.text),
    }


def _add_mark(snap: Snapshot, evidence: Any, kind: str, ref: str, label: str) -> None:
    if not isinstance(evidence, dict):
        return
    doc_id, start, end = evidence.get("document_id"), evidence.get("start"), evidence.get("end")
    if isinstance(doc_id, str) and isinstance(start, int) and isinstance(end, int):
        if 0 <= start < end:
            snap.marks[doc_id].append(Mark(start, end, kind, ref, str(label)))


def build_snapshot(store: Store) -> Snapshot:
    """Read the whole store once and index it (documents, sections, search)."""
    snap = Snapshot(doc_count=store.count_documents())
    for doc in store.iter_documents():
        meta = _meta(doc)
        snap.documents.append(meta)
        snap.doc_meta[doc.id] = meta
        snap.search.add_document(doc.id, doc.title, doc.text)
    for name in SECTIONS:
        items = [item for item in store.get_section(name) if isinstance(item, dict)]
        snap.sections[name] = items
        key = "story_id" if name == "summary" else "id"
        snap.by_id[name] = {str(i[key]): i for i in items if i.get(key) is not None}
    for ent in snap.sections["entities"]:
        names = [ent.get("name") or ""] + [a.get("text", "") for a in ent.get("aliases") or ()]
        snap.search.add_entity(str(ent.get("id")), names)
        for doc_id in ent.get("documents") or ():
            snap.doc_entities[doc_id].append(str(ent.get("id")))
        for ev in ent.get("mentions") or ():
            _add_mark(snap, ev, "entity", str(ent.get("id")), ent.get("name") or "")
    for event in snap.sections["events"]:
        snap.search.add_event(
            str(event.get("id")), event.get("label"), event.get("event_type") or event.get("type")
        )
        for doc_id in event.get("documents") or ():
            snap.doc_events[doc_id].append(str(event.get("id")))
        for mention in event.get("mentions") or ():
            label = event.get("label") or mention.get("trigger") or ""
            _add_mark(snap, mention.get("evidence"), "event", str(event.get("id")), label)
    for claim in snap.sections["claims"]:
        label = f"{claim.get('value')} {claim.get('counted') or ''}".strip()
        _add_mark(snap, claim.get("evidence"), "claim", str(claim.get("id")), label)
    for quote in snap.sections["quotes"]:
        speaker = (quote.get("speaker") or {}).get("name") or "unknown speaker"
        _add_mark(snap, quote.get("evidence"), "quote", str(quote.get("id")), speaker)
    for story in snap.sections["stories"]:
        for doc_id in story.get("documents") or ():
            snap.doc_stories[doc_id].append(str(story.get("id")))
    snap.search.finish()
    return snap


def store_fingerprint(store: Store, path: Path | None) -> tuple[Any, ...]:
    """What changes when the store does: its document count, and its files' sizes and times."""
    stats: list[Any] = [store.count_documents()]
    if path is not None:
        for suffix in ("", "-wal"):
            try:
                st = os.stat(f"{path}{suffix}")
            except OSError:
                stats.append(None)
            else:
                stats.append((st.st_size, st.st_mtime_ns))
    return tuple(stats)


class SnapshotHolder:
    """The current snapshot, rebuilt when the store changes.

    The store is checked at most every ``refresh_s`` seconds. One request
    rebuilds while the others keep reading the previous snapshot.

    Args:
        open_store: returns the store to read (the caller's thread's store).
        path: the SQLite file, whose size and time also mark a change; None for
            a store in memory (then only the document count does).
        refresh_s: the least time between two checks.
    """

    def __init__(
        self, open_store: Callable[[], Store], path: Path | None, refresh_s: float = 1.0
    ) -> None:
        self._open_store = open_store
        self._path = path
        self._refresh_s = refresh_s
        self._snapshot: Snapshot | None = None
        self._fingerprint: tuple[Any, ...] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def get(self) -> Snapshot:
        """The snapshot, rebuilt first when the store changed since the last one."""
        now = time.monotonic()
        if self._snapshot is not None and now - self._checked < self._refresh_s:
            return self._snapshot
        store = self._open_store()
        fingerprint = store_fingerprint(store, self._path)
        self._checked = now
        if self._snapshot is not None and fingerprint == self._fingerprint:
            return self._snapshot
        # Someone else rebuilding: serve the old snapshot rather than wait.
        if not self._lock.acquire(blocking=self._snapshot is None):
            return self._snapshot  # type: ignore[return-value]
        try:
            if self._snapshot is None or fingerprint != self._fingerprint:
                # The old snapshot is left to the garbage collector: a request may still use it.
                self._snapshot = build_snapshot(store)
                self._fingerprint = fingerprint
            return self._snapshot
        finally:
            self._lock.release()
