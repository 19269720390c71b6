"""A store in one SQLite file, safe for several processes writing at once.

The file uses WAL journaling (readers never block the writer) with
``synchronous=NORMAL`` (a power cut may lose the last commits, never corrupt
the file) and a busy timeout, so a second process waits for the write lock
instead of failing. Every write takes the lock up front (``BEGIN IMMEDIATE``):
a reader that later upgrades to a writer could deadlock, which no timeout
fixes.

The schema is versioned in the ``meta`` table; :data:`MIGRATIONS` brings an
older file up to date when it is opened, inside one transaction.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from storyline.errors import StoreError
from storyline.model import Document, Failure, Published
from storyline.store.base import (
    SCHEMA_VERSION,
    Store,
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

BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another process's write lock before giving up."""

_PAGE = 500
"""Documents read per query while iterating; short reads let writers checkpoint."""

_DOCUMENT_COLUMNS = (
    "id", "kind", "parent_id", "source", "position", "url", "outlet", "title", "author",
    "published", "published_precision", "published_method", "language",
    "credited_sources", "tags", "removed", "provenance", "text",
)  # fmt: skip
_JSON_COLUMNS = ("credited_sources", "tags", "removed", "provenance")


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    """The first schema: documents, inputs, failures and result sections."""
    for statement in (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            parent_id TEXT,
            source TEXT NOT NULL,
            position INTEGER NOT NULL,
            url TEXT,
            outlet TEXT,
            title TEXT,
            author TEXT,
            published TEXT,
            published_precision TEXT,
            published_method TEXT,
            language TEXT,
            credited_sources TEXT NOT NULL,
            tags TEXT NOT NULL,
            removed TEXT NOT NULL,
            provenance TEXT NOT NULL,
            text TEXT NOT NULL
        )""",
        # (source, position, id) is the iteration order; the index serves it directly.
        "CREATE INDEX documents_order ON documents (source, position, id)",
        """CREATE TABLE inputs (
            source TEXT NOT NULL,
            digest TEXT NOT NULL,
            n_documents INTEGER NOT NULL,
            done_at INTEGER NOT NULL,
            PRIMARY KEY (source, digest)
        )""",
        """CREATE TABLE failures (
            source TEXT PRIMARY KEY,
            stage TEXT NOT NULL,
            reason TEXT NOT NULL,
            input_source TEXT,
            input_digest TEXT
        )""",
        "CREATE INDEX failures_input ON failures (input_source)",
        """CREATE TABLE sections (
            name TEXT NOT NULL,
            seq INTEGER NOT NULL,
            item TEXT NOT NULL,
            PRIMARY KEY (name, seq)
        )""",
    ):
        conn.execute(statement)


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    """Per-document features: cached signatures and hashes of corpus stages."""
    conn.execute(
        """CREATE TABLE features (
            name TEXT NOT NULL,
            doc_id TEXT NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (name, doc_id)
        )"""
    )


def _migrate_to_3(conn: sqlite3.Connection) -> None:
    """Sections in parts (``update_section``): each item's part and sort key."""
    conn.execute("ALTER TABLE sections ADD COLUMN part TEXT")
    conn.execute("ALTER TABLE sections ADD COLUMN sort_key TEXT NOT NULL DEFAULT ''")
    conn.execute("CREATE INDEX sections_part ON sections (name, part)")


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _migrate_to_1,
    2: _migrate_to_2,
    3: _migrate_to_3,
}
"""Version → function that upgrades a file from the version before it.

Add a schema change as a new entry (and bump ``base.SCHEMA_VERSION``); never
edit a released migration, files in the wild have already run it.
"""
assert max(MIGRATIONS) == SCHEMA_VERSION, "a migration is missing for SCHEMA_VERSION"


