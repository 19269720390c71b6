"""PostgreSQL specifics, and what both file and server stores share: reopening, migrations."""

from __future__ import annotations

import multiprocessing
import os

import psycopg
import pytest
from tests.conftest import StoreFactory
from tests.test_store import full_doc, make_doc

import storyline.store.postgres as postgres_module
from storyline.errors import StoreError
from storyline.model import Failure
from storyline.store import SCHEMA_VERSION, MemoryStore, PostgresStore, open_store


def test_everything_survives_reopening(store_factory: StoreFactory) -> None:
    doc = full_doc()
    with store_factory() as s:
        s.add_documents([doc], input_source="a", input_digest="1", failures=[Failure("a#2", "x")])
        s.put_section("events", [{"id": "e1"}])
        s.put_features("minhash", {doc.id: b"\x00\xff"})
    if isinstance(s, MemoryStore):
        return  # nothing outlives it
    with store_factory() as s:
        assert list(s.iter_documents()) == [doc]
        assert s.input_done("a", "1")
        assert s.failures() == [Failure("a#2", "x")]
        assert s.get_section("events") == [{"id": "e1"}]
        assert s.get_features("minhash") == {doc.id: b"\x00\xff"}
        assert s.schema_version == SCHEMA_VERSION


def test_nul_and_control_characters_keep_their_order(store_factory: StoreFactory) -> None:
    # PostgreSQL text cannot hold NUL: the store escapes it without changing the order.
    sources = ["a\x00", "a", "a\x01b", "a\x00\x01", "a\x02", "a#", "\x01", "é", "Z"]
    docs = [make_doc(f"text {i}\x00", source=src, title="t\x01") for i, src in enumerate(sources)]
    with store_factory() as s:
        s.add_documents(docs, input_source="in\x00put", input_digest="d\x01")
        s.add_documents([], failures=[Failure("in\x00put#1", "bad\x00", stage="x\x01")])
        s.put_features("f", {"a\x00": b"1", "a": b"2", "a\x01": b"3"})
        assert list(s.iter_documents()) == sorted(docs, key=lambda d: (d.source, d.position, d.id))
        assert s.input_done("in\x00put", "d\x01") and not s.input_done("in\x01put", "d\x01")
        assert s.failures() == [Failure("in\x00put#1", "bad\x00", stage="x\x01")]
        assert list(s.get_features("f")) == ["a", "a\x00", "a\x01"]
        assert s.get_features("f", ["a\x01"]) == {"a\x01": b"3"}
        s.record_failure(Failure("in\x00put", "gone"))
        assert s.failures() == [Failure("in\x00put", "gone")]


# -- PostgreSQL -----------------------------------------------------------------------


def test_open_store_opens_postgres_urls(postgres_url: str, pg_schema: str) -> None:
    sep = "&" if "?" in postgres_url else "?"
    with open_store(f"{postgres_url}{sep}schema={pg_schema}") as s:
        assert isinstance(s, PostgresStore) and s.schema == pg_schema
        s.add_documents([make_doc("one")])
    with PostgresStore(postgres_url, schema=pg_schema) as s:
        assert s.count_documents() == 1
        assert "storyline:storyline@" not in repr(s)  # no password in messages
    with pytest.raises(StoreError, match="two schemas"):
        PostgresStore(f"{postgres_url}{sep}schema=a", schema="b")


def test_schemas_are_separate_stores(postgres_url: str, pg_schema: str) -> None:
    other = f"{pg_schema}_b"
    try:
        with PostgresStore(postgres_url, schema=pg_schema) as a:
            with PostgresStore(postgres_url, schema=other) as b:
                a.add_documents([make_doc("only in a")])
                assert b.count_documents() == 0 and a.count_documents() == 1
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{other}" CASCADE')


def test_postgres_iterates_in_pages(
    postgres_url: str, pg_schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_module, "_PAGE", 3)
    docs = [make_doc(f"doc {i}", source=f"s{i % 4}", position=i % 3) for i in range(20)]
    docs += [make_doc(f"post {i}", source="s1", position=i, kind="post") for i in range(7)]
    with PostgresStore(postgres_url, schema=pg_schema) as s:
        s.add_documents(docs)
        assert list(s.iter_documents()) == sorted(docs, key=lambda d: (d.source, d.position, d.id))
        assert [d.text for d in s.iter_documents(kinds=["post"])] == [f"post {i}" for i in range(7)]


