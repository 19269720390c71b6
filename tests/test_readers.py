from __future__ import annotations

import gzip
import json

import pytest

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest.readers import read_input, sniff
from storyline.ingest.record import RawRecord
from storyline.model import Failure

BODY = "The harbour master said the ferry would resume its crossings on Saturday morning."


def read(name: str, data: bytes, config: Config | None = None) -> list[RawRecord | Failure]:
    return list(read_input(name, name, data, config or Config()))


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("a.txt", b"hello", "text"),
        ("a", b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("a", b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "feed"),
        ("a.xml", b"<html><body><p>x</p></body></html>", "html"),
        ("a", b"WARC/1.0\r\n", "warc"),
        ("a", b'{"text": "x"}', "json"),
        ("a", b'{"text": "x"}\n{"text": "y"}\n', "jsonl"),
        ("a", b"[1, 2]", "json"),
        ("notes", b"Plain words here.", "text"),
    ],
)
def test_sniff(name: str, data: bytes, fmt: str) -> None:
    assert sniff(name, data) == fmt


def test_text_file() -> None:
    [rec] = read("a.txt", BODY.encode())
    assert isinstance(rec, RawRecord) and rec.text == BODY and rec.title is None


def test_json_record_fields() -> None:
    data = json.dumps({
        "text": BODY, "title": "Ferry back", "url": "https://example.org/f",
        "published": "2023-04-01T10:00:00", "outlet": "Harbour News", "author": ["A. Bo", "C. Di"],
    }).encode()  # fmt: skip
    [rec] = read("a.json", data)
    assert isinstance(rec, RawRecord)
    assert rec.title == "Ferry back" and rec.outlet == "Harbour News"
    assert rec.author == "A. Bo, C. Di"
    assert rec.published and rec.published.value == "2023-04-01T10:00:00"
    assert dict(rec.provenance)["published"] == "record"


def test_json_list_and_documents_wrapper() -> None:
    recs = read("a.json", json.dumps([{"text": BODY}, {"text": BODY + " Again."}]).encode())
    assert [r.source for r in recs] == ["a.json#1", "a.json#2"]
    recs = read("a.json", json.dumps({"documents": [{"text": BODY}]}).encode())
    assert len(recs) == 1


def test_jsonl_bad_lines_fail_alone() -> None:
    data = "\n".join([
        json.dumps({"text": BODY}), "{not json", json.dumps({"title": "no text"}), "",
        json.dumps(["a list"]), json.dumps({"text": BODY, "published": "someday"}),
        json.dumps({"text": "Second good record."}),
    ]).encode()  # fmt: skip
    recs = read("a.jsonl", data)
    good = [r for r in recs if isinstance(r, RawRecord)]
    bad = [r for r in recs if isinstance(r, Failure)]
    assert len(good) == 2
    assert [f.source for f in bad] == ["a.jsonl#2", "a.jsonl#3", "a.jsonl#5", "a.jsonl#6"]
    assert "not valid JSON" in bad[0].reason
    assert "no text or html" in bad[1].reason
    assert "published date" in bad[3].reason


def test_json_html_field_is_extracted() -> None:
    html = (
        f"<html><head><title>Ferry</title></head><body><article><p>{BODY}</p>"
        f"<p>{BODY}</p></article></body></html>"
    )
    [rec] = read("a.jsonl", json.dumps({"html": html, "outlet": "Port Daily"}).encode() + b"\n")
    assert isinstance(rec, RawRecord)
    assert "harbour master" in rec.text and rec.outlet == "Port Daily"


def test_invalid_json_file() -> None:
    with pytest.raises(IngestError, match="not valid JSON"):
        read("a.json", b'{"text": ')


def test_max_records() -> None:
    config = Config().replace(ingest={"max_records": 2})
    data = "\n".join(json.dumps({"text": f"{BODY} {i}"}) for i in range(5)).encode()
    recs = read("a.jsonl", data, config)
    assert sum(isinstance(r, RawRecord) for r in recs) == 2
    assert isinstance(recs[-1], Failure) and "max_records" in recs[-1].reason


def test_gz_is_unwrapped() -> None:
    [rec] = read("a.txt.gz", gzip.compress(BODY.encode()))
    assert isinstance(rec, RawRecord) and rec.text == BODY


def test_size_limit_applies_after_decompression() -> None:
    config = Config().replace(ingest={"max_bytes": 1000})
    with pytest.raises(IngestError, match="too large"):
        read("a.txt.gz", gzip.compress(b"word " * 1000), config)