class SQLiteStore(Store):
    """A :class:`Store` in one SQLite file (or ``":memory:"``).

    One connection per store; give each thread or process its own store.

    Args:
        path: the database file; created if missing (its folder must exist).
        timeout: seconds to wait for another writer's lock.

    Raises:
        StoreError: the folder is missing, the file is not a SQLite database or
            not a storyline store, or its schema is newer than this code knows.

    Example::

        with SQLiteStore("storyline.db") as store:
            store.add_documents(docs, input_source="a.html", input_digest="ab12")
    """

    def __init__(self, path: str | Path, *, timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self._locks: dict[str, Any] = {}
        self._conn: sqlite3.Connection | None = _connect(str(path), timeout)
        try:
            self._version = _migrate(self._conn, str(path))
        except BaseException:
            self._conn.close()
            self._conn = None
            raise

    # -- plumbing ---------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"the store {self.path} is closed")
        return self._conn

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """Turn backend errors into StoreError, naming the file and the operation."""
        try:
            yield
        except sqlite3.Error as e:
            raise StoreError(f"{self.path}: {what} failed: {e}") from e
        except (UnicodeEncodeError, OverflowError) as e:
            # A lone surrogate or a 65-bit integer: the value cannot be stored.
            raise ValueError(f"{what}: a value cannot be stored: {e}") from None

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed on success, rolled back on any error."""
        conn = self._connection()
        with self._errors(what):
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # SQLite rolls back by itself after some errors (disk full...).
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    # -- documents and inputs -------------------------------------------------

    def add_documents(
        self,
        docs: Sequence[Document],
        *,
        input_source: str | None = None,
        input_digest: str | None = None,
        failures: Sequence[Failure] = (),
    ) -> int:
        check_documents(docs)
        check_failures(failures)
        check_input(input_source, input_digest)
        columns = ", ".join(_DOCUMENT_COLUMNS)
        values = ", ".join(f":{c}" for c in _DOCUMENT_COLUMNS)
        with self._write("adding documents") as conn:
            cur = conn.executemany(
                f"INSERT INTO documents ({columns}) VALUES ({values}) ON CONFLICT (id) DO NOTHING",
                (_encode(doc) for doc in docs),
            )
            # executemany sums the rows changed; a skipped conflict changes none.
            added = max(cur.rowcount, 0)
            if input_source is not None:
                if input_digest is not None:
                    conn.execute(
                        "INSERT INTO inputs (source, digest, n_documents, done_at)"
                        " VALUES (?, ?, ?, ?) ON CONFLICT (source, digest) DO UPDATE"
                        " SET n_documents = excluded.n_documents, done_at = excluded.done_at",
                        (input_source, input_digest, len(docs), int(time.time())),
                    )
                _drop_failures_of(conn, input_source)
            _put_failures(conn, failures, input_source, input_digest)
        return added

    def record_failure(self, failure: Failure, *, input_digest: str | None = None) -> None:
        check_failures((failure,))
        check_input(None, input_digest)
        with self._write("recording a failure") as conn:
            _drop_failures_of(conn, failure.source)
            _put_failures(conn, (failure,), failure.source, input_digest)

    def input_done(self, source: str, digest: str) -> bool:
        conn = self._connection()
        with self._errors("checking an input"):
            row = conn.execute(
                "SELECT 1 FROM inputs WHERE source = ? AND digest = ?", (source, digest)
            ).fetchone()
        return row is not None

    def get_document(self, doc_id: str) -> Document | None:
        conn = self._connection()
        with self._errors("reading a document"):
            row = conn.execute(
                f"SELECT {', '.join(_DOCUMENT_COLUMNS)} FROM documents WHERE id = ?", (doc_id,)
            ).fetchone()
        return None if row is None else _decode(row)

    def iter_documents(self, *, kinds: Iterable[str] | None = None) -> Iterator[Document]:
        self._connection()
        # Checked here, not in the generator, so a bad call fails at once.
        return self._iter_documents(check_kinds(kinds))

    def _iter_documents(self, kinds: tuple[str, ...] | None) -> Iterator[Document]:
        # Keyset pages instead of one long cursor: no read transaction stays open
        # while the caller works, so writes on this connection and WAL checkpoints
        # are never held up.
        select = f"SELECT {', '.join(_DOCUMENT_COLUMNS)} FROM documents"
        order = f"ORDER BY source, position, id LIMIT {_PAGE}"
        kind_filter = [] if kinds is None else [f"kind IN ({', '.join('?' * len(kinds))})"]
        after: list[Any] = []  # (source, position, id) of the last row read
        while True:
            conditions = kind_filter + (["(source, position, id) > (?, ?, ?)"] if after else [])
            where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
            with self._errors("reading documents"):
                rows = (
                    self._connection()
                    .execute(f"{select} {where} {order}", [*(kinds or ()), *after])
                    .fetchall()
                )
            for row in rows:
                yield _decode(row)
            if len(rows) < _PAGE:
                return
            after = [rows[-1][_DOCUMENT_COLUMNS.index(c)] for c in ("source", "position", "id")]

    def count_documents(self, *, kinds: Iterable[str] | None = None) -> int:
        conn = self._connection()
        wanted = check_kinds(kinds)
        with self._errors("counting documents"):
            if wanted is None:
                row = conn.execute("SELECT count(*) FROM documents").fetchone()
            else:
                marks = ", ".join("?" * len(wanted))
                row = conn.execute(
                    f"SELECT count(*) FROM documents WHERE kind IN ({marks})", wanted
                ).fetchone()
        return int(row[0])

    def failures(self) -> list[Failure]:
        conn = self._connection()
        with self._errors("reading failures"):
            rows = conn.execute(
                "SELECT source, reason, stage FROM failures ORDER BY source"
            ).fetchall()
        return [Failure(source, reason, stage) for source, reason, stage in rows]

    # -- result sections ------------------------------------------------------

    def put_section(self, name: str, items: Sequence[dict[str, Any]]) -> None:
        encoded = encode_section(name, items)
        with self._write(f"storing section {name!r}") as conn:
            conn.execute("DELETE FROM sections WHERE name = ?", (name,))
            conn.executemany(
                "INSERT INTO sections (name, seq, item) VALUES (?, ?, ?)",
                ((name, seq, item) for seq, item in enumerate(encoded)),
            )

    def update_section(
        self,
        name: str,
        items: Sequence[dict[str, Any]],
        *,
        parts: Sequence[str],
        sort_keys: Sequence[str],
        keep: Collection[str],
    ) -> None:
        encoded = encode_section(name, items)
        check_parts(name, items, parts, sort_keys)
        kept = sorted({str(p) for p in keep})
        with self._write(f"storing section {name!r}") as conn:
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS kept_parts (part TEXT PRIMARY KEY)")
            conn.execute("DELETE FROM kept_parts")
            conn.executemany("INSERT INTO kept_parts (part) VALUES (?)", ((p,) for p in kept))
            conn.execute(
                "DELETE FROM sections WHERE name = ?"
                " AND (part IS NULL OR part NOT IN (SELECT part FROM kept_parts))",
                (name,),
            )
            conn.execute("DELETE FROM kept_parts")
            (top,) = conn.execute(
                "SELECT COALESCE(MAX(seq), -1) FROM sections WHERE name = ?", (name,)
            ).fetchone()
            conn.executemany(
                "INSERT INTO sections (name, seq, item, part, sort_key) VALUES (?, ?, ?, ?, ?)",
                (
                    (name, top + 1 + i, item, part, key)
                    for i, (item, part, key) in enumerate(
                        zip(encoded, parts, sort_keys, strict=True)
                    )
                ),
            )

    def get_section(self, name: str) -> list[dict[str, Any]]:
        check_section_name(name)
        conn = self._connection()
        with self._errors(f"reading section {name!r}"):
            rows = conn.execute(
                "SELECT item FROM sections WHERE name = ? ORDER BY sort_key, seq", (name,)
            ).fetchall()
        return [json.loads(item) for (item,) in rows]

    # -- per-document features ------------------------------------------------

    def put_features(self, name: str, values: Mapping[str, bytes]) -> None:
        check_features(name, values)
        with self._write(f"storing feature {name!r}") as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO features (name, doc_id, value) VALUES (?, ?, ?)",
                ((name, doc_id, bytes(value)) for doc_id, value in sorted(values.items())),
            )

    def get_features(self, name: str, ids: Iterable[str] | None = None) -> dict[str, bytes]:
        conn = self._connection()
        with self._errors(f"reading feature {name!r}"):
            if ids is None:
                rows = conn.execute(
                    "SELECT doc_id, value FROM features WHERE name = ? ORDER BY doc_id", (name,)
                ).fetchall()
            else:
                wanted = sorted(set(ids))
                rows = []
                for i in range(0, len(wanted), 500):
                    chunk = wanted[i : i + 500]
                    marks = ",".join("?" * len(chunk))
                    rows += conn.execute(
                        f"SELECT doc_id, value FROM features WHERE name = ? AND doc_id IN ({marks})"
                        " ORDER BY doc_id",
                        (name, *chunk),
                    ).fetchall()
        return {doc_id: bytes(value) for doc_id, value in rows}

    # -- lifecycle ------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return self._version

    @contextmanager
    def exclusive(self, name: str, *, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """A lock file beside the database (``<path>-<name>-lock``), held with the OS's
        file lock (never a lock file's mere presence, which a crash would leave behind);
        an in-memory database has only this process's threads to keep apart.

        Raises:
            StoreError: the file system cannot lock the file.
        """
        import threading

        from filelock import FileLock

        lock = self._locks.get(name)
        if lock is None:
            if str(self.path) == ":memory:":
                lock = threading.RLock()
            else:
                lock = FileLock(f"{self.path}-{name}-lock", fallback_to_soft=False)
            self._locks[name] = lock
        try:
            take_lock(lock, on_wait)
        except (OSError, NotImplementedError) as e:
            raise StoreError(f"{self.path}: cannot take the {name} lock: {e}") from e
        try:
            yield
        finally:
            lock.release()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"


# -- opening and migrating ---------------------------------------------------


def _connect(path: str, timeout: float) -> sqlite3.Connection:
    if path != ":memory:":
        p = Path(path)
        if not p.parent.is_dir():
            raise StoreError(f"cannot create store {p}: folder {p.parent} does not exist")
        if p.is_dir():
            raise StoreError(f"cannot open store {p}: it is a folder, not a file")
    try:
        # isolation_level=None: no implicit transactions; _write() makes them explicit.
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as e:
        raise StoreError(f"cannot open store {path}: {e}") from e
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as e:
        conn.close()
        raise _open_error(path, e) from e
    return conn


def _migrate(conn: sqlite3.Connection, path: str) -> int:
    """Bring the file's schema up to :data:`SCHEMA_VERSION`; return the version."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = _read_version(conn, path)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{path} has store schema version {version}, but this storyline knows "
                    f"only up to {SCHEMA_VERSION}; upgrade storyline to open it"
                )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[step](conn)
            if version < SCHEMA_VERSION:
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(SCHEMA_VERSION),),
                )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as e:
        raise _open_error(path, e) from e
    return SCHEMA_VERSION