TABLES = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"


def _sql(url: str, schema: str, statement: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        cur = conn.execute(statement)
        return cur.fetchall() if cur.description else []


def test_postgres_refuses_a_newer_schema_version(postgres_url: str, pg_schema: str) -> None:
    PostgresStore(postgres_url, schema=pg_schema).close()
    _sql(postgres_url, pg_schema, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 99.*upgrade storyline"):
        PostgresStore(postgres_url, schema=pg_schema)


def test_postgres_refuses_another_apps_schema(postgres_url: str, pg_schema: str) -> None:
    _sql(postgres_url, "public", f'CREATE SCHEMA "{pg_schema}"')
    _sql(postgres_url, pg_schema, "CREATE TABLE users (name text)")
    with pytest.raises(StoreError, match="not a storyline store"):
        PostgresStore(postgres_url, schema=pg_schema)


def test_postgres_migrations_run_in_one_transaction(
    postgres_url: str, pg_schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    PostgresStore(postgres_url, schema=pg_schema).close()
    v = SCHEMA_VERSION
    monkeypatch.setattr(postgres_module, "SCHEMA_VERSION", v + 2)
    monkeypatch.setattr(
        postgres_module,
        "MIGRATIONS",
        {
            **postgres_module.MIGRATIONS,
            v + 1: ("CREATE TABLE notes (id text)",),
            v + 2: ("CREATE TABLE half_done (id text)", "SELECT no_such_function()"),
        },
    )
    with pytest.raises(StoreError, match="no_such_function"):
        PostgresStore(postgres_url, schema=pg_schema)
    tables = (
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    names = {name for (name,) in _sql(postgres_url, pg_schema, tables)}
    assert "notes" not in names and "half_done" not in names  # all rolled back

    monkeypatch.setattr(postgres_module, "SCHEMA_VERSION", v + 1)
    with PostgresStore(postgres_url, schema=pg_schema) as s:
        assert s.schema_version == v + 1
    version = "SELECT value FROM meta WHERE key = 'schema_version'"
    assert _sql(postgres_url, pg_schema, version) == [(str(v + 1),)]
    assert _sql(postgres_url, pg_schema, "SELECT * FROM notes") == []


def test_a_version_1_postgres_store_is_upgraded(
    postgres_url: str, pg_schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = make_doc("kept across the upgrade")
    monkeypatch.setattr(postgres_module, "SCHEMA_VERSION", 1)
    with PostgresStore(postgres_url, schema=pg_schema) as s:
        s.add_documents([doc])
    assert "features" not in {n for (n,) in _sql(postgres_url, pg_schema, TABLES)}
    monkeypatch.undo()
    with PostgresStore(postgres_url, schema=pg_schema) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert list(s.iter_documents()) == [doc]
        s.put_features("minhash", {doc.id: b"\x01\x02"})
        assert s.get_features("minhash") == {doc.id: b"\x01\x02"}


def _crash_mid_write(url: str, schema: str) -> None:
    def die(*args: object, **kwargs: object) -> None:
        os._exit(3)  # killed mid-transaction: documents and input already sent

    postgres_module._put_failures = die  # type: ignore[assignment]
    docs = [make_doc(f"new {i}", source="b") for i in range(5)]
    PostgresStore(url, schema=schema).add_documents(
        docs, input_source="b", input_digest="d2", failures=[Failure("b#1", "x")]
    )


def test_a_crash_mid_write_leaves_the_previous_postgres_state(
    postgres_url: str, pg_schema: str
) -> None:
    old = make_doc("old story", source="a")
    with PostgresStore(postgres_url, schema=pg_schema) as s:
        s.add_documents([old], input_source="a", input_digest="d1", failures=[Failure("a#2", "x")])
    proc = multiprocessing.get_context("fork").Process(
        target=_crash_mid_write, args=(postgres_url, pg_schema)
    )
    proc.start()
    proc.join(timeout=60)
    assert proc.exitcode == 3
    with PostgresStore(postgres_url, schema=pg_schema) as s:
        assert list(s.iter_documents()) == [old]
        assert s.input_done("a", "d1") and not s.input_done("b", "d2")
        assert s.failures() == [Failure("a#2", "x")]
