"""The store contract, run against every implementation, plus SQLite specifics."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import STORE_KINDS

import storyline.store.sqlite as sqlite_module
from storyline.errors import StoreError
from storyline.model import Document, Failure, Published, Removal, document_id
from storyline.store import (
    SCHEMA_VERSION,
    MemoryStore,
    PostgresStore,
    SQLiteStore,
    Store,
    open_store,
)


def make_doc(text: str, source: str = "a.html", **fields: object) -> Document:
    """A document with a real content-hash id."""
    doc = Document(id="", source=source, text=text, **fields)  # type: ignore[arg-type]
    return dataclasses.replace(
        doc, id=document_id(text, title=doc.title, url=doc.url, outlet=doc.outlet)
    )


def full_doc() -> Document:
    """A document in which every field differs from its default."""
    return make_doc(
        "Storm hits the coast.\nTwo dead, officials say.",
        source="feeds/news.xml#3",
        kind="post",
        parent_id="p" * 24,
        url="https://example.org/storm",
        outlet="Example Gazette",
        credited_sources=("AP", "Reuters"),
        title="Storm hits the coast",
        author="Jo Writer",
        published=Published("2020-01-05T17:45+02:00", "minute", "dateline"),
        language="en",
        tags=("weather", "coast"),
        removed=(Removal(22, 22, 40, "Advertisement\n", "ad"),),
        provenance=(("title", "html-meta"), ("author", "byline")),
        position=2,
    )


# The `store` fixture (tests/conftest.py) opens each kind: memory, sqlite, postgres.


# -- documents ---------------------------------------------------------------------


def test_every_field_survives_the_round_trip(store: Store) -> None:
    doc = full_doc()
    defaults = Document(id="", source="", text="")
    for f in dataclasses.fields(Document):
        if f.name not in ("id", "source", "text"):
            assert getattr(doc, f.name) != getattr(defaults, f.name), f"set {f.name} in full_doc"
    assert store.add_documents([doc]) == 1
    assert store.get_document(doc.id) == doc
    assert list(store.iter_documents()) == [doc]
    assert store.get_document("missing") is None


def test_published_method_and_provenance_order_are_kept(store: Store) -> None:
    # to_dict() alone loses both: the method lives in provenance, which it sorts.
    doc = make_doc(
        "text",
        published=Published("2020", "year", "record"),
        provenance=(("z", "last"), ("a", "first")),
    )
    store.add_documents([doc])
    assert store.get_document(doc.id) == doc


def test_adding_the_same_documents_twice_adds_nothing(store: Store) -> None:
    docs = [make_doc("one"), make_doc("two")]
    assert store.add_documents(docs) == 2
    assert store.add_documents(docs) == 0
    assert store.add_documents([docs[0], docs[0], make_doc("three")]) == 1
    assert store.count_documents() == 3


def test_an_existing_id_is_left_untouched(store: Store) -> None:
    first = make_doc("one", title="First")
    store.add_documents([first])
    assert store.add_documents([dataclasses.replace(first, title="Changed")]) == 0
    assert store.get_document(first.id) == first


def test_documents_are_ordered_by_source_position_id(store: Store) -> None:
    docs = [
        make_doc("b2", source="b", position=2),
        make_doc("a1", source="a", position=1, kind="post"),
        make_doc("b0", source="b", position=0, kind="page"),
        make_doc("a0", source="a", position=0),
        make_doc("a0 twin", source="a", position=0),
    ]
    store.add_documents(docs)
    expected = sorted(docs, key=lambda d: (d.source, d.position, d.id))
    assert list(store.iter_documents()) == expected
    assert [d.kind for d in store.iter_documents(kinds=["page", "post"])] == ["post", "page"]
    assert store.count_documents(kinds=["article"]) == 3
    assert store.count_documents(kinds="page") == 1  # a bare string is one kind
    assert list(store.iter_documents(kinds=[])) == []


def test_unknown_kind_is_refused_at_once(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown document kind 'blog'"):
        store.iter_documents(kinds=["blog"])
    with pytest.raises(ValueError):
        store.count_documents(kinds=["blog"])


def test_bad_items_are_refused_before_anything_is_written(store: Store) -> None:
    with pytest.raises(TypeError, match=r"docs\[1\]"):
        store.add_documents([make_doc("ok"), {"id": "x"}], input_source="a", input_digest="1")  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"failures\[0\]"):
        store.add_documents([make_doc("ok")], failures=["nope"])  # type: ignore[list-item]
    assert store.count_documents() == 0
    assert not store.input_done("a", "1")


BAD = "ok \udc80 not"  # a lone surrogate, as errors="surrogateescape" leaves them


@pytest.mark.parametrize(
    "change",
    [
        {"text": BAD},
        {"title": BAD},
        {"source": BAD},
        {"tags": ("fine", BAD)},
        {"credited_sources": (BAD,)},
        {"removed": (Removal(0, 0, 1, BAD, "ad"),)},
        {"provenance": (("title", BAD),)},
        {"published": Published("2020", "year", BAD)},
        {"position": 2**63},
    ],
)
def test_values_no_store_can_keep_are_refused_by_all(
    store: Store, change: dict[str, object]
) -> None:
    doc = dataclasses.replace(make_doc("fine"), **change)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="surrogate|64 bits"):
        store.add_documents([make_doc("other"), doc])
    with pytest.raises(ValueError, match="surrogate"):
        store.add_documents([], failures=[Failure("a", BAD)])
    with pytest.raises(ValueError, match="surrogate"):
        store.record_failure(Failure(BAD, "x"))
    with pytest.raises(ValueError, match="surrogate"):
        store.add_documents([], input_source=BAD, input_digest="d")
    with pytest.raises(ValueError, match="surrogate"):
        store.put_section("quotes", [{"text": BAD}])
    assert store.count_documents() == 0 and store.failures() == []
    assert store.get_section("quotes") == []


# -- inputs and failures ----------------------------------------------------------


def test_input_done_marks_the_exact_input(store: Store) -> None:
    assert not store.input_done("a.html", "d1")
    store.add_documents([make_doc("one")], input_source="a.html", input_digest="d1")
    assert store.input_done("a.html", "d1")
    assert not store.input_done("a.html", "d2")  # the content changed
    assert not store.input_done("b.html", "d1")
    store.add_documents([], input_source="empty.html", input_digest="d0")
    assert store.input_done("empty.html", "d0")  # an input with no documents is done too


def test_failures_of_an_input_are_replaced_and_cleared(store: Store) -> None:
    store.add_documents(
        [make_doc("one")],
        input_source="feed.jsonl",
        input_digest="d1",
        failures=[Failure("feed.jsonl#7", "not JSON"), Failure("feed.jsonl#2", "no text")],
    )
    store.record_failure(Failure("other.html", "empty", stage="fetch"))
    store.record_failure(Failure("feed.jsonlx", "a different input"))
    assert [f.source for f in store.failures()] == [
        "feed.jsonl#2",
        "feed.jsonl#7",
        "feed.jsonlx",
        "other.html",
    ]
    assert store.failures()[-1] == Failure("other.html", "empty", stage="fetch")

    store.add_documents(
        [], input_source="feed.jsonl", input_digest="d2", failures=[Failure("feed.jsonl#9", "x")]
    )
    assert [f.source for f in store.failures()] == ["feed.jsonl#9", "feed.jsonlx", "other.html"]

    store.add_documents([make_doc("fixed")], input_source="other.html", input_digest="d3")
    assert [f.source for f in store.failures()] == ["feed.jsonl#9", "feed.jsonlx"]


def test_record_failure_replaces_the_inputs_failures_and_keeps_documents(store: Store) -> None:
    doc = make_doc("one", source="feed.jsonl#1")
    store.add_documents(
        [doc], input_source="feed.jsonl", input_digest="d1", failures=[Failure("feed.jsonl#7", "x")]
    )
    store.record_failure(Failure("feed.jsonl", "unreadable now"), input_digest="d2")
    assert store.failures() == [Failure("feed.jsonl", "unreadable now")]
    assert store.get_document(doc.id) == doc
    assert not store.input_done("feed.jsonl", "d2")  # a failed input is never done


def test_failures_without_an_input_are_added(store: Store) -> None:
    store.add_documents([], failures=[Failure("x", "one")])
    store.add_documents([], failures=[Failure("x", "two"), Failure("y", "three")])
    assert store.failures() == [Failure("x", "two"), Failure("y", "three")]


# -- sections -----------------------------------------------------------------------


def test_sections_are_replaced_and_keep_order(store: Store) -> None:
    assert store.get_section("stories") == []
    items = [{"id": "s2", "label": "Storm", "docs": ("d1", "d2")}, {"id": "s1", "n": 1.5}]
    store.put_section("stories", items)
    assert store.get_section("stories") == [
        {"id": "s2", "label": "Storm", "docs": ["d1", "d2"]},  # JSON round trip
        {"id": "s1", "n": 1.5},
    ]
    assert list(store.get_section("stories")[0]) == ["id", "label", "docs"]
    store.put_section("stories", [{"id": "s3"}])
    assert store.get_section("stories") == [{"id": "s3"}]
    store.put_section("stories", [])
    assert store.get_section("stories") == []


def test_section_parts_are_replaced_one_by_one_in_sort_key_order(store: Store) -> None:
    def update(items: list[tuple[str, str, str]], keep: set[str]) -> None:
        store.update_section(
            "events",
            [{"id": i} for i, _, _ in items],
            parts=[p for _, p, _ in items],
            sort_keys=[k for _, _, k in items],
            keep=keep,
        )

    store.put_section("events", [{"id": "plain"}])
    # Equal keys keep the order they were written in; "b" sorts before "b\x1f1".
    update([("a2", "A", "b\x1f1"), ("b1", "B", "a"), ("a1", "A", "b"), ("b2", "B", "a")], set())
    assert [x["id"] for x in store.get_section("events")] == ["b1", "b2", "a1", "a2"]
    # Part A kept as it is; part B and the plain item replaced.
    update([("b3", "B", "c"), ("c1", "C", "")], {"A"})
    assert [x["id"] for x in store.get_section("events")] == ["c1", "a1", "a2", "b3"]
    # The same as writing every part at once.
    once = [("a2", "A", "b\x1f1"), ("a1", "A", "b"), ("b3", "B", "c"), ("c1", "C", "")]
    update(once, set())
    assert [x["id"] for x in store.get_section("events")] == ["c1", "a1", "a2", "b3"]
    update([], {"C"})
    assert store.get_section("events") == [{"id": "c1"}]
    store.put_section("events", [{"id": "plain"}])  # a plain write replaces every part
    assert store.get_section("events") == [{"id": "plain"}]
    with pytest.raises(ValueError, match="one string per item"):
        store.update_section("events", [{"id": 1}], parts=[], sort_keys=["k"], keep=())
    with pytest.raises(ValueError, match="without NUL"):
        store.update_section("events", [{"id": 1}], parts=["p"], sort_keys=["\x00"], keep=())
    assert store.get_section("events") == [{"id": "plain"}]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "bad section name"),
        ("Stories", "bad section name"),
        ("1stories", "bad section name"),
        ("stories; DROP TABLE x", "bad section name"),
        ("événements", "bad section name"),
        ("documents", "reserved"),
        ("failures", "reserved"),
    ],
)
def test_section_names_must_be_identifiers(store: Store, name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        store.put_section(name, [])
    with pytest.raises(ValueError, match=message):
        store.get_section(name)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([["not", "a", "dict"]], "not a dict"),
        ({"id": 1}, "sequence of dicts"),
        ([{"type": "PERSON"}], "reserved key 'type'"),
        ([{"when": {1, 2}}], "not JSON-able"),
        ([{"score": float("nan")}], "not JSON-able"),
    ],
)
def test_bad_section_items_are_refused(store: Store, items: object, message: str) -> None:
    store.put_section("entities", [{"id": "kept"}])
    with pytest.raises(ValueError, match=message):
        store.put_section("entities", items)  # type: ignore[arg-type]
    assert store.get_section("entities") == [{"id": "kept"}]


# -- lifecycle ----------------------------------------------------------------------


def test_a_closed_store_refuses_work(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    store.close()
    store.close()  # harmless twice
    with pytest.raises(StoreError, match="closed"):
        store.count_documents()
    with pytest.raises(StoreError, match="closed"):
        store.add_documents([make_doc("x")])


@pytest.mark.parametrize(
    ("target", "kind", "file"),
    [
        (None, MemoryStore, None),
        (":memory:", MemoryStore, None),
        ("a.db", SQLiteStore, "a.db"),
        ("sqlite:///b.db", SQLiteStore, "b.db"),
        ("sqlite:///:memory:", SQLiteStore, None),
    ],
)
def test_open_store_picks_the_implementation(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: str | None,
    kind: type,
    file: str | None,
) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store(target) as s:
        assert type(s) is kind
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ([file] if file else [])


def test_open_store_takes_absolute_sqlite_urls(tmp_path: Path) -> None:
    # sqlite:////abs/path, as in SQLAlchemy URLs
    with open_store(f"sqlite:///{tmp_path / 'c.db'}") as s:
        assert isinstance(s, SQLiteStore)
    assert (tmp_path / "c.db").is_file()


def test_open_store_takes_a_path_object(tmp_path: Path) -> None:
    with open_store(tmp_path / "c.db") as s:
        assert isinstance(s, SQLiteStore)
    assert (tmp_path / "c.db").is_file()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("postgresql://nobody@127.0.0.1:1/db?connect_timeout=2", "cannot open store"),
        ("postgres://nobody:secret@127.0.0.1:1/db", r"cannot open store .*:\*\*\*@"),
        ("postgresql://127.0.0.1:1/db?schema=Bad-Name", "bad schema name"),
        ("mysql://host/db", "unknown store scheme 'mysql'"),
        ("", "no store given"),
        ("sqlite://", "bad SQLite URL"),
    ],
)
def test_open_store_refuses_what_it_cannot_open(target: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        open_store(target)


# -- SQLite specifics ---------------------------------------------------------------


def test_sqlite_keeps_everything_across_reopening(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    doc = full_doc()
    with SQLiteStore(path) as s:
        s.add_documents([doc], input_source="a", input_digest="1", failures=[Failure("a#2", "x")])
        s.put_section("events", [{"id": "e1"}])
    with SQLiteStore(path) as s:
        assert list(s.iter_documents()) == [doc]
        assert s.input_done("a", "1")
        assert s.failures() == [Failure("a#2", "x")]
        assert s.get_section("events") == [{"id": "e1"}]
        assert s.schema_version == SCHEMA_VERSION
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    conn.close()


def test_sqlite_iterates_in_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_module, "_PAGE", 3)
    docs = [make_doc(f"doc {i}", source=f"s{i % 4}", position=i % 3) for i in range(20)]
    docs += [make_doc(f"post {i}", source="s1", position=i, kind="post") for i in range(7)]
    with SQLiteStore(tmp_path / "s.db") as s:
        s.add_documents(docs)
        assert list(s.iter_documents()) == sorted(docs, key=lambda d: (d.source, d.position, d.id))
        assert [d.text for d in s.iter_documents(kinds=["post"])] == [f"post {i}" for i in range(7)]


def test_a_newer_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(StoreError, match="schema version 99.*upgrade storyline"):
        SQLiteStore(path)


def test_migrations_run_in_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    v = SCHEMA_VERSION

    def add_notes(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE notes (id TEXT)")

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (id TEXT)")
        raise sqlite3.OperationalError("the last migration failed")

    monkeypatch.setattr(sqlite_module, "SCHEMA_VERSION", v + 2)
    monkeypatch.setattr(
        sqlite_module, "MIGRATIONS", {**sqlite_module.MIGRATIONS, v + 1: add_notes, v + 2: broken}
    )
    with pytest.raises(StoreError, match="the last migration failed"):
        SQLiteStore(path)
    conn = sqlite3.connect(path)
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    assert "notes" not in tables and "half_done" not in tables  # all rolled back
    conn.close()

    monkeypatch.setattr(sqlite_module, "SCHEMA_VERSION", v + 1)
    with SQLiteStore(path) as s:
        assert s.schema_version == v + 1
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(v + 1),
    )
    conn.execute("SELECT * FROM notes")
    conn.close()


def test_a_version_1_file_is_upgraded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.db"
    doc = make_doc("kept across the upgrade")
    monkeypatch.setattr(sqlite_module, "SCHEMA_VERSION", 1)
    with SQLiteStore(path) as s:
        s.add_documents([doc])
        s.put_section("stories", [{"id": "b"}, {"id": "a"}])
    monkeypatch.undo()
    with SQLiteStore(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert list(s.iter_documents()) == [doc]
        s.put_features("minhash", {doc.id: b"\x01\x02"})
        assert s.get_features("minhash") == {doc.id: b"\x01\x02"}
        assert s.get_section("stories") == [{"id": "b"}, {"id": "a"}]  # order kept
        s.update_section("stories", [{"id": "c"}], parts=["p"], sort_keys=[""], keep=())
        assert s.get_section("stories") == [{"id": "c"}]


def test_features(store: Store) -> None:
    store.put_features("minhash", {"b": b"2", "a": b"1"})
    store.put_features("minhash", {"a": b"one"})
    store.put_features("anchors", {"a": b""})
    assert store.get_features("minhash") == {"a": b"one", "b": b"2"}
    assert list(store.get_features("minhash")) == ["a", "b"]
    assert store.get_features("minhash", ["b", "zz"]) == {"b": b"2"}
    assert store.get_features("anchors") == {"a": b""}
    assert store.get_features("unknown") == {}
    with pytest.raises(ValueError, match="lowercase identifier"):
        store.put_features("Bad Name", {"a": b""})
    with pytest.raises(ValueError, match="bytes"):
        store.put_features("minhash", {"a": "text"})  # type: ignore[dict-item]


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(StoreError, match=f"{path} is not a SQLite database"):
        SQLiteStore(path)
    assert path.read_text().startswith("these are my notes")


def test_another_apps_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (name TEXT)")
    conn.close()
    with pytest.raises(StoreError, match="not a storyline store"):
        SQLiteStore(path)


def test_a_missing_folder_or_a_folder_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        SQLiteStore(tmp_path / "nowhere" / "s.db")
    with pytest.raises(StoreError, match="is a folder"):
        SQLiteStore(tmp_path)


def test_two_connections_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    docs = [make_doc(f"story number {i}") for i in range(60)]
    added: list[int] = []
    errors: list[BaseException] = []

    def writer(order: list[Document], name: str) -> None:
        try:
            with SQLiteStore(path) as s:
                for i in range(0, len(order), 3):
                    batch = order[i : i + 3]
                    added.append(
                        s.add_documents(batch, input_source=f"{name}{i}", input_digest="d")
                    )
        except BaseException as e:  # reported below: a thread cannot fail the test itself
            errors.append(e)

    threads = [
        threading.Thread(target=writer, args=(docs, "t1-")),
        threading.Thread(target=writer, args=(docs[::-1], "t2-")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with SQLiteStore(path) as s:
        assert s.count_documents() == 60
        assert sum(added) == 60  # each document counted new exactly once
        assert all(s.input_done(f"t{n}-{i}", "d") for n in (1, 2) for i in range(0, 60, 3))


_WRITER = textwrap.dedent(
    """
    import sys
    from storyline.model import Document
    from storyline.store import SQLiteStore

    path, name = sys.argv[1], sys.argv[2]
    with SQLiteStore(path) as s:
        for i in range(40):
            doc = Document(id=f"{name}-{i}", source=name, text=f"text {i}", position=i)
            s.add_documents([doc], input_source=f"{name}#{i}", input_digest="d")
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), name]) for name in ("p", "q")
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    with SQLiteStore(path) as s:
        assert s.count_documents() == 80
        assert [d.position for d in s.iter_documents()] == list(range(40)) * 2


