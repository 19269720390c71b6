"""A store in a PostgreSQL database, for several machines or processes writing at once.

Same contract and tests as :class:`~storyline.store.sqlite.SQLiteStore`; the
differences are inside:

- Every call is one transaction (``READ COMMITTED``). Documents are inserted
  in id order with ``ON CONFLICT DO NOTHING``, so writers adding overlapping
  documents wait for each other instead of deadlocking; a deadlock or
  serialization failure that still happens (failures of one input written by
  two processes) is retried.
- ``put_section`` takes a transaction-level advisory lock per section, so two
  writers replacing the same section never interleave their rows.
- Migrations (``postgres_schema.MIGRATIONS``, numbered as in SQLite) run in
  one transaction under an advisory lock, so processes opening a new database
  at once create the schema once. Strings keep SQLite's order and may hold NUL
  (see :mod:`storyline.store.postgres_schema`).

``psycopg`` (the ``postgres`` extra) is imported only when a store is opened.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, TypeVar

from storyline.errors import StoreError
from storyline.model import Document, Failure
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
)
from storyline.store.postgres_schema import (
    DOCUMENT_COLUMNS,
    MIGRATIONS,
    by_id,
    decode_row,
    encode_row,
    esc,
    lock_key,
    opt,
    redact,
    split_schema,
    unesc,
)

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")

CONNECT_TIMEOUT_S = 10
"""How long opening a store waits for the server."""

RETRIES = 5
"""How often a write is retried after a deadlock or serialization failure."""

_PAGE = 500


class PostgresStore(Store):
    """A :class:`Store` in a PostgreSQL database (psycopg 3).

    One connection per store; give each thread or process its own store.

    Args:
        url: a libpq URL, ``postgresql://user:password@host:5432/dbname``; a
            ``schema=NAME`` query parameter works like ``schema``.
        schema: the PostgreSQL schema (namespace) that holds the tables, created
            if missing; default: the connection's ``search_path`` (``public``).
            Several stores can live in one database under different schemas.

    Raises:
        StoreError: psycopg is missing, the server cannot be reached, the schema
            holds another application's tables, or its store schema is newer than
            this code knows.

    Example::

        with PostgresStore("postgresql://me@localhost/news", schema="case1") as store:
            store.add_documents(docs, input_source="a.html", input_digest="ab12")
    """

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        url, schema = split_schema(url, schema)
        self.schema = schema
        self._where = redact(url) + (f" (schema {schema})" if schema else "")
        try:
            import psycopg
        except ImportError:  # pragma: no cover - the extra is installed in tests
            raise StoreError(
                "PostgreSQL stores need psycopg: pip install 'storyline[postgres]'"
            ) from None
        try:
            self._conn: psycopg.Connection[Any] | None = psycopg.connect(
                url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
            )
        except psycopg.Error as e:
            raise StoreError(f"cannot open store {self._where}: {e}") from e
        try:
            self._version = self._write("opening the store", self._migrate)
        except BaseException:
            self.close()
            raise

    # -- plumbing ---------------------------------------------------------------

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None:
            raise StoreError(f"the store {self._where} is closed")
        return self._conn

    def _read(self, what: str, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one query, outside any explicit transaction."""
        import psycopg

        conn = self._connection()
        try:
            return conn.execute(query, params).fetchall()
        except psycopg.Error as e:
            raise StoreError(f"{self._where}: {what} failed: {e}") from e

    def _write(self, what: str, body: Callable[[psycopg.Cursor[Any]], T]) -> T:
        """Run ``body`` in one transaction; retried after a deadlock, else StoreError."""
        import psycopg
        from psycopg import errors

        conn = self._connection()
        for attempt in range(RETRIES + 1):
            try:
                with conn.transaction(), conn.cursor() as cur:
                    return body(cur)
            except (errors.DeadlockDetected, errors.SerializationFailure) as e:
                if attempt == RETRIES:
                    raise StoreError(f"{self._where}: {what} failed: {e}") from e
                time.sleep(0.01 * 2**attempt)
            except psycopg.Error as e:
                raise StoreError(f"{self._where}: {what} failed: {e}") from e
        raise AssertionError("unreachable")  # pragma: no cover

    def _migrate(self, cur: psycopg.Cursor[Any]) -> int:
        """Bring the schema up to :data:`SCHEMA_VERSION`; return the version."""
        from psycopg import sql

        # One lock per schema: processes opening a new store at once wait here.
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("migrate", self.schema),))
        cur.execute("SHOW server_encoding")
        encoding = cur.fetchone()[0]  # type: ignore[index]
        if encoding != "UTF8":
            raise StoreError(f"{self._where}: the database must be UTF8, not {encoding}")
        if self.schema is not None:
            name = sql.Identifier(self.schema)
            cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(name))
            cur.execute(sql.SQL("SET search_path TO {}").format(name))
        version = self._read_version(cur)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self._where} has store schema version {version}, but this storyline knows "
                f"only up to {SCHEMA_VERSION}; upgrade storyline to open it"
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[step]:
                cur.execute(statement)
        if version < SCHEMA_VERSION:
            cur.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', %s)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )
        return SCHEMA_VERSION

    def _read_version(self, cur: psycopg.Cursor[Any]) -> int:
        """The stored schema version; 0 for a new, empty schema."""
        cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        tables = {name for (name,) in cur.fetchall()}
        if "meta" not in tables:
            if tables:
                raise StoreError(f"{self._where} holds tables, but is not a storyline store")
            return 0
        cur.execute("SELECT value FROM meta WHERE key = 'schema_version'")
        row = cur.fetchone()
        try:
            return int(row[0])  # type: ignore[index]
        except (TypeError, ValueError):
            raise StoreError(f"{self._where}: the store has no valid schema_version") from None

    # -- documents and inputs -------------------------------------------------

    def add_documents(
        self,
        docs: Sequence[Document],
        *,
        input_source: str | None = None,
        input_digest: str | None = None,
        failures: Sequence[Failure] = (),
    ) -> int:
        self._connection()
        check_documents(docs)
        check_failures(failures)
        check_input(input_source, input_digest)
        # Id order: writers with overlapping documents lock them in the same order.
        first: dict[str, Document] = {}
        for doc in docs:
            first.setdefault(doc.id, doc)  # as in SQLite: the first of two equal ids wins
        rows = [encode_row(doc) for doc in sorted(first.values(), key=by_id)]
        columns = ", ".join(DOCUMENT_COLUMNS)
        marks = ", ".join(["%s"] * len(DOCUMENT_COLUMNS))

        def body(cur: psycopg.Cursor[Any]) -> int:
            added = 0
            if rows:
                cur.executemany(
                    f"INSERT INTO documents ({columns}) VALUES ({marks})"
                    " ON CONFLICT (id) DO NOTHING",
                    rows,
                )
                added = max(cur.rowcount, 0)
            if input_source is not None:
                if input_digest is not None:
                    cur.execute(
                        "INSERT INTO inputs (source, digest, n_documents, done_at)"
                        " VALUES (%s, %s, %s, %s) ON CONFLICT (source, digest) DO UPDATE"
                        " SET n_documents = excluded.n_documents, done_at = excluded.done_at",
                        (esc(input_source), esc(input_digest), len(docs), int(time.time())),
                    )
                _drop_failures_of(cur, input_source)
            _put_failures(cur, failures, input_source, input_digest)
            return added

        return self._write("adding documents", body)

    def record_failure(self, failure: Failure, *, input_digest: str | None = None) -> None:
        self._connection()
        check_failures((failure,))
        check_input(None, input_digest)

        def body(cur: psycopg.Cursor[Any]) -> None:
            _drop_failures_of(cur, failure.source)
            _put_failures(cur, (failure,), failure.source, input_digest)

        self._write("recording a failure", body)

    def input_done(self, source: str, digest: str) -> bool:
        return bool(
            self._read(
                "checking an input",
                "SELECT 1 FROM inputs WHERE source = %s AND digest = %s",
                (esc(source), esc(digest)),
            )
        )

    def get_document(self, doc_id: str) -> Document | None:
        rows = self._read(
            "reading a document",
            f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents WHERE id = %s",
            (esc(doc_id),),
        )
        return decode_row(rows[0]) if rows else None

    def iter_documents(self, *, kinds: Iterable[str] | None = None) -> Iterator[Document]:
        self._connection()
        return self._iter_documents(check_kinds(kinds))

    def _iter_documents(self, kinds: tuple[str, ...] | None) -> Iterator[Document]:
        # Keyset pages, as in SQLite: no transaction stays open while the caller works.
        select = f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents"
        order = f"ORDER BY source, position, id LIMIT {_PAGE}"
        kind_filter = [] if kinds is None else ["kind = ANY(%s)"]
        kind_params: list[Any] = [] if kinds is None else [list(kinds)]
        after: list[Any] = []
        while True:
            conditions = kind_filter + (["(source, position, id) > (%s, %s, %s)"] if after else [])
            where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
            rows = self._read("reading documents", f"{select} {where} {order}", kind_params + after)
            for row in rows:
                yield decode_row(row)
            if len(rows) < _PAGE:
                return
            after = [rows[-1][DOCUMENT_COLUMNS.index(c)] for c in ("source", "position", "id")]

    def count_documents(self, *, kinds: Iterable[str] | None = None) -> int:
        self._connection()
        wanted = check_kinds(kinds)
        if wanted is None:
            rows = self._read("counting documents", "SELECT count(*) FROM documents")
        else:
            rows = self._read(
                "counting documents",
                "SELECT count(*) FROM documents WHERE kind = ANY(%s)",
                (list(wanted),),
            )
        return int(rows[0][0])

    def failures(self) -> list[Failure]:
        rows = self._read(
            "reading failures", "SELECT source, reason, stage FROM failures ORDER BY source"
        )
        return [Failure(unesc(s), unesc(r), unesc(st)) for s, r, st in rows]

    # -- result sections ------------------------------------------------------

    def put_section(self, name: str, items: Sequence[dict[str, Any]]) -> None:
        self._connection()
        encoded = encode_section(name, items)

        def body(cur: psycopg.Cursor[Any]) -> None:
            cur.execute(
                "SELECT pg_advisory_xact_lock(%s)", (lock_key("section", f"{self.schema}.{name}"),)
            )
            cur.execute("DELETE FROM sections WHERE name = %s", (name,))
            if encoded:
                cur.executemany(
                    "INSERT INTO sections (name, seq, item) VALUES (%s, %s, %s)",
                    [(name, seq, item) for seq, item in enumerate(encoded)],
                )

        self._write(f"storing section {name!r}", body)

    def update_section(
        self,
        name: str,
        items: Sequence[dict[str, Any]],
        *,
        parts: Sequence[str],
        sort_keys: Sequence[str],
        keep: Collection[str],
    ) -> None:
        self._connection()
        encoded = encode_section(name, items)
        check_parts(name, items, parts, sort_keys)
        kept = sorted({str(p) for p in keep})

        def body(cur: psycopg.Cursor[Any]) -> None:
            cur.execute(
                "SELECT pg_advisory_xact_lock(%s)", (lock_key("section", f"{self.schema}.{name}"),)
            )
            cur.execute(
                "DELETE FROM sections WHERE name = %s AND (part IS NULL OR NOT part = ANY(%s))",
                (name, kept),
            )
            cur.execute("SELECT COALESCE(MAX(seq), -1) FROM sections WHERE name = %s", (name,))
            row = cur.fetchone()
            top = row[0] if row else -1
            if encoded:
                cur.executemany(
                    "INSERT INTO sections (name, seq, item, part, sort_key)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    [
                        (name, top + 1 + i, item, part, key)
                        for i, (item, part, key) in enumerate(
                            zip(encoded, parts, sort_keys, strict=True)
                        )
                    ],
                )

        self._write(f"storing section {name!r}", body)

    def get_section(self, name: str) -> list[dict[str, Any]]:
        check_section_name(name)
        rows = self._read(
            f"reading section {name!r}",
            "SELECT item FROM sections WHERE name = %s ORDER BY sort_key, seq",
            (name,),
        )
        return [json.loads(item) for (item,) in rows]

    # -- per-document features ------------------------------------------------

    def put_features(self, name: str, values: Mapping[str, bytes]) -> None:
        self._connection()
        check_features(name, values)
        rows = [(name, esc(doc_id), bytes(value)) for doc_id, value in sorted(values.items())]

        def body(cur: psycopg.Cursor[Any]) -> None:
            if rows:
                cur.executemany(
                    "INSERT INTO features (name, doc_id, value) VALUES (%s, %s, %s)"
                    " ON CONFLICT (name, doc_id) DO UPDATE SET value = excluded.value",
                    rows,
                )

        self._write(f"storing feature {name!r}", body)

    def get_features(self, name: str, ids: Iterable[str] | None = None) -> dict[str, bytes]:
        query = "SELECT doc_id, value FROM features WHERE name = %s"
        params: list[Any] = [name]
        if ids is not None:
            query += " AND doc_id = ANY(%s)"
            params.append(sorted({esc(i) for i in ids}))
        rows = self._read(f"reading feature {name!r}", query + " ORDER BY doc_id", params)
        return {unesc(doc_id): bytes(value) for doc_id, value in rows}

    # -- lifecycle ------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return self._version

    @contextmanager
    def exclusive(self, name: str, *, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """A session-level advisory lock on this store's schema and ``name`` (so every
        connection to the same schema, from any machine, waits for it)."""
        key = "hashtextextended('storyline:' || current_schema() || ':' || %s, 0)"
        ((free,),) = self._read(
            f"taking the {name} lock", f"SELECT pg_try_advisory_lock({key})", (name,)
        )
        if not free:
            if on_wait is not None:
                on_wait()
            self._read(f"waiting for the {name} lock", f"SELECT pg_advisory_lock({key})", (name,))
        try:
            yield
        except BaseException:
            # The error that got here matters more than one from letting go (a lost
            # connection fails both; the server drops a dead session's locks itself).
            with suppress(StoreError):
                self._unlock(key, name)
            raise
        self._unlock(key, name)

    def _unlock(self, key: str, name: str) -> None:
        if self._conn is not None:
            self._read(f"releasing the {name} lock", f"SELECT pg_advisory_unlock({key})", (name,))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __repr__(self) -> str:
        return f"PostgresStore({self._where!r})"


def _drop_failures_of(cur: psycopg.Cursor[Any], input_source: str) -> None:
    """Delete the failures of one input: its own and those of its records."""
    # Records are the sources that start with "input#": the range [input#, input$).
    source = esc(input_source)
    cur.execute(
        "DELETE FROM failures WHERE input_source = %s OR source = %s"
        " OR (source >= %s AND source < %s)",
        (source, source, f"{source}#", f"{source}$"),
    )


def _put_failures(
    cur: psycopg.Cursor[Any],
    failures: Iterable[Failure],
    input_source: str | None,
    input_digest: str | None,
) -> None:
    rows = [
        (esc(f.source), esc(f.stage), esc(f.reason), opt(input_source), opt(input_digest))
        for f in sorted({f.source: f for f in failures}.values(), key=lambda f: f.source)
    ]
    if rows:
        cur.executemany(
            "INSERT INTO failures (source, stage, reason, input_source, input_digest)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (source) DO UPDATE SET"
            " stage = excluded.stage, reason = excluded.reason,"
            " input_source = excluded.input_source, input_digest = excluded.input_digest",
            rows,
        )
