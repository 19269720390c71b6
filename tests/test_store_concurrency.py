"""Several processes writing to one store at once lose nothing and duplicate nothing.

Two processes share a SQLite file and four share a PostgreSQL schema, as the
reliability requirement asks. Each adds documents that the others add too
(in another order) and documents of its own, in small batches, one input per
batch, with features and failures on the way.
"""

from __future__ import annotations

import itertools
import multiprocessing
from pathlib import Path

from tests.test_store import make_doc

from storyline.model import Document, Failure
from storyline.store import PostgresStore, SQLiteStore, Store

SHARED = 40
OWN = 25
BATCH = 3


def _shared() -> list[Document]:
    return [
        make_doc(f"shared story {i}", source=f"shared/{i % 7}", position=i) for i in range(SHARED)
    ]


def _own(writer: int) -> list[Document]:
    return [make_doc(f"story {i} of writer {writer}", source=f"w{writer}") for i in range(OWN)]


def _open(target: str, schema: str | None) -> Store:
    return SQLiteStore(target) if schema is None else PostgresStore(target, schema=schema)


def _write(target: str, schema: str | None, writer: int, results: multiprocessing.Queue) -> None:
    """One writer process: shared documents in its own order, interleaved with its own."""
    shared = _shared()
    shift = writer * SHARED // 4
    order = shared[shift:] + shared[:shift]
    if writer % 2:
        order.reverse()
    pairs = itertools.zip_longest(order, _own(writer))
    docs = [doc for pair in pairs for doc in pair if doc is not None]
    added = 0
    with _open(target, schema) as store:
        for i in range(0, len(docs), BATCH):
            batch = docs[i : i + BATCH]
            added += store.add_documents(
                batch,
                input_source=f"w{writer}/{i}",
                input_digest="d",
                failures=[Failure(f"w{writer}/{i}#bad", "unreadable record")],
            )
            store.put_features("length", {d.id: len(d.text).to_bytes(4, "big") for d in batch})
            store.put_section("progress", [{"writer": writer, "at": i}])
    results.put((writer, added, len(docs)))


def _run_writers(target: str, schema: str | None, n: int) -> int:
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    procs = [ctx.Process(target=_write, args=(target, schema, w, results)) for w in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * n
    reports = [results.get(timeout=5) for _ in procs]
    return sum(added for _writer, added, _n in reports)


def _check(store: Store, n: int, added: int) -> None:
    expected = {d.id: d for d in _shared()}
    for w in range(n):
        expected.update((d.id, d) for d in _own(w))
    assert store.count_documents() == len(expected) == SHARED + n * OWN
    assert added == len(expected)  # each document counted new exactly once
    stored = list(store.iter_documents())
    assert {d.id: d for d in stored} == expected  # nothing lost, nothing changed
    assert stored == sorted(expected.values(), key=lambda d: (d.source, d.position, d.id))
    assert store.get_features("length") == {
        i: len(d.text).to_bytes(4, "big") for i, d in sorted(expected.items())
    }
    failures = store.failures()
    assert len(failures) == len({f.source for f in failures})
    assert all(store.input_done(f.source.split("#")[0], "d") for f in failures)
    (progress,) = store.get_section("progress")  # one writer's whole section, never a mix
    assert set(progress) == {"writer", "at"}


def test_two_processes_share_a_sqlite_store(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    added = _run_writers(str(path), None, 2)
    with SQLiteStore(path) as store:
        _check(store, 2, added)


def test_four_processes_share_a_postgres_store(postgres_url: str, pg_schema: str) -> None:
    PostgresStore(postgres_url, schema=pg_schema).close()
    added = _run_writers(postgres_url, pg_schema, 4)
    with PostgresStore(postgres_url, schema=pg_schema) as store:
        _check(store, 4, added)


def test_four_processes_create_a_new_postgres_store_at_once(
    postgres_url: str, pg_schema: str
) -> None:
    # No schema yet: the migration lock makes exactly one of them create it.
    added = _run_writers(postgres_url, pg_schema, 4)
    with PostgresStore(postgres_url, schema=pg_schema) as store:
        _check(store, 4, added)
