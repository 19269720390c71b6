"""Storage: the :class:`Store` interface and its implementations.

Open one with :func:`open_store`::

    from storyline.store import open_store

    with open_store("storyline.db") as store:
        print(store.count_documents())
"""

from __future__ import annotations

import re
from pathlib import Path

from storyline.errors import StoreError
from storyline.store.base import SCHEMA_VERSION, Store
from storyline.store.memory import MemoryStore
from storyline.store.postgres import PostgresStore
from storyline.store.sqlite import SQLiteStore

__all__ = ["SCHEMA_VERSION", "MemoryStore", "PostgresStore", "SQLiteStore", "Store", "open_store"]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def open_store(target: str | Path | None) -> Store:
    """Open the store that ``target`` names.

    Args:
        target: None or ``":memory:"`` for a :class:`MemoryStore`; a file path or
            ``"sqlite:///path"`` for a :class:`SQLiteStore` (``sqlite:////abs/path``
            for an absolute path, as in SQLAlchemy URLs); a ``postgresql://`` or
            ``postgres://`` URL for a :class:`PostgresStore` (a ``schema=NAME`` query
            parameter picks the PostgreSQL schema).

    Returns:
        The open store; use it as a context manager to close it.

    Raises:
        StoreError: the target is empty or names an unknown scheme, or the store
            cannot be opened.
    """
    if target is None:
        return MemoryStore()
    if isinstance(target, Path):
        return SQLiteStore(target)
    if not isinstance(target, str) or not target.strip():
        raise StoreError(f"no store given ({target!r}): pass a file path or ':memory:'")
    if target == ":memory:":
        return MemoryStore()
    match = _SCHEME.match(target)
    if match is None:
        return SQLiteStore(target)
    scheme = match.group(1).lower()
    if scheme == "sqlite":
        path = target[len("sqlite://") :]
        if not path.startswith("/") or path == "/":
            raise StoreError(f"bad SQLite URL {target!r}: use sqlite:///relative.db")
        return SQLiteStore(path[1:])
    if scheme in ("postgresql", "postgres"):
        return PostgresStore(target)
    raise StoreError(
        f"unknown store scheme {scheme!r} in {target!r}; use a file path, "
        "'sqlite:///path', 'postgresql://...' or ':memory:'"
    )
