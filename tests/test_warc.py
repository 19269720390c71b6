"""WARC reader: archives written here with warcio, good, skipped, broken and truncated."""

from __future__ import annotations

import gzip
import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest.readers import read_input
from storyline.ingest.record import RawRecord
from storyline.ingest.warc import read_warc
from storyline.model import Failure

PARA = "<p>" + "Harbour workers voted to accept the new contract after a long night. " * 4 + "</p>"


def html_page(title: str, extra_head: str = "") -> bytes:
    return (
        f"<html lang='en'><head><title>{title}</title>{extra_head}</head>"
        f"<body><article><h1>{title}</h1>{PARA}{PARA}</article></body></html>"
    ).encode()


def response(
    writer: WARCWriter,
    uri: str,
    body: bytes,
    *,
    status: str = "200 OK",
    content_type: str = "text/html; charset=utf-8",
) -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": "2024-06-01T10:00:00Z"},
    )
    writer.write_record(record)


def build_warc(gzip_records: bool = True) -> bytes:
    """Two good pages, a page without text, and records that must be skipped."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip_records)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
    response(writer, "https://port.example/one", html_page("Dockers accept contract"))
    request = writer.create_warc_record(
        "https://port.example/one",
        "request",
        payload=io.BytesIO(b"GET /one HTTP/1.1\r\nHost: port.example\r\n\r\n"),
    )
    writer.write_record(request)
    response(
        writer, "https://port.example/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png"
    )
    response(writer, "https://port.example/gone", html_page("Gone"), status="404 Not Found")
    response(writer, "https://port.example/empty", b"<html><body></body></html>")
    resource = writer.create_warc_record(
        "https://port.example/two",
        "resource",
        payload=io.BytesIO(html_page("Cranes arrive at the port")),
        warc_content_type="text/html",
    )
    writer.write_record(resource)
    return buf.getvalue()


def split(results: list[RawRecord | Failure]) -> tuple[list[RawRecord], list[Failure]]:
    records = [r for r in results if isinstance(r, RawRecord)]
    failures = [r for r in results if isinstance(r, Failure)]
    return records, failures


@pytest.mark.parametrize("gzip_records", [True, False], ids=["warc.gz", "warc"])
def test_reads_html_pages_and_skips_the_rest(gzip_records: bool) -> None:
    results = list(read_warc(build_warc(gzip_records), "crawl.warc", Config()))
    records, failures = split(results)
    assert [r.source for r in records] == [
        "crawl.warc#https://port.example/one",
        "crawl.warc#https://port.example/two",
    ]
    assert records[0].title == "Dockers accept contract"
    assert records[0].url == "https://port.example/one"
    assert "Harbour workers voted" in records[0].text
    assert records[1].title == "Cranes arrive at the port"
    # The WARC-Date is the crawl date, never the publication date.
    assert all(r.published is None for r in records)
    assert [(f.source, f.reason) for f in failures] == [
        ("crawl.warc#https://port.example/empty", "no article text found in the HTML")
    ]


def test_publication_date_comes_from_the_page_markup() -> None:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    meta = '<meta property="article:published_time" content="2024-05-30T07:00:00Z">'
    response(writer, "https://port.example/dated", html_page("Dated", meta))
    (rec,) = read_warc(buf.getvalue(), "c.warc.gz", Config())
    assert rec.published is not None
    assert rec.published.value == "2024-05-30T07:00:00+00:00"


def test_declared_charset_is_used_for_non_utf8_pages() -> None:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    body = html_page("Caf\xe9 owners protest").decode().encode("latin-1")
    response(writer, "https://port.example/cafe", body, content_type="text/html; charset=latin-1")
    (rec,) = read_warc(buf.getvalue(), "c.warc", Config())
    assert rec.title == "Café owners protest"


def test_whole_file_gzip_is_read() -> None:
    data = gzip.compress(build_warc(gzip_records=False))
    records, failures = split(list(read_warc(data, "crawl.warc.gz", Config())))
    assert len(records) == 2 and len(failures) == 1


@pytest.mark.parametrize("gzip_records", [True, False], ids=["warc.gz", "warc"])
def test_truncated_archive_yields_what_was_read_then_a_failure(gzip_records: bool) -> None:
    data = build_warc(gzip_records)
    cut = data[: len(data) - 40]  # inside the last record (the resource page)
    results = list(read_warc(cut, "crawl.warc", Config()))
    records, failures = split(results)
    assert [r.title for r in records] == ["Dockers accept contract"]
    assert isinstance(results[-1], Failure)
    assert results[-1].source == "crawl.warc"
    assert results[-1].reason.startswith("truncated or corrupt WARC: ")


def test_truncated_whole_file_gzip_reports_the_cut() -> None:
    data = gzip.compress(build_warc(gzip_records=False))
    results = list(read_warc(data[: len(data) - 30], "crawl.warc.gz", Config()))
    assert results[-1] == Failure("crawl.warc.gz", results[-1].reason)
    assert results[-1].reason.startswith("truncated or corrupt WARC: ")


@pytest.mark.parametrize("gzip_records", [True, False], ids=["warc.gz", "warc"])
def test_archive_cut_inside_the_first_record_raises(gzip_records: bool) -> None:
    data = build_warc(gzip_records)
    with pytest.raises(IngestError, match="truncated or corrupt WARC|not a WARC"):
        list(read_warc(data[:20], "crawl.warc", Config()))


def test_not_a_warc_raises() -> None:
    with pytest.raises(IngestError, match="not a WARC or ARC archive"):
        list(read_warc(b"<html><body>hello</body></html>", "x.warc", Config()))
    with pytest.raises(IngestError, match="not a WARC or ARC archive"):
        list(read_warc(gzip.compress(b"just some text"), "x.warc.gz", Config()))


def test_max_records_stops_reading() -> None:
    config = Config().replace(ingest={"max_records": 1})
    results = list(read_warc(build_warc(), "crawl.warc", config))
    assert isinstance(results[0], RawRecord)
    assert results[-1] == Failure("crawl.warc", "stopped after 1 pages (ingest.max_records)")
    assert len(results) == 2


def test_max_bytes_applies_per_page() -> None:
    config = Config().replace(ingest={"max_bytes": 200})
    results = list(read_warc(build_warc(), "crawl.warc", config))
    records, failures = split(results)
    assert records == []
    assert failures[0].source == "crawl.warc#https://port.example/one"
    assert failures[0].reason.startswith("too large: payload over 200 bytes")


def test_read_input_dispatches_warc_gz() -> None:
    results = list(read_input("c.warc.gz", "c.warc.gz", build_warc(), Config()))
    records, _ = split(results)
    assert len(records) == 2
