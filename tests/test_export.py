"""Exports: JSON against its schema, JSONL, CSV and Parquet, to streams, files and folders."""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from storyline.model import Document, Failure, Published, Removal, document_id
from storyline.outputs import FORMATS, export, export_data, load_schema, validate_export
from storyline.outputs.export import DOCUMENT_COLUMNS, SECTIONS
from storyline.store import MemoryStore, SQLiteStore, Store

HOSTILE = "He said \"no, never\",\nthen left; <script>alert(1)</script>\r\n'quoted'\t, done"


def make_doc(text: str, source: str = "a.html", **fields: object) -> Document:
    """A document with a real content-hash id."""
    doc = Document(id="", source=source, text=text, **fields)  # type: ignore[arg-type]
    return dataclasses.replace(
        doc, id=document_id(text, title=doc.title, url=doc.url, outlet=doc.outlet)
    )


def fill(store: Store) -> list[Document]:
    """A small corpus: an article, a page with two posts, a hostile one; results; failures."""
    page = make_doc("Live: storm\nPost one.\nPost two.", source="live.html", kind="page")
    docs = [
        make_doc(
            "Storm hits the coast. Two dead.",
            source="a.html",
            url="https://example.org/storm",
            outlet="Example Gazette",
            credited_sources=("AP", "Reuters"),
            title="Storm hits",
            author="Jo Writer",
            published=Published("2020-01-05T17:45+02:00", "minute", "html-meta"),
            language="en",
            tags=("weather", "coast"),
            removed=(Removal(21, 21, 35, "Advertisement ", "ad"),),
            provenance=(("published", "html-meta"),),
        ),
        page,
        make_doc("Post one.", source="live.html", kind="post", parent_id=page.id, position=1),
        make_doc("Post two.", source="live.html", kind="post", parent_id=page.id, position=2),
        make_doc(HOSTILE, source='b,"odd".html', title=HOSTILE, tags=("a;b", "c, d")),
    ]
    store.add_documents(
        docs, input_source="feed.jsonl", input_digest="d1", failures=[Failure("feed.jsonl#4", "x")]
    )
    store.record_failure(Failure("gone.html", "HTTP 404", stage="fetch"))
    evidence = {"document_id": docs[0].id, "start": 0, "end": 5, "text": "Storm"}
    store.put_section(
        "summary",
        [
            {"id": "s1", "label": "Storm", "size": 3, "evidence": [evidence]},
            {"id": "s2", "label": None, "size": 1, "extra": True},
        ],
    )
    store.put_section("quotes", [{
        "id": "e1", "kind": "direct", "text": "Storm", "evidence": evidence, "cue": None,
        "speaker": None, "speaker_how": None, "label": "Example Gazette", "score": 0.5,
    }])  # fmt: skip
    return docs


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s: Store = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "s.db")
    with s:
        fill(s)
        yield s


def export_text(store: Store, fmt: str) -> str:
    buf = io.StringIO()
    export(store, fmt, buf)
    return buf.getvalue()


# -- JSON and its schema ------------------------------------------------------------------


def test_json_export_validates_and_holds_everything(store: Store) -> None:
    data = json.loads(export_text(store, "json"))
    validate_export(data)
    assert list(data) == ["schema", "documents", *SECTIONS, "failures"]
    assert data["schema"] == "storyline/1"
    assert data["documents"] == [d.to_dict() for d in store.iter_documents()]
    assert data["summary"][0]["evidence"][0]["text"] == "Storm"
    assert data["events"] == []
    assert data["failures"] == [
        {"source": "feed.jsonl#4", "stage": "ingest", "reason": "x"},
        {"source": "gone.html", "stage": "fetch", "reason": "HTTP 404"},
    ]
    assert data == export_data(store)


def test_an_empty_store_exports_a_valid_document() -> None:
    data = export_data(MemoryStore())
    validate_export(data)
    assert all(data[key] == [] for key in data if key != "schema")


