"""Several processes writing to one store at once lose nothing and duplicate nothing.

Two processes share a SQLite file and four share a PostgreSQL schema, as the
reliability requirement asks. Each adds documents that the others add too
(in another order) and documents of its own, in small batches, one input per
batch, with features and failures on the way.
"""

from __future__ import annotations

import itertools
import multiprocessing
import time
from pathlib import Path
from typing import Any

import pytest
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


# --- one corpus stage at a time ------------------------------------------------------


def _hold(target: str, schema: str | None, name: str, held: Any, released: Any) -> None:
    """Hold the lock ``name`` for a while; note the moment just before letting go."""
    with _open(target, schema) as store, store.exclusive(name):
        held.set()
        time.sleep(0.5)
        released.value = time.time()


def _holder(target: str, schema: str | None, name: str = "corpus") -> tuple[Any, Any]:
    ctx = multiprocessing.get_context("fork")
    held, released = ctx.Event(), ctx.Value("d", 0.0)
    proc = ctx.Process(target=_hold, args=(target, schema, name, held, released))
    proc.start()
    assert held.wait(30), "the holder never took the lock"
    return proc, released


def _check_turns(target: str, schema: str | None) -> None:
    proc, released = _holder(target, schema)
    waits: list[str] = []
    with _open(target, schema) as store:
        with (
            store.exclusive("corpus", on_wait=lambda: waits.append("first")),
            store.exclusive("corpus", on_wait=lambda: waits.append("again")),  # reentrant
        ):
            assert released.value > 0, "took the lock while another process held it"
        assert waits == ["first"]  # told once, before waiting; never for its own hold
        with store.exclusive("corpus", on_wait=lambda: waits.append("free")):
            pass  # and let go of both times: free at once
    assert waits == ["first"]
    proc.join(30)
    assert proc.exitcode == 0


def test_one_process_at_a_time_holds_a_sqlite_store_lock(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    _check_turns(str(path), None)


def test_one_process_at_a_time_holds_a_postgres_store_lock(
    postgres_url: str, pg_schema: str
) -> None:
    PostgresStore(postgres_url, schema=pg_schema).close()
    _check_turns(postgres_url, pg_schema)


def _hold_while_a_run_stores(target: str, held: Any, wrote: Any) -> None:
    """Hold the corpus lock until a document is stored, and a while after: note whether
    corpus sections were written meanwhile (they must not be)."""
    with SQLiteStore(target) as store, store.exclusive("corpus"):
        held.set()
        deadline = time.time() + 60
        while store.count_documents() == 0 and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(2.0)  # time enough for an unguarded corpus stage over one document
        wrote.value = 1 if store.get_section("corpus_state") else 0


def test_a_run_waits_for_another_runs_corpus_stage(tmp_path: Path) -> None:
    """While another process holds the corpus stage, a run stores its documents, says it
    waits, waits, and brings the sections up to date after it."""
    from click.testing import CliRunner

    import storyline
    from storyline.cli import cli

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Storm floods Lorvik harbour.\n\nThe storm flooded it.\n")
    path = folder / "s.db"  # the store inside the folder it reads: its files are skipped
    SQLiteStore(path).close()
    ctx = multiprocessing.get_context("fork")
    held, wrote = ctx.Event(), ctx.Value("i", -1)
    proc = ctx.Process(target=_hold_while_a_run_stores, args=(str(path), held, wrote))
    proc.start()
    assert held.wait(30)
    result = CliRunner().invoke(cli, ["analyze", str(folder), "--db", str(path)])
    proc.join(60)
    assert proc.exitcode == 0
    assert result.exit_code == 0, result.output
    assert wrote.value == 0, "the corpus stage ran while another process held it"
    assert f"waiting for another run's corpus stage on {path}" in result.output
    assert "1 new document(s)" in result.output
    assert (folder / "s.db-corpus-lock").exists()  # the lock file stays, and is not read
    again = storyline.analyze([folder], db=path, on_wait=lambda: pytest.fail("nobody holds it"))
    assert again.documents_added == 0 and not again.failures
    with SQLiteStore(path) as store:
        assert store.get_section("corpus_state")[0]["documents"] == 1
