"""An in-memory store: the :class:`Store` contract in plain dicts, for tests.

Documents are immutable, so they are kept as they are; section items are kept
JSON-encoded, exactly as :class:`~storyline.store.sqlite.SQLiteStore` keeps
them, so both stores accept and return the same things.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from storyline.errors import StoreError
from storyline.model import Document, Failure
from storyline.store.base import (
    SCHEMA_VERSION,
    Store,
    belongs_to,
    check_documents,
    check_failures,
    check_features,
    check_input,
    check_kinds,
    check_parts,
    check_section_name,
    encode_section,
    take_lock,
)


@dataclass(frozen=True, slots=True)
class _StoredFailure:
    failure: Failure
    input_source: str | None
    input_digest: str | None


class MemoryStore(Store):
    """A :class:`Store` that lives and dies with the process.

    Not thread-safe; give each thread its own store (as with SQLite).
    """

    def __init__(self) -> None:
        self._documents: dict[str, Document] = {}
        self._inputs: dict[tuple[str, str], tuple[int, int]] = {}
        self._failures: dict[str, _StoredFailure] = {}
        # name -> (sort key, part or None, item as JSON), in the order added
        self._sections: dict[str, list[tuple[str, str | None, str]]] = {}
        self._features: dict[str, dict[str, bytes]] = {}
        self._locks: dict[str, threading.RLock] = {}
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")

    def add_documents(
        self,
        docs: Sequence[Document],
        *,
        input_source: str | None = None,
        input_digest: str | None = None,
        failures: Sequence[Failure] = (),
    ) -> int:
        self._check_open()
        check_documents(docs)
        check_failures(failures)
        check_input(input_source, input_digest)
        # Every check is done before the first change, so the update is all or nothing.
        new = {}
        for doc in docs:
            if doc.id not in self._documents and doc.id not in new:
                new[doc.id] = doc
        self._documents.update(new)
        if input_source is not None:
            if input_digest is not None:
                self._inputs[(input_source, input_digest)] = (len(docs), int(time.time()))
            self._drop_failures_of(input_source)
        for failure in failures:
            self._failures[failure.source] = _StoredFailure(failure, input_source, input_digest)
        return len(new)

    def record_failure(self, failure: Failure, *, input_digest: str | None = None) -> None:
        self._check_open()
        check_failures((failure,))
        check_input(None, input_digest)
        self._drop_failures_of(failure.source)
        self._failures[failure.source] = _StoredFailure(failure, failure.source, input_digest)

    def _drop_failures_of(self, input_source: str) -> None:
        for source in [
            source
            for source, stored in self._failures.items()
            if stored.input_source == input_source or belongs_to(source, input_source)
        ]:
            del self._failures[source]

    def input_done(self, source: str, digest: str) -> bool:
        self._check_open()
        return (source, digest) in self._inputs

    def get_document(self, doc_id: str) -> Document | None:
        self._check_open()
        return self._documents.get(doc_id)

    def iter_documents(self, *, kinds: Iterable[str] | None = None) -> Iterator[Document]:
        self._check_open()
        wanted = check_kinds(kinds)
        # Sorted up front: the caller may add documents while iterating.
        docs = sorted(self._documents.values(), key=lambda d: (d.source, d.position, d.id))
        return iter([d for d in docs if wanted is None or d.kind in wanted])

    def count_documents(self, *, kinds: Iterable[str] | None = None) -> int:
        self._check_open()
        wanted = check_kinds(kinds)
        if wanted is None:
            return len(self._documents)
        return sum(1 for d in self._documents.values() if d.kind in wanted)

    def failures(self) -> list[Failure]:
        self._check_open()
        return [self._failures[source].failure for source in sorted(self._failures)]

    def put_section(self, name: str, items: Sequence[dict[str, Any]]) -> None:
        self._check_open()
        self._sections[name] = [("", None, item) for item in encode_section(name, items)]

    def update_section(
        self,
        name: str,
        items: Sequence[dict[str, Any]],
        *,
        parts: Sequence[str],
        sort_keys: Sequence[str],
        keep: Collection[str],
    ) -> None:
        self._check_open()
        encoded = encode_section(name, items)
        check_parts(name, items, parts, sort_keys)
        kept = set(keep)
        rows = [r for r in self._sections.get(name, ()) if r[1] is not None and r[1] in kept]
        rows.extend(zip(sort_keys, parts, encoded, strict=True))
        self._sections[name] = rows

    def get_section(self, name: str) -> list[dict[str, Any]]:
        self._check_open()
        check_section_name(name)
        rows = self._sections.get(name, [])
        # sorted() is stable: equal keys keep the order they were added in.
        return [json.loads(item) for _, _, item in sorted(rows, key=lambda r: r[0])]

    def put_features(self, name: str, values: Mapping[str, bytes]) -> None:
        self._check_open()
        check_features(name, values)
        store = self._features.setdefault(name, {})
        store.update({doc_id: bytes(value) for doc_id, value in values.items()})

    def get_features(self, name: str, ids: Iterable[str] | None = None) -> dict[str, bytes]:
        self._check_open()
        store = self._features.get(name, {})
        keys = sorted(store) if ids is None else sorted(set(ids) & store.keys())
        return {k: store[k] for k in keys}

    @property
    def schema_version(self) -> int:
        return SCHEMA_VERSION

    @contextmanager
    def exclusive(self, name: str, *, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        # The data lives in this object only: a lock per name keeps its threads apart.
        lock = self._locks.setdefault(name, threading.RLock())
        take_lock(lock, on_wait)
        try:
            yield
        finally:
            lock.release()

    def close(self) -> None:
        self._closed = True

    def __repr__(self) -> str:
        return f"MemoryStore({len(self._documents)} documents)"