def test_json_export_is_byte_identical_and_the_same_from_both_stores(tmp_path: Path) -> None:
    outputs = []
    for i, s in enumerate([MemoryStore(), SQLiteStore(tmp_path / "s.db"), MemoryStore()]):
        with s:
            fill(s)
            export(s, "json", tmp_path / f"out{i}.json")
            export(s, "json", tmp_path / f"again{i}.json")
        outputs += [
            (tmp_path / f"out{i}.json").read_bytes(),
            (tmp_path / f"again{i}.json").read_bytes(),
        ]
    assert len(set(outputs)) == 1
    assert outputs[0].endswith(b"\n") and b"Jo Writer" in outputs[0]
    # ensure_ascii=False: only what JSON must escape is escaped.
    assert json.dumps(HOSTILE, ensure_ascii=False).encode() in outputs[0]


def test_json_goes_to_standard_output_as_utf8(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    store.put_section("summary", [{"text": "Ünïcødé — 東京"}])
    export(store, "json")
    assert json.loads(capsys.readouterr().out)["summary"] == [{"text": "Ünïcødé — 東京"}]


def test_json_to_a_binary_stream(store: Store) -> None:
    buf = io.BytesIO()
    export(store, "json", buf)
    assert json.loads(buf.getvalue().decode("utf-8")) == export_data(store)
    assert not buf.closed


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("schema",), "storyline/2"),
        (("documents", 0, "kind"), "blog"),
        (("documents", 0, "published"), "2020/01/05"),
        (("documents", 0, "published"), "2020-01-05T17:45Z"),
        (("documents", 0, "published_precision"), "week"),
        (("documents", 0, "position"), "1"),
        (("documents", 0, "tags"), "weather"),
        (("documents", 0, "removed", 0, "start"), -1),
        (("documents", 0, "provenance"), {"published": 1}),
        (("documents", 0, "surprise"), 1),
        (("summary", 0, "type"), "summary"),
        (("failures", 0, "stage"), None),
        (("quotes",), {}),
    ],
)
def test_the_schema_rejects_broken_exports(store: Store, path: tuple[Any, ...], value: Any) -> None:
    data = copy.deepcopy(export_data(store))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        validate_export(data)


@pytest.mark.parametrize(
    "value",
    ["2020", "2020-01", "2020-01-05", "2020-01-05T17:45", "2020-01-05T17:45:10-05:00", None],
)
def test_the_schema_accepts_every_published_form(store: Store, value: str | None) -> None:
    data = export_data(store)
    data["documents"][0]["published"] = value
    validate_export(data)


def test_the_schema_defines_evidence() -> None:
    schema = load_schema()
    evidence = jsonschema.Draft202012Validator(schema["$defs"]["evidence"])
    assert evidence.is_valid({"document_id": "d1", "start": 0, "end": 4, "text": "Stor"})
    assert not evidence.is_valid({"document_id": "d1", "start": -1, "end": 4, "text": "x"})
    assert not evidence.is_valid({"document_id": "d1", "start": 0, "end": 4})
    assert not evidence.is_valid({"document_id": "d1", "start": 0.5, "end": 4, "text": "x"})
    jsonschema.Draft202012Validator.check_schema(schema)
    load_schema()["title"] = "changed"
    assert load_schema()["title"] != "changed"  # every call gets its own copy


def test_the_schema_knows_every_document_field() -> None:
    document = load_schema()["$defs"]["document"]
    fields = list(make_doc("x").to_dict())
    assert sorted(document["required"]) == sorted(fields)
    assert sorted(document["properties"]) == sorted(fields)


# -- JSON Lines ---------------------------------------------------------------------------


def test_jsonl_has_a_header_then_typed_records(store: Store) -> None:
    lines = export_text(store, "jsonl").splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0] == {"type": "header", "schema": "storyline/1"}
    types = [r["type"] for r in records[1:]]
    assert types == ["document"] * 5 + ["quote", "summary", "summary", "failure", "failure"]
    docs = [{k: v for k, v in r.items() if k != "type"} for r in records[1:6]]
    assert docs == [d.to_dict() for d in store.iter_documents()]
    assert records[7] == {"type": "summary", **store.get_section("summary")[0]}
    assert records[-1] == {
        "type": "failure",
        "source": "gone.html",
        "stage": "fetch",
        "reason": "HTTP 404",
    }