def _read_version(conn: sqlite3.Connection, path: str) -> int:
    """The schema version stored in the file; 0 for a new, empty file."""
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    if "meta" not in tables:
        if tables:
            # Someone else's database: do not create our tables beside theirs.
            raise StoreError(f"{path} is a SQLite database but not a storyline store")
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(row[0])
    except (TypeError, ValueError):
        raise StoreError(f"{path}: the store has no valid schema_version") from None


def _open_error(path: str, e: sqlite3.Error) -> StoreError:
    if getattr(e, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
        return StoreError(f"{path} is not a SQLite database")
    return StoreError(f"cannot open store {path}: {e}")


# -- rows ---------------------------------------------------------------------


def _encode(doc: Document) -> dict[str, Any]:
    """A document as a row of the ``documents`` table.

    Built on ``Document.to_dict()`` (the export form), plus what that form
    leaves out so the round trip is exact: how the date was found
    (``published_method``) and the provenance pairs in their own order.
    """
    row = doc.to_dict()
    row["published_method"] = doc.published.method if doc.published else None
    row["provenance"] = [list(pair) for pair in doc.provenance]
    for column in _JSON_COLUMNS:
        row[column] = json.dumps(row[column], ensure_ascii=False)
    return row


def _decode(row: Sequence[Any]) -> Document:
    """The inverse of :func:`_encode`."""
    d = dict(zip(_DOCUMENT_COLUMNS, row, strict=True))
    for column in _JSON_COLUMNS:
        d[column] = json.loads(d[column])
    provenance = tuple((str(name), str(how)) for name, how in d["provenance"])
    d["provenance"] = dict(provenance)
    published = None
    if d["published"] is not None:
        published = Published(d["published"], d["published_precision"], d["published_method"])
    return dataclasses.replace(Document.from_dict(d), published=published, provenance=provenance)


def _drop_failures_of(conn: sqlite3.Connection, input_source: str) -> None:
    """Delete the failures of one input: its own and those of its records."""
    # Records are the sources that start with "input#": the range [input#, input$).
    # (Not substr/length: SQLite's length() stops at a NUL character.)
    conn.execute(
        "DELETE FROM failures WHERE input_source = ?1 OR source = ?1"
        " OR (source >= ?2 AND source < ?3)",
        (input_source, f"{input_source}#", f"{input_source}$"),
    )


def _put_failures(
    conn: sqlite3.Connection,
    failures: Iterable[Failure],
    input_source: str | None,
    input_digest: str | None,
) -> None:
    conn.executemany(
        "INSERT INTO failures (source, stage, reason, input_source, input_digest)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET stage = excluded.stage,"
        " reason = excluded.reason, input_source = excluded.input_source,"
        " input_digest = excluded.input_digest",
        ((f.source, f.stage, f.reason, input_source, input_digest) for f in failures),
    )