_CRASHER = textwrap.dedent(
    """
    import os, sys
    import storyline.store.sqlite as sqlite_module
    from storyline.model import Document, Failure
    from storyline.store import SQLiteStore

    def die(*args, **kwargs):
        os._exit(3)  # killed mid-transaction: documents and input already written

    sqlite_module._put_failures = die
    docs = [Document(id=f"new-{i}", source="b", text="new") for i in range(5)]
    SQLiteStore(sys.argv[1]).add_documents(
        docs, input_source="b", input_digest="d2", failures=[Failure("b#1", "x")]
    )
    """
)


def test_a_crash_mid_write_leaves_the_previous_state(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    old = make_doc("old story", source="a")
    with SQLiteStore(path) as s:
        s.add_documents([old], input_source="a", input_digest="d1", failures=[Failure("a#2", "x")])
    result = subprocess.run([sys.executable, "-c", _CRASHER, str(path)], timeout=60)
    assert result.returncode == 3
    with SQLiteStore(path) as s:
        assert list(s.iter_documents()) == [old]
        assert s.input_done("a", "d1") and not s.input_done("b", "d2")
        assert s.failures() == [Failure("a#2", "x")]


# -- property: the round trip ---------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_maybe = st.none() | _text
_published = st.none() | st.builds(
    Published,
    value=st.sampled_from(["2020", "2020-02", "2020-02-29", "2020-02-29T23:59:59-05:30"]),
    precision=st.sampled_from(["year", "month", "day", "minute", "second"]),
    method=_text,
)
_offset = st.integers(min_value=0, max_value=10**6)
_documents = st.builds(
    Document,
    id=_text.filter(bool),
    source=_text,
    text=_text,
    kind=st.sampled_from(["article", "page", "post"]),
    parent_id=_maybe,
    url=_maybe,
    outlet=_maybe,
    credited_sources=st.lists(_text, max_size=3).map(tuple),
    title=_maybe,
    author=_maybe,
    published=_published,
    language=_maybe,
    tags=st.lists(_text, max_size=3).map(tuple),
    removed=st.lists(st.builds(Removal, _offset, _offset, _offset, _text, _text), max_size=3).map(
        tuple
    ),
    provenance=st.lists(st.tuples(_text, _text), max_size=3).map(tuple),
    position=st.integers(min_value=-(2**63), max_value=2**63 - 1),
)


@pytest.mark.parametrize("kind", STORE_KINDS)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(docs=st.lists(_documents, max_size=5, unique_by=lambda d: d.id))
def test_round_trip_property(
    request: pytest.FixtureRequest, kind: str, docs: list[Document]
) -> None:
    with _fresh_store(request, kind) as s:
        assert s.add_documents(docs) == len(docs)
        assert s.add_documents(docs) == 0
        for doc in docs:
            assert s.get_document(doc.id) == doc
        assert list(s.iter_documents()) == sorted(docs, key=lambda d: (d.source, d.position, d.id))


def _fresh_store(request: pytest.FixtureRequest, kind: str) -> Store:
    """An empty store of one kind (PostgreSQL: the test's schema, emptied)."""
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite":
        return SQLiteStore(":memory:")
    url, schema = request.getfixturevalue("postgres_url"), request.getfixturevalue("pg_schema")
    store = PostgresStore(url, schema=schema)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'TRUNCATE "{schema}".documents')
    return store


def test_a_lock_is_reentrant_and_names_are_separate(store: Store) -> None:
    with store.exclusive("corpus"), store.exclusive("corpus"), store.exclusive("other"):
        store.put_section("progress", [{"at": 1}])
    with store.exclusive("corpus"):  # let go of every time it was taken
        assert store.get_section("progress") == [{"at": 1}]