def test_jsonl_record_types_cover_every_section(tmp_path: Path) -> None:
    with MemoryStore() as s:
        for name in SECTIONS:
            s.put_section(name, [{"id": name}])
        path = tmp_path / "out.jsonl"
        export(s, "jsonl", path)
    types = [json.loads(line)["type"] for line in path.read_text("utf-8").splitlines()]
    assert types == [
        "header", "derivation", "family", "story", "time_expression", "entity", "event", "claim",
        "conflict", "quote", "timeline_entry", "summary",
    ]  # fmt: skip


# -- CSV ------------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def read_csv_file(path: Path) -> list[dict[str, str]]:
    # newline="": a "\r\n" inside a quoted cell is data, not a line end.
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_documents_table_survives_hostile_text(store: Store) -> None:
    text = export_text(store, "csv")
    assert text.splitlines()[0] == ",".join(DOCUMENT_COLUMNS)
    rows = read_csv(text)
    assert len(rows) == 5
    by_text = {row["text"]: row for row in rows}
    hostile = by_text[HOSTILE]
    assert hostile["title"] == HOSTILE
    assert hostile["source"] == 'b,"odd".html'
    assert hostile["tags"] == "a;b; c, d"
    article = by_text["Storm hits the coast. Two dead."]
    assert article["credited_sources"] == "AP; Reuters"
    assert article["published"] == "2020-01-05T17:45+02:00"
    assert article["published_precision"] == "minute"
    assert article["parent_id"] == "" and article["position"] == "0"
    posts = [row for row in rows if row["kind"] == "post"]
    assert [row["position"] for row in posts] == ["1", "2"]


def test_csv_to_a_file_and_to_standard_output(
    store: Store, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = tmp_path / "docs.csv"
    export(store, "csv", str(path))
    export(store, "csv")
    assert capsysbinary.readouterr().out == path.read_bytes()
    assert read_csv_file(path) == read_csv(export_text(store, "csv"))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


@pytest.mark.parametrize("spelling", ["existing", "slash"])
def test_csv_folder_gets_one_file_per_non_empty_section(
    store: Store, tmp_path: Path, spelling: str
) -> None:
    folder = tmp_path / "out"
    if spelling == "existing":
        folder.mkdir()
        export(store, "csv", folder)
    else:
        export(store, "csv", f"{folder}/")
    assert sorted(p.name for p in folder.iterdir()) == [
        "documents.csv",
        "failures.csv",
        "quotes.csv",
        "summary.csv",
    ]
    stories = read_csv_file(folder / "summary.csv")
    assert list(stories[0]) == ["id", "label", "size", "evidence", "extra"]
    assert json.loads(stories[0]["evidence"]) == store.get_section("summary")[0]["evidence"]
    assert stories[0]["size"] == "3" and stories[1]["label"] == "" and stories[1]["extra"] == "true"
    assert read_csv_file(folder / "failures.csv")[1] == {
        "source": "gone.html",
        "stage": "fetch",
        "reason": "HTTP 404",
    }
    documents = read_csv_file(folder / "documents.csv")
    assert documents == read_csv(export_text(store, "csv"))


# -- Parquet ----------------------------------------------------------------------------------


def test_parquet_documents_table(store: Store) -> None:
    buf = io.BytesIO()
    export(store, "parquet", buf)
    table = pq.read_table(io.BytesIO(buf.getvalue()))
    assert table.column_names == list(DOCUMENT_COLUMNS)
    assert table.schema.field("tags").type == pa.list_(pa.string())
    assert table.schema.field("position").type == pa.int64()
    rows = table.to_pylist()
    expected = [d.to_dict() for d in store.iter_documents()]
    assert rows == [{c: d[c] for c in DOCUMENT_COLUMNS} for d in expected]
    assert any(row["text"] == HOSTILE for row in rows)


def test_parquet_to_a_file_standard_output_and_a_folder(
    store: Store, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = tmp_path / "docs.parquet"
    export(store, "parquet", path)
    assert pq.read_table(path).num_rows == 5
    export(store, "parquet")
    assert pq.read_table(io.BytesIO(capsysbinary.readouterr().out)).num_rows == 5

    folder = tmp_path / "tables"
    export(store, "parquet", f"{folder}/")
    assert sorted(p.name for p in folder.iterdir()) == [
        "documents.parquet",
        "failures.parquet",
        "quotes.parquet",
        "summary.parquet",
    ]
    stories = pq.read_table(folder / "summary.parquet")
    assert stories.schema.field("size").type == pa.int64()
    assert stories.schema.field("extra").type == pa.bool_()
    assert stories.schema.field("evidence").type == pa.string()  # nested: JSON text
    assert stories.column("label").to_pylist() == ["Storm", None]
    assert pq.read_table(folder / "quotes.parquet").schema.field("score").type == pa.float64()


def test_parquet_of_an_empty_store_keeps_its_column_types() -> None:
    buf = io.BytesIO()
    export(MemoryStore(), "parquet", buf)
    table = pq.read_table(io.BytesIO(buf.getvalue()))
    assert table.num_rows == 0
    assert table.schema.field("credited_sources").type == pa.list_(pa.string())


def test_parquet_refuses_a_text_stream(store: Store) -> None:
    with pytest.raises(ValueError, match="parquet is binary"):
        export(store, "parquet", io.StringIO())


# -- errors ----------------------------------------------------------------------------------


def test_unknown_format_lists_the_valid_ones(store: Store) -> None:
    with pytest.raises(
        ValueError, match="unknown export format 'xml'; valid: json, jsonl, csv, parquet"
    ):
        export(store, "xml", io.StringIO())
    assert FORMATS == ("json", "jsonl", "csv", "parquet")


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_single_file_formats_refuse_a_folder(store: Store, tmp_path: Path, fmt: str) -> None:
    with pytest.raises(ValueError, match="writes one file"):
        export(store, fmt, tmp_path)


def test_a_failed_export_leaves_no_file(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("previous export\n")

    def broken(name: str) -> list[dict[str, Any]]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "get_section", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export(store, "jsonl", path)
    assert path.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


def test_events_and_claims_tables_are_flat_with_evidence_links(tmp_path: Path) -> None:
    with MemoryStore() as s:
        docs = fill(s)
        evidence = {"document_id": docs[0].id, "start": 0, "end": 5, "text": "Storm"}
        ref = {"entity_id": "ent_1", "name": "Coast Guard", "evidence": evidence}
        s.put_section("events", [{
            "id": "evt_1", "event_type": "ASSAULT", "label": "Storm hits", "actors": [ref],
            "targets": [], "location": None, "modality": "happened",
            "date": {"value": "2020-01-05", "precision": "day", "source": "sentence"},
            "documents": [docs[0].id], "independent_sources": 1, "conflicting_dates": False,
            "quantities": [{"claim_id": "clm_1", "value": 2, "counted": "dead"}],
            "mentions": [{"evidence": evidence, "sentence": evidence}],
        }])  # fmt: skip
        s.put_section("claims", [{
            "id": "clm_1", "value": 2, "low": 2, "high": None, "counted": "dead",
            "speaker": None, "owner": ref, "evidence": evidence, "sentence": evidence,
        }])  # fmt: skip
        export(s, "csv", tmp_path)
    events = read_csv_file(tmp_path / "events.csv")
    assert events[0]["event_date"] == "2020-01-05" and events[0]["actor1"] == "Coast Guard"
    assert events[0]["fatalities"] == "2" and events[0]["first_document_id"] == docs[0].id
    assert events[0]["evidence_start"] == "0" and events[0]["num_mentions"] == "1"
    claims = read_csv_file(tmp_path / "claims.csv")
    assert claims[0]["owner_entity_id"] == "ent_1" and claims[0]["text"] == "Storm"
